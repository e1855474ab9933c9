// object-host.test.ts: LwM2M operations on one ObjectHost: read in every format, write, execute, create, delete,
// discover, attributes.
import test from 'ava';
import { ObjectHost } from '../../src/lwm2m/object-host.js';
import { decode, encode, untypedContext } from '../../src/lwm2m/formats/index.js';
import { ContentFormat, type LwRecord } from '../../src/lwm2m/types.js';
import { testObject } from './fixture-object.js';

const txt = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'utf8'));
const str = (u: Uint8Array | undefined): string => Buffer.from(u ?? []).toString('utf8');

function host(calls: string[] = []): ObjectHost {
  return new ObjectHost(testObject(calls));
}

test('read a resource as text by default, opaque for opaque', async (t) => {
  const h = host();
  const r = await h.handle({ op: 'read', path: [3442, 0, 1] });
  t.is(r.code, '2.05');
  t.is(r.contentFormat, ContentFormat.TEXT);
  t.is(str(r.payload), '5');
  const o = await h.handle({ op: 'read', path: [3442, 0, 4] });
  t.is(o.contentFormat, ContentFormat.OPAQUE);
  t.deepEqual([...o.payload!], [1, 2, 3]);
});

for (const fmt of [ContentFormat.TLV, ContentFormat.SENML_JSON, ContentFormat.SENML_CBOR, ContentFormat.LWM2M_CBOR]) {
  test(`read instance, object and multiple resource in format ${fmt} round-trips`, async (t) => {
    const h = host();
    const ctx = { ...h.codec, basePath: [3442, 0] };
    const r = await h.handle({ op: 'read', path: [3442, 0], accept: fmt });
    t.is(r.code, '2.05');
    t.is(r.contentFormat, fmt);
    const recs = decode(fmt, r.payload!, ctx);
    const byPath = new Map(recs.map((x) => [x.path.join('/'), x.value]));
    t.is(byPath.get('3442/0/0'), 'alpha');
    t.is(byPath.get('3442/0/1'), 5);
    t.is(byPath.get('3442/0/6/1'), 11);
    t.false(byPath.has('3442/0/5'));
    const obj = await h.handle({ op: 'read', path: [3442], accept: fmt });
    t.is(obj.code, '2.05');
    const multi = await h.handle({ op: 'read', path: [3442, 0, 6], accept: fmt });
    t.is(multi.code, '2.05');
    t.is(decode(fmt, multi.payload!, { ...h.codec, basePath: [3442, 0, 6] }).length, 2);
  });
}

test('read codes: 4.04 missing, 4.05 not readable, 4.06 bad accept', async (t) => {
  const h = host();
  t.is((await h.handle({ op: 'read', path: [3442, 9] })).code, '4.04');
  t.is((await h.handle({ op: 'read', path: [3442, 0, 99] })).code, '4.04');
  t.is((await h.handle({ op: 'read', path: [3442, 0, 5] })).code, '4.05');
  t.is((await h.handle({ op: 'read', path: [3442, 0, 1], accept: 9999 })).code, '4.06');
  t.is((await h.handle({ op: 'read', path: [3442, 0], accept: ContentFormat.TEXT })).code, '4.06');
  t.is((await h.handle({ op: 'read', path: [3442, 0, 6, 1] })).code, '2.05');
  t.is((await h.handle({ op: 'read', path: [3442, 0, 6, 7] })).code, '4.04');
});

test('write a resource in text, then replace an instance in SenML JSON', async (t) => {
  const calls: string[] = [];
  const h = host(calls);
  t.is(
    (await h.handle({ op: 'write', path: [3442, 0, 1], format: ContentFormat.TEXT, payload: txt('42') })).code,
    '2.04',
  );
  t.is(h.runtime.get(0, 1), 42);
  t.deepEqual(calls, ['write 0/1']);
  const recs: LwRecord[] = [
    { path: [3442, 0, 0], value: 'beta' },
    { path: [3442, 0, 6, 5], value: 7 },
  ];
  const payload = encode(ContentFormat.SENML_JSON, recs, untypedContext([3442, 0]));
  t.is((await h.handle({ op: 'write', path: [3442, 0], format: ContentFormat.SENML_JSON, payload })).code, '2.04');
  t.is(h.runtime.get(0, 0), 'beta');
  t.is(h.runtime.get(0, 1), undefined, 'replace drops writable resources not given');
  t.deepEqual([...(h.runtime.get(0, 6) as Map<number, number>)], [[5, 7]]);
  t.is(h.runtime.get(0, 7), 'fixed', 'read-only values stay');
});

test('partial update keeps other resources and adds resource instances', async (t) => {
  const h = host();
  const payload = encode(ContentFormat.SENML_CBOR, [{ path: [3442, 0, 6, 2], value: 12 }], untypedContext([3442, 0]));
  t.is(
    (await h.handle({ op: 'write-update', path: [3442, 0], format: ContentFormat.SENML_CBOR, payload })).code,
    '2.04',
  );
  t.deepEqual(
    [...(h.runtime.get(0, 6) as Map<number, number>)],
    [
      [0, 10],
      [1, 11],
      [2, 12],
    ],
  );
  t.is(h.runtime.get(0, 1), 5);
});

test('write checks: type, range, enum, operation, format; a failing write changes nothing', async (t) => {
  const h = host();
  const w = (path: number[], format: number, payload: Uint8Array) => h.handle({ op: 'write', path, format, payload });
  t.is((await w([3442, 0, 1], ContentFormat.TEXT, txt('abc'))).code, '4.00');
  t.is((await w([3442, 0, 1], ContentFormat.TEXT, txt('1001'))).code, '4.00');
  t.is((await w([3442, 0, 10], ContentFormat.TEXT, txt('4'))).code, '4.00');
  t.is((await w([3442, 0, 0], ContentFormat.TEXT, txt('x'.repeat(17)))).code, '4.00');
  t.is((await w([3442, 0, 7], ContentFormat.TEXT, txt('x'))).code, '4.05');
  t.is((await w([3442, 0, 1], 1234, txt('1'))).code, '4.15');
  t.is((await w([3442, 3, 1], ContentFormat.TEXT, txt('1'))).code, '4.04');
  const payload = encode(
    ContentFormat.SENML_JSON,
    [
      { path: [3442, 0, 1], value: 77 },
      { path: [3442, 0, 9], value: 13 },
    ],
    untypedContext([3442, 0]),
  );
  t.is(
    (await h.handle({ op: 'write-update', path: [3442, 0], format: ContentFormat.SENML_JSON, payload })).code,
    '4.00',
  );
  t.is(h.runtime.get(0, 1), 5, 'hook refusal rolls back the whole write');
});

test('execute with arguments; bad syntax is 4.00, non-executable 4.05', async (t) => {
  const calls: string[] = [];
  const h = host(calls);
  t.is((await h.handle({ op: 'execute', path: [3442, 0, 5], payload: txt("0='abc',1") })).code, '2.04');
  t.is((await h.handle({ op: 'execute', path: [3442, 0, 5] })).code, '2.04');
  t.is((await h.handle({ op: 'execute', path: [3442, 0, 5], payload: txt('x=1') })).code, '4.00');
  t.is((await h.handle({ op: 'execute', path: [3442, 0, 5], payload: txt("0='unterminated") })).code, '4.00');
  t.is((await h.handle({ op: 'execute', path: [3442, 0, 1] })).code, '4.05');
  t.is((await h.handle({ op: 'execute', path: [3442, 4, 5] })).code, '4.04');
  t.deepEqual(calls, ["exec 5 0='abc',1", 'exec 5 ']);
});

test('create with and without instance id, then delete', async (t) => {
  const h = host();
  let changes = 0;
  h.onInstancesChanged(() => changes++);
  const tlvNoId = encode(ContentFormat.TLV, [{ path: [3442, 0, 0], value: 'new' }], {
    ...h.codec,
    basePath: [3442, 0],
  });
  const r = await h.handle({ op: 'create', path: [3442], format: ContentFormat.TLV, payload: tlvNoId });
  t.is(r.code, '2.01');
  t.deepEqual(r.location, ['3442', '1']);
  t.is(h.runtime.get(1, 0), 'new');
  const withId = encode(ContentFormat.SENML_JSON, [{ path: [3442, 7, 1], value: 3 }], untypedContext([3442]));
  const r2 = await h.handle({ op: 'create', path: [3442], format: ContentFormat.SENML_JSON, payload: withId });
  t.deepEqual(r2.location, ['3442', '7']);
  t.is(
    (await h.handle({ op: 'create', path: [3442], format: ContentFormat.SENML_JSON, payload: withId })).code,
    '4.00',
  );
  t.deepEqual(h.instanceIds(), [0, 1, 7]);
  t.is((await h.handle({ op: 'delete', path: [3442, 7] })).code, '2.02');
  t.is((await h.handle({ op: 'delete', path: [3442, 7] })).code, '4.04');
  t.is((await h.handle({ op: 'delete', path: [3442] })).code, '4.05');
  t.deepEqual(h.instanceIds(), [0, 1]);
  t.is(changes, 3);
});

test('write-attributes validation and discover with attributes and dim', async (t) => {
  const h = host();
  const wa = (path: number[], query: string[]) => h.handle({ op: 'write-attributes', path, query });
  t.is((await wa([3442], ['pmin=10', 'pmax=60'])).code, '2.04');
  t.is((await wa([3442, 0, 1], ['gt=50', 'lt=10', 'st=5'])).code, '2.04');
  t.is((await wa([3442, 0, 1], ['lt=60'])).code, '4.00', 'lt must stay below gt');
  t.is((await wa([3442, 0, 1], ['st=-1'])).code, '4.00');
  t.is((await wa([3442, 0, 0], ['gt=1'])).code, '4.00', 'gt on a string');
  t.is((await wa([3442, 0], ['pmin=100', 'pmax=5'])).code, '4.00');
  t.is((await wa([3442, 0], ['bogus=1'])).code, '4.00');
  t.is((await wa([3442, 0, 1], ['pmin=abc'])).code, '4.00');
  t.is((await wa([3442, 0, 1], ['pmin=2'])).code, '2.04');
  t.deepEqual(h.effectiveAttributes([3442, 0, 1]), { pmin: 2, pmax: 60, gt: 50, lt: 10, st: 5 });
  t.is((await wa([3442, 0, 1], ['pmin'])).code, '2.04', 'an empty value removes');
  t.deepEqual(h.effectiveAttributes([3442, 0, 1]), { pmin: 10, pmax: 60, gt: 50, lt: 10, st: 5 });
  const d = await h.handle({ op: 'discover', path: [3442] });
  t.is(d.code, '2.05');
  t.is(d.contentFormat, ContentFormat.LINK);
  const links = str(d.payload);
  t.true(
    links.startsWith('</3442>;ver=1.1;pmin=10;pmax=60,</3442/0>,</3442/0/0>,</3442/0/1>,'),
    `object target: the object's attributes only; ${links}`,
  );
  t.true(links.includes('</3442/0/6>;dim=2'), links);
  t.true(
    str((await h.handle({ op: 'discover', path: [3442, 0] })).payload).startsWith(
      '</3442/0>,</3442/0/0>,</3442/0/1>;gt=50;lt=10;st=5',
    ),
    'instance target: own attributes of the instance and its resources',
  );
  t.is((await wa([3442, 0], ['pmax=320'])).code, '2.04');
  t.is((await wa([3442, 0, 6, 1], ['pmax=100', 'epmin=1', 'epmax=20'])).code, '2.04');
  const dr = await h.handle({ op: 'discover', path: [3442, 0, 6] });
  t.is(
    str(dr.payload),
    '</3442/0/6>;dim=2;pmin=10;pmax=320,</3442/0/6/0>,</3442/0/6/1>;pmax=100;epmin=1;epmax=20',
    'resource target: inherited attributes, resource instances with their own',
  );
  t.is(
    str((await h.handle({ op: 'discover', path: [3442, 0, 1] })).payload),
    '</3442/0/1>;pmin=10;pmax=320;gt=50;lt=10;st=5',
    'the resource level wins over the inherited ones',
  );
  t.is(
    str((await h.handle({ op: 'discover', path: [3442, 0, 6], query: ['depth=0'] })).payload),
    '</3442/0/6>;dim=2;pmin=10;pmax=320',
  );
  t.is((await h.handle({ op: 'discover', path: [3442, 5] })).code, '4.04');
  t.is(
    str((await h.handle({ op: 'discover', path: [3442], query: ['depth=1'] })).payload),
    '</3442>;ver=1.1;pmin=10;pmax=60,</3442/0>',
  );
  t.is(
    str((await h.handle({ op: 'discover', path: [3442], query: ['depth=0'] })).payload),
    '</3442>;ver=1.1;pmin=10;pmax=60',
  );
  t.is(
    str((await h.handle({ op: 'discover', path: [3442], query: ['depth=3'] })).payload).includes(
      '</3442/0/6>;dim=2,</3442/0/6/0>,</3442/0/6/1>,',
    ),
    true,
  );
  t.is((await h.handle({ op: 'discover', path: [3442], query: ['depth=9'] })).code, '4.00');
});
