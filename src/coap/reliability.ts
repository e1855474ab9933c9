// reliability.ts: outgoing confirmable messages: retransmission with random initial timeout and exponential backoff
// (RFC 7252 §4.2).
import type { ParsedPacket } from './message.js';
import { peerKey } from './message.js';
import type { CoapParams } from './params.js';
import type { Clock } from '../clock.js';
import type { PeerAddress } from './transport.js';

export type ConOutcome =
  { kind: 'ack'; packet: ParsedPacket } | { kind: 'rst' } | { kind: 'timeout' } | { kind: 'error'; error: unknown };

interface Pending {
  buf: Buffer;
  to: PeerAddress;
  timeoutMs: number;
  retries: number;
  timer: unknown;
  done: (o: ConOutcome) => void;
}

export type RawSend = (buf: Buffer, to: PeerAddress) => Promise<void>;

/**
 * Told before each retransmission: the attempt about to leave (2 = first retransmission), of how many, and its wait.
 */
export type RetransmitNotice = (
  to: PeerAddress,
  r: { attempt: number; of: number; waitedMs: number; nextWaitMs: number },
) => void;

export class Retransmitter {
  private readonly pending = new Map<string, Pending>();

  constructor(
    private readonly params: CoapParams,
    private readonly timers: Clock,
    private readonly random: () => number,
    private readonly sendRaw: RawSend,
    private readonly onRetransmit?: RetransmitNotice,
  ) {}

  /** Sends a CON datagram and retransmits it until ACK, RST, timeout (after MAX_RETRANSMIT) or a send error. */
  send(buf: Buffer, messageId: number, to: PeerAddress, done: (o: ConOutcome) => void): void {
    const key = `${peerKey(to)}#${messageId}`;
    const { ackTimeoutMs, ackRandomFactor } = this.params;
    const p: Pending = {
      buf,
      to,
      timeoutMs: ackTimeoutMs * (1 + this.random() * (ackRandomFactor - 1)),
      retries: 0,
      timer: undefined,
      done,
    };
    this.pending.set(key, p);
    this.transmit(key, p);
  }

  private transmit(key: string, p: Pending): void {
    this.sendRaw(p.buf, p.to).catch((error: unknown) => this.finish(key, { kind: 'error', error }));
    p.timer = this.timers.setTimeout(() => {
      if (this.pending.get(key) !== p) return;
      if (p.retries >= this.params.maxRetransmit) {
        this.finish(key, { kind: 'timeout' });
        return;
      }
      p.retries++;
      const waitedMs = p.timeoutMs;
      p.timeoutMs *= 2;
      this.onRetransmit?.(p.to, {
        attempt: p.retries + 1,
        of: this.params.maxRetransmit + 1,
        waitedMs,
        nextWaitMs: p.timeoutMs,
      });
      this.transmit(key, p);
    }, p.timeoutMs);
  }

  private finish(key: string, o: ConOutcome): boolean {
    const p = this.pending.get(key);
    if (p === undefined) return false;
    this.pending.delete(key);
    this.timers.clearTimeout(p.timer);
    p.done(o);
    return true;
  }

  /** An ACK (empty or piggybacked) for one of our CONs; false when none matches. */
  ack(from: PeerAddress, packet: ParsedPacket): boolean {
    return this.finish(`${peerKey(from)}#${packet.messageId}`, { kind: 'ack', packet });
  }

  rst(from: PeerAddress, messageId: number): boolean {
    return this.finish(`${peerKey(from)}#${messageId}`, { kind: 'rst' });
  }

  /** Stops retransmitting a message (its outcome callback is not called). */
  cancel(to: PeerAddress, messageId: number): void {
    const key = `${peerKey(to)}#${messageId}`;
    const p = this.pending.get(key);
    if (p === undefined) return;
    this.pending.delete(key);
    this.timers.clearTimeout(p.timer);
  }

  /** Ends every pending message with the given outcome. */
  abortAll(o: ConOutcome): void {
    for (const key of [...this.pending.keys()]) this.finish(key, o);
  }

  get size(): number {
    return this.pending.size;
  }
}
