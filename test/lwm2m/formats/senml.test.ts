// senml.test.ts: SenML JSON / CBOR and LwM2M CBOR: base names, base times, shortest floats, round trips.
import test from 'ava';
import { decode, decodePaths, encode } from '../../../src/lwm2m/formats/index.js';
import { toHalf } from '../../../src/lwm2m/formats/cbor-writer.js';
import { ContentFormat, type LwRecord } from '../../../src/lwm2m/types.js';
import { deviceContext } from '../../support/device-types.js';

const RECS: LwRecord[] = [
  { path: [3, 0, 0], value: 'Open Mobile Alliance' },
  { path: [3, 0, 9], value: 95 },
  { path: [3, 0, 21], value: 1.5 },
  { path: [3, 0, 22], value: new Uint8Array([1, 2, 255]) },
  { path: [3, 0, 23], value: { objectId: 1, instanceId: 0 } },
  { path: [3, 0, 24], value: true },
  { path: [3, 0, 7, 0], value: 3800 },
  { path: [3, 0, 7, 1], value: 5000 },
];

test('SenML JSON uses the common prefix as base name', (t) => {
  const json = JSON.parse(
    Buffer.from(encode(ContentFormat.SENML_JSON, RECS.slice(0, 2), deviceContext([3, 0]))).toString(),
  );
  t.deepEqual(json, [
    { bn: '/3/0/', n: '0', vs: 'Open Mobile Alliance' },
    { n: '9', v: 95 },
  ]);
});

test('SenML JSON of one resource names it in the base name only', (t) => {
  const json = JSON.parse(
    Buffer.from(encode(ContentFormat.SENML_JSON, [RECS[1]], deviceContext([3, 0, 9]))).toString(),
  );
  t.deepEqual(json, [{ bn: '/3/0/9', v: 95 }]);
});

for (const [name, fmt] of [
  ['SenML JSON', ContentFormat.SENML_JSON],
  ['SenML CBOR', ContentFormat.SENML_CBOR],
  ['LwM2M CBOR', ContentFormat.LWM2M_CBOR],
] as const) {
  test(`${name} round-trips every value type`, (t) => {
    const ctx = deviceContext([3, 0]);
    t.deepEqual(decode(fmt, encode(fmt, RECS, ctx), ctx), RECS);
  });
}

test('SenML CBOR: integer labels and a half-precision float for 1.5', (t) => {
  const bytes = encode(ContentFormat.SENML_CBOR, [{ path: [3, 0, 21], value: 1.5 }], deviceContext([3, 0, 21]));
  // [ { -2: "/3/0/21", 2: 1.5 } ]
  t.is(Buffer.from(bytes).toString('hex'), '81a2216' + '72f332f302f3231' + '02f93e00');
});

test('time-stamped records carry bt once and relative t after it', (t) => {
  const recs: LwRecord[] = [
    { path: [3424, 0, 1], value: 12.5, time: 1_700_000_000 },
    { path: [3424, 0, 1], value: 13, time: 1_700_000_900 },
  ];
  const ctx = { basePath: [3424, 0, 1], typeOf: () => 'float' as const, isMultiple: () => false };
  const json = JSON.parse(Buffer.from(encode(ContentFormat.SENML_JSON, recs, ctx)).toString());
  t.deepEqual(json, [
    { bn: '/3424/0/1', bt: 1_700_000_000, v: 12.5 },
    { t: 900, v: 13 },
  ]);
  t.deepEqual(decode(ContentFormat.SENML_CBOR, encode(ContentFormat.SENML_CBOR, recs, ctx), ctx), recs);
});

test('composite request paths decode from SenML JSON and CBOR', (t) => {
  const body = Buffer.from(JSON.stringify([{ n: '/3/0/0' }, { n: '/1/0/1' }, { bn: '/4/0/', n: '2' }]));
  t.deepEqual(decodePaths(ContentFormat.SENML_JSON, body), [
    [3, 0, 0],
    [1, 0, 1],
    [4, 0, 2],
  ]);
});

test('half-precision conversion keeps only exact values', (t) => {
  t.is(toHalf(1.5), 0x3e00);
  t.is(toHalf(-2), 0xc000);
  t.is(toHalf(0.1), undefined);
  t.is(toHalf(65504), 0x7bff);
  t.is(toHalf(70000), undefined);
});

test('an integer resource refuses a fractional SenML value', (t) => {
  const body = Buffer.from(JSON.stringify([{ bn: '/3/0/9', v: 1.5 }]));
  const err = t.throws(() => decode(ContentFormat.SENML_JSON, body, deviceContext([3, 0, 9])));
  t.is((err as { code?: string }).code, 'FORMAT_DECODE');
});
