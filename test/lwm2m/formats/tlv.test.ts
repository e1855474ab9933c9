// tlv.test.ts: OMA-TLV against the Device object example of the LwM2M 1.1 Core TS §7.4.3, and edge cases.
import test from 'ava';
import { decode, encode } from '../../../src/lwm2m/formats/index.js';
import { ContentFormat, type LwRecord } from '../../../src/lwm2m/types.js';
import { deviceContext } from '../../support/device-types.js';

// OMA-TS-LightweightM2M_Core-V1_1 §7.4.3.1, "Single Object Instance Request Example" (/3/0, TLV).
const SPEC_HEX = [
  'c800144f70656e204d6f62696c6520416c6c69616e6365',
  'c801164c696768747765696768742' + '04d324d20436c69656e74',
  'c80209333435303030313233',
  'c303312e30',
  '86064100014101' + '05',
  '88070842000ed842011388',
  '870841007d42010384',
  'c10964',
  'c10a0f',
  '830b410000', // one error-code instance: length 3 in the type byte
  'c40d5182428f',
  'c60e2b30323a3030',
  'c11055',
].join('');

const SPEC_RECORDS: LwRecord[] = [
  { path: [3, 0, 0], value: 'Open Mobile Alliance' },
  { path: [3, 0, 1], value: 'Lightweight M2M Client' },
  { path: [3, 0, 2], value: '345000123' },
  { path: [3, 0, 3], value: '1.0' },
  { path: [3, 0, 6, 0], value: 1 },
  { path: [3, 0, 6, 1], value: 5 },
  { path: [3, 0, 7, 0], value: 3800 },
  { path: [3, 0, 7, 1], value: 5000 },
  { path: [3, 0, 8, 0], value: 125 },
  { path: [3, 0, 8, 1], value: 900 },
  { path: [3, 0, 9], value: 100 },
  { path: [3, 0, 10], value: 15 },
  { path: [3, 0, 11, 0], value: 0 },
  { path: [3, 0, 13], value: 0x5182428f },
  { path: [3, 0, 14], value: '+02:00' },
  { path: [3, 0, 16], value: 'U' },
];

test('encodes the spec Device instance byte for byte', (t) => {
  const bytes = encode(ContentFormat.TLV, SPEC_RECORDS, deviceContext([3, 0]));
  t.is(Buffer.from(bytes).toString('hex'), SPEC_HEX);
});

test('decodes the spec Device instance into typed records', (t) => {
  const recs = decode(ContentFormat.TLV, Buffer.from(SPEC_HEX, 'hex'), deviceContext([3, 0]));
  t.deepEqual(recs, SPEC_RECORDS);
});

test('object-level read wraps instances in Object Instance TLVs', (t) => {
  const recs: LwRecord[] = [
    { path: [3, 0, 9], value: 100 },
    { path: [3, 1, 9], value: 50 },
  ];
  const bytes = encode(ContentFormat.TLV, recs, deviceContext([3]));
  t.is(Buffer.from(bytes).toString('hex'), '0300c10964' + '0301c10932');
  t.deepEqual(decode(ContentFormat.TLV, bytes, deviceContext([3])), recs);
});

test('floats use 4 bytes when exact, 8 otherwise; integers use the narrowest width', (t) => {
  const f4 = encode(ContentFormat.TLV, [{ path: [3, 0, 21], value: 1.5 }], deviceContext([3, 0, 21]));
  t.is(Buffer.from(f4).toString('hex'), 'c4153fc00000');
  const f8 = encode(ContentFormat.TLV, [{ path: [3, 0, 21], value: 0.1 }], deviceContext([3, 0, 21]));
  t.is(f8.length, 2 + 1 + 8);
  const i2 = encode(ContentFormat.TLV, [{ path: [3, 0, 9], value: -300 }], deviceContext([3, 0, 9]));
  t.is(Buffer.from(i2).toString('hex'), 'c209fed4');
});

test('truncated TLV is a FORMAT_DECODE error', (t) => {
  const err = t.throws(() => decode(ContentFormat.TLV, Buffer.from('c80014', 'hex'), deviceContext([3, 0])));
  t.is((err as { code?: string }).code, 'FORMAT_DECODE');
});
