// lwm2m-json.test.ts: the LwM2M JSON format (11543): the Device instance read as {"bn","e"}, typed decoding (opaque in
// base64, object links), refusals with codes.
import test from 'ava';
import { decode, encode } from '../../../src/lwm2m/formats/index.js';
import { ContentFormat, type LwRecord } from '../../../src/lwm2m/types.js';
import { deviceContext } from '../../support/device-types.js';

test('an instance encodes with the instance as base name and relative names', (t) => {
  const recs: LwRecord[] = [
    { path: [3, 0, 0], value: 'Open Mobile Alliance' },
    { path: [3, 0, 6, 0], value: 1 },
    { path: [3, 0, 13], value: 1367491215 },
  ];
  const doc = JSON.parse(
    Buffer.from(encode(ContentFormat.JSON_OLD, recs, deviceContext([3, 0]))).toString(),
  ) as unknown;
  t.deepEqual(doc, {
    bn: '/3/0/',
    e: [
      { n: '0', sv: 'Open Mobile Alliance' },
      { n: '6/0', v: 1 },
      { n: '13', v: 1367491215 },
    ],
  });
});

test('the spec-style document decodes into typed records', (t) => {
  const doc = {
    bn: '/3/0/',
    e: [
      { n: '0', sv: 'Open Mobile Alliance' },
      { n: '9', v: 100 },
      { n: '6/0', v: 1 },
    ],
  };
  t.deepEqual(decode(ContentFormat.JSON_OLD, Buffer.from(JSON.stringify(doc)), deviceContext([3, 0])), [
    { path: [3, 0, 0], value: 'Open Mobile Alliance' },
    { path: [3, 0, 9], value: 100 },
    { path: [3, 0, 6, 0], value: 1 },
  ]);
});

test('not JSON, no "e" array, a bad name or an entry without value are FORMAT_DECODE', (t) => {
  for (const bad of [
    '{',
    '[]',
    '{"bn":"/3/0/"}',
    '{"bn":"/3/x/","e":[{"n":"0","sv":"a"}]}',
    '{"bn":"/3/0/","e":[{"n":"0"}]}',
  ]) {
    t.like(
      t.throws(() => decode(ContentFormat.JSON_OLD, Buffer.from(bad), deviceContext([3, 0])), undefined, bad),
      { code: 'FORMAT_DECODE' },
      bad,
    );
  }
});
