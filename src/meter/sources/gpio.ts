// gpio.ts: pulse source on a GPIO line through the Linux GPIO character device, by spawning libgpiod's gpiomon.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { CodedError } from '../../errors.js';
import { Debouncer } from './debounce.js';
import { gpiomonArgs, gpiomonMajor, parseGpiomonLine, type GpioLineConfig } from './gpiomon-args.js';
import type { PulseSink, PulseSource } from './source.js';

export interface GpioSourceConfig extends GpioLineConfig {
  debounceMs: number;
  /** gpiomon executable. */
  command: string;
}

/** Runs `cmd --version` and returns its output (stdout + stderr). */
function versionOf(cmd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, ['--version'], { timeout: 5000 }, (err, stdout, stderr) => {
      if (err && !stdout)
        reject(
          new CodedError(
            'METER_SOURCE_UNAVAILABLE',
            `cannot run ${cmd}: ${err.message} (install Debian package gpiod)`,
          ),
        );
      else resolve(`${stdout}${stderr}`);
    });
  });
}

/** One pulse per accepted edge; bounces closer than debounceMs (kernel event timestamps) are dropped. */
export class GpioSource implements PulseSource {
  readonly kind = 'gpio';
  private child: ChildProcess | undefined;
  private stopping = false;
  private readonly debounce: Debouncer;

  constructor(private readonly cfg: GpioSourceConfig) {
    this.debounce = new Debouncer(cfg.debounceMs);
  }

  get bouncesRejected(): number {
    return this.debounce.rejected;
  }

  async start(sink: PulseSink): Promise<void> {
    const major = gpiomonMajor(await versionOf(this.cfg.command)) ?? 1;
    const args = gpiomonArgs(major, this.cfg);
    this.stopping = false;
    const child = spawn(this.cfg.command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (d: string) => {
      stderr = (stderr + d).slice(-500);
    });
    const lines = createInterface({ input: child.stdout, crlfDelay: Infinity });
    lines.on('line', (line) => {
      const ts = parseGpiomonLine(line);
      if (ts === undefined) {
        sink.warn?.('gpiomon: unexpected output line', { line: line.slice(0, 120) });
        return;
      }
      if (this.debounce.accept(ts)) sink.event({ kind: 'pulses', count: 1, direction: 1 });
    });
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', () => resolve());
      child.once('error', (err) => reject(new CodedError('METER_SOURCE_UNAVAILABLE', `gpiomon: ${err.message}`)));
    });
    // 'close', not 'exit': it fires after stdout and stderr are drained, so the last edges and the error text are in.
    child.once('close', (code, signal) => {
      if (this.stopping) return;
      sink.error(
        new CodedError('METER_SOURCE_FAILED', `gpiomon exited (${signal ?? code}): ${stderr.trim() || 'no message'}`, {
          chip: this.cfg.chip,
          line: this.cfg.line,
        }),
      );
    });
  }

  stop(): Promise<void> {
    this.stopping = true;
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  }
}
