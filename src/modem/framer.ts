// framer.ts: splits the modem's byte stream into lines, the "> " data prompt and length-prefixed binary payloads.

/** What the framer hands the AT channel. */
export type FrameEvent =
  { kind: 'line'; text: string } | { kind: 'prompt' } | { kind: 'data'; header: string; data: Uint8Array };

/**
 * A length-prefixed binary read. `after-line`: the header line (e.g. `+QIRD: 5,"1.2.3.4",5683`) is followed by CRLF and
 * then exactly N raw bytes. `inline`: N raw bytes follow the header on the same line right after the match (SIM7080
 * `+CARECV: 5,<bytes>`). The first capture group of `re` is N (decimal).
 */
export interface BinaryRule {
  re: RegExp;
  mode: 'after-line' | 'inline';
}

const CR = 0x0d;
const LF = 0x0a;
const MAX_LINE = 4096;
/** Largest binary read accepted (a UDP datagram). */
const MAX_BINARY = 65_535;

/** Keeps printable ASCII (and tabs): line noise and power-up garbage never reach the parser. */
function clean(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) if ((b >= 0x20 && b < 0x7f) || b === 0x09) s += String.fromCharCode(b);
  return s.trim();
}

export class AtFramer {
  private buf: Uint8Array = new Uint8Array(0);
  private pending: { header: string; left: number; parts: Uint8Array[] } | undefined;
  /** Set by the channel while a command waits for the `>` prompt. */
  expectPrompt = false;

  constructor(
    public rules: readonly BinaryRule[],
    private readonly emit: (ev: FrameEvent) => void,
  ) {}

  /** Drops a half-read binary payload and any partial line (after a timeout: resynchronise on the next line). */
  reset(): void {
    this.pending = undefined;
    this.skipLf = false;
    this.buf = new Uint8Array(0);
  }

  push(chunk: Uint8Array): void {
    if (this.buf.length === 0) this.buf = chunk;
    else {
      const b = new Uint8Array(this.buf.length + chunk.length);
      b.set(this.buf, 0);
      b.set(chunk, this.buf.length);
      this.buf = b;
    }
    this.drain();
  }

  private drain(): void {
    for (;;) {
      if (this.pending) {
        if (this.skipLf) {
          if (this.buf.length === 0) return;
          if (this.buf[0] === LF) this.buf = this.buf.subarray(1);
          this.skipLf = false;
        }
        const take = Math.min(this.pending.left, this.buf.length);
        if (take > 0) {
          this.pending.parts.push(this.buf.slice(0, take));
          this.pending.left -= take;
          this.buf = this.buf.subarray(take);
        }
        if (this.pending.left > 0) return;
        const { header, parts } = this.pending;
        this.pending = undefined;
        this.emit({ kind: 'data', header, data: concat(parts) });
        continue;
      }
      // Skip line terminators between lines.
      let i = 0;
      while (i < this.buf.length && (this.buf[i] === CR || this.buf[i] === LF)) i++;
      if (i > 0) this.buf = this.buf.subarray(i);
      if (this.buf.length === 0) return;
      if (this.expectPrompt && this.buf[0] === 0x3e /* > */) {
        this.buf = this.buf.subarray(this.buf[1] === 0x20 ? 2 : 1);
        this.expectPrompt = false;
        this.emit({ kind: 'prompt' });
        continue;
      }
      if (this.tryInline()) continue;
      let end = -1;
      for (let j = 0; j < this.buf.length; j++) {
        if (this.buf[j] === CR || this.buf[j] === LF) {
          end = j;
          break;
        }
      }
      if (end < 0) {
        if (this.buf.length > MAX_LINE) this.buf = new Uint8Array(0); // runaway garbage: drop it
        return;
      }
      const text = clean(this.buf.subarray(0, end));
      // Consume the line and exactly one CRLF / CR / LF, so binary data right after a header is not eaten.
      let next = end + 1;
      const crAtEnd = this.buf[end] === CR && next >= this.buf.length;
      if (this.buf[end] === CR && next < this.buf.length && this.buf[next] === LF) next++;
      this.buf = this.buf.subarray(next);
      if (text.length === 0) continue;
      const len = this.afterLineRule(text);
      if (len !== undefined) {
        this.pending = { header: text, left: len, parts: [] };
        this.skipLf = crAtEnd; // the LF of this header's CRLF is still to come, in the next chunk
        continue;
      }
      this.emit({ kind: 'line', text });
    }
  }

  private skipLf = false;

  private afterLineRule(text: string): number | undefined {
    for (const r of this.rules) {
      if (r.mode !== 'after-line') continue;
      const m = r.re.exec(text);
      if (m?.[1] !== undefined) {
        const n = Number.parseInt(m[1], 10);
        return n <= MAX_BINARY ? n : undefined; // an absurd length is noise, not a payload
      }
    }
    return undefined;
  }

  private tryInline(): boolean {
    const head = String.fromCharCode(...this.buf.subarray(0, Math.min(48, this.buf.length)));
    for (const r of this.rules) {
      if (r.mode !== 'inline') continue;
      const m = r.re.exec(head);
      if (!m || m.index !== 0 || m[1] === undefined) continue;
      const n = Number.parseInt(m[1], 10);
      if (n > MAX_BINARY) continue;
      const start = m[0].length;
      this.buf = this.buf.subarray(start);
      this.pending = { header: m[0].replace(/,$/, ''), left: n, parts: [] };
      return true;
    }
    return false;
  }
}

function concat(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0] ?? new Uint8Array(0);
  const n = parts.reduce((a, p) => a + p.length, 0);
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
