// debounce.ts: contact-bounce filter for pulse edges, on event timestamps (ns), pure.

/** Accepts an edge only if it comes at least `periodMs` after the last accepted edge. */
export class Debouncer {
  private last: bigint | undefined;
  private readonly periodNs: bigint;
  rejected = 0;

  constructor(periodMs: number) {
    this.periodNs = BigInt(Math.round(periodMs * 1e6));
  }

  accept(timestampNs: bigint): boolean {
    if (this.last !== undefined && timestampNs - this.last < this.periodNs && timestampNs >= this.last) {
      this.rejected++;
      return false;
    }
    this.last = timestampNs;
    return true;
  }
}
