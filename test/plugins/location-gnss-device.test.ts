// location-gnss-device.test.ts: per modem family, the real `lwm2m-meter run` on the pty modem emulator against the dev
// server's location service, from cold start to a GNSS position in /6/0 read by the server: the receiver's need, the
// assistance requested through /33625 (A-GNSS or XTRA), written back, injected, the fix, no registration lost. A
// family whose profile has no GNSS dialect yet is skipped (it runs once its dialect lands).
import test from 'ava';
import { startDevServer } from '../../src/devserver/index.js';
import { attachLocationService, type GnssAnswer } from '../../src/devserver/location-service.js';
import { PROFILES } from '../../src/modem/profiles/index.js';
import { DeviceProcess, LEVEL } from '../support/device-process.js';
import { ModemEmulator } from '../support/modem-emulator.js';
import { ptyPair } from '../support/modem-emulator-pty.js';
import { pollUntil } from '../support/poll.js';

for (const profile of ['nrf91', 'bg95', 'sim7080'] as const) {
  const dialect = PROFILES[profile].gnss;
  const run = dialect ? test : test.skip;
  const kind = dialect?.assistanceFormat === 'xtra' ? 'xtra' : 'agps';
  run(
    `${profile}: cold start → assistance (${kind}) through /33625 injected → GNSS fix in /6/0 read by the server, registered throughout`,
    async (t) => {
      const pty = await ptyPair();
      const emu = await ModemEmulator.start(pty.a, profile);
      emu.sky.ttffColdMs = 3000;
      emu.sky.ttffAssistedMs = 300;
      const s = await startDevServer({ port: 0 });
      const svc = attachLocationService(s);
      const answered = new Promise<GnssAnswer>((resolve) => svc.once('gnss', resolve));
      const device = new DeviceProcess({
        server: `coap://127.0.0.1:${s.port}`,
        config: {
          modem: {
            kind: 'serial',
            port: pty.b,
            profile,
            apn: 'iot.test',
            dataPath: 'modem-socket',
            timeouts: { commandMs: 500, longCommandMs: 1000, attachMs: 3000, retryMs: 500, retryMaxMs: 4000 },
          },
          client: { backoffInitialS: 1, backoffMaxS: 4, lteWaitS: 5 },
          plugins: {
            enabled: ['location-assistance'],
            config: { 'location-assistance': { intervalS: 0, cellCheckS: 0, gnss: { timeoutS: 20 } } },
          },
        },
      });
      try {
        const ep = device.endpoint;
        await s.waitFor('register', (r) => r.endpoint === ep, 20_000);
        const a = await answered;
        t.like(a, { endpoint: ep, request: { kind }, resultCode: 0, writeCode: '2.04' });
        const fix = await s.waitFor(
          'send',
          (e) => e.endpoint === ep && e.records.some((r) => r.path.join('/') === '6/0/0'),
          30_000,
        );
        const v = new Map(fix.records.map((r) => [r.path.join('/'), r.value]));
        t.is(v.get('6/0/0'), emu.sky.latitude);
        t.is(v.get('6/0/1'), emu.sky.longitude);
        const read = await pollUntil(
          () => s.read(ep, '/6/0', { format: 112 }),
          (r) => r.code === '2.05',
          5000,
          50,
        );
        const rv = new Map((read.records ?? []).map((r) => [r.path.join('/'), r.value]));
        t.is(rv.get('6/0/0'), emu.sky.latitude);
        t.is((await s.read(ep, '/3430/0/13', { format: 112 })).records?.[0]?.value, 1, 'Fix type 1: GNSS');
        t.true(
          device.logs().some((l) => l.msg === 'GNSS assistance injected'),
          'the data went into the modem',
        );
        t.is(s.count('register', ep), 1, 'the GNSS window cost no registration');
        t.deepEqual(
          device.logsAtLeast(LEVEL.error).map((l) => l.msg),
          [],
        );
      } finally {
        await device.stop();
        svc.detach();
        await s.close();
        await emu.close();
        pty.close();
      }
    },
  );
}
