// gnss-session.test.ts: runGnssFix on a simulated clock, a fake dialect over a real AtChannel and a scripted modem: fix
// by poll and by URC, accuracy goal, timeout, abort, the receiver always stopped, malformed lines no fix.
import test from 'ava';
import { AtChannel } from '../../src/modem/at-channel.js';
import { runGnssFix, type GnssSessionDeps } from '../../src/modem/gnss/session.js';
import type { GnssDialect, GnssFix, GnssOptions } from '../../src/modem/gnss/types.js';
import type { AtStep } from '../../src/modem/profiles/types.js';
import { ScriptedAtLink } from '../support/scripted-at-link.js';
import { SimTimers } from '../support/sim-timers.js';

/** A naive parser on purpose (Number() of each field, no checks): the session must not take its garbage for a fix. */
function naiveFix(body: string): GnssFix | undefined {
  const [lat, lon, acc] = body.split(',');
  if (lat === 'boom') throw new Error('parser blew up');
  if (lat === undefined || lat === '') return undefined;
  return { latitude: Number(lat), longitude: Number(lon), accuracyM: Number(acc), utcMs: 1_700_000_000_000 };
}

const START = 'AT+XGPS=1';
const STOP = 'AT+XGPS=0';
const POLL = 'AT+XGPSPOS?';

const pollDialect: GnssDialect = {
  rf: 'exclusive',
  assistanceFormat: 'xtra',
  start: () => [{ cmd: START }],
  stop: () => [{ cmd: STOP }],
  poll: { cmd: POLL, expect: '+XGPSPOS:', intervalMs: 1000, parse: (l) => naiveFix(l[0]?.slice(10) ?? '') },
};

const urcDialect: GnssDialect = {
  rf: 'lte-idle',
  assistanceFormat: 'nrf-cloud-agnss',
  start: () => [{ cmd: START }],
  stop: () => [{ cmd: STOP }],
  fixUrc: { re: /^\+XGPSFIX: /, parse: (line) => naiveFix(line.slice(10)) },
};

interface Rig {
  timers: SimTimers;
  link: ScriptedAtLink;
  deps: GnssSessionDeps;
  /** What the receiver reports to a poll right now (undefined: no fix, answered +CME ERROR: 516). */
  sky: { pos: string | undefined; startFails: boolean };
  warnings: string[];
}

function rig(): Rig {
  const timers = new SimTimers();
  const sky: Rig['sky'] = { pos: undefined, startFails: false };
  const link = new ScriptedAtLink((cmd) => {
    if (cmd === START) return sky.startFails ? ['ERROR'] : ['OK'];
    if (cmd === STOP) return ['OK'];
    if (cmd === POLL) return sky.pos === undefined ? ['+CME ERROR: 516'] : [`+XGPSPOS: ${sky.pos}`, 'OK'];
    return ['ERROR'];
  });
  const warnings: string[] = [];
  const log = { debug: () => undefined, warn: (_o: object, m?: string) => void warnings.push(m ?? '') };
  const ch = new AtChannel(link, { timers, defaultTimeoutMs: 2000, urcPrefixes: ['+XGPSFIX:'], log });
  const cmd = (s: AtStep): ReturnType<AtChannel['command']> =>
    ch.command(s.cmd, s.expect !== undefined ? { expect: s.expect } : {});
  const deps: GnssSessionDeps = {
    ch,
    run: async (steps) => {
      for (const s of steps) await cmd(s);
    },
    cmd,
    clock: timers,
    log,
  };
  return { timers, link, deps, sky, warnings };
}

/** Runs a fix attempt and records when (simulated ms) and how it settled, with the commands sent by then. */
function attempt(
  r: Rig,
  g: GnssDialect,
  o: GnssOptions,
  signal?: AbortSignal,
): { settled: () => { at: number; fix?: GnssFix; code?: string; commands: string[] } | undefined } {
  let out: { at: number; fix?: GnssFix; code?: string; commands: string[] } | undefined;
  runGnssFix(r.deps, g, o, signal).then(
    (fix) => (out = { at: r.timers.now(), fix, commands: [...r.link.commands] }),
    (err: { code?: string }) =>
      (out = { at: r.timers.now(), ...(err.code ? { code: err.code } : {}), commands: [...r.link.commands] }),
  );
  return { settled: () => out };
}

test('fix by poll: polls answered "no fix" go on until the receiver has one; the receiver is stopped', async (t) => {
  const r = rig();
  const a = attempt(r, pollDialect, { timeoutMs: 30_000 });
  await r.timers.advance(3500);
  t.is(a.settled(), undefined, 'no fix yet');
  r.sky.pos = '52.5,13.4,7';
  await r.timers.advance(1000);
  const s = a.settled();
  t.like(s?.fix, { latitude: 52.5, longitude: 13.4, accuracyM: 7 });
  t.true((s?.at ?? 0) <= 4500);
  t.is(s?.commands[0], START);
  t.is(s?.commands.at(-1), STOP, 'stopped before the promise settled');
  t.is(s?.commands.filter((c) => c === POLL).length, 4);
  await r.timers.advance(10_000);
  t.is(r.link.commands.filter((c) => c === POLL).length, 4, 'no poll after the fix');
  t.is(r.timers.pending, 0, 'no timer left behind');
});

test('fix by URC: the first fix URC answers; other URCs are ignored', async (t) => {
  const r = rig();
  const a = attempt(r, urcDialect, { timeoutMs: 30_000 });
  await r.timers.advance(2000);
  r.link.urc('+CEREG: 1');
  await r.timers.advance(100);
  t.is(a.settled(), undefined);
  r.link.urc('+XGPSFIX: -33.86,151.21,4');
  await r.timers.advance(10);
  t.like(a.settled()?.fix, { latitude: -33.86, longitude: 151.21, accuracyM: 4 });
  t.deepEqual(a.settled()?.commands, [START, STOP]);
  t.is(r.timers.pending, 0);
});

test('accuracy goal: a worse fix is not the answer, a good one is', async (t) => {
  const r = rig();
  const a = attempt(r, urcDialect, { timeoutMs: 30_000, accuracyM: 10 });
  await r.timers.advance(1000);
  r.link.urc('+XGPSFIX: 52.5,13.4,60');
  await r.timers.advance(1000);
  t.is(a.settled(), undefined, 'a 60 m fix does not meet a 10 m goal');
  r.link.urc('+XGPSFIX: 52.51,13.41,8');
  await r.timers.advance(10);
  t.like(a.settled()?.fix, { latitude: 52.51, accuracyM: 8 });
});

test('accuracy goal not met by the timeout: the best fix seen is the answer', async (t) => {
  const r = rig();
  const a = attempt(r, urcDialect, { timeoutMs: 10_000, accuracyM: 5 });
  await r.timers.advance(1000);
  r.link.urc('+XGPSFIX: 1,1,60');
  await r.timers.advance(1000);
  r.link.urc('+XGPSFIX: 2,2,20');
  await r.timers.advance(1000);
  r.link.urc('+XGPSFIX: 3,3,40');
  await r.timers.advance(6990);
  t.is(a.settled(), undefined);
  await r.timers.advance(20);
  const s = a.settled();
  t.like(s?.fix, { latitude: 2, accuracyM: 20 });
  t.is(s?.at, 10_000);
  t.is(s?.commands.at(-1), STOP);
});

test('timeout with no fix: GNSS_TIMEOUT, the receiver stopped', async (t) => {
  const r = rig();
  const a = attempt(r, pollDialect, { timeoutMs: 5000 });
  await r.timers.advance(6000);
  const s = a.settled();
  t.is(s?.code, 'GNSS_TIMEOUT');
  t.is(s?.at, 5000);
  t.is(s?.commands.at(-1), STOP);
  t.is(r.timers.pending, 0);
});

test('abort: GNSS_ABORTED, and the receiver is stopped before the promise settles', async (t) => {
  const r = rig();
  const ac = new AbortController();
  const a = attempt(r, pollDialect, { timeoutMs: 60_000 }, ac.signal);
  await r.timers.advance(2500);
  ac.abort();
  await r.timers.advance(10);
  const s = a.settled();
  t.is(s?.code, 'GNSS_ABORTED');
  t.is(s?.commands.at(-1), STOP);
  t.is(r.timers.pending, 0);
  const b = attempt(r, pollDialect, { timeoutMs: 60_000 }, ac.signal);
  await r.timers.advance(10);
  t.is(b.settled()?.code, 'GNSS_ABORTED', 'an attempt with an aborted signal does not start');
});

test('a start that fails: its error, and stop still runs', async (t) => {
  const r = rig();
  r.sky.startFails = true;
  const a = attempt(r, pollDialect, { timeoutMs: 60_000 });
  await r.timers.advance(10);
  t.is(a.settled()?.code, 'AT_ERROR');
  t.deepEqual(a.settled()?.commands, [START, STOP]);
  t.is(r.timers.pending, 0);
});

test('malformed fix lines are no fix (URC and poll), never a crash', async (t) => {
  const bad = [
    '',
    ',,',
    'abc,def,ghi',
    'NaN,NaN,3',
    '91,13.4,5',
    '52.5,-181,5',
    'Infinity,1,1',
    '52.5',
    'boom,1,1',
    '1e999,2,3',
    '\u0001\u0002,\u0003',
  ];
  const r = rig();
  const a = attempt(r, urcDialect, { timeoutMs: 20_000 });
  for (const b of bad) {
    r.link.urc(`+XGPSFIX: ${b}`);
    await r.timers.advance(100);
  }
  t.is(a.settled(), undefined, 'no malformed line was taken for a fix');
  await r.timers.advance(20_000);
  t.is(a.settled()?.code, 'GNSS_TIMEOUT');

  const p = rig();
  const b = attempt(p, pollDialect, { timeoutMs: 20_000 });
  for (const x of bad) {
    p.sky.pos = x;
    await p.timers.advance(1000);
  }
  t.is(b.settled(), undefined);
  await p.timers.advance(20_000);
  t.is(b.settled()?.code, 'GNSS_TIMEOUT');
});

test('a fix whose accuracy is not a number neither meets a goal nor beats a real estimate', async (t) => {
  const r = rig();
  const a = attempt(r, urcDialect, { timeoutMs: 10_000, accuracyM: 10 });
  r.link.urc('+XGPSFIX: 1,1,30');
  await r.timers.advance(100);
  r.link.urc('+XGPSFIX: 2,2,oops');
  await r.timers.advance(100);
  t.is(a.settled(), undefined, 'an accuracy that is not a number does not meet the 10 m goal');
  await r.timers.advance(10_000);
  t.like(a.settled()?.fix, { latitude: 1, accuracyM: 30 });
});
