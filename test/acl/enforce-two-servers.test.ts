// enforce-two-servers.test.ts: Access Control with two server accounts over UDP (node-coap client ↔ socket ↔ object
// actors): seeded table, 4.01/4.04, default entry 0, owner, filtered object reads, Create/Delete bookkeeping.
import test from 'ava';
import { ContentFormat } from '../../src/lwm2m/types.js';
import { AclRight, BOOTSTRAP_OWNER, OBJECT_LEVEL } from '../../src/lwm2m/acl.js';
import { aclRig, instancesIn, senml } from './support.js';

const TEXT = { format: ContentFormat.TEXT };

test('seeded for two servers: B (first account, owner) may write /3/0/14, A may read but gets 4.01 on write; each sees only its own /1 instance', async (t) => {
  const rig = await aclRig([101, 102]);
  t.teardown(() => rig.close());
  const a = await rig.as(102);
  t.is((await a('GET', '/3/0/0')).text, 'ACME');
  t.is((await a('PUT', '/3/0/14', { ...TEXT, payload: '+02:00' })).code, '4.01');
  t.is((await a('POST', '/3/0/4')).code, '4.01', 'no Execute right');
  t.is((await a('GET', '/1/1/0')).text, '102');
  t.is((await a('GET', '/1/0/0')).code, '4.04', "no right at all on the other server's account: hidden");
  t.deepEqual(instancesIn(await a('GET', '/1', { accept: ContentFormat.SENML_JSON })), [1]);
  t.is(
    (await a('POST', '/3442', { format: ContentFormat.SENML_JSON, payload: senml([{ n: '/3442/3/0', vs: 'x' }]) }))
      .code,
    '4.01',
    'no Create right',
  );

  const b = await rig.as(101);
  t.is((await b('PUT', '/3/0/14', { ...TEXT, payload: '+02:00' })).code, '2.04');
  t.is((await b('GET', '/3/0/14')).text, '+02:00');
  t.is((await b('GET', '/1/1/0')).code, '4.04');

  const entries = await rig.aclEntries();
  t.like(
    entries.find((e) => e.objectId === 1 && e.objectInstanceId === 0),
    { owner: 101 },
  );
  t.like(
    entries.find((e) => e.objectId === 1 && e.objectInstanceId === 1),
    { owner: 102 },
  );
  const dev = entries.find((e) => e.objectId === 3 && e.objectInstanceId === 0)!;
  t.is(dev.owner, 101);
  t.deepEqual([...dev.acl], [[0, AclRight.READ]]);
  const create = entries.find((e) => e.objectId === 3442 && e.objectInstanceId === OBJECT_LEVEL)!;
  t.is(create.owner, BOOTSTRAP_OWNER);
  t.deepEqual([...create.acl], [[101, AclRight.CREATE]]);
});

test("default entry 0 and a server's own entry; only the owner may change an Access Control instance", async (t) => {
  const rig = await aclRig([101, 102]);
  t.teardown(() => rig.close());
  const a = await rig.as(102);
  t.is((await a('PUT', '/3442/0/1', { ...TEXT, payload: '9' })).code, '4.01');
  const k = (await rig.aclEntries()).find((e) => e.objectId === 3442 && e.objectInstanceId === 0)!.instanceId;
  t.is((await a('GET', `/2/${k}/3`)).text, '101', 'Access Control instances are readable');
  t.is(
    (await a('PUT', `/2/${k}/2`, { format: ContentFormat.SENML_JSON, payload: senml([{ n: `/2/${k}/2/0`, v: 3 }]) }))
      .code,
    '4.01',
    'not the owner',
  );
  t.is((await a('DELETE', `/2/${k}`)).code, '4.01');

  const b = await rig.as(101);
  // default entry 0 = R|W: server 102 (not listed) may now write
  t.is(
    (
      await b('PUT', `/2/${k}/2`, {
        format: ContentFormat.SENML_JSON,
        payload: senml([{ n: `/2/${k}/2/0`, v: AclRight.READ | AclRight.WRITE }]),
      })
    ).code,
    '2.04',
  );
  const a2 = await rig.as(102);
  t.is((await a2('PUT', '/3442/0/1', { ...TEXT, payload: '9' })).code, '2.04');
  t.is((await a2('GET', '/3442/0/1')).text, '9');

  // its own entry (R only) wins over the default
  const b2 = await rig.as(101);
  t.is(
    (
      await b2('PUT', `/2/${k}/2`, {
        format: ContentFormat.SENML_JSON,
        payload: senml([
          { n: `/2/${k}/2/0`, v: 3 },
          { n: `/2/${k}/2/102`, v: AclRight.READ },
        ]),
      })
    ).code,
    '2.04',
  );
  const a3 = await rig.as(102);
  t.is((await a3('PUT', '/3442/0/1', { ...TEXT, payload: '10' })).code, '4.01');
  t.is((await a3('GET', '/3442/0/1')).text, '9');

  // an owner keeps every right whatever the ACL says
  const b3 = await rig.as(101);
  t.is(
    (await b3('PUT', `/2/${k}/2`, { format: ContentFormat.SENML_JSON, payload: senml([{ n: `/2/${k}/2/101`, v: 0 }]) }))
      .code,
    '2.04',
  );
  t.is((await b3('PUT', '/3442/0/1', { ...TEXT, payload: '11' })).code, '2.04');
  t.is((await b3('POST', '/3442/0/5')).code, '2.04');
});

test('Create by a server makes an Access Control instance it owns; object-level Read and Discover hide it from the other server; Delete removes it', async (t) => {
  const rig = await aclRig([101, 102]);
  t.teardown(() => rig.close());
  const b = await rig.as(101);
  const created = await b('POST', '/3442', {
    format: ContentFormat.SENML_JSON,
    payload: senml([{ n: '/3442/7/0', vs: 'mine' }]),
  });
  t.is(created.code, '2.01');
  t.deepEqual(created.location, ['3442', '7']);
  const e = (await rig.aclEntries()).find((x) => x.objectId === 3442 && x.objectInstanceId === 7);
  t.truthy(e);
  t.is(e!.owner, 101);
  t.is(e!.acl.size, 0);
  t.deepEqual(instancesIn(await b('GET', '/3442', { accept: ContentFormat.SENML_JSON })), [0, 7]);

  const a = await rig.as(102);
  t.deepEqual(
    instancesIn(await a('GET', '/3442', { accept: ContentFormat.SENML_JSON })),
    [0],
    'object-level read filtered',
  );
  const disc = (await a('GET', '/3442', { accept: ContentFormat.LINK })).text;
  t.true(disc.includes('</3442/0>'), disc);
  t.false(disc.includes('</3442/7'), disc);
  const root = (await a('GET', '/', { accept: ContentFormat.LINK })).text;
  t.false(root.includes('</3442/7'), root);
  t.false(root.includes('</1/0>'), root);
  t.is((await a('GET', '/3442/7/0')).code, '4.04');
  t.is((await a('DELETE', '/3442/7')).code, '4.04');
  t.is(await a.observe('/3442'), '4.01', 'observe of an object with hidden instances');
  t.is(await a.observe('/3442/7/0'), '4.04');
  t.is(await a.observe('/3442/0/1'), '2.05');
  const composite = await a('FETCH', '/', {
    format: ContentFormat.SENML_JSON,
    accept: ContentFormat.SENML_JSON,
    payload: senml([{ n: '/3442/7/0' }]),
  });
  t.is(composite.code, '4.04');
  const w = await a('iPATCH', '/', { format: ContentFormat.SENML_JSON, payload: senml([{ n: '/3442/0/1', v: 1 }]) });
  t.is(w.code, '4.01');

  const b2 = await rig.as(101);
  t.is((await b2('DELETE', '/3442/7')).code, '2.02');
  t.falsy((await rig.aclEntries()).find((x) => x.objectId === 3442 && x.objectInstanceId === 7));
});

test('the bootstrap server is never checked; Bootstrap-Delete empties object 2 and the next request seeds it again', async (t) => {
  const rig = await aclRig([101, 102]);
  t.teardown(() => rig.close());
  const a = await rig.as(102);
  t.is((await a('PUT', '/3442/0/1', { ...TEXT, payload: '9' })).code, '4.01');
  const bs = await rig.as(0);
  t.is((await bs('PUT', '/3442/0/1', { ...TEXT, payload: '12' })).code, '2.04');
  t.is((await bs('DELETE', '/2')).code, '2.02');
  t.deepEqual(await rig.aclEntries(), []);
  t.is((await bs('POST', '/bs')).code, '2.04');
  const a2 = await rig.as(102);
  t.is((await a2('GET', '/3442/0/1')).text, '12');
  t.is((await a2('PUT', '/3442/0/1', { ...TEXT, payload: '13' })).code, '4.01');
  t.true((await rig.aclEntries()).length > 0);
});
