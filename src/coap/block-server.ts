// block-server.ts: server-side block-wise (RFC 7959): Block1 reassembly keyed by peer+resource (not token), Block2
// slicing with a cached representation.
import type { CoapResponse } from './api.js';
import { ExpiringMap } from './expiring-map.js';
import type { Block } from './options.js';
import { fitBlock1, type Block1Progress } from './block1-sequence.js';
import type { Clock } from '../clock.js';

export type Block1Result =
  | { kind: 'continue'; block: Block }
  | { kind: 'complete'; body: Buffer; block: Block }
  | { kind: 'error'; code: '4.00' | '4.08' | '4.13' | '5.03'; size1?: number };

interface Transfer extends Block1Progress {
  chunks: Buffer[];
}

export class Block1Assembler {
  private readonly transfers: ExpiringMap<Transfer>;

  constructor(
    timers: Clock,
    lifetimeMs: number,
    private readonly maxBody: number,
    private readonly preferredSize: number,
  ) {
    this.transfers = new ExpiringMap(timers, lifetimeMs, 64);
  }

  private buffered(): number {
    let n = 0;
    for (const t of this.transfers.values()) n += t.received;
    return n;
  }

  /** One Block1 request body; key is peer + method + path + query (libcoap changes the token on every block). */
  offer(key: string, block: Block, payload: Buffer, size1?: number): Block1Result {
    if (size1 !== undefined && size1 > this.maxBody) {
      this.transfers.delete(key);
      return { kind: 'error', code: '4.13', size1: this.maxBody };
    }
    let t = this.transfers.get(key);
    if (block.num === 0) {
      this.transfers.delete(key); // a restart from block 0 drops what the earlier attempt held
      t = { chunks: [], received: 0 };
    } else if (t === undefined) {
      return { kind: 'error', code: '4.08' };
    }
    const echo: Block = { num: block.num, more: block.more, size: Math.min(block.size, this.preferredSize) };
    const fit = fitBlock1(t, block, payload.length);
    if (fit.kind === 'error') {
      this.transfers.delete(key);
      return fit.code === '4.13'
        ? { kind: 'error', code: '4.13', size1: this.maxBody }
        : { kind: 'error', code: fit.code };
    }
    // The last block again (a retransmission with a new message ID): acknowledged again, stored once.
    if (fit.kind === 'repeat') return { kind: 'continue', block: echo };
    if (t.received + payload.length > this.maxBody) {
      this.transfers.delete(key);
      return { kind: 'error', code: '4.13', size1: this.maxBody };
    }
    // All transfers in progress together hold at most maxBody bytes (64 peers' partial bodies are not 64 × maxBody).
    if (this.buffered() + payload.length > this.maxBody) {
      this.transfers.delete(key);
      return { kind: 'error', code: '5.03' };
    }
    t.chunks.push(Buffer.from(payload));
    t.last = { offset: fit.offset, length: payload.length, more: block.more };
    t.received += payload.length;
    if (block.more) {
      this.transfers.set(key, t);
      return { kind: 'continue', block: echo };
    }
    this.transfers.delete(key);
    return { kind: 'complete', body: Buffer.concat(t.chunks), block: echo };
  }
}

/** A representation too large for one datagram, kept for the follow-up Block2 requests. */
export interface CachedRepresentation {
  res: CoapResponse;
  body: Buffer;
}

export class Block2Cache {
  private readonly reps: ExpiringMap<CachedRepresentation>;

  constructor(timers: Clock, lifetimeMs: number) {
    this.reps = new ExpiringMap(timers, lifetimeMs, 32);
  }

  put(key: string, rep: CachedRepresentation): void {
    this.reps.set(key, rep);
  }

  get(key: string): CachedRepresentation | undefined {
    return this.reps.get(key);
  }

  delete(key: string): void {
    this.reps.delete(key);
  }
}

/** The slice of a body for block num at the given size; undefined when num is past the end. */
export function sliceBlock(body: Buffer, num: number, size: number): { payload: Buffer; block: Block } | undefined {
  const start = num * size;
  if (start >= body.length && !(start === 0 && body.length === 0)) return undefined;
  const payload = body.subarray(start, start + size);
  return { payload, block: { num, more: start + size < body.length, size } };
}
