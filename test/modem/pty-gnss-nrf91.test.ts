// pty-gnss-nrf91.test.ts: the nRF91 GNSS dialect through AtModemDriver on the pty emulator (Serial Modem AT#XGNSS,
// the product's AT#XAGNSS): a cold fix after ttffCold, an assisted one faster, indoors → GNSS_TIMEOUT, garbage
// assistance refused.
import test from 'ava';
import { AtModemDriver } from '../../src/modem/at-driver.js';
import { buildNrfCloudAgnss } from '../../src/modem/gnss/nrf-cloud-agnss.js';
import { runConsoleCommand } from '../../src/modem/emulator/console.js';
import type { ModemEmulator } from '../support/modem-emulator.js';
import { rig, until, urcSeen, type Rig } from './pty-helpers.js';

const COLD_MS = 1500;
const ASSISTED_MS = 200;
const agnss = buildNrfCloudAgnss({ utc: true, ephemerides: [1, 3, 7, 11, 19, 23], systemClock: { day: 17_000, s: 1 } });

async function online(prepare?: (emu: ModemEmulator) => void): Promise<{ r: Rig; d: AtModemDriver }> {
  const r = await rig('nrf91', { profile: 'nrf91' }, (emu) => {
    emu.sky.ttffColdMs = COLD_MS;
    emu.sky.ttffAssistedMs = ASSISTED_MS;
    prepare?.(emu);
  });
  await until(() => r.out.some((m) => m.type === 'network.up'), 8000, 'network.up');
  const d = r.svc.driver();
  if (!(d instanceof AtModemDriver)) throw new Error('not an AT driver');
  return { r, d };
}

const codeOf = async (p: Promise<unknown>): Promise<string | undefined> =>
  p.then(
    () => undefined,
    (e: { code?: string }) => e.code,
  );

test('cold fix after ttffCold; the receiver is stopped after it', async (t) => {
  const { r, d } = await online();
  try {
    t.deepEqual(d.gnssInfo(), { rf: 'lte-idle', assistanceFormat: 'nrf-cloud-agnss' });
    t.like(await d.gnssNeed(), { ephemeris: true, time: true });
    const t0 = Date.now();
    const fix = await d.gnssFix({ timeoutMs: 6000, accuracyM: 50 });
    const took = Date.now() - t0;
    t.true(took >= COLD_MS - 50, `took ${took} ms`);
    t.like(fix, { latitude: 52.52, longitude: 13.405, accuracyM: 8, altitudeM: 34 });
    t.true(Math.abs(fix.utcMs - Date.now()) < 5000, 'fix time is the emulator clock (to the second)');
    t.true(r.emu.received.includes('AT#XGNSS=1,0,1'));
    t.is(r.emu.received.filter((c) => c.startsWith('AT#XGNSS')).at(-1), 'AT#XGNSS=0');
    t.false(r.emu.sky.running);
  } finally {
    await r.close();
  }
});

test('valid A-GNSS data with ephemerides: the need goes, the fix comes after ttffAssisted', async (t) => {
  const { r, d } = await online();
  try {
    await d.gnssInject(agnss);
    t.true(r.emu.sky.assisted);
    t.true(r.emu.received.includes('AT#XAGNSS=2'));
    t.true(
      r.emu.received.some((c) => c.startsWith('AT#XAGNSS=1,0,"01')),
      'chunks sent as hex from offset 0',
    );
    t.like(await d.gnssNeed(), { ephemeris: false });
    const t0 = Date.now();
    await d.gnssFix({ timeoutMs: 6000 });
    const took = Date.now() - t0;
    t.true(took < COLD_MS - 300, `assisted fix took ${took} ms (cold ${COLD_MS})`);
  } finally {
    await r.close();
  }
});

test('indoors: GNSS_TIMEOUT and the receiver stopped', async (t) => {
  const { r, d } = await online((emu) => (emu.sky.indoors = true));
  try {
    t.is(await codeOf(d.gnssFix({ timeoutMs: 2500 })), 'GNSS_TIMEOUT');
    t.is(r.emu.received.at(-1), 'AT#XGNSS=0');
    t.false(r.emu.sky.running);
  } finally {
    await r.close();
  }
});

test('garbage assistance is refused: GNSS_BAD_ASSISTANCE before the modem sees it; the modem refuses it too', async (t) => {
  const { r, d } = await online();
  try {
    t.is(await codeOf(d.gnssInject(new Uint8Array(Buffer.from('not A-GNSS at all')))), 'GNSS_BAD_ASSISTANCE');
    t.false(
      r.emu.received.some((c) => c.startsWith('AT#XAGNSS=')),
      'nothing sent',
    );
    // Data without ephemerides is valid but does not make a fix faster.
    await d.gnssInject(buildNrfCloudAgnss({ location: { latitude: 1, longitude: 2 } }));
    t.false(r.emu.sky.assisted);
    // Straight to the modem: the SM's check (nrf_cloud_agnss_process) refuses a bad buffer with ERROR.
    await d.channel.command('AT#XAGNSS=1,0,"02FF00"');
    t.is(await codeOf(d.channel.command('AT#XAGNSS=2')), 'AT_ERROR');
    t.is(await codeOf(d.channel.command('AT#XAGNSS=1,5,"01"')), 'AT_ERROR', 'a chunk at the wrong offset');
    t.false(r.emu.sky.assisted);
  } finally {
    await r.close();
  }
});

test('a GNSS start refused by the modem (GNSS off in %XSYSTEMMODE) is an error, and stop still goes out', async (t) => {
  const { r, d } = await online();
  try {
    await d.channel.command('AT%XSYSTEMMODE=1,0,0,0');
    t.is(await codeOf(d.gnssFix({ timeoutMs: 2000 })), 'AT_ERROR');
    t.is(r.emu.received.at(-1), 'AT#XGNSS=0');
  } finally {
    await r.close();
  }
});

test('emulated AT#XGNSS as documented: single-fix mode with its statuses, parameter errors, stop when stopped', async (t) => {
  const { r, d } = await online();
  try {
    const ch = d.channel;
    for (const bad of ['AT#XGNSS=1,1,0', 'AT#XGNSS=1,0,5', 'AT#XGNSS=1,0,1,30', 'AT#XGNSS=2'])
      t.is(await codeOf(ch.command(bad)), 'AT_ERROR', bad);
    t.deepEqual((await ch.command('AT#XGNSS=0')).lines, [], 'stop when not running: OK alone');
    // Single fix, outdoors: started, then status 4 (sleep after fix) and the fix.
    const fixed = urcSeen(r, /^#XGNSS: 1,4$/, 5000);
    const fix = urcSeen(r, /^#XGNSS: 52\.520000,13\.405000,/, 5000);
    t.deepEqual((await ch.command('AT#XGNSS=1,0,0,10', { expect: '#XGNSS:' })).lines, ['#XGNSS: 1,1']);
    t.is(await codeOf(ch.command('AT#XGNSS=1,0,0,10')), 'AT_ERROR', 'already running');
    await fixed;
    await fix;
    // Single fix, indoors, 1 s timeout: status 3 (sleep after timeout).
    r.emu.sky.indoors = true;
    const timedOut = urcSeen(r, /^#XGNSS: 1,3$/, 5000);
    await ch.command('AT#XGNSS=1,0,0,1', { expect: '#XGNSS:' });
    await timedOut;
    t.deepEqual((await ch.command('AT#XGNSS?', { expect: '#XGNSS:' })).lines, ['#XGNSS: 1,3']);
  } finally {
    await r.close();
  }
});

test("the emulator console's sky: indoors → no fix, outdoors with a new ttff and position → that fix", async (t) => {
  const { r, d } = await online();
  try {
    t.is(runConsoleCommand(r.emu, 'indoors'), 'GNSS: indoors (no fix)');
    t.is(await codeOf(d.gnssFix({ timeoutMs: 600 })), 'GNSS_TIMEOUT');
    t.regex(runConsoleCommand(r.emu, 'status'), /GNSS off indoors/);
    runConsoleCommand(r.emu, 'outdoors');
    t.is(runConsoleCommand(r.emu, 'ttff 100 50'), 'GNSS: first fix 100 ms cold, 50 ms assisted');
    t.is(runConsoleCommand(r.emu, 'position 48.1 11.6'), 'GNSS: at 48.1, 11.6');
    t.regex(runConsoleCommand(r.emu, 'position 91 0'), /expected/);
    t.regex(runConsoleCommand(r.emu, 'ttff soon'), /expected/);
    t.like(await d.gnssFix({ timeoutMs: 3000 }), { latitude: 48.1, longitude: 11.6 });
  } finally {
    await r.close();
  }
});
