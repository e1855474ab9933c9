// sources.test.ts: pulse sources: gpiomon arguments and output (v1/v2), debounce, a fake gpiomon child, serial lines,
// simulated flow.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import test from 'ava';
import { SimulatedClock } from 'xstate';
import type { CodedError } from '../../src/errors.js';
import { Debouncer } from '../../src/meter/sources/debounce.js';
import { FlowProfile } from '../../src/meter/sources/flow-profile.js';
import { GpioSource } from '../../src/meter/sources/gpio.js';
import { gpiomonArgs, gpiomonMajor, parseGpiomonLine } from '../../src/meter/sources/gpiomon-args.js';
import { LineSplitter, MAX_LINE, parseMeterLine, SerialLineSource } from '../../src/meter/sources/serial-lines.js';
import { SimulatedSource } from '../../src/meter/sources/simulated.js';
import type { PulseEvent } from '../../src/meter/sources/source.js';

const line = { chip: 'gpiochip0', line: 17, edge: 'falling' as const, activeLow: false, bias: 'pull-up' as const };

test('gpiomon version and arguments for libgpiod v1 and v2', (t) => {
  t.is(gpiomonMajor('gpiomon (libgpiod) v1.6.3\nCopyright'), 1);
  t.is(gpiomonMajor('gpiomon (libgpiod) v2.1\n'), 2);
  t.is(gpiomonMajor('nonsense'), undefined);
  t.deepEqual(gpiomonArgs(1, line), [
    '--line-buffered',
    '--bias',
    'pull-up',
    '--falling-edge',
    '--format',
    '%e %s %n',
    'gpiochip0',
    '17',
  ]);
  t.deepEqual(gpiomonArgs(2, { ...line, edge: 'rising', activeLow: true }), [
    '--chip',
    'gpiochip0',
    '--edges',
    'rising',
    '--bias',
    'pull-up',
    '--format',
    '%e %S',
    '--active-low',
    '17',
  ]);
});

test('gpiomon output lines parse to ns timestamps; other lines do not', (t) => {
  t.is(parseGpiomonLine('0 12 500'), 12_000_000_500n);
  t.is(parseGpiomonLine('1 12.000000500'), 12_000_000_500n);
  t.is(parseGpiomonLine('2 3.5'), 3_500_000_000n);
  t.is(parseGpiomonLine('event: FALLING EDGE offset: 17'), undefined);
  t.is(parseGpiomonLine(''), undefined);
});

test('debounce drops edges closer than the period to the last accepted edge', (t) => {
  const d = new Debouncer(20);
  const ms = (x: number): bigint => BigInt(x * 1e6);
  t.deepEqual(
    [0, 5, 19, 20, 30, 45, 100].map((x) => d.accept(ms(x))),
    [true, false, false, true, false, true, true],
  );
  t.is(d.rejected, 3);
});

function fakeGpiomon(body: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fake-gpiomon-'));
  const file = path.join(dir, 'gpiomon');
  fs.writeFileSync(
    file,
    `#!/bin/sh\nif [ "$1" = "--version" ]; then echo "gpiomon (libgpiod) v1.6.3"; exit 0; fi\necho "$@" > ${dir}/args\n${body}\n`,
    { mode: 0o755 },
  );
  return file;
}

test('GPIO source: spawns gpiomon, counts debounced edges, reports its exit as a failure', async (t) => {
  // Edges at 0, 1 ms (bounce), 50 ms, 51 ms (bounce), 120 ms → 3 pulses; then gpiomon exits with an error.
  const cmd = fakeGpiomon(
    'printf "0 10 0\\n0 10 1000000\\n0 10 50000000\\n0 10 51000000\\ngarbage\\n0 10 120000000\\n"; echo "gpiomon: unable to request line" >&2; exit 1',
  );
  const src = new GpioSource({ ...line, debounceMs: 20, command: cmd });
  let pulses = 0;
  const warnings: string[] = [];
  const failed = new Promise<CodedError>((resolve) => {
    void src.start({
      event: (e) => {
        if (e.kind === 'pulses') pulses += e.count;
      },
      error: resolve,
      warn: (m) => warnings.push(m),
    });
  });
  const err = await failed;
  t.is(err.code, 'METER_SOURCE_FAILED');
  t.regex(err.message, /unable to request line/);
  t.is(pulses, 3);
  t.is(src.bouncesRejected, 2);
  t.is(warnings.length, 1);
  const args = fs.readFileSync(path.join(path.dirname(cmd), 'args'), 'utf8').trim();
  t.is(args, '--line-buffered --bias pull-up --falling-edge --format %e %s %n gpiochip0 17');
  await src.stop();
});

test('GPIO source: a missing gpiomon is a clear start error; stop ends a running gpiomon', async (t) => {
  const missing = new GpioSource({ ...line, debounceMs: 20, command: '/nonexistent/gpiomon' });
  await t.throwsAsync(missing.start({ event() {}, error() {} }), { message: /gpiod/ });
  const cmd = fakeGpiomon('exec sleep 30');
  const src = new GpioSource({ ...line, debounceMs: 20, command: cmd });
  let failed = false;
  await src.start({
    event() {},
    error: () => {
      failed = true;
    },
  });
  await src.stop();
  t.false(failed, 'a requested stop is not a failure');
});

test('serial meter-head lines', (t) => {
  t.deepEqual(parseMeterLine('PULSES 12345', 1000), { event: { kind: 'register', pulses: 12345 } });
  t.deepEqual(parseMeterLine('p 7\r', 1000), { event: { kind: 'register', pulses: 7 } });
  t.deepEqual(parseMeterLine('V 12.345', 1000), { event: { kind: 'register', pulses: 12345 } });
  t.deepEqual(parseMeterLine('+3', 1000), { event: { kind: 'pulses', count: 3, direction: 1 } });
  t.deepEqual(parseMeterLine('-2', 1000), { event: { kind: 'pulses', count: 2, direction: -1 } });
  t.deepEqual(parseMeterLine('ERR optical head misaligned', 1000), { fault: 'optical head misaligned' });
  t.deepEqual(parseMeterLine('# comment', 1000), { ignore: true });
  t.deepEqual(parseMeterLine('', 1000), { ignore: true });
  t.true('bad' in parseMeterLine('PULSES -5', 1000));
  t.true('bad' in parseMeterLine('V 1e9', 1000));
  t.true('bad' in parseMeterLine('\u0000\u00ff', 1000));
});

test('line splitter bounds memory: an over-long line is dropped whole', (t) => {
  const lines: string[] = [];
  let overflows = 0;
  const s = new LineSplitter(
    (l) => lines.push(l),
    () => overflows++,
  );
  s.push('+1\n+');
  s.push('2\n' + 'x'.repeat(MAX_LINE + 10));
  s.push('yyy\n+3\n');
  t.deepEqual(lines, ['+1', '+2', '+3']);
  t.is(overflows, 1);
});

test('serial source over a stream: events, warnings for garbage, failure when the stream ends', async (t) => {
  const input = new PassThrough();
  const src = new SerialLineSource(input, 1000);
  const events: PulseEvent[] = [];
  const warns: string[] = [];
  let ended: CodedError | undefined;
  await src.start({
    event: (e) => events.push(e),
    error: (e) => {
      ended = e;
    },
    warn: (m) => warns.push(m),
  });
  input.write('PULSES 10\r\n+2\nhello\n-1\nERR x\n');
  input.end();
  await new Promise((r) => setImmediate(r));
  t.deepEqual(events, [
    { kind: 'register', pulses: 10 },
    { kind: 'pulses', count: 2, direction: 1 },
    { kind: 'pulses', count: 1, direction: -1 },
  ]);
  t.is(warns.length, 2);
  t.is(src.badLines, 1);
  t.is(ended?.code, 'METER_SOURCE_FAILED');
});

test('flow profile: same seed → same pulses; daily total near dailyM3; leak adds exactly leakLph', (t) => {
  const run = (seed: number, leakLph: number): number => {
    const p = new FlowProfile({ seed, dailyM3: 0.3, leakLph, utcOffsetH: 0 }, 1000);
    let n = 0;
    for (let m = 0; m < 1440; m++) n += p.pulsesBetween(m * 60_000, (m + 1) * 60_000);
    return n;
  };
  t.is(run(1, 0), run(1, 0));
  t.not(run(1, 0), run(2, 0));
  t.true(Math.abs(run(1, 0) - 300) < 45, `day: ${run(1, 0)} L`);
  t.is(run(1, 2) - run(1, 0), 48);
  const p = new FlowProfile({ seed: 1, dailyM3: 0.3, leakLph: 0, utcOffsetH: 0 }, 1000);
  t.true(p.usageRate(7.5 * 3_600_000) > 10 * p.usageRate(3 * 3_600_000), 'morning peak, quiet night');
});

test('simulated source steps on the injected clock and stops cleanly', async (t) => {
  const clock = new SimulatedClock();
  const src = new SimulatedSource({ seed: 1, dailyM3: 0, leakLph: 60, utcOffsetH: 0, tickMs: 60_000 }, 1000, clock);
  let n = 0;
  await src.start({
    event: (e) => {
      if (e.kind === 'pulses') n += e.count;
    },
    error() {},
  });
  for (let i = 0; i < 60; i++) clock.increment(60_000);
  t.is(n, 60); // 60 L/h for an hour at 1 L/pulse
  await src.stop();
  clock.increment(3_600_000);
  t.is(n, 60);
});

test('real gpiomon (when installed): our v1/v2 arguments are accepted; no GPIO chip is a clean source failure', async (t) => {
  const onPath = (process.env.PATH ?? '').split(':').some((d) => fs.existsSync(path.join(d, 'gpiomon')));
  if (!onPath) {
    t.pass('gpiomon not installed (Debian package gpiod)');
    return;
  }
  const src = new GpioSource({ ...line, chip: 'gpiochip97', debounceMs: 20, command: 'gpiomon' });
  const err = await new Promise<CodedError>((resolve, reject) => {
    src.start({ event() {}, error: resolve }).catch(reject);
  });
  t.is(err.code, 'METER_SOURCE_FAILED');
  t.notRegex(err.message, /unrecognized option|invalid|usage/i);
  await src.stop();
});
