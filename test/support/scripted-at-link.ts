// scripted-at-link.ts: a ByteLink whose far end is a scripted modem: each command line gets the lines a test function
// returns (on the next turn, as a serial port would), and the test can send URCs or garbage at any time.
import type { ByteLink } from '../../src/modem/link.js';

/** Lines to answer a command with (the final result included, e.g. ['+X: 1', 'OK']); undefined: no answer at all. */
export type ScriptedAnswer = (cmd: string) => string[] | undefined;

export class ScriptedAtLink implements ByteLink {
  /** Every command line the host wrote, in order. */
  readonly commands: string[] = [];
  private listener: ((data: Uint8Array) => void) | undefined;
  private pending = '';

  constructor(private answer: ScriptedAnswer) {}

  /** Replaces the answering function (a modem whose behaviour changes mid-test). */
  script(answer: ScriptedAnswer): void {
    this.answer = answer;
  }

  write(data: Uint8Array): void {
    this.pending += Buffer.from(data).toString('latin1');
    for (let i = this.pending.indexOf('\r'); i >= 0; i = this.pending.indexOf('\r')) {
      const cmd = this.pending.slice(0, i).trim();
      this.pending = this.pending.slice(i + 1);
      if (!cmd) continue;
      this.commands.push(cmd);
      const lines = this.answer(cmd);
      if (lines) this.send(lines.map((l) => `\r\n${l}\r\n`).join(''));
    }
  }

  /** An unsolicited line from the modem. */
  urc(line: string): void {
    this.send(`\r\n${line}\r\n`);
  }

  /** Raw bytes from the modem (noise, fragments). */
  send(text: string): void {
    const bytes = new Uint8Array(Buffer.from(text, 'latin1'));
    setImmediate(() => this.listener?.(bytes));
  }

  onData(listener: (data: Uint8Array) => void): void {
    this.listener = listener;
  }

  close(): void {
    this.listener = undefined;
  }
}
