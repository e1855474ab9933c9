// model.test.ts: the dev server's type knowledge (core objects, 3424, ObjectDefs) and its content-format helpers.
import test from 'ava';
import { decode, decodePaths, encode } from '../../src/lwm2m/formats/index.js';
import { ContentFormat } from '../../src/lwm2m/types.js';
import { TypeRegistry, typesFromDefs } from '../../src/devserver/model.js';
import { encodePaths, formatNumber, toResult } from '../../src/devserver/content.js';

test('TLV of the water meter object decodes with its types', (t) => {
  const reg = new TypeRegistry();
  const records = [
    { path: [3424, 0, 1], value: 12.5 },
    { path: [3424, 0, 4], value: 1250 },
    { path: [3424, 0, 10], value: true },
  ];
  const tlv = encode(ContentFormat.TLV, records, reg.context([3424, 0]));
  t.deepEqual(decode(ContentFormat.TLV, tlv, reg.context([3424, 0])), records);
});

test('object definitions extend the registry; unknown resources stay untyped', (t) => {
  const reg = new TypeRegistry(
    typesFromDefs([
      {
        id: 33000,
        name: 'x',
        version: '1.0',
        lwm2mVersion: '1.1',
        multiple: false,
        mandatory: false,
        urn: 'urn:x',
        resources: [{ id: 0, name: 'a', type: 'integer', operations: 'R', multiple: true }],
      },
    ] as never),
  );
  t.deepEqual(reg.info(33000, 0), ['integer', true]);
  t.is(reg.info(33000, 1), undefined);
  t.deepEqual(reg.info(3, 0), ['string', false], 'core objects still known');
});

test('content-format headers map back to numbers', (t) => {
  t.is(formatNumber('application/vnd.oma.lwm2m+tlv'), 11542);
  t.is(formatNumber('application/senml+cbor'), 112);
  t.is(formatNumber('text/plain;charset=utf-8'), 0);
  t.is(formatNumber(11544), 11544);
  t.is(formatNumber('application/x-unknown'), undefined);
  t.is(formatNumber(undefined), undefined);
});

test("composite path bodies round-trip through the codecs' path decoder", (t) => {
  for (const f of [ContentFormat.SENML_CBOR, ContentFormat.SENML_JSON]) {
    t.deepEqual(decodePaths(f, encodePaths(f, [[3, 0, 0], [3424, 0], []])), [[3, 0, 0], [3424, 0], []]);
  }
  t.throws(() => encodePaths(ContentFormat.TLV, [[3]]), { message: /cannot carry/ });
});

test('toResult keeps undecodable payloads with the reason', (t) => {
  const r = toResult('2.05', ContentFormat.SENML_CBOR, Uint8Array.from([0xff, 0x01]), [3], new TypeRegistry());
  t.is(r.records, undefined);
  t.truthy(r.decodeError);
  t.is(
    toResult('4.04', ContentFormat.SENML_CBOR, Uint8Array.from([0xff]), [3], new TypeRegistry()).decodeError,
    undefined,
    'errors are not decoded',
  );
});
