// emulator-process.ts: starts `lwm2m-meter modem-emulator` as a child process (as a user runs it), reads its pty path,
// types console commands, stops it.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { waitUntilFound } from './poll.js';
import { followChild, type ChildExit } from './child-output.js';

const cli = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

export class EmulatorProcess {
  readonly lines: string[] = [];
  readonly exited: Promise<ChildExit>;
  private readonly proc: ChildProcess;
  private readonly waiters = new Set<() => void>();

  private constructor(args: string[]) {
    this.proc = spawn(process.execPath, [cli, 'modem-emulator', ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.exited = followChild(this.proc, this.waiters, (l) => {
      this.lines.push(l);
    });
  }

  /** Starts the emulator and resolves once it printed the pty path (`path`) the device should open. */
  static async start(args: string[], timeoutMs = 10_000): Promise<EmulatorProcess & { path: string }> {
    const p = new EmulatorProcess(args);
    const line = await Promise.race([
      p.waitForLine((l) => / on pty \S+$/.test(l), timeoutMs),
      p.exited.then((r) => {
        throw new Error(`modem-emulator exited (${r.code ?? r.signal}):\n${p.lines.join('\n')}`);
      }),
    ]);
    return Object.assign(p, { path: / on pty (\S+)$/.exec(line)![1] });
  }

  /** Resolves with the first output line matching (seen already or within timeoutMs). */
  waitForLine(pred: (l: string) => boolean, timeoutMs = 10_000, since = 0): Promise<string> {
    return waitUntilFound(
      this.waiters,
      () => this.lines.slice(since).find(pred),
      timeoutMs,
      () => new Error(`modem-emulator: timed out waiting for an output line; output:\n${this.lines.join('\n')}`),
    );
  }

  /** Types a console command; resolves with the line the emulator printed for it. */
  async command(line: string, timeoutMs = 5000): Promise<string> {
    const since = this.lines.length;
    this.proc.stdin!.write(`${line}\n`);
    return this.waitForLine(() => true, timeoutMs, since);
  }

  async stop(graceMs = 5000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (this.proc.exitCode === null && this.proc.signalCode === null) this.proc.kill('SIGTERM');
    const t = setTimeout(() => this.proc.kill('SIGKILL'), graceMs);
    const r = await this.exited;
    clearTimeout(t);
    return r;
  }
}
