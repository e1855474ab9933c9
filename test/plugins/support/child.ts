// child.ts: starts the real runtime in a child process (runtime-child.js), collects its log lines, sends requests to
// actors, stops it with SIGTERM.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { waitUntilFound } from '../../support/poll.js';

const entry = fileURLToPath(new URL('./runtime-child.js', import.meta.url));

export interface LogLine {
  level?: number;
  msg?: string;
  code?: string;
  [k: string]: unknown;
}

export class RuntimeChild {
  readonly lines: string[] = [];
  private readonly proc: ChildProcess;
  private readonly waiters = new Set<() => void>();
  private seq = 0;
  readonly exited: Promise<number | null>;
  /** The runtime's state directory (unless the config names one). */
  readonly stateDir: string;

  constructor(config: Record<string, unknown>) {
    const dir = mkdtempSync(join(tmpdir(), 'plugin-rt-'));
    const file = join(dir, 'config.json');
    this.stateDir = typeof config.stateDir === 'string' ? config.stateDir : join(dir, 'var');
    writeFileSync(file, JSON.stringify({ stateDir: join(dir, 'var'), log: { level: 'info' }, ...config }));
    this.proc = spawn(process.execPath, [entry, file], { stdio: ['pipe', 'pipe', 'pipe'] });
    const onLine = (l: string): void => {
      this.lines.push(l);
      for (const w of [...this.waiters]) w();
    };
    createInterface({ input: this.proc.stdout! }).on('line', onLine);
    createInterface({ input: this.proc.stderr! }).on('line', onLine);
    this.exited = new Promise((resolve) => this.proc.once('exit', (code) => resolve(code)));
  }

  get pid(): number | undefined {
    return this.proc.pid;
  }

  /** Parsed JSON log lines. */
  logs(): LogLine[] {
    return this.lines
      .filter((l) => l.startsWith('{'))
      .map((l) => {
        try {
          return JSON.parse(l) as LogLine;
        } catch {
          return {};
        }
      });
  }

  /** Resolves with the first line matching (already seen or arriving within timeoutMs). */
  waitFor(pred: (line: string) => boolean, timeoutMs = 20_000): Promise<string> {
    return waitUntilFound(
      this.waiters,
      () => this.lines.find(pred),
      timeoutMs,
      () => new Error(`timed out; last lines:\n${this.lines.slice(-15).join('\n')}`),
    );
  }

  /** Awaits p; a rejection carries this child's last log lines (what the runtime was doing). */
  async explain<T>(p: Promise<T>): Promise<T> {
    try {
      return await p;
    } catch (e) {
      throw new Error(
        `${(e as Error).message}\n--- runtime output (last 40 lines) ---\n${this.lines.slice(-40).join('\n')}`,
        { cause: e },
      );
    }
  }

  async request<R = unknown>(to: string, msg: { type: string; [k: string]: unknown }): Promise<R> {
    const id = ++this.seq;
    this.proc.stdin!.write(JSON.stringify({ id, to, msg }) + '\n');
    const line = await this.waitFor(
      (l) => l.startsWith('REPLY ') && (JSON.parse(l.slice(6)) as { id: number }).id === id,
    );
    const r = JSON.parse(line.slice(6)) as { ok: boolean; value?: R; error?: string };
    if (!r.ok) throw new Error(r.error);
    return r.value as R;
  }

  async stop(): Promise<number | null> {
    if (this.proc.exitCode === null && this.proc.signalCode === null) this.proc.kill('SIGTERM');
    const t = setTimeout(() => this.proc.kill('SIGKILL'), 8000);
    const code = await this.exited;
    clearTimeout(t);
    return code;
  }
}
