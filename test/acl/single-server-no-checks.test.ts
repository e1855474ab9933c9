// single-server-no-checks.test.ts: with one LwM2M server account the Access Control object is not enforced (and not
// seeded), whatever its instances say.
import test from 'ava';
import { ContentFormat } from '../../src/lwm2m/types.js';
import { encode, untypedContext } from '../../src/lwm2m/formats/index.js';
import { aclRecords, BOOTSTRAP_OWNER } from '../../src/lwm2m/acl.js';
import { aclRig, instancesIn, senml } from './support.js';

test('one server: a denying Access Control instance changes nothing; nothing is seeded', async (t) => {
  const rig = await aclRig([101]);
  t.teardown(() => rig.close());
  const s = await rig.as(101);
  t.is((await s('GET', '/3/0/0')).text, 'ACME');
  t.deepEqual(await rig.aclEntries(), [], 'no seeding with one server');
  // the device (or a bootstrap) puts a denying instance on /3442/0: owner MAX_ID, default entry 0 = no right
  const payload = encode(
    ContentFormat.SENML_JSON,
    aclRecords(0, { objectId: 3442, objectInstanceId: 0, owner: BOOTSTRAP_OWNER, acl: { 0: 0 } }),
    untypedContext([]),
  );
  const r = (await rig.actors.get('object:2')!.receive({
    type: 'object.request',
    op: 'create',
    path: [2],
    format: ContentFormat.SENML_JSON,
    payload,
    serverId: 0,
  })) as { code: string };
  t.is(r.code, '2.01');
  await rig.actors.get('socket')!.receive({ type: 'acl.invalidate' });
  t.is((await s('PUT', '/3442/0/1', { format: ContentFormat.TEXT, payload: '42' })).code, '2.04');
  t.is((await s('GET', '/3442/0/1')).text, '42');
  t.is((await s('POST', '/3442/0/5')).code, '2.04');
  t.deepEqual(instancesIn(await s('GET', '/3442', { accept: ContentFormat.SENML_JSON })), [0]);
  const c = await s('POST', '/3442', {
    format: ContentFormat.SENML_JSON,
    payload: senml([{ n: '/3442/4/0', vs: 'x' }]),
  });
  t.is(c.code, '2.01');
  t.is((await rig.aclEntries()).length, 1, 'no Access Control instance for a Create with one server');
  t.is((await s('DELETE', '/3442/4')).code, '2.02');
});
