// cbor-single.test.ts: the CBOR content format (60): one value as one CBOR data item, byte-exact for small values;
// several values or an instance path refused.
import test from 'ava';
import { decode, encode } from '../../../src/lwm2m/formats/index.js';
import { ContentFormat, type LwRecord } from '../../../src/lwm2m/types.js';
import { deviceContext } from '../../support/device-types.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

test('single values encode as one CBOR item (RFC 8949 examples)', (t) => {
  const one = (path: number[], value: LwRecord['value']): string =>
    hex(encode(ContentFormat.CBOR, [{ path, value }], deviceContext(path)));
  t.is(one([3, 0, 9], 100), '1864');
  t.is(one([3, 0, 9], -1), '20');
  t.is(one([3, 0, 0], 'IETF'), '6449455446');
  t.is(one([1, 0, 6], true), 'f5');
  t.is(one([3, 0, 0], new Uint8Array([1, 2])), '420102');
});

test('a CBOR payload decodes to the resource of the request path, typed by the object', (t) => {
  t.deepEqual(decode(ContentFormat.CBOR, Buffer.from('1864', 'hex'), deviceContext([3, 0, 9])), [
    { path: [3, 0, 9], value: 100 },
  ]);
  t.deepEqual(decode(ContentFormat.CBOR, Buffer.from('6449455446', 'hex'), deviceContext([3, 0, 0])), [
    { path: [3, 0, 0], value: 'IETF' },
  ]);
});

test('several values, an instance path or broken CBOR are refused with codes', (t) => {
  const two: LwRecord[] = [
    { path: [3, 0, 0], value: 'a' },
    { path: [3, 0, 1], value: 'b' },
  ];
  t.like(
    t.throws(() => encode(ContentFormat.CBOR, two, deviceContext([3, 0]))),
    { code: 'FORMAT_ENCODE' },
  );
  t.like(
    t.throws(() => decode(ContentFormat.CBOR, Buffer.from('1864', 'hex'), deviceContext([3, 0]))),
    { code: 'FORMAT_DECODE' },
  );
  t.like(
    t.throws(() => decode(ContentFormat.CBOR, Buffer.from('ff18', 'hex'), deviceContext([3, 0, 9]))),
    { code: 'FORMAT_DECODE' },
  );
});
