// observe-flood.test.ts: a server floods the real device with ~1000 Observe registrations (fresh tokens, a dozen
// paths): it stays up, no actor restarts, beyond the cap it answers 2.05 without Observe, RSS stays bounded, cancelling
// frees the slots.
import test from 'ava';
import { randomBytes } from 'node:crypto';
import { HostileServer, type DeviceResponse } from '../support/hostile-server.js';
import { DeviceProcess } from '../support/device-process.js';

/** coap.maxObservations' default (docs/coap.md). */
const CAP = 64;
const PATHS = [
  '/3/0/0',
  '/3/0/1',
  '/3/0/2',
  '/3/0/3',
  '/3/0/11',
  '/3/0/13',
  '/3/0',
  '/3',
  '/3424/0',
  '/3424/0/1',
  '/4/0',
  '/1/0',
];

/** Sends `n` Observe registrations, at most `window` outstanding; resolves with each one's token and response. */
async function flood(
  server: HostileServer,
  n: number,
  window: number,
): Promise<{ token: Buffer; path: string; res: DeviceResponse | Error }[]> {
  const out: { token: Buffer; path: string; res: DeviceResponse | Error }[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < n) {
      const i = next++;
      const path = PATHS[i % PATHS.length];
      const token = randomBytes(4);
      const res = await server
        .request({ method: 'GET', path, observe: 0, token, timeoutMs: 15_000 })
        .catch((e: unknown) => e as Error);
      out.push({ token, path, res });
    }
  };
  await Promise.all(Array.from({ length: window }, worker));
  return out;
}

test('1000 Observes with fresh tokens: the device stays up, caps the relations, answers the rest without Observe, and frees them on cancel', async (t) => {
  const server = await HostileServer.start();
  const device = new DeviceProcess({ server: server.uri });
  try {
    await server.waitForRegister(30_000);
    const first = await server.request({ method: 'GET', path: '/3/0/0', accept: 0 });
    t.is(first.code, '2.05');
    const rssBefore = device.rssKiB();

    const results = await flood(server, 1000, 32);
    const answered = results.filter(
      (r): r is { token: Buffer; path: string; res: DeviceResponse } => !(r.res instanceof Error),
    );
    t.is(answered.length, 1000, `${1000 - answered.length} Observes unanswered`);
    t.deepEqual([...new Set(answered.filter((r) => r.res.code !== '2.05').map((r) => `${r.path} ${r.res.code}`))], []);
    const accepted = answered.filter((r) => r.res.observe !== undefined);
    t.is(accepted.length, CAP, 'relations accepted');
    t.true(device.running);
    const rssFlood = device.rssKiB();

    // Cancelling (GET with Observe=1 on the same token) frees the slots: new registrations are accepted again.
    for (const a of accepted) {
      const c = await server.request({ method: 'GET', path: a.path, observe: 1, token: a.token });
      t.is(c.code, '2.05');
      t.is(c.observe, undefined);
    }
    const again = await flood(server, CAP, 8);
    t.is(
      again.filter((r) => !(r.res instanceof Error) && r.res.observe !== undefined).length,
      CAP,
      'slots freed by the cancels',
    );

    const read = await server.request({ method: 'GET', path: '/3/0/0', accept: 0 });
    t.is(read.code, '2.05');
    t.is(read.payload.toString(), 'lwm2m-meter');
    t.true(device.running);
    t.deepEqual(
      device
        .logs()
        .filter((l) => /crashed|gave up/.test(String(l.msg)))
        .map((l) => l.msg),
      [],
    );
    const rssAfter = device.rssKiB();
    t.log(
      `RSS ${Math.round(rssBefore / 1024)} MiB before, ${Math.round(rssFlood / 1024)} after the flood, ${Math.round(rssAfter / 1024)} after cancel + re-observe`,
    );
    t.true(
      rssFlood - rssBefore < 24 * 1024,
      `RSS grew ${Math.round((rssFlood - rssBefore) / 1024)} MiB during the flood`,
    );
  } finally {
    await device.stop();
    await server.close();
  }
});
