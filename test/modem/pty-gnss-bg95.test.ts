// pty-gnss-bg95.test.ts: the BG95 GNSS dialect through AtModemDriver on the pty emulator: a cold fix after the cold
// TTFF with every field converted, XTRA upload and injection then a faster fix, indoors → GNSS_TIMEOUT with the
// receiver stopped, bad XTRA files refused, the emulator answering as the manuals say, LTE data blocked while the
// receiver runs.
import test from 'ava';
import { createSocket } from 'node:dgram';
import { randomBytes } from 'node:crypto';
import { CodedError } from '../../src/errors.js';
import { AtModemDriver } from '../../src/modem/at-driver.js';
import { parseQgpsloc } from '../../src/modem/gnss/bg95.js';
import { quectelSocket } from '../../src/modem/profiles/bg95.js';
import type { ModemEmulator } from '../support/modem-emulator.js';
import { waitFor } from '../support/poll.js';
import { rig, until, type Rig } from './pty-helpers.js';

const COLD_MS = 3000;
const ASSISTED_MS = 300;

/** A BG95 online on the emulator, its sky with short TTFFs (wall time) and `sky` applied. */
async function online(sky: (emu: ModemEmulator) => void = () => undefined): Promise<{ r: Rig; driver: AtModemDriver }> {
  const r = await rig('bg95', { profile: 'bg95' }, (emu) => {
    emu.sky.ttffColdMs = COLD_MS;
    emu.sky.ttffAssistedMs = ASSISTED_MS;
    sky(emu);
  });
  await until(() => r.out.some((m) => m.type === 'network.up'), 8000, 'network.up');
  const driver = r.svc.driver();
  if (!(driver instanceof AtModemDriver)) throw new Error('not an AT driver');
  return { r, driver };
}

/** The code of a rejection (CodedError), and its details. */
async function rejection(p: Promise<unknown>): Promise<CodedError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof CodedError) return err;
    throw err;
  }
  throw new Error('resolved, expected a rejection');
}

test('cold start: no fix before the cold TTFF, then every field converted; the receiver stopped after', async (t) => {
  const { r, driver } = await online((emu) => {
    Object.assign(emu.sky, {
      latitude: -33.86882,
      longitude: 151.20929,
      altitudeM: 58.3,
      accuracyM: 6,
      speedMps: 1.5,
      headingDeg: 270.5,
      satellites: 7,
    });
  });
  try {
    t.deepEqual(driver.gnssInfo(), { rf: 'exclusive', assistanceFormat: 'xtra' });
    const before = Date.now();
    const fix = await driver.gnssFix({ timeoutMs: 10_000 });
    const after = Date.now();
    t.true(after - before >= COLD_MS, `fix after ${after - before} ms`);
    t.true(Math.abs(fix.latitude - -33.86882) < 1e-5);
    t.true(Math.abs(fix.longitude - 151.20929) < 1e-5);
    t.is(fix.altitudeM, 58.3);
    t.is(fix.accuracyM, 6); // HDOP 1.2 × 5 m
    t.true(Math.abs((fix.speedMps ?? 0) - 1.5) < 0.03, `speed ${fix.speedMps}`); // 5.4 km/h
    t.true(Math.abs((fix.headingDeg ?? 0) - 270.5) < 1e-9); // COG 270.30: 270° 30'
    t.is(fix.satellites, 7);
    t.true(fix.utcMs >= before - 1000 && fix.utcMs <= after, 'UTC from the fix time and date');
    const cmds = r.emu.received;
    t.true(cmds.includes('AT+QGPSCFG="priority",0'), 'GNSS given the RF');
    t.true(cmds.filter((c) => c === 'AT+QGPSLOC=2').length >= 2, 'polled before the fix (516) and at it');
    const end = cmds.lastIndexOf('AT+QGPSEND');
    t.true(end > cmds.lastIndexOf('AT+QGPSLOC=2'), 'AT+QGPSEND after the last poll');
    t.true(cmds.lastIndexOf('AT+QGPSCFG="priority",1') > end, 'the RF back to LTE after the receiver stopped');
    t.false(r.emu.sky.running);
  } finally {
    await r.close();
  }
});

test('emulator as the manual: QGPSLOC before a fix 516, a second AT+QGPS=1 504, ddmm.mmmm form, QGPSEND twice 505', async (t) => {
  const { r, driver } = await online((emu) => {
    emu.sky.ttffColdMs = 500;
    emu.sky.latitude = 52.520008;
    emu.sky.longitude = -13.404954;
  });
  const ch = driver.channel;
  const cme = async (cmd: string): Promise<unknown> => (await rejection(ch.command(cmd))).details?.['cme'];
  try {
    t.is(await cme('AT+QGPSLOC=2'), 505, 'receiver off: session not active');
    await ch.command('AT+QGPS=1');
    t.is(await cme('AT+QGPS=1'), 504, 'session is ongoing');
    t.is(await cme('AT+QGPSLOC=2'), 516, 'not fixed now');
    await waitFor(() => r.emu.sky.fix() !== undefined, { timeoutMs: 3000, what: 'a fix in the sky' });
    const res = await ch.command('AT+QGPSLOC=0', { expect: '+QGPSLOC:' });
    t.regex(res.lines[0] ?? '', /^\+QGPSLOC: \d{6}\.\d{3},5231\.2005N,01324\.2972W,/);
    const fix = parseQgpsloc(res.lines);
    t.true(Math.abs((fix?.latitude ?? 0) - 52.520008) < 2e-6);
    t.true(Math.abs((fix?.longitude ?? 0) - -13.404954) < 2e-6);
    await ch.command('AT+QGPSEND');
    t.is(await cme('AT+QGPSEND'), 505);
    t.is(await cme('AT+QGPSXTRADATA="UFS:xtra2.bin"'), 509, 'XTRA not enabled');
    await ch.command('AT+QGPSXTRA=1');
    t.is(await cme('AT+QGPSXTRADATA="UFS:xtra2.bin"'), 519, 'injecting a file that is not there');
  } finally {
    await r.close();
  }
});

test('XTRA: needed at first, uploaded and injected with the time, file deleted, then valid and a fix within the assisted TTFF', async (t) => {
  const { r, driver } = await online();
  try {
    t.true((await driver.gnssNeed()).ephemeris, 'no XTRA data yet');
    const xtra = randomBytes(60 * 1024); // binary: CR, LF, '>' and NUL bytes all occur
    const injectedAt = Date.now();
    await driver.gnssInject(xtra);
    const xtraCmds = r.emu.received.filter((c) => /^AT\+(QGPSXTRA|QF)[^?]*$/.test(c));
    t.deepEqual(
      xtraCmds.map((c) => c.replace(/"\d{4}\/\d{2}\/\d{2},\d{2}:\d{2}:\d{2}"/, '<time>')),
      [
        'AT+QGPSXTRA=1',
        'AT+QFDEL="UFS:xtra2.bin"',
        `AT+QFUPL="UFS:xtra2.bin",${xtra.length},2`,
        'AT+QGPSXTRATIME=0,<time>,1,1,3500',
        'AT+QGPSXTRADATA="UFS:xtra2.bin"',
        'AT+QFDEL="UFS:xtra2.bin"',
      ],
    );
    const listing = await driver.channel.command('AT+QFLST="*"');
    t.deepEqual(listing.lines, [], 'no file left in UFS');
    const need = await driver.gnssNeed();
    t.false(need.ephemeris);
    const until4h = injectedAt + r.emu.sky.assistanceValidMs;
    t.true(Math.abs((need.validUntilMs ?? 0) - until4h) < 5000, 'valid for the emulated 4 h');
    const before = Date.now();
    const fix = await driver.gnssFix({ timeoutMs: 10_000 });
    const took = Date.now() - before;
    t.true(took >= ASSISTED_MS && took < COLD_MS - 500, `assisted fix after ${took} ms`);
    t.true(Math.abs(fix.latitude - r.emu.sky.latitude) < 1e-5);
  } finally {
    await r.close();
  }
});

test('indoors: GNSS_TIMEOUT, the receiver stopped (AT+QGPSEND) and the RF given back', async (t) => {
  const { r, driver } = await online((emu) => {
    emu.sky.indoors = true;
  });
  try {
    const err = await rejection(driver.gnssFix({ timeoutMs: 2500 }));
    t.is(err.code, 'GNSS_TIMEOUT');
    const cmds = r.emu.received;
    t.true(cmds.filter((c) => c === 'AT+QGPSLOC=2').length >= 1);
    t.true(cmds.lastIndexOf('AT+QGPSEND') > cmds.lastIndexOf('AT+QGPSLOC=2'));
    t.true(cmds.lastIndexOf('AT+QGPSCFG="priority",1') > cmds.lastIndexOf('AT+QGPSEND'));
    t.false(r.emu.sky.running);
    t.deepEqual((await driver.channel.command('AT+QGPS?', { expect: '+QGPS:' })).lines, ['+QGPS: 0']);
  } finally {
    await r.close();
  }
});

test('bad XTRA files: empty refused before the modem, oversize refused by it (524); nothing left, still no assistance', async (t) => {
  const { r, driver } = await online();
  try {
    const empty = await rejection(driver.gnssInject(new Uint8Array(0)));
    t.is(empty.code, 'GNSS_INJECT_FAILED');
    t.false(
      r.emu.received.some((c) => c.startsWith('AT+QFUPL')),
      'an empty file is not uploaded',
    );
    const big = await rejection(driver.gnssInject(randomBytes(200 * 1024)));
    t.is(big.code, 'GNSS_INJECT_FAILED');
    t.is(big.details?.['cme'], 524);
    t.regex(big.message, /XTRA file is invalid/);
    const cmds = r.emu.received;
    t.true(
      cmds.lastIndexOf('AT+QFDEL="UFS:xtra2.bin"') > cmds.lastIndexOf('AT+QGPSXTRADATA="UFS:xtra2.bin"'),
      'the uploaded file deleted after the failure',
    );
    t.deepEqual((await driver.channel.command('AT+QFLST="*"')).lines, []);
    t.true((await driver.gnssNeed()).ephemeris);
    // The receiver still fixes, cold.
    const before = Date.now();
    await driver.gnssFix({ timeoutMs: 10_000 });
    t.true(Date.now() - before >= COLD_MS);
  } finally {
    await r.close();
  }
});

test('RF exclusive: while the receiver runs (GNSS priority) a datagram is not sent (SEND FAIL); after the fix it is', async (t) => {
  const server = createSocket('udp4');
  const got: Buffer[] = [];
  server.on('message', (m) => got.push(m));
  await new Promise<void>((res) => server.bind(0, '127.0.0.1', () => res()));
  const to = { address: '127.0.0.1', port: server.address().port };
  const { r, driver } = await online();
  const ch = driver.channel;
  const tmo = { commandMs: 1000, longCommandMs: 2000 };
  try {
    const id = await quectelSocket.open(ch, to, tmo);
    const fixing = driver.gnssFix({ timeoutMs: 10_000 });
    await waitFor(() => r.emu.sky.running, { timeoutMs: 3000, what: 'receiver on' });
    const err = await rejection(quectelSocket.sendTo(ch, id, Buffer.from('during'), to, tmo));
    t.is(err.code, 'AT_ERROR');
    t.regex(err.message, /SEND FAIL/);
    await fixing;
    await quectelSocket.sendTo(ch, id, Buffer.from('after'), to, tmo);
    await waitFor(() => got.length > 0, { timeoutMs: 3000, what: 'the datagram sent after the fix' });
    t.deepEqual(
      got.map((b) => b.toString()),
      ['after'],
      'only the datagram sent with the receiver off arrived',
    );
  } finally {
    await r.close();
    server.close();
  }
});

test('WWAN prior mode (the power-on priority): a datagram sent while the receiver runs goes out and restarts its acquisition', async (t) => {
  const server = createSocket('udp4');
  const got: Buffer[] = [];
  server.on('message', (m) => got.push(m));
  await new Promise<void>((res) => server.bind(0, '127.0.0.1', () => res()));
  const to = { address: '127.0.0.1', port: server.address().port };
  const { r, driver } = await online((emu) => {
    emu.sky.ttffColdMs = 1000;
  });
  const ch = driver.channel;
  const tmo = { commandMs: 1000, longCommandMs: 2000 };
  try {
    const id = await quectelSocket.open(ch, to, tmo);
    await ch.command('AT+QGPS=1');
    await waitFor(() => (r.emu.sky.msToFix() ?? 0) < 500, { timeoutMs: 3000, what: 'acquisition half done' });
    await quectelSocket.sendTo(ch, id, Buffer.from('lte'), to, tmo);
    t.true((r.emu.sky.msToFix() ?? 0) > 500, 'the acquisition started over');
    await waitFor(() => got.length > 0, { timeoutMs: 3000, what: 'the datagram' });
    t.is(got[0]?.toString(), 'lte');
    await ch.command('AT+QGPSEND');
  } finally {
    await r.close();
    server.close();
  }
});
