// pty-gnss-sim7080.test.ts: the SIM7080 GNSS dialect through AtModemDriver against the pty emulator: a cold fix with
// every field converted, XTRA written through the file system then a faster fix, indoors → GNSS_TIMEOUT with the
// receiver off, refused injections, and no LTE data while the receiver runs.
import test from 'ava';
import { createSocket } from 'node:dgram';
import { randomBytes } from 'node:crypto';
import { backgroundClock } from '../../src/clock.js';
import type { TransportEvent } from '../../src/coap/transport.js';
import { AtModemDriver } from '../../src/modem/at-driver.js';
import { AtSocketTransport } from '../../src/modem/at-socket-transport.js';
import { AtUdpSocket } from '../../src/modem/at-udp-socket.js';
import { parseModemConfig } from '../../src/modem/config-schema.js';
import { openSerialLink } from '../../src/modem/serial-link.js';
import { ModemEmulator } from '../support/modem-emulator.js';
import { ptyPair } from '../support/modem-emulator-pty.js';
import { quietLog, rig, until } from './pty-helpers.js';

interface DriverRig {
  emu: ModemEmulator;
  driver: AtModemDriver;
  close(): Promise<void>;
}

/** The emulator on one end of a pty, an AtModemDriver (profile sim7080, powered on) on the other. */
async function driverRig(prepare: (emu: ModemEmulator) => void = () => undefined): Promise<DriverRig> {
  const pty = await ptyPair();
  const emu = await ModemEmulator.start(pty.a, 'sim7080');
  prepare(emu);
  const config = parseModemConfig({
    kind: 'serial',
    port: pty.b,
    apn: 'iot.test',
    profile: 'sim7080',
    timeouts: { commandMs: 1000, longCommandMs: 2000 },
  });
  const link = await openSerialLink({ path: pty.b, baudRate: 115200 });
  const driver = new AtModemDriver({ link, config, timers: backgroundClock, log: quietLog });
  await driver.powerOn();
  return {
    emu,
    driver,
    async close() {
      driver.close();
      await emu.close();
      pty.close();
    },
  };
}

const gnssCmds = (emu: ModemEmulator): string[] => emu.received.filter((c) => /^AT\+(CGNS|CFS)/.test(c));

test('cold start: no fix before ttffCold, then the fix with UTC, km/h → m/s, course, satellites and HDOP accuracy', async (t) => {
  const r = await driverRig((emu) => {
    Object.assign(emu.sky, { ttffColdMs: 2500, latitude: -33.856784, longitude: 151.215297, altitudeM: 58.25 });
    Object.assign(emu.sky, { speedMps: 5, headingDeg: 123.4, satellites: 7, accuracyM: 8 });
  });
  try {
    t.deepEqual(await r.driver.gnssNeed(), { ephemeris: true }, 'no XTRA file: AT+CGNSXTRA answers ERROR');
    t.deepEqual(r.driver.gnssInfo(), { rf: 'exclusive', assistanceFormat: 'xtra' });
    const started = Date.now();
    const fix = await r.driver.gnssFix({ timeoutMs: 8000 });
    const took = Date.now() - started;
    t.true(took >= 2500, `fix after the cold TTFF (${took} ms)`);
    t.like(fix, { latitude: -33.856784, longitude: 151.215297, altitudeM: 58.25, headingDeg: 123.4, satellites: 7 });
    t.is(fix.accuracyM, 8, 'HDOP 1.6 × 5 m');
    t.true(Math.abs((fix.speedMps ?? 0) - 5) < 0.01, `18.00 km/h → 5 m/s (${fix.speedMps})`);
    t.true(fix.utcMs >= started + 2400 && fix.utcMs <= Date.now(), 'the fix time is the emulated UTC of the fix');
    const cmds = gnssCmds(r.emu);
    t.is(cmds[1], 'AT+CGNSPWR=1');
    t.true(cmds.filter((c) => c === 'AT+CGNSINF').length >= 2, 'polled while it had no fix yet');
    t.is(cmds.at(-1), 'AT+CGNSPWR=0', 'the receiver is powered off after the fix');
    t.false(r.emu.sky.running);
  } finally {
    await r.close();
  }
});

test('XTRA: written in ≤ 10240-byte parts after DOWNLOAD, copied, validity reported; the next fix is assisted', async (t) => {
  const r = await driverRig((emu) => {
    Object.assign(emu.sky, { ttffColdMs: 30_000, ttffAssistedMs: 300 });
  });
  try {
    const xtra = randomBytes(40_000);
    await r.driver.gnssInject(xtra);
    t.deepEqual(gnssCmds(r.emu), [
      'AT+CFSINIT',
      'AT+CFSWFILE=3,"Xtra3.bin",0,10240,10000',
      'AT+CFSWFILE=3,"Xtra3.bin",1,10240,10000',
      'AT+CFSWFILE=3,"Xtra3.bin",1,10240,10000',
      'AT+CFSWFILE=3,"Xtra3.bin",1,9280,10000',
      'AT+CFSTERM',
      'AT+CGNSXTRA=1',
      'AT+CGNSCPY',
    ]);
    const size = await r.driver.channel.command('AT+CFSGFIS=3,"Xtra3.bin"', { expect: '+CFSGFIS:' });
    t.deepEqual(size.lines, ['+CFSGFIS: 40000'], 'the whole file, bytes intact in length');
    const need = await r.driver.gnssNeed();
    t.false(need.ephemeris);
    t.true(Math.abs((need.validUntilMs ?? 0) - (Date.now() + 4 * 3600_000)) < 3600_000, 'valid for the Sky’s 4 h');
    const started = Date.now();
    const fix = await r.driver.gnssFix({ timeoutMs: 5000 });
    t.true(Date.now() - started < 2500, `assisted fix after ~ttffAssisted + one poll (${Date.now() - started} ms)`);
    t.is(fix.latitude, 52.52);
    t.is(gnssCmds(r.emu).at(-1), 'AT+CGNSPWR=0');
  } finally {
    await r.close();
  }
});

test('indoors: no fix → GNSS_TIMEOUT, and the receiver is powered off (AT+CGNSPWR=0)', async (t) => {
  const r = await driverRig((emu) => {
    emu.sky.indoors = true;
    emu.sky.ttffColdMs = 100;
  });
  try {
    const err = await t.throwsAsync(r.driver.gnssFix({ timeoutMs: 2500 }));
    t.is((err as { code?: string }).code, 'GNSS_TIMEOUT');
    const cmds = gnssCmds(r.emu);
    t.true(cmds.filter((c) => c === 'AT+CGNSINF').length >= 1, 'it polled');
    t.is(cmds.at(-1), 'AT+CGNSPWR=0');
    t.false(r.emu.sky.running, 'the emulated receiver is off');
  } finally {
    await r.close();
  }
});

test('refused injections: empty file, file past the flash, file system refusing → GNSS_INJECT_FAILED, nothing copied', async (t) => {
  const r = await driverRig();
  try {
    const empty = await t.throwsAsync(r.driver.gnssInject(new Uint8Array(0)));
    t.is((empty as { code?: string }).code, 'GNSS_INJECT_FAILED');
    t.regex(empty?.message ?? '', /AT\+CFSWFILE.*ERROR/);
    t.is(gnssCmds(r.emu).at(-1), 'AT+CFSTERM', 'the file-system buffer is freed');

    const big = await t.throwsAsync(r.driver.gnssInject(randomBytes(129 * 1024)));
    t.is((big as { code?: string }).code, 'GNSS_INJECT_FAILED');
    t.false(r.emu.received.includes('AT+CGNSCPY'), 'nothing was copied into the engine');

    r.emu.answers.set('AT+CFSINIT', '+CME ERROR: 3');
    const refused = await t.throwsAsync(r.driver.gnssInject(randomBytes(100)));
    t.is((refused as { code?: string }).code, 'GNSS_INJECT_FAILED');
    t.regex(refused?.message ?? '', /AT\+CFSINIT/);
    t.true((await r.driver.gnssNeed()).ephemeris, 'still no XTRA data');
  } finally {
    await r.close();
  }
});

test('RF shared: while the receiver runs the modem carries no LTE data; after AT+CGNSPWR=0 it does again', async (t) => {
  const echo = createSocket('udp4');
  const heard: number[] = [];
  let modemPort = 0;
  echo.on('message', (msg, rinfo) => {
    heard.push(...msg);
    modemPort = rinfo.port;
    echo.send(msg, rinfo.port, rinfo.address);
  });
  await new Promise<void>((res) => echo.bind(0, '127.0.0.1', () => res()));
  const peer = { address: '127.0.0.1', port: echo.address().port };
  const r = await rig('sim7080', { profile: 'sim7080', dataPath: 'modem-socket' }, (emu) => {
    emu.sky.indoors = true;
  });
  try {
    await until(() => r.out.some((m) => m.type === 'network.up'), 8000, 'network.up');
    const driver = r.svc.driver();
    if (!(driver instanceof AtModemDriver)) return t.fail('not an AT driver');
    const transport = new AtSocketTransport(new AtUdpSocket(driver));
    const got: TransportEvent[] = [];
    transport.onEvent((ev) => got.push(ev));
    await transport.open();
    await transport.send(Uint8Array.of(1), peer);
    await until(() => got.some((e) => e.type === 'message'), 5000, 'echo before GNSS');

    const attempt = driver.gnssFix({ timeoutMs: 2500 });
    const settled = attempt.catch((err: unknown) => err);
    await until(() => r.emu.sky.running, 3000, 'receiver on');
    await t.throwsAsync(transport.send(Uint8Array.of(2), peer), undefined, 'AT+CASEND refused while GNSS runs');
    t.deepEqual(heard, [1], 'nothing reached the network while the receiver was on');
    // Downlink while the receiver runs: announced, but AT+CARECV reads nothing until the receiver is off.
    const reads = (): number => r.emu.received.filter((c) => /^AT\+CARECV=/.test(c)).length;
    const readsBefore = reads();
    echo.send(Uint8Array.of(9), modemPort, '127.0.0.1');
    await until(() => reads() > readsBefore, 3000, 'AT+CARECV after +CADATAIND');
    t.true(r.emu.sky.running, 'read while the receiver runs');
    t.is(got.filter((e) => e.type === 'message').length, 1, 'not delivered while the receiver runs');
    t.is(((await settled) as { code?: string }).code, 'GNSS_TIMEOUT');
    t.false(r.emu.sky.running);
    await until(() => got.filter((e) => e.type === 'message').length === 2, 5000, 'held downlink after GNSS');

    await transport.send(Uint8Array.of(3), peer);
    await until(() => got.filter((e) => e.type === 'message').length === 3, 5000, 'echo after GNSS');
    const data = got.flatMap((e) => (e.type === 'message' ? [[...e.data]] : []));
    t.deepEqual(data, [[1], [9], [3]]);
    t.deepEqual(heard, [1, 3]);
    await transport.close();
  } finally {
    await r.close();
    echo.close();
  }
});

test('modem actor on the emulated SIM7080: need → XTRA injected → assisted fix inside the client’s RF hold', async (t) => {
  const events: string[] = [];
  const pwr = (emu: ModemEmulator): string => emu.received.filter((c) => /^AT\+CGNSPWR=/.test(c)).join(' ');
  let emu: ModemEmulator | undefined;
  const r = await rig(
    'sim7080',
    { profile: 'sim7080', dataPath: 'modem-socket' },
    (e) => {
      emu = e;
      Object.assign(e.sky, { ttffColdMs: 30_000, ttffAssistedMs: 300 });
    },
    undefined,
    quietLog,
    (m) => {
      events.push(`${m.type} receiver=${emu?.sky.running ? 'on' : 'off'} [${emu ? pwr(emu) : ''}]`);
      return Promise.resolve({ ok: true });
    },
  );
  try {
    await until(() => r.out.some((m) => m.type === 'network.up'), 8000, 'network.up');
    const ask = (msg: Parameters<typeof r.svc.receive>[0]): Promise<unknown> => Promise.resolve(r.svc.receive(msg));
    t.like(await ask({ type: 'modem.gnss.need' }), { ephemeris: true, format: 'xtra', rf: 'exclusive' });
    t.deepEqual(await ask({ type: 'modem.gnss.inject', data: randomBytes(40_000) }), { ok: true });
    t.like(await ask({ type: 'modem.gnss.need' }), { ephemeris: false });
    t.is(r.emu.sky.running, false, 'injection does not take the RF');
    const fix = (await ask({ type: 'modem.gnss.fix', timeoutMs: 5000 })) as { latitude?: number };
    t.is(fix.latitude, 52.52);
    t.deepEqual(events, [
      'client.rf-hold receiver=off []',
      'client.rf-release receiver=off [AT+CGNSPWR=1 AT+CGNSPWR=0]',
    ]);
  } finally {
    await r.close();
  }
});
