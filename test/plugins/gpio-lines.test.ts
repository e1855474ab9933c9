// gpio-lines.test.ts: libgpiod command lines (v1 and v2), the simulated chip, and — where the gpio-sim kernel module is
// available — a real character-device line.
import test from 'ava';
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { gpiogetArgs, gpiosetArgs } from '../../src/plugins/gpio/gpiod.js';
import { openGpioInput, openGpioOutput, SimulatedGpioChip } from '../../src/plugin-api.js';

test('gpioset/gpioget arguments: v1 and v2 syntax, active-low, set-and-exit', (t) => {
  const o = { kind: 'gpiod' as const, chip: 'gpiochip0', line: 17 };
  t.deepEqual(gpiosetArgs(1, o, true), ['gpiochip0', '17=1']);
  t.deepEqual(gpiosetArgs(1, { ...o, activeLow: true }, false), ['--active-low', 'gpiochip0', '17=0']);
  t.deepEqual(gpiosetArgs(2, o, true), ['-t0', '-c', 'gpiochip0', '17=1']);
  t.deepEqual(gpiosetArgs(1, o, true, true), ['--mode=signal', 'gpiochip0', '17=1'], 'v1 holds until SIGTERM');
  t.deepEqual(gpiosetArgs(2, o, false, true), ['-c', 'gpiochip0', '17=0'], 'v2 holds by default');
  t.deepEqual(gpiogetArgs(1, o), ['gpiochip0', '17']);
  t.deepEqual(gpiogetArgs(2, { ...o, activeLow: true }), ['--numeric', '--active-low', '-c', 'gpiochip0', '17']);
});

test('simulated chip: outputs drive levels (active-low inverted), inputs read them, history records changes', async (t) => {
  const chip = new SimulatedGpioChip('t', () => 5);
  const out = chip.output(1, true);
  await out.set(true);
  t.is(chip.level(1), false);
  t.is(out.value, true);
  chip.drive(2, true);
  t.true(await chip.input(2).read());
  t.false(await chip.input(2, true).read());
  t.deepEqual(chip.history, [
    { line: 1, value: false, at: 5 },
    { line: 2, value: true, at: 5 },
  ]);
});

test('a gpiod line on a missing chip fails with a coded error, never a crash (hold and exit modes, input)', async (t) => {
  for (const mode of ['hold', 'exit'] as const) {
    const out = openGpioOutput({ kind: 'gpiod', chip: 'gpiochip-does-not-exist', line: 0, mode });
    const err = await t.throwsAsync(out.set(true));
    t.regex((err as { code?: string }).code ?? '', /^GPIO_(FAILED|UNAVAILABLE)$/, mode);
    await out.close();
  }
  const err = await t.throwsAsync(openGpioInput({ kind: 'gpiod', chip: 'gpiochip-does-not-exist', line: 0 }).read());
  t.regex((err as { code?: string }).code ?? '', /^GPIO_(FAILED|UNAVAILABLE)$/);
});

/** Why the gpio-sim kernel module cannot be used here, or undefined when it can. */
function gpioSimUnavailable(): string | undefined {
  if (!existsSync('/sys/kernel/config/gpio-sim'))
    return 'gpio-sim not available (needs `modprobe gpio-sim` and configfs at /sys/kernel/config; containers usually lack both)';
  try {
    execFileSync('gpioset', ['--version']);
  } catch {
    return 'gpioset not installed (Debian package gpiod)';
  }
  return undefined;
}

const why = gpioSimUnavailable();
(why ? test.skip : test)(
  `gpio-sim: the gpiod output drives a kernel GPIO line, read back with gpioget${why ? ` — skipped: ${why}` : ''}`,
  async (t) => {
    const dir = join('/sys/kernel/config/gpio-sim', `lwm2m-valve-${process.pid}`);
    mkdirSync(dir);
    mkdirSync(join(dir, 'bank0'));
    writeFileSync(join(dir, 'bank0', 'num_lines'), '8');
    writeFileSync(join(dir, 'live'), '1');
    t.teardown(() => {
      writeFileSync(join(dir, 'live'), '0');
      rmdirSync(join(dir, 'bank0'));
      rmdirSync(dir);
    });
    const chip = readFileSync(join(dir, 'bank0', 'chip_name'), 'utf8').trim();
    const dev = readFileSync(join(dir, 'dev_name'), 'utf8').trim();
    // gpio-sim shows each line's level in sysfs: what the relay would see
    const level = (): string => readFileSync(`/sys/devices/platform/${dev}/${chip}/sim_gpio3/value`, 'utf8').trim();
    const out = openGpioOutput({ kind: 'gpiod', chip, line: 3 });
    t.teardown(() => out.close());
    await out.set(true);
    t.is(level(), '1');
    await out.set(false);
    t.is(level(), '0');
    // the feedback input: gpio-sim pulls line 4 up from sysfs, gpioget reads it
    writeFileSync(`/sys/devices/platform/${dev}/${chip}/sim_gpio4/pull`, 'pull-up');
    t.true(await openGpioInput({ kind: 'gpiod', chip, line: 4 }).read());
  },
);
