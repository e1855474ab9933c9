// rf-hold.test.ts: the client's side of the RF hold for an exclusive GNSS receiver (client.rf-hold / client.rf-release)
// on a SimulatedClock: granted with nothing in flight (after the exchange in flight), Updates and Sends wait and go out
// at the release or when maxMs ran out, refused when the Update is due within the hold, never a lost registration.
import test from 'ava';
import type { CoapIncomingResponse, CoapOutgoingRequest } from '../../src/coap/api.js';
import { lwm2mServer, nosecAccount, registeredHarness, type ClientHarness } from '../support/client-fakes.js';

const account = nosecAccount(0, 'coap://10.0.0.1:5683', 1, { lifetime: 300 });

/** Asks for the hold as the modem actor does; records the outcome. */
function hold(h: ClientHarness, maxMs: number): () => { ok?: boolean; code?: string } | undefined {
  let out: { ok?: boolean; code?: string } | undefined;
  void h.deliver({ type: 'client.rf-hold', maxMs, reason: 'gnss' }).then(
    () => (out = { ok: true }),
    (e: { code?: string }) => (out = { code: e.code ?? 'NO_CODE' }),
  );
  return () => out;
}

const kindsSince = (h: ClientHarness, n: number): string[] => h.requests.slice(n).map((r) => r.req.path.join('/'));
const state = (h: ClientHarness): unknown => h.client.actor.getSnapshot().value;

test('held: a Send and an Update wait, and go out right after the release (Update first), none lost', async (t) => {
  const h = await registeredHarness({ records: account, config: { rfQuietS: 0 } });
  await h.advance(10_000);
  const g = hold(h, 60_000);
  await h.flush();
  t.deepEqual(g(), { ok: true });
  t.deepEqual(state(h), { connected: { registered: 'rfHeld' } });
  const base = h.requests.length;
  const reply = h.client.receive({ type: 'lwm2m.send', records: [{ path: [3424, 0, 1], value: 42 }] }) as Promise<{
    code: string;
  }>;
  await h.deliver({ type: 'lwm2m.objects-changed' });
  await h.advance(20_000);
  t.deepEqual(kindsSince(h, base), [], 'nothing goes out while the RF is held');
  await h.deliver({ type: 'client.rf-release' });
  await h.flush();
  t.deepEqual(kindsSince(h, base), ['rd/r1', 'dp'], 'the pending Update, then the Send');
  t.deepEqual(await reply, { code: '2.04' });
  t.deepEqual(state(h), { connected: { registered: 'awake' } });
  await h.client.stop();
});

test('a hold never released ends after maxMs: the Send goes out then', async (t) => {
  const h = await registeredHarness({ records: account, config: { rfQuietS: 0 } });
  const g = hold(h, 30_000);
  await h.flush();
  t.deepEqual(g(), { ok: true });
  const base = h.requests.length;
  const reply = h.client.receive({ type: 'lwm2m.send', records: [{ path: [3424, 0, 1], value: 7 }] }) as Promise<{
    code: string;
  }>;
  await h.advance(29_000);
  t.deepEqual(kindsSince(h, base), []);
  await h.advance(2000);
  t.deepEqual(kindsSince(h, base), ['dp']);
  t.deepEqual(await reply, { code: '2.04' });
  await h.client.stop();
});

test('refused GNSS_RF_REFUSED when the Update is due within the hold; the Update goes out on time', async (t) => {
  const h = await registeredHarness({ records: account, config: { rfQuietS: 0 } });
  const registeredAt = h.requests.at(-1)?.at ?? 0;
  await h.advance(240_000);
  const g = hold(h, 60_000); // the Update is due 270 s after the registration: within this hold
  await h.flush();
  t.deepEqual(g(), { code: 'GNSS_RF_REFUSED' });
  t.deepEqual(state(h), { connected: { registered: 'awake' } });
  await h.advance(40_000);
  const upd = h.requests.find((r) => r.req.path.join('/') === 'rd/r1');
  t.truthy(upd);
  t.true((upd?.at ?? 0) - registeredAt <= 271_000, `Update at ${(upd?.at ?? 0) - registeredAt} ms`);
  await h.client.stop();
});

test('not registered: refused (the registration needs the RF first)', async (t) => {
  const h = await registeredHarness({ records: account, config: { rfQuietS: 0 } });
  await h.deliver({ type: 'network.down', reason: 'test' });
  const g = hold(h, 10_000);
  await h.flush();
  t.deepEqual(g(), { code: 'GNSS_RF_REFUSED' });
  await h.client.stop();
});

test('a hold asked for while a Send is in flight is granted when that exchange ends', async (t) => {
  const server = lwm2mServer();
  let open: (() => void) | undefined;
  const wire = (req: CoapOutgoingRequest): Promise<CoapIncomingResponse> => {
    const res = { payload: new Uint8Array(), token: new Uint8Array([1]), ...server(req, undefined) };
    if (req.path.join('/') !== 'dp') return Promise.resolve(res);
    return new Promise((r) => (open = () => r(res)));
  };
  const h = await registeredHarness({ records: account, wire, config: { rfQuietS: 0 } });
  const reply = h.client.receive({ type: 'lwm2m.send', records: [{ path: [3424, 0, 1], value: 1 }] }) as Promise<{
    code: string;
  }>;
  await h.flush();
  t.deepEqual(state(h), { connected: { registered: 'sending' } });
  const g = hold(h, 30_000);
  await h.advance(5000);
  t.is(g(), undefined, 'not granted while the Send is in flight');
  open?.();
  await h.flush();
  t.deepEqual(await reply, { code: '2.04' });
  t.deepEqual(g(), { ok: true });
  t.deepEqual(state(h), { connected: { registered: 'rfHeld' } });
  await h.deliver({ type: 'client.rf-release' });
  await h.client.stop();
});

test('holds back to back for two hours never let the registration expire', async (t) => {
  const h = await registeredHarness({ records: account, config: { rfQuietS: 0 } });
  let granted = 0;
  let refused = 0;
  const end = h.clock.now() + 2 * 3600_000;
  while (h.clock.now() < end) {
    const g = hold(h, 60_000);
    await h.flush();
    if (g()?.ok) {
      granted++;
      await h.advance(61_000, 5000); // the modem never releases: the hold runs out
    } else {
      refused++;
      await h.advance(5000);
    }
  }
  const refreshes = h.requests.filter((r) => r.req.method === 'POST' && r.req.path[0] === 'rd').map((r) => r.at);
  const gaps = refreshes.slice(1).map((x, i) => x - (refreshes[i] ?? 0));
  t.true(granted > 50 && refused > 0, `granted ${granted}, refused ${refused}`);
  t.true(refreshes.length >= 26, `${refreshes.length} Register/Update in 2 h`);
  t.true(
    gaps.every((g) => g <= 300_000 - 30_000 + 1000),
    `every refresh within lifetime − margin: ${gaps.join(', ')}`,
  );
  t.is(h.count('register'), 1, 'never registered again');
  await h.client.stop();
});

test('queue mode: a hold taken while asleep ends with the Update and the Sends made meanwhile, then asleep again', async (t) => {
  const h = await registeredHarness({
    records: nosecAccount(0, 'coap://10.0.0.1:5683', 1, { lifetime: 3600, binding: 'UQ' }),
    config: { queueAwakeS: 30 },
  });
  await h.advance(31_000);
  t.deepEqual(state(h), { connected: { registered: 'asleep' } });
  const g = hold(h, 60_000);
  await h.flush();
  t.deepEqual(g(), { ok: true });
  const base = h.requests.length;
  const reply = h.client.receive({ type: 'lwm2m.send', records: [{ path: [3424, 0, 1], value: 3 }] }) as Promise<{
    code: string;
  }>;
  await h.advance(10_000);
  t.deepEqual(kindsSince(h, base), [], 'the Send waits for the release, not the wake-up');
  await h.deliver({ type: 'client.rf-release' });
  await h.flush();
  t.deepEqual(kindsSince(h, base), ['rd/r1', 'dp']);
  t.is(h.sentWhilePaused, 0, 'the socket was resumed before sending');
  t.deepEqual(await reply, { code: '2.04' });
  await h.advance(31_000);
  t.deepEqual(state(h), { connected: { registered: 'asleep' } });
  // A hold with nothing waiting: asleep again at the release.
  hold(h, 10_000);
  await h.flush();
  await h.deliver({ type: 'client.rf-release' });
  t.deepEqual(state(h), { connected: { registered: 'asleep' } });
  await h.client.stop();
});

test('awake: the hold waits rfQuietS without an exchange; a request from the server starts the wait again', async (t) => {
  const h = await registeredHarness({ records: account, config: { rfQuietS: 5 } });
  const g = hold(h, 60_000);
  await h.flush();
  t.is(g(), undefined, 'not granted right after the registration');
  t.deepEqual(state(h), { connected: { registered: 'rfQuiet' } });
  await h.advance(3000);
  await h.deliver({ type: 'lwm2m.server-activity', ssid: 1 }); // the server reads something
  await h.advance(4000);
  t.is(g(), undefined, 'still waiting: 4 s since the server was last heard');
  await h.advance(1500);
  t.deepEqual(g(), { ok: true });
  t.deepEqual(state(h), { connected: { registered: 'rfHeld' } });
  await h.client.stop();
});
