// pty-faults.test.ts: over a real pty: registration loss and recovery, ERROR / +CME ERROR answers, a command that never
// answers, garbage bytes and lines trickled across reads, URCs in the middle of a response.
import test from 'ava';
import { backgroundClock } from '../../src/clock.js';
import { AtChannel } from '../../src/modem/at-channel.js';
import { openSerialLink } from '../../src/modem/serial-link.js';
import { ModemEmulator } from '../support/modem-emulator.js';
import { ptyPair } from '../support/modem-emulator-pty.js';
import { rig, until, urcSeen } from './pty-helpers.js';
import { quietPeriod } from '../support/poll.js';

test('registration: short +CEREG: 2 blip is absorbed; +CEREG: 0 beyond the grace → network.down, then recovery by CFUN cycle → network.up', async (t) => {
  const r = await rig('bg95', { profile: 'bg95' });
  try {
    await until(() => r.out.some((m) => m.type === 'network.up'), 8000, 'network.up');
    const blip = urcSeen(r, /\+CEREG: 2/);
    r.emu.setStat(2);
    await blip;
    r.emu.setStat(1);
    await quietPeriod(400, 'longer than lossGraceMs (300 ms): the absorbed blip must not become network.down');
    t.false(
      r.out.some((m) => m.type === 'network.down'),
      'blip shorter than lossGraceMs',
    );
    // Lose it for good: the emulator no longer re-attaches on its own until the radio is cycled.
    r.emu.attachAfterMs = 30;
    r.emu.setStat(0);
    await until(() => r.out.some((m) => m.type === 'network.down'), 3000, 'network.down');
    t.deepEqual(
      r.out.find((m) => m.type === 'network.down'),
      { type: 'network.down', reason: 'LTE registration lost' },
    );
    // attachMs (3 s) passes with stat 0 → ATTACH_TIMEOUT → CFUN=0/1 → re-attach.
    await until(() => r.out.filter((m) => m.type === 'network.up').length === 2, 8000, 'second network.up');
    t.true(r.out.some((m) => m.type === 'network.error' && m.code === 'ATTACH_TIMEOUT'));
    const cfun = r.emu.received.filter((c) => c === 'AT+CFUN=1').length;
    t.is(cfun, 2, 'one CFUN=1 at start, one in recovery');
  } finally {
    await r.close();
  }
});

test('modem.reconnect request cycles CFUN and answers once network.up', async (t) => {
  const r = await rig('sim7080', { profile: 'sim7080' });
  try {
    await until(() => r.out.some((m) => m.type === 'network.up'), 8000, 'network.up');
    const reply = await r.svc.receive({ type: 'modem.reconnect' });
    t.deepEqual(reply, { ok: true });
    t.is(r.out.filter((m) => m.type === 'network.up').length, 2);
    t.true(r.out.some((m) => m.type === 'network.down' && m.reason === 'modem recovery'));
  } finally {
    await r.close();
  }
});

test('+CME ERROR on the SIM check → network.error with the 27.007 text, retried', async (t) => {
  const r = await rig('generic', { profile: 'generic' }, (emu) => emu.answers.set('AT+CPIN?', '+CME ERROR: 10'));
  try {
    await until(() => r.out.some((m) => m.type === 'network.error'), 5000, 'network.error');
    const e = r.out.find((m) => m.type === 'network.error');
    t.like(e, { type: 'network.error', code: 'AT_CME_ERROR', source: 'modem' });
    if (e?.type === 'network.error') t.regex(e.message, /SIM not inserted/);
    r.emu.answers.delete('AT+CPIN?');
    await until(() => r.out.some((m) => m.type === 'network.up'), 8000, 'network.up after the SIM came');
    t.pass();
  } finally {
    await r.close();
  }
});

test('AT channel over pty: ERROR, timeout then recovery, garbage, trickled lines, URC inside a response', async (t) => {
  const pty = await ptyPair();
  const emu = await ModemEmulator.start(pty.a, 'generic');
  const ch = new AtChannel(await openSerialLink({ path: pty.b, baudRate: 115200 }), {
    timers: backgroundClock,
    defaultTimeoutMs: 1000,
  });
  const urcs: string[] = [];
  ch.onUrc((l) => urcs.push(l));
  try {
    await t.throwsAsync(ch.command('AT+NOPE'), { message: /AT\+NOPE: ERROR/ });
    emu.silent.add('AT+CESQ');
    const e = await t.throwsAsync(ch.command('AT+CESQ', { expect: '+CESQ:', timeoutMs: 300 }));
    t.is((e as Error & { code: string }).code, 'AT_TIMEOUT');
    emu.silent.clear();
    t.is((await ch.command('AT')).final, 'OK', 'channel usable after a timeout');
    emu.raw(Buffer.from([0xff, 0xfe, 0x00, 0x13, 0x0d, 0x0a, 0x80]));
    emu.trickle = true;
    emu.interject = { cmd: 'AT+CESQ', line: '+CEREG: 5,"1A2D","01A2D001",7' };
    const res = await ch.command('AT+CESQ', { expect: '+CESQ:' });
    t.deepEqual(res.lines, ['+CESQ: 99,99,255,255,20,45']);
    t.deepEqual(
      urcs.filter((u) => u.startsWith('+CEREG')),
      ['+CEREG: 5,"1A2D","01A2D001",7'],
    );
    emu.trickle = false;
    const cops = await ch.command('AT+COPS?', { expect: '+COPS:' });
    t.deepEqual(cops.lines, ['+COPS: 0,2,"26201",7']);
  } finally {
    ch.close();
    await emu.close();
    pty.close();
  }
});
