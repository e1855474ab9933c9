// observe.ts: server-side Observe relations (RFC 7641): sequence numbers, CON/NON choice, cancellation reasons.
import type { CoapResponse, ObserveRelation } from './api.js';
import type { PeerAddress } from './transport.js';

export type CancelReason = 'deregister' | 'reset' | 'timeout' | 'replaced';

/** What a relation needs from its endpoint. */
export interface RelationHost {
  /** Sends one notification; resolves when ACKed (CON) or sent (NON); rejects on RST / timeout / send error. */
  sendNotification(rel: Relation, res: CoapResponse, seq: number | undefined, confirmable: boolean): Promise<void>;
  /** Forgets the relation (called once, when it ends for any reason). */
  drop(rel: Relation): void;
  now(): number;
  /** Force CON every this many notifications / after this long without one. */
  conEvery: number;
  conMaxIntervalMs: number;
}

export class Relation implements ObserveRelation {
  private seq: number;
  private sinceCon = 0;
  private lastCon: number;
  private readonly listeners: ((reason: CancelReason) => void)[] = [];
  active = true;

  constructor(
    readonly id: string,
    readonly token: Uint8Array,
    readonly peer: PeerAddress,
    /** Key of the observed resource (for Block2 follow-ups of large notifications). */
    readonly resourceKey: string,
    private readonly host: RelationHost,
    firstSeq: number,
  ) {
    this.seq = firstSeq & 0xffffff;
    this.lastCon = host.now();
  }

  /** The sequence number for the registration response. */
  currentSeq(): number {
    return this.seq;
  }

  async notify(res: CoapResponse, opts?: { confirmable?: boolean }): Promise<void> {
    if (!this.active) return;
    this.seq = (this.seq + 1) & 0xffffff;
    const now = this.host.now();
    let con = opts?.confirmable === true;
    if (!con && (this.sinceCon + 1 >= this.host.conEvery || now - this.lastCon >= this.host.conMaxIntervalMs))
      con = true;
    if (con) {
      this.sinceCon = 0;
      this.lastCon = now;
    } else {
      this.sinceCon++;
    }
    // A notification with an error code ends the relation (RFC 7641 §4.2).
    const ends = !res.code.startsWith('2.');
    if (ends) this.end();
    await this.host.sendNotification(this, res, ends ? undefined : this.seq, con);
  }

  cancel(final?: CoapResponse): void {
    if (!this.active) return;
    this.end();
    if (final !== undefined) {
      // Without an Observe option, the final response ends the relation at the client too.
      this.host.sendNotification(this, final, undefined, true).catch(() => undefined);
    }
  }

  onCancel(listener: (reason: CancelReason) => void): void {
    this.listeners.push(listener);
  }

  /** Ends the relation from the peer's side and tells the listeners why. */
  cancelledBy(reason: CancelReason): void {
    if (!this.active) return;
    this.end();
    for (const l of this.listeners) {
      try {
        l(reason);
      } catch {
        // a listener's failure must not stop the others
      }
    }
  }

  private end(): void {
    this.active = false;
    this.host.drop(this);
  }
}
