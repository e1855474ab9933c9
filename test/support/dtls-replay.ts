// dtls-replay.ts: the DTLS anti-replay sliding window (RFC 6347 §4.1.2.6) over one epoch's record sequence numbers.

const WINDOW = 64;

export class ReplayWindow {
  private top = -1;
  private bits = 0n;

  /** True when this sequence number was seen already or lies left of the window. */
  seen(seq: number): boolean {
    if (seq > this.top) return false;
    const back = this.top - seq;
    return back >= WINDOW || ((this.bits >> BigInt(back)) & 1n) === 1n;
  }

  /** Marks a sequence number whose record authenticated. */
  mark(seq: number): void {
    if (seq > this.top) {
      const shift = seq - this.top;
      this.bits = shift >= WINDOW ? 1n : ((this.bits << BigInt(shift)) | 1n) & ((1n << BigInt(WINDOW)) - 1n);
      this.top = seq;
    } else {
      this.bits |= 1n << BigInt(this.top - seq);
    }
  }
}
