// console.ts: the dev-server console: a readline prompt with completion on a terminal, or a script (one command a
// line).
import { createInterface, type Interface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { formatPath } from '../../lwm2m/path.js';
import type { DevServer } from '../server.js';
import type { NotifyEvent } from '../types.js';
import { COMMANDS } from './commands.js';
import { complete } from './completer.js';
import { ConsoleContext } from './context.js';
import { parseLine } from './parser.js';
import { recordLine } from './printer.js';

export interface ConsoleOptions {
  input: Readable;
  output: Writable;
  /**
   * A terminal: prompt, completion, redrawn progress bar. Otherwise script mode: each command echoed, percent lines.
   */
  interactive: boolean;
  /** How long a command waits for a first client (and so a script waits for the device), ms. */
  waitMs: number;
}

const PROMPT = 'lwm2m> ';
/** Event lines on a terminal are cut here (a Send of 40 records, a long registration); script mode keeps them whole. */
const EVENT_LIMIT = 160;

/** The console of one dev server; `run()` resolves with the exit code (1 when a command failed) when the input ends. */
export class DevServerConsole {
  readonly ctx: ConsoleContext;
  private rl: Interface | undefined;
  private failures = 0;
  private lastPercent = -1;
  /** A progress bar is drawn on the current line (a terminal, transfer not finished). */
  private barOpen = false;

  constructor(
    private readonly server: DevServer,
    private readonly o: ConsoleOptions,
  ) {
    this.ctx = new ConsoleContext(
      server,
      (l) => this.write(l),
      (label, done, total) => this.progress(label, done, total),
      o.waitMs,
    );
  }

  private write(text: string): void {
    // a line while a bar is drawn (a pull's state changes) takes the bar's line; the next progress draws it again
    if (this.barOpen) this.o.output.write('\r\x1b[K');
    this.barOpen = false;
    this.o.output.write(text.endsWith('\n') ? text : text + '\n');
  }

  /** A line that arrives on its own (an event): on a terminal it goes above the prompt, which is drawn again. */
  event(line: string): void {
    if (!this.o.interactive || !this.rl) {
      this.write(line);
      return;
    }
    this.o.output.write('\r\x1b[K');
    this.write(line.length > EVENT_LIMIT ? `${line.slice(0, EVENT_LIMIT - 1)}…` : line);
    this.rl.prompt(true);
  }

  /** A notification as one line: its sequence number and its records, named. */
  notifyLine(n: NotifyEvent): string {
    const recs = n.result.records?.map((r) => recordLine(this.server.types, r)).join('; ') ?? n.result.code;
    return `${n.endpoint} ${n.paths.map(formatPath).join(',')} #${n.observe ?? '-'} ${recs}`;
  }

  private progress(label: string, done: number, total: number): void {
    const pct = total === 0 ? 100 : Math.floor((100 * done) / total);
    if (this.o.interactive) {
      const w = 30;
      const full = Math.round((w * pct) / 100);
      this.o.output.write(
        `\r[${'#'.repeat(full)}${' '.repeat(w - full)}] ${String(pct).padStart(3)}% ${label}${done >= total ? '\n' : ''}`,
      );
      this.barOpen = done < total;
    } else if (this.lastPercent < 0 || (pct !== this.lastPercent && (pct === 100 || pct - this.lastPercent >= 10))) {
      this.write(`${label} ${pct}%`);
      this.lastPercent = pct;
    }
    if (done >= total) this.lastPercent = -1;
  }

  /** Runs one line; false when it failed (the reason printed). */
  async exec(text: string): Promise<boolean> {
    let line;
    try {
      line = parseLine(text);
    } catch (err) {
      this.write(`error: ${(err as Error).message}`);
      return false;
    }
    if (!line) return true;
    const cmd = COMMANDS[line.cmd];
    if (!cmd) {
      this.write(`error: no command '${line.cmd}' (help lists them)`);
      return false;
    }
    try {
      return await cmd.run(this.ctx, line);
    } catch (err) {
      const e = err as { code?: string; message: string };
      this.write(`error${e.code !== undefined ? ` ${e.code}` : ''}: ${e.message}`);
      return false;
    }
  }

  async run(): Promise<number> {
    const rl = createInterface({
      input: this.o.input,
      output: this.o.interactive ? this.o.output : undefined,
      terminal: this.o.interactive,
      ...(this.o.interactive
        ? { completer: (l: string) => complete(this.server, this.ctx.picked, l), prompt: PROMPT }
        : {}),
    });
    this.rl = rl;
    rl.on('SIGINT', () => rl.close()); // Ctrl-C at the prompt ends the console, and so the server
    if (this.o.interactive) {
      this.write("dev-server console: 'help' lists the commands, Tab completes, 'quit' or Ctrl-D ends");
      rl.prompt();
    }
    try {
      for await (const text of rl) {
        const t = text.trim();
        if (t === 'quit' || t === 'exit') break;
        if (!this.o.interactive && t !== '' && !t.startsWith('#')) this.write(`> ${t}`);
        if (!(await this.exec(t))) this.failures++;
        if (this.o.interactive) rl.prompt();
      }
    } finally {
      this.rl = undefined;
      rl.close();
      await this.ctx.packages.close();
    }
    return this.failures > 0 && !this.o.interactive ? 1 : 0;
  }
}
