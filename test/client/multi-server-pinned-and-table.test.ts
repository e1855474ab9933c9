// multi-server-pinned-and-table.test.ts: the actor table gets a client:<ssid>/socket:<ssid> pair per further server; a
// pinned client registers with its own account only and never bootstraps.
import test from 'ava';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createActor, fromPromise, SimulatedClock } from 'xstate';
import { buildActorSet, extraServerSsids } from '../../src/runtime/actor-set.js';
import { defaultConfig, parseConfig } from '../../src/runtime/config.js';
import { clientMachine, type LoadedState } from '../../src/client/machine.js';
import { accountsFromRecords, type ServerAccount } from '../../src/client/accounts.js';
import type { RegisterResult } from '../../src/client/services.js';
import type { Lwm2mVersion } from '../../src/lwm2m/registration.js';
import { resolveClientConfig } from '../../src/client/config-schema.js';
import { bootstrapAccount, nosecAccount } from '../support/client-fakes.js';

const srcRoot = (): URL => {
  const root = mkdtempSync(join(tmpdir(), 'set-'));
  mkdirSync(join(root, 'objects'));
  for (const f of ['server.js', 'device.js']) writeFileSync(join(root, 'objects', f), 'export default {}');
  return pathToFileURL(root + '/');
};

test('one server: the table is unchanged (no extra pairs, no peer options)', (t) => {
  const set = buildActorSet(defaultConfig(), srcRoot());
  t.deepEqual(
    set.map((e) => e.name),
    ['modem', 'socket', 'object:1', 'object:3', 'meter', 'client'],
  );
  t.deepEqual(set.find((e) => e.name === 'object:1')?.options, { spec: 'objects/server.js' });
  t.deepEqual(extraServerSsids(defaultConfig()), []);
});

test('two servers and a bootstrap server: client:102 / socket:102 pinned to 102', (t) => {
  const config = parseConfig({
    client: {
      servers: [
        { uri: 'coap://bs:5683', bootstrap: true },
        { uri: 'coap://a:5683', ssid: 101 },
        { uri: 'coap://b:5683', ssid: 102 },
      ],
    },
  });
  t.deepEqual(extraServerSsids(config), [102]);
  const set = buildActorSet(config, srcRoot());
  t.deepEqual(
    set.map((e) => e.name),
    ['modem', 'socket', 'socket:102', 'object:1', 'object:3', 'meter', 'client', 'client:102'],
  );
  t.like(set.find((e) => e.name === 'socket:102')?.options, { client: 'client:102', objects: [1, 3] });
  t.like(set.find((e) => e.name === 'client:102')?.options, { account: 102, socket: 'socket:102', objects: [1, 3] });
  t.is(set.find((e) => e.name === 'client')?.options.account, undefined);
});

test('pinned client: registers with its own account (not the first one); unusable → waits with backoff, never bootstraps', async (t) => {
  const clock = new SimulatedClock();
  const used: ServerAccount[] = [];
  let loads = 0;
  let bootstraps = 0;
  // first load: 102 has no Server instance (unusable); later loads: usable
  const records = (): ReturnType<typeof nosecAccount> => [
    ...bootstrapAccount(0, 'coap://bs:5683'),
    ...nosecAccount(1, 'coap://a:5683', 101),
    ...(loads > 1
      ? nosecAccount(2, 'coap://b:5683', 102)
      : nosecAccount(2, 'coap://b:5683', 102).filter((r) => r.path[0] === 0)),
  ];
  const machine = clientMachine.provide({
    actors: {
      loadState: fromPromise<LoadedState, void>(() => {
        loads++;
        return Promise.resolve({ accounts: accountsFromRecords(records()), networkUp: true });
      }),
      openSocket: fromPromise<void, { account: ServerAccount }>(({ input }) => {
        used.push(input.account);
        return Promise.resolve();
      }),
      register: fromPromise<RegisterResult, { account: ServerAccount; version: Lwm2mVersion }>(() =>
        Promise.resolve({ location: ['rd', 'b'], lifetime: 300, binding: 'U', lwm2mVersion: '1.2', refreshedAt: 0 }),
      ),
      bootstrapRequest: fromPromise(() => {
        bootstraps++;
        return Promise.resolve();
      }),
    },
  });
  const actor = createActor(machine, {
    clock,
    input: { cfg: resolveClientConfig({ backoffInitialS: 10 }), account: 102 },
  });
  actor.start();
  await new Promise((r) => setImmediate(r));
  t.true(actor.getSnapshot().matches('noAccount'), JSON.stringify(actor.getSnapshot().value));
  t.regex(actor.getSnapshot().context.lastError ?? '', /account 102: .*no Server instance/);
  clock.increment(10_000);
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
  t.true(actor.getSnapshot().matches({ connected: 'registered' }), JSON.stringify(actor.getSnapshot().value));
  t.deepEqual(
    used.map((a) => a.ssid),
    [102],
  );
  t.is(actor.getSnapshot().context.registration?.ssid, 102);
  t.is(bootstraps, 0);
  // a Bootstrap-Request trigger does not make a pinned client bootstrap: it registers again with its own server
  actor.send({ type: 'lwm2m.trigger', trigger: 'bootstrap', ssid: 102 });
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
  t.is(bootstraps, 0);
  t.true(actor.getSnapshot().matches({ connected: 'registered' }), JSON.stringify(actor.getSnapshot().value));
  t.deepEqual(
    used.map((a) => a.ssid),
    [102, 102],
  );
  actor.stop();
});
