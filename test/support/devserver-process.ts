// devserver-process.ts: starts the real `lwm2m-meter dev-server` (optionally on a pseudo-terminal through util-linux
// `script`), feeds its stdin, collects its output.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { waitUntilFound } from './poll.js';

const cli = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

/** Removes terminal control sequences (colours, cursor moves, line clears) and carriage returns. */
export function plainText(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').replace(/\r/g, '');
}

export class DevServerProcess {
  /** stdout and stderr as received (on a pty they are one stream). */
  output = '';
  readonly exited: Promise<number | null>;
  private readonly proc: ChildProcess;
  private readonly waiters = new Set<() => void>();

  constructor(args: string[], opts: { pty?: boolean; env?: Record<string, string> } = {}) {
    const argv = [process.execPath, cli, 'dev-server', '--host', '127.0.0.1', '--port', '0', ...args];
    const quoted = argv.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
    // `script` gives the command a pty for stdin/stdout; -e passes its exit code on
    const [cmd, ...rest] = opts.pty === true ? ['script', '-qefc', `stty cols 200; exec ${quoted}`, '/dev/null'] : argv;
    this.proc = spawn(cmd, rest, { env: { ...process.env, ...opts.env }, stdio: ['pipe', 'pipe', 'pipe'] });
    const add = (b: Buffer): void => {
      this.output += b.toString('utf8');
      for (const w of [...this.waiters]) w();
    };
    this.proc.stdout!.on('data', add);
    this.proc.stderr!.on('data', add);
    this.exited = new Promise((resolve) =>
      this.proc.once('exit', (code) => {
        resolve(code);
        for (const w of [...this.waiters]) w();
      }),
    );
  }

  get text(): string {
    return plainText(this.output);
  }

  /**
   * Resolves with the first match of re in the output (control sequences removed), seen already or arriving within
   * timeoutMs.
   */
  waitFor(re: RegExp, timeoutMs = 20_000): Promise<RegExpExecArray> {
    return waitUntilFound(
      this.waiters,
      () => re.exec(this.text) ?? undefined,
      timeoutMs,
      () => new Error(`dev-server: timed out waiting for ${String(re)}; output:\n${this.text.slice(-3000)}`),
    );
  }

  /** The registration URI, once it listens. */
  async uri(): Promise<string> {
    return (await this.waitFor(/listening\s+(coap:\/\/127\.0\.0\.1:\d+)/))[1];
  }

  write(text: string): void {
    this.proc.stdin!.write(text);
  }

  /**
   * Types keys one at a time, gapMs apart: a terminal program's readline takes keys arriving in one chunk as pasted
   * text.
   */
  async type(keys: string, gapMs = 150): Promise<void> {
    for (const k of keys) {
      this.proc.stdin!.write(k);
      await new Promise((r) => setTimeout(r, gapMs));
    }
  }

  end(): void {
    this.proc.stdin!.end();
  }

  async stop(): Promise<number | null> {
    if (this.proc.exitCode === null && this.proc.signalCode === null) this.proc.kill('SIGINT');
    return this.exited;
  }
}
