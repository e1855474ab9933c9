// builtin-objects.test.ts: objects 0, 1, 3, 4 on an ObjectHost: config seeds, secret key never readable, triggers
// (published or to 'client') and messages.
import test from 'ava';
import { ObjectHost } from '../../src/lwm2m/object-host.js';
import type { ObjectSpec } from '../../src/lwm2m/object-api.js';
import { createSecurityObject } from '../../src/objects/security.js';
import { createServerObject } from '../../src/objects/server.js';
import { createDeviceObject } from '../../src/objects/device.js';
import { createConnectivityObject } from '../../src/objects/connectivity.js';
import { aclAllows, Acl } from '../../src/objects/access-control.js';
import { ContentFormat } from '../../src/lwm2m/types.js';
import { waterMeterObject } from '../../src/objects/water-meter.js';

const str = (u: Uint8Array | undefined): string => Buffer.from(u ?? []).toString('utf8');

async function started(spec: ObjectSpec, config: Record<string, unknown> = {}) {
  const emitted: { to: string; msg: { type: string; [k: string]: unknown } }[] = [];
  const h = new ObjectHost(spec, {
    config,
    emit: (to, msg) => emitted.push({ to, msg }),
    publish: (msg) => emitted.push({ to: '*', msg }),
  });
  await spec.start?.(h.runtime);
  return { h, emitted };
}

const config = {
  client: {
    servers: [
      {
        uri: 'coaps://lwm2m.example:5684',
        ssid: 7,
        security: 'psk',
        pskIdentity: 'meter-1',
        pskKey: Buffer.from('secret').toString('base64'),
        lifetime: 600,
        pmin: 5,
        pmax: 60,
      },
      { uri: 'coap://bs.example:5683', bootstrap: true },
    ],
  },
};

test('security: seeded from config; secret key never readable; only the bootstrap server reads', async (t) => {
  const { h } = await started(createSecurityObject(), config);
  t.deepEqual(h.instanceIds(), [0, 1]);
  t.is((await h.handle({ op: 'read', path: [0, 0, 5], serverId: 7, remote: true })).code, '4.01');
  t.is((await h.handle({ op: 'read', path: [0, 0, 5], serverId: 0, remote: true, bootstrap: true })).code, '4.01');
  t.is(
    (await h.handle({ op: 'read', path: [0, 0], serverId: 7, remote: true, accept: ContentFormat.SENML_JSON })).code,
    '4.01',
  );
  const viaServer = await h.handle({ op: 'read-records', path: [0], paths: [[0]], serverId: 0, remote: true });
  t.false(
    (viaServer.records ?? []).some((x) => x.path[2] === 5),
    'no key to the bootstrap server either',
  );
  const local = await h.handle({ op: 'read-records', path: [0], paths: [[0]], serverId: 0, bootstrap: true });
  t.true(
    (local.records ?? []).some((x) => x.path.join('/') === '0/0/5'),
    'the client (local) reads the key',
  );
  const r = await h.handle({ op: 'read', path: [0, 0, 0], serverId: 0, remote: true });
  t.is(str(r.payload), 'coaps://lwm2m.example:5684');
  const targets = (await h.spec.receive!({ type: 'security.targets' }, h.runtime)) as {
    targets: { ssid: number; security: string; pskIdentity?: string; pskKey?: string; port: number }[];
  };
  t.deepEqual(
    targets.targets.map((x) => [x.ssid, x.security, x.pskIdentity, x.port]),
    [
      [7, 'psk', 'meter-1', 5684],
      [0, 'nosec', undefined, 5683],
    ],
  );
  t.is(Buffer.from(targets.targets[0].pskKey!, 'base64').toString(), 'secret');
  // Bootstrap-Delete of / keeps the bootstrap account
  t.is((await h.handle({ op: 'delete', path: [0], bootstrap: true })).code, '2.02');
  t.deepEqual(h.instanceIds(), [1]);
});

test("server: seeded, lifetime write and triggers: Update / Disable published (each server's client), Bootstrap-Request to the primary client", async (t) => {
  const { h, emitted } = await started(createServerObject(), config);
  t.deepEqual(h.instanceIds(), [0]);
  t.is(str((await h.handle({ op: 'read', path: [1, 0, 1] })).payload), '600');
  t.is(str((await h.handle({ op: 'read', path: [1, 0, 2] })).payload), '5');
  t.is((await h.handle({ op: 'execute', path: [1, 0, 8] })).code, '2.04');
  t.is((await h.handle({ op: 'execute', path: [1, 0, 9] })).code, '2.04');
  t.is((await h.handle({ op: 'execute', path: [1, 0, 4] })).code, '2.04');
  t.is(
    (
      await h.handle({
        op: 'write',
        path: [1, 0, 1],
        format: ContentFormat.TEXT,
        payload: new Uint8Array(Buffer.from('900')),
      })
    ).code,
    '2.04',
  );
  await Promise.resolve();
  t.deepEqual(
    emitted.map((e) => [e.to, e.msg.trigger, e.msg.ssid]),
    [
      ['*', 'update', 7],
      ['client', 'bootstrap', 7],
      ['*', 'disable', 7],
      ['*', 'update', 7],
    ],
  );
  t.is(emitted[2].msg.disableTimeout, 86_400);
  t.is(
    (
      await h.handle({
        op: 'write',
        path: [1, 0, 0],
        format: ContentFormat.TEXT,
        payload: new Uint8Array(Buffer.from('9')),
      })
    ).code,
    '4.05',
  );
});

test('device: identity from config, memory, time, reboot and factory reset to client', async (t) => {
  const { h, emitted } = await started(
    createDeviceObject({
      now: () => 1_700_000_000_000,
      memory: { free: () => 2048 * 1024, total: () => 4096 * 1024 },
      version: '1.2.3',
    }),
    { device: { manufacturer: 'ACME', model: 'WM', serial: 'S1' } },
  );
  const read = async (r: number): Promise<string> => str((await h.handle({ op: 'read', path: [3, 0, r] })).payload);
  t.is(await read(0), 'ACME');
  t.is(await read(2), 'S1');
  t.is(await read(3), '1.2.3');
  t.is(await read(10), '2048');
  t.is(await read(21), '4096');
  t.is(await read(13), '1700000000');
  t.is((await h.handle({ op: 'read', path: [3, 0, 9] })).code, '4.04', 'no battery resources');
  t.is((await h.handle({ op: 'execute', path: [3, 0, 4] })).code, '2.04');
  t.is((await h.handle({ op: 'execute', path: [3, 0, 5] })).code, '2.04');
  t.deepEqual(
    emitted.map((e) => e.msg.type),
    ['device.reboot', 'device.factory-reset'],
  );
  await h.spec.receive!({ type: 'firmware.version', version: '2.0.0' }, h.runtime);
  t.is(await read(3), '2.0.0');
});

test('connectivity: host fallback, then modem values', async (t) => {
  const ifaces = {
    eth0: [{ address: '192.0.2.5', internal: false }],
    lo: [{ address: '127.0.0.1', internal: true }],
  } as never;
  const { h } = await started(createConnectivityObject({ interfaces: () => ifaces }));
  t.is(str((await h.handle({ op: 'read', path: [4, 0, 4, 0] })).payload), '192.0.2.5');
  await h.spec.receive!({ type: 'connectivity.update', values: { 0: 7, 2: -85, 4: ['10.1.2.3'], 8: 1234 } }, h.runtime);
  t.is(str((await h.handle({ op: 'read', path: [4, 0, 2] })).payload), '-85');
  t.is(str((await h.handle({ op: 'read', path: [4, 0, 4, 0] })).payload), '10.1.2.3');
  t.is(str((await h.handle({ op: 'read', path: [4, 0, 0] })).payload), '7');
});

test('access control: owner and ACL bits', (t) => {
  const ac = [
    new Map<number, never>([
      [0, 3 as never],
      [1, 0 as never],
      [2, new Map([[101, Acl.READ]]) as never],
      [3, 1 as never],
    ]),
  ];
  t.true(aclAllows(ac, 3, 0, 101, Acl.READ));
  t.false(aclAllows(ac, 3, 0, 101, Acl.WRITE));
  t.true(aclAllows(ac, 3, 0, 1, Acl.WRITE));
  t.true(aclAllows(ac, 4, 0, 101, Acl.WRITE));
});

test('Bootstrap-Delete keeps device-owned instances (single-instance objects, the water meter); servers cannot delete them either', async (t) => {
  const dev = await started(createDeviceObject({ version: '1.0.0' }), {});
  t.is((await dev.h.handle({ op: 'delete', path: [3], bootstrap: true })).code, '2.02');
  t.deepEqual(dev.h.instanceIds(), [0], '/3/0 stays, as the spec asks');
  t.is((await dev.h.handle({ op: 'delete', path: [3, 0], serverId: 7 })).code, '4.05');
  const meter = await started(waterMeterObject, {});
  t.is((await meter.h.handle({ op: 'delete', path: [3424], bootstrap: true })).code, '2.02');
  t.deepEqual(meter.h.instanceIds(), [0], '/3424/0 stays');
  t.is((await meter.h.handle({ op: 'delete', path: [3424, 0], serverId: 7 })).code, '4.05');
  // the accounts do go (that is what bootstrap is for)
  const srv = await started(createServerObject(), config);
  t.is((await srv.h.handle({ op: 'delete', path: [1], bootstrap: true })).code, '2.02');
  t.deepEqual(srv.h.instanceIds(), []);
});
