// peer-queue.ts: NSTART: at most n outstanding exchanges per peer; the rest wait in FIFO order (RFC 7252 §4.7).

export class PeerQueue {
  private readonly active = new Map<string, number>();
  private readonly waiting = new Map<string, (() => void)[]>();

  constructor(private readonly nstart: number) {}

  /** Resolves when a slot for the peer is free; call the returned release exactly once. */
  async acquire(peer: string): Promise<() => void> {
    const n = this.active.get(peer) ?? 0;
    if (n >= this.nstart) {
      await new Promise<void>((resolve) => {
        const q = this.waiting.get(peer) ?? [];
        q.push(resolve);
        this.waiting.set(peer, q);
      });
    } else {
      this.active.set(peer, n + 1);
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.release(peer);
    };
  }

  private release(peer: string): void {
    const q = this.waiting.get(peer);
    const next = q?.shift();
    if (q !== undefined && q.length === 0) this.waiting.delete(peer);
    if (next !== undefined) {
      next(); // the slot passes straight to the next waiter
      return;
    }
    const n = (this.active.get(peer) ?? 1) - 1;
    if (n <= 0) this.active.delete(peer);
    else this.active.set(peer, n);
  }

  /** Wakes every waiter (they then find the endpoint closed). */
  drain(): void {
    for (const q of this.waiting.values()) for (const w of q) w();
    this.waiting.clear();
    this.active.clear();
  }
}
