// write-transaction.test.ts: Write / Write-Composite part / Create as one transaction: every resource validated first,
// then stored, then one apply hook; apply refusing undoes the store.
import test from 'ava';
import { ObjectHost } from '../../src/lwm2m/object-host.js';
import { status, type AppliedWrite, type ObjectSpec } from '../../src/lwm2m/object-api.js';
import { ContentFormat } from '../../src/lwm2m/types.js';
import { testObject } from './fixture-object.js';

const senml = (recs: object[]): Uint8Array => new Uint8Array(Buffer.from(JSON.stringify(recs), 'utf8'));

function rig(refuseApply = false): {
  h: ObjectHost;
  applied: AppliedWrite[];
  seenAtApply: unknown[];
  changed: string[];
} {
  const base = testObject();
  const applied: AppliedWrite[] = [];
  const seenAtApply: unknown[] = [];
  const changed: string[] = [];
  const spec: ObjectSpec = {
    ...base,
    apply(w, rt) {
      applied.push(w);
      seenAtApply.push(rt.get(0, 1));
      return refuseApply ? status('5.00', 'hardware said no') : undefined;
    },
  };
  const h = new ObjectHost(spec);
  h.onChange((paths) => changed.push(...paths.map((p) => p.join('/'))));
  return { h, applied, seenAtApply, changed };
}

test("a Write refused by one resource's validation calls no apply and stores nothing", async (t) => {
  const { h, applied, changed } = rig();
  // resource 1 is valid, resource 9 = 13 is refused by the write (validation) hook
  const payload = senml([
    { bn: '/3442/0/', n: '1', v: 7 },
    { n: '9', v: 13 },
  ]);
  const r = await h.handle({ op: 'write-update', path: [3442, 0], format: ContentFormat.SENML_JSON, payload });
  t.is(r.code, '4.00');
  t.is(applied.length, 0);
  t.deepEqual(changed, []);
  t.is(h.runtime.get(0, 1), 5, 'unchanged');
});

test('a valid Write calls apply once with every change (old and new values) after storing them', async (t) => {
  const { h, applied, seenAtApply, changed } = rig();
  const payload = senml([
    { bn: '/3442/0/', n: '1', v: 7 },
    { n: '0', vs: 'beta' },
  ]);
  t.is(
    (
      await h.handle({
        op: 'write-update',
        path: [3442, 0],
        format: ContentFormat.SENML_JSON,
        payload,
        serverId: 101,
        remote: true,
      })
    ).code,
    '2.04',
  );
  t.is(applied.length, 1);
  t.is(applied[0].op, 'write-update');
  t.is(applied[0].serverId, 101);
  t.true(applied[0].remote);
  const byRid = new Map(applied[0].changes.map((c) => [c.resourceId, c]));
  t.deepEqual({ ...byRid.get(1) }, { instanceId: 0, resourceId: 1, value: 7, previous: 5 });
  t.deepEqual({ ...byRid.get(0) }, { instanceId: 0, resourceId: 0, value: 'beta', previous: 'alpha' });
  t.is(seenAtApply[0], 7, 'apply sees the stored values');
  t.deepEqual(changed.sort(), ['3442/0/0', '3442/0/1']);
});

test('apply refusing undoes the stored values and is the answer; observers hear nothing', async (t) => {
  const { h, applied, changed } = rig(true);
  const r = await h.handle({ op: 'write-records', path: [3442], records: [{ path: [3442, 0, 1], value: 9 }] });
  t.is(r.code, '5.00');
  t.is(applied.length, 1);
  t.is(applied[0].op, 'write-composite');
  t.is(h.runtime.get(0, 1), 5, 'back to the old value');
  t.deepEqual(changed, []);
});

test('Create: apply gets op create; apply refusing leaves no instance', async (t) => {
  const ok = rig();
  const payload = senml([{ bn: '/3442/4/', n: '1', v: 3 }]);
  const r = await ok.h.handle({ op: 'create', path: [3442], format: ContentFormat.SENML_JSON, payload });
  t.is(r.code, '2.01');
  t.is(ok.applied[0].op, 'create');
  t.deepEqual(
    ok.applied[0].changes.map((c) => [c.instanceId, c.resourceId, c.value, c.previous]),
    [[4, 1, 3, undefined]],
  );
  const bad = rig(true);
  t.is((await bad.h.handle({ op: 'create', path: [3442], format: ContentFormat.SENML_JSON, payload })).code, '5.00');
  t.deepEqual(bad.h.instanceIds(), [0]);
});
