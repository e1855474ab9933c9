// gpiod.ts: GPIO lines through libgpiod's command-line tools (Debian package gpiod), v1 and v2 syntax; set-and-exit, so
// no process holds a line.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CodedError } from '../../errors.js';
import type { GpioInput, GpioLineOptions, GpioOutput } from './types.js';

function run(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { timeout: 5000 }, (err, stdout, stderr) => {
      if (err) reject(new CodedError('GPIO_FAILED', `${cmd} ${args.join(' ')}: ${(stderr || err.message).trim()}`));
      else resolve(`${stdout}${stderr}`);
    });
  });
}

const majors = new Map<string, Promise<number>>();

/** libgpiod major version of a tool ('gpioset (libgpiod) v1.6.3' → 1). */
export function libgpiodMajor(cmd: string): Promise<number> {
  let p = majors.get(cmd);
  if (!p) {
    p = run(cmd, ['--version'])
      .then((out) => {
        const m = /libgpiod\)?\s+v?(\d+)\./.exec(out);
        return m ? Number(m[1]) : 1;
      })
      .catch((err: unknown) => {
        majors.delete(cmd);
        throw new CodedError(
          'GPIO_UNAVAILABLE',
          `cannot run ${cmd}: ${(err as Error).message} (install Debian package gpiod)`,
        );
      });
    majors.set(cmd, p);
  }
  return p;
}

/**
 * gpioset arguments that set one line and exit (v1 default mode 'exit'; v2 `-t0`), or hold it until SIGTERM (v1
 * `--mode=signal`; v2 default).
 */
export function gpiosetArgs(major: number, o: GpioLineOptions, value: boolean, hold = false): string[] {
  const v = `${o.line}=${value ? 1 : 0}`;
  const al = o.activeLow ? ['--active-low'] : [];
  if (major >= 2) return [...(hold ? [] : ['-t0']), ...al, '-c', o.chip, v];
  return [...(hold ? ['--mode=signal'] : []), ...al, o.chip, v];
}

/** gpioget arguments that print the line as 0/1. */
export function gpiogetArgs(major: number, o: GpioLineOptions): string[] {
  if (major >= 2) return ['--numeric', ...(o.activeLow ? ['--active-low'] : []), '-c', o.chip, String(o.line)];
  return [...(o.activeLow ? ['--active-low'] : []), o.chip, String(o.line)];
}

/** A pid file per line, so a holder left by a crashed worker is ended before the line is requested again. */
function pidFile(o: GpioLineOptions): string {
  return join(tmpdir(), `lwm2m-meter-gpio-${o.chip.replace(/[^A-Za-z0-9]/g, '_')}-${o.line}.pid`);
}

function endStaleHolder(o: GpioLineOptions): void {
  try {
    const pid = Number(readFileSync(pidFile(o), 'utf8').trim());
    if (pid > 0) process.kill(pid, 'SIGTERM');
  } catch {
    // no holder left behind
  }
}

function stopHolder(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** Holds the line with a running gpioset; a new value replaces the process. */
function holdingOutput(o: GpioLineOptions, cmd: string): GpioOutput {
  let value: boolean | undefined;
  let child: ChildProcess | undefined;
  let first = true;
  return {
    async set(v: boolean) {
      const major = await libgpiodMajor(cmd);
      if (first) endStaleHolder(o);
      first = false;
      await stopHolder(child);
      const c = spawn(cmd, gpiosetArgs(major, o, v, true), { stdio: ['ignore', 'ignore', 'pipe'] });
      child = c;
      let stderr = '';
      c.stderr?.setEncoding('utf8').on('data', (d: string) => {
        stderr = (stderr + d).slice(-300);
      });
      // A refused request (busy line, no chip) ends gpioset at once; one that holds is still running after this.
      const early = await new Promise<number | string | null | undefined>((resolve) => {
        const t = setTimeout(() => resolve(undefined), 150);
        c.once('error', (e) => {
          clearTimeout(t);
          resolve(e.message);
        });
        c.once('close', (code, sig) => {
          clearTimeout(t);
          resolve(code ?? sig);
        }); // after stderr is drained
      });
      if (early !== undefined) {
        child = undefined;
        throw new CodedError(
          'GPIO_FAILED',
          `${cmd} ${o.chip} ${o.line}: ${stderr.trim() || `ended (${String(early)})`}`,
        );
      }
      if (c.pid) writeFileSync(pidFile(o), String(c.pid));
      value = v;
    },
    get value() {
      return value;
    },
    async close() {
      await stopHolder(child);
      child = undefined;
      rmSync(pidFile(o), { force: true });
    },
  };
}

export function gpiodOutput(o: GpioLineOptions): GpioOutput {
  const cmd = o.setCommand ?? 'gpioset';
  if (o.mode !== 'exit') return holdingOutput(o, cmd);
  let value: boolean | undefined;
  return {
    async set(v: boolean) {
      await run(cmd, gpiosetArgs(await libgpiodMajor(cmd), o, v));
      value = v;
    },
    get value() {
      return value;
    },
    close: async () => undefined,
  };
}

export function gpiodInput(o: GpioLineOptions): GpioInput {
  const cmd = o.getCommand ?? 'gpioget';
  return {
    async read() {
      const out = await run(cmd, gpiogetArgs(await libgpiodMajor(cmd), o));
      const m = /(\d)\s*$/.exec(out.trim());
      if (!m) throw new CodedError('GPIO_FAILED', `${cmd}: unexpected output '${out.trim().slice(0, 60)}'`);
      return m[1] === '1';
    },
    close: async () => undefined,
  };
}
