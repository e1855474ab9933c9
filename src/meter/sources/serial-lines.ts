// serial-lines.ts: pulse source reading a meter head's text lines (PULSES n, V m3, +n, -n, ERR …) from any Readable
// stream.
import type { Readable } from 'node:stream';
import { CodedError } from '../../errors.js';
import type { PulseEvent, PulseSink, PulseSource } from './source.js';

/** Longest line accepted; longer ones are dropped (garbage on the line never grows memory). */
export const MAX_LINE = 256;

export type ParsedLine = { event: PulseEvent } | { fault: string } | { ignore: true } | { bad: string };

/**
 * One line of the meter-head protocol (ASCII, case-insensitive keywords, LF or CRLF):
 *   `PULSES <n>` or `P <n>`  absolute forward pulse register (unsigned integer)
 *   `V <m3>`                 absolute volume register in m³ (decimal, converted with the pulse ratio)
 *   `+<n>` / `-<n>`          n pulses forward / backward since the previous line
 *   `ERR <text>`             a fault reported by the head (logged, counting goes on)
 *   empty or `#…`            ignored
 */
export function parseMeterLine(raw: string, pulseRatio: number): ParsedLine {
  const line = raw.trim();
  if (line === '' || line.startsWith('#')) return { ignore: true };
  let m = /^(?:PULSES|P)\s+(\d{1,15})$/i.exec(line);
  if (m) return { event: { kind: 'register', pulses: Number(m[1]) } };
  m = /^V\s+(\d{1,12}(?:\.\d{1,9})?)$/i.exec(line);
  if (m) return { event: { kind: 'register', pulses: Math.round(Number(m[1]) * pulseRatio) } };
  m = /^([+-])(\d{1,9})$/.exec(line);
  if (m) {
    const count = Number(m[2]);
    if (count === 0) return { ignore: true };
    return { event: { kind: 'pulses', count, direction: m[1] === '-' ? -1 : 1 } };
  }
  m = /^ERR\b\s*(.*)$/i.exec(line);
  if (m) return { fault: m[1].slice(0, 120) };
  return { bad: line.slice(0, 80) };
}

/** Splits a byte/text stream into lines with a bounded buffer. */
export class LineSplitter {
  private buf = '';
  private overflow = false;
  constructor(
    private readonly onLine: (line: string) => void,
    private readonly onOverflow: () => void,
  ) {}

  push(chunk: string): void {
    let text = this.buf + chunk;
    let nl: number;
    while ((nl = text.indexOf('\n')) >= 0) {
      const line = text.slice(0, nl);
      text = text.slice(nl + 1);
      if (this.overflow) this.overflow = false;
      else this.onLine(line);
    }
    if (text.length > MAX_LINE) {
      if (!this.overflow) this.onOverflow();
      this.overflow = true;
      text = '';
    }
    this.buf = text;
  }
}

/**
 * The serial meter head as a pulse source over any Readable (the main thread's serial bridge, a pty, a test stream).
 */
export class SerialLineSource implements PulseSource {
  readonly kind = 'serial';
  private detach: (() => void) | undefined;
  badLines = 0;

  constructor(
    private readonly input: Readable,
    private readonly pulseRatio: number,
  ) {}

  start(sink: PulseSink): Promise<void> {
    const splitter = new LineSplitter(
      (line) => {
        const p = parseMeterLine(line, this.pulseRatio);
        if ('event' in p) sink.event(p.event);
        else if ('fault' in p) sink.warn?.('meter head fault', { fault: p.fault });
        else if ('bad' in p) {
          this.badLines++;
          sink.warn?.('meter head: unrecognised line ignored', { line: p.bad });
        }
      },
      () => {
        this.badLines++;
        sink.warn?.(`meter head: line longer than ${MAX_LINE} bytes dropped`);
      },
    );
    const onData = (d: Buffer | string): void => splitter.push(typeof d === 'string' ? d : d.toString('latin1'));
    const onEnd = (): void => sink.error(new CodedError('METER_SOURCE_FAILED', 'meter head stream ended'));
    const onError = (err: Error): void =>
      sink.error(new CodedError('METER_SOURCE_FAILED', `meter head stream: ${err.message}`));
    this.input.on('data', onData);
    this.input.once('end', onEnd);
    this.input.once('error', onError);
    this.detach = () => {
      this.input.off('data', onData);
      this.input.off('end', onEnd);
      this.input.off('error', onError);
    };
    return Promise.resolve();
  }

  stop(): Promise<void> {
    this.detach?.();
    this.detach = undefined;
    return Promise.resolve();
  }
}
