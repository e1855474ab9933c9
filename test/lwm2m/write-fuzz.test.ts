// write-fuzz.test.ts: mutated TLV / SenML / CBOR write payloads give 4.xx (or a valid write), never a throw or 5.00,
// and a refused write changes nothing.
import test from 'ava';
import fc from 'fast-check';
import { ObjectHost } from '../../src/lwm2m/object-host.js';
import { encode } from '../../src/lwm2m/formats/index.js';
import { ContentFormat, type LwRecord } from '../../src/lwm2m/types.js';
import { testObject } from './fixture-object.js';

const records: LwRecord[] = [
  { path: [3442, 0, 0], value: 'name' },
  { path: [3442, 0, 1], value: 12 },
  { path: [3442, 0, 2], value: 2.5 },
  { path: [3442, 0, 3], value: false },
  { path: [3442, 0, 6, 0], value: 1 },
  { path: [3442, 0, 6, 3], value: 4 },
];

const mutation = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bits: fc.integer({ min: 1, max: 255 }) }),
  fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
);

function mutate(
  p: Uint8Array,
  ms: readonly { kind: 'flip' | 'cut' | 'insert'; at: number; bits?: number; byte?: number }[],
): Uint8Array {
  let b = Buffer.from(p);
  for (const m of ms) {
    if (b.length === 0) break;
    const at = m.at % b.length;
    if (m.kind === 'flip') b[at] ^= m.bits!;
    else if (m.kind === 'cut') b = b.subarray(0, at);
    else b = Buffer.concat([b.subarray(0, at), Buffer.from([m.byte!]), b.subarray(at)]);
  }
  return new Uint8Array(b);
}

for (const fmt of [ContentFormat.TLV, ContentFormat.SENML_JSON, ContentFormat.SENML_CBOR, ContentFormat.LWM2M_CBOR]) {
  test(`mutated ${fmt} writes never throw and refused writes change nothing`, async (t) => {
    const h = new ObjectHost(testObject());
    const valid = encode(fmt, records, { ...h.codec, basePath: [3442, 0] });
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 4 }), fc.boolean(), async (ms, partial) => {
        const before = await h.readRecords([3442]);
        const r = await h.handle({
          op: partial ? 'write-update' : 'write',
          path: [3442, 0],
          format: fmt,
          payload: mutate(valid, ms),
        });
        if (r.code === '5.00') return false;
        if (r.code !== '2.04') {
          t.deepEqual(await h.readRecords([3442]), before);
          if (!r.code.startsWith('4.')) return false;
        }
        return true;
      }),
      { numRuns: 300, seed: 42 },
    );
    t.pass();
  });
}
