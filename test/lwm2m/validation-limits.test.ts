// validation-limits.test.ts: the object host's limits on what a server writes: value size (4.13, or the definition's
// range → 4.00), 64-bit integers, complete Create, resource-instance paths, attribute ranges.
import test from 'ava';
import { ObjectHost } from '../../src/lwm2m/object-host.js';
import { defineObject, type ObjectSpec } from '../../src/lwm2m/object-api.js';
import { encode, untypedContext } from '../../src/lwm2m/formats/index.js';
import { ContentFormat } from '../../src/lwm2m/types.js';
import {
  checkSize,
  checkValue,
  DEFAULT_MAX_INSTANCES,
  DEFAULT_MAX_VALUE_BYTES,
} from '../../src/lwm2m/operations/validate.js';
import { MAX_PERIOD_S, parseAttributeQuery } from '../../src/lwm2m/attributes.js';
import { updateDueMs } from '../../src/client/persisted.js';
import { serverDefinition } from '../../src/objects/server.js';
import { testObject } from './fixture-object.js';

const txt = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'utf8'));
const put = (path: number[], value: string, format: number = ContentFormat.TEXT) => ({
  op: 'write' as const,
  path,
  format,
  payload: txt(value),
});

function withMandatory(): ObjectSpec {
  return defineObject({
    definition: {
      id: 3500,
      name: 'Mandatory',
      multiple: true,
      resources: [
        { id: 0, name: 'Key', type: 'string', operations: 'RW', mandatory: true },
        { id: 1, name: 'Reading', type: 'integer', operations: 'R', mandatory: true },
        { id: 2, name: 'Go', type: 'none', operations: 'E', mandatory: true },
        { id: 3, name: 'Note', type: 'string', operations: 'RW' },
      ],
    },
  });
}

test('strings and opaque values beyond client.maxValueBytes get 4.13; a definition range.max rules instead (4.00)', async (t) => {
  const h = new ObjectHost(testObject(), { maxValueBytes: 1000 });
  const blob = (n: number) => ({
    op: 'write' as const,
    path: [3442, 0, 4],
    format: ContentFormat.OPAQUE,
    payload: new Uint8Array(n),
  });
  t.is((await h.handle(blob(1000))).code, '2.04');
  t.is((await h.handle(blob(1001))).code, '4.13');
  t.is((await h.handle(put([3442, 0, 0], 'x'.repeat(17)))).code, '4.00', 'Name has range max 16');
  // multi-byte characters count in UTF-8 bytes
  const res = { id: 9, name: 'S', type: 'string' as const, operations: 'RW' as const };
  t.is(checkSize(res, 'é'.repeat(501), 1000), '/9 (S): 1002 bytes, more than 1000');
  t.is(checkSize({ ...res, range: { max: 10 } }, 'x'.repeat(5000), 1000), undefined);
  t.is(DEFAULT_MAX_VALUE_BYTES, 8192);
  const dflt = new ObjectHost(testObject());
  t.is((await dflt.handle(blob(8192))).code, '2.04');
  t.is((await dflt.handle(blob(8193))).code, '4.13');
  t.deepEqual(
    [...((await dflt.handle({ op: 'read', path: [3442, 0, 4] })).payload ?? [])].length,
    8192,
    'the refused write changed nothing',
  );
});

test('integers must fit 64 bits (signed / unsigned)', (t) => {
  const int = { id: 1, name: 'I', type: 'integer' as const, operations: 'RW' as const };
  t.is(checkValue(int, 2n ** 63n - 1n), undefined);
  t.truthy(checkValue(int, 2n ** 63n));
  t.truthy(checkValue(int, 2 ** 70));
  t.is(checkValue(int, -(2n ** 63n)), undefined);
  const uns = { ...int, type: 'unsigned' as const };
  t.is(checkValue(uns, 2n ** 64n - 1n), undefined);
  t.truthy(checkValue(uns, 2n ** 64n));
});

test('Create must carry every mandatory resource that holds a value (executables excepted), else 4.00', async (t) => {
  const h = new ObjectHost(withMandatory());
  const create = (recs: [number, string | number][]) =>
    h.handle({
      op: 'create',
      path: [3500],
      format: ContentFormat.SENML_JSON,
      payload: encode(
        ContentFormat.SENML_JSON,
        recs.map(([r, v]) => ({ path: [3500, 0, r], value: v })),
        untypedContext([3500]),
      ),
    });
  t.is(
    (await h.handle({ op: 'create', path: [3500], format: ContentFormat.TLV, payload: new Uint8Array(0) })).code,
    '4.00',
  );
  t.like(await create([[0, 'k']]), { code: '4.00', message: 'create of /3500 misses mandatory resources 1' });
  t.is(
    (
      await create([
        [0, 'k'],
        [1, 3],
      ])
    ).code,
    '2.01',
  );
  t.deepEqual(h.instanceIds(), [0]);
});

test("a server's Create beyond client.maxInstances instances of one object → 4.00", async (t) => {
  const h = new ObjectHost(withMandatory(), { maxInstances: 3 });
  const create = (iid: number, remote = true) =>
    h.handle({
      op: 'create',
      path: [3500],
      format: ContentFormat.SENML_JSON,
      remote,
      payload: encode(
        ContentFormat.SENML_JSON,
        [
          { path: [3500, iid, 0], value: 'k' },
          { path: [3500, iid, 1], value: 1 },
        ],
        untypedContext([3500]),
      ),
    });
  for (let i = 0; i < 3; i++) t.is((await create(i)).code, '2.01');
  t.like(await create(3), { code: '4.00', message: 'object 3500 already holds 3 instances (client.maxInstances)' });
  t.deepEqual(h.instanceIds(), [0, 1, 2]);
  t.is((await create(3, false)).code, '2.01', "the device's own Create (Access Control seeding) is not limited");
  t.is(DEFAULT_MAX_INSTANCES, 256);
});

test('a resource-instance path on a single-instance resource is 4.04 (read, observe target); on a multiple one it is read', async (t) => {
  const h = new ObjectHost(testObject());
  t.is((await h.handle({ op: 'read', path: [3442, 0, 1, 0] })).code, '4.04');
  t.is((await h.handle({ op: 'read', path: [3442, 0, 6, 0] })).code, '2.05');
  t.is(
    (await h.handle({ op: 'write', path: [3442, 0, 1, 0], format: ContentFormat.TEXT, payload: txt('3') })).code,
    '4.00',
  );
});

test('attributes: periods are integers 0..MAX_PERIOD_S, thresholds within ±2^53; lifetimes 1 s..1 year; the Update timer never overflows', (t) => {
  t.is(MAX_PERIOD_S, 2_147_483);
  t.true(parseAttributeQuery([`pmax=${MAX_PERIOD_S}`]).ok);
  for (const q of [
    `pmax=${MAX_PERIOD_S + 1}`,
    'pmin=9007199254740993',
    'epmax=1e12',
    'gt=9007199254740993',
    'lt=-1e300',
    'st=1e16',
    'gt=Infinity',
    'pmin=-1',
    'pmin=1.5',
  ]) {
    t.false(parseAttributeQuery([q]).ok, q);
  }
  t.true(parseAttributeQuery(['gt=-9007199254740991', 'st=0.5']).ok);
  const lifetime = serverDefinition.resources.find((r) => r.id === 1)!;
  t.is(checkValue(lifetime, 365 * 24 * 3600), undefined);
  t.truthy(checkValue(lifetime, 365 * 24 * 3600 + 1));
  t.truthy(checkValue(lifetime, 0));
  t.is(updateDueMs(365 * 24 * 3600, 0.9, 30), 2 ** 31 - 1);
  t.is(updateDueMs(300, 0.9, 30), 270_000);
});
