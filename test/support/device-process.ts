// device-process.ts: starts the real `lwm2m-meter run` process (as the bin runs it) on a config of the test's, collects
// its JSON log lines, measures its RSS, stops or kills it.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitUntilFound } from './poll.js';
import { followChild, type ChildExit } from './child-output.js';

const cli = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

export interface DeviceLogLine {
  level?: number;
  msg?: string;
  code?: string;
  actor?: string;
  [k: string]: unknown;
}

export interface DeviceOptions {
  /** The LwM2M (or bootstrap) server URI, e.g. a HostileServer's `uri`. */
  server: string;
  /**
   * Config keys merged over { endpoint, stateDir, log: { level: 'info' }, server } (written as JSON, which is YAML).
   */
  config?: Record<string, unknown>;
  /** Reuse a state directory (a restart after a kill); a fresh one otherwise. */
  stateDir?: string;
  env?: Record<string, string>;
  /** Start under this umask (through `sh -c 'umask …; exec node …'`), e.g. 0o022; the test runner's otherwise. */
  umask?: number;
}

/** Pino's numeric levels. */
export const LEVEL = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 } as const;

export class DeviceProcess {
  readonly lines: string[] = [];
  private readonly parsed: DeviceLogLine[] = [];
  readonly stateDir: string;
  readonly configFile: string;
  readonly exited: Promise<ChildExit>;
  private readonly proc: ChildProcess;
  private readonly waiters = new Set<() => void>();

  constructor(opts: DeviceOptions) {
    const dir = mkdtempSync(join(tmpdir(), 'device-'));
    this.stateDir = opts.stateDir ?? join(dir, 'var');
    this.configFile = join(dir, 'config.yaml');
    const endpoint = `adv-${process.pid}-${Math.floor(Math.random() * 1e6)}`;
    const config = { endpoint, stateDir: this.stateDir, server: opts.server, log: { level: 'info' }, ...opts.config };
    writeFileSync(this.configFile, JSON.stringify(config, null, 2));
    const argv = [process.execPath, '--max-semi-space-size=1', cli, 'run', '--config', this.configFile];
    const [cmd, ...args] =
      opts.umask === undefined
        ? argv
        : ['/bin/sh', '-c', `umask ${opts.umask.toString(8).padStart(3, '0')}; exec "$0" "$@"`, ...argv];
    this.proc = spawn(cmd, args, {
      env: { ...process.env, MALLOC_ARENA_MAX: '1', ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.exited = followChild(this.proc, this.waiters, (l) => {
      this.lines.push(l);
      // parsed once as it arrives: waits re-check on every line
      if (l.startsWith('{')) {
        try {
          this.parsed.push(JSON.parse(l) as DeviceLogLine);
        } catch {
          /* a partial line */
        }
      }
    });
  }

  /** The endpoint name written into the config (unless the test set its own). */
  get endpoint(): string {
    return (JSON.parse(readFileSync(this.configFile, 'utf8')) as { endpoint: string }).endpoint;
  }

  get pid(): number {
    return this.proc.pid!;
  }

  get running(): boolean {
    return this.proc.exitCode === null && this.proc.signalCode === null;
  }

  /** Parsed JSON log lines (other lines are skipped). */
  logs(): DeviceLogLine[] {
    return this.parsed.slice();
  }

  /** Log lines at or above a pino level. */
  logsAtLeast(level: number): DeviceLogLine[] {
    return this.logs().filter((l) => (l.level ?? 0) >= level);
  }

  /**
   * Resolves with the first log line matching, seen already or arriving within timeoutMs; rejects with the last lines.
   */
  waitForLog(pred: (l: DeviceLogLine) => boolean, timeoutMs = 20_000): Promise<DeviceLogLine> {
    return waitUntilFound(
      this.waiters,
      () => this.parsed.find(pred),
      timeoutMs,
      () => new Error(`device: timed out waiting for a log line; last lines:\n${this.tail(30)}`),
    );
  }

  /** Resolves with the first raw output line (stdout or stderr) matching, seen already or arriving within timeoutMs. */
  waitForLine(pred: (l: string) => boolean, timeoutMs = 20_000): Promise<string> {
    return waitUntilFound(
      this.waiters,
      () => this.lines.find(pred),
      timeoutMs,
      () => new Error(`device: timed out waiting for an output line; last lines:\n${this.tail(30)}`),
    );
  }

  tail(n = 40): string {
    return this.lines.slice(-n).join('\n');
  }

  /** Resident set size of the whole process (all threads), KiB, from /proc. */
  rssKiB(): number {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${this.pid}/status`, 'utf8'));
    return m ? Number(m[1]) : NaN;
  }

  /** CPU time (user + system, all threads) in ms, from /proc (USER_HZ 100). */
  cpuMs(): number {
    const stat = readFileSync(`/proc/${this.pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) * 10;
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (this.running) this.proc.kill(signal);
    return this.exited;
  }

  /** SIGTERM (a clean stop: deregister, flush), SIGKILL after graceMs. */
  async stop(graceMs = 8000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (this.running) this.proc.kill('SIGTERM');
    const t = setTimeout(() => this.proc.kill('SIGKILL'), graceMs);
    const r = await this.exited;
    clearTimeout(t);
    return r;
  }
}
