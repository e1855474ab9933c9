// fuzz.test.ts: random and mutated payloads for every format decode to records or fail with a coded error, never
// anything else.
import test from 'ava';
import fc from 'fast-check';
import { decode, encode, SUPPORTED_FORMATS } from '../../../src/lwm2m/formats/index.js';
import { parseLinks } from '../../../src/lwm2m/formats/link.js';
import { CodedError } from '../../../src/errors.js';
import { ContentFormat, type LwRecord } from '../../../src/lwm2m/types.js';
import { deviceContext } from '../../support/device-types.js';

const SEED: LwRecord[] = [
  { path: [3, 0, 0], value: 'ACME' },
  { path: [3, 0, 9], value: 7 },
  { path: [3, 0, 7, 0], value: 3800 },
  { path: [3, 0, 24], value: false },
];

function decodesOrCodedError(fmt: number, bytes: Uint8Array): boolean {
  try {
    decode(fmt, bytes, deviceContext([3, 0]));
    return true;
  } catch (err) {
    return err instanceof CodedError && (err.code === 'FORMAT_DECODE' || err.code === 'FORMAT_UNSUPPORTED');
  }
}

for (const fmt of SUPPORTED_FORMATS) {
  test(`format ${fmt}: random bytes never escape as a non-coded error`, (t) => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (b) => decodesOrCodedError(fmt, b)),
      { seed: 42, numRuns: 500 },
    );
    t.pass();
  });
}

for (const fmt of [ContentFormat.TLV, ContentFormat.SENML_JSON, ContentFormat.SENML_CBOR, ContentFormat.LWM2M_CBOR]) {
  test(`format ${fmt}: mutated valid payloads never escape as a non-coded error`, (t) => {
    const valid = encode(fmt, SEED, deviceContext([3, 0]));
    const mutation = fc.array(fc.tuple(fc.nat(valid.length - 1), fc.integer({ min: 0, max: 255 })), {
      minLength: 1,
      maxLength: 4,
    });
    fc.assert(
      fc.property(mutation, fc.nat(valid.length), (muts, cut) => {
        const b = new Uint8Array(valid.slice(0, Math.max(1, cut)));
        for (const [i, v] of muts) if (i < b.length) b[i] = v;
        return decodesOrCodedError(fmt, b);
      }),
      { seed: 7, numRuns: 1000 },
    );
    t.pass();
  });
}

test('link format parse never throws anything but FORMAT_DECODE', (t) => {
  fc.assert(
    fc.property(fc.string({ maxLength: 40 }), (s) => {
      try {
        parseLinks(s);
        return true;
      } catch (err) {
        return err instanceof CodedError && err.code === 'FORMAT_DECODE';
      }
    }),
    { seed: 3, numRuns: 1000 },
  );
  t.pass();
});
