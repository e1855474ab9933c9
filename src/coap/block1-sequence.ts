// block1-sequence.ts: where one Block1 block fits in its transfer (RFC 7959): the next bytes, the last block again, or
// the error code it gets.
import type { Block } from './options.js';

/** What a Block1 transfer has taken so far. */
export interface Block1Progress {
  /** Bytes received: the next block must start exactly here (NUM × size). */
  received: number;
  /**
   * The last block taken: the same block again (a resend under a new message ID) is answered again, not stored twice.
   */
  last?: { offset: number; length: number; more: boolean };
}

export type Block1Fit =
  | { kind: 'next'; offset: number }
  | { kind: 'repeat' }
  | { kind: 'error'; code: '4.00' | '4.08' | '4.13'; reason: string };

/**
 * Checks one block against its transfer. The block size may change between blocks (RFC 7959 §2.3: a client shrinks
 * it mid-transfer) as long as NUM × size is the number of bytes received. A payload larger than its block size
 * → 4.13; a non-final block shorter than its block size → 4.00 (malformed: every block but the last is full);
 * a block that overlaps bytes already received or leaves a gap → 4.08 Request Entity Incomplete (§2.9.2).
 */
export function fitBlock1(p: Block1Progress, b: Block, length: number): Block1Fit {
  if (length > b.size)
    return {
      kind: 'error',
      code: '4.13',
      reason: `block payload of ${length} bytes is larger than its block size ${b.size}`,
    };
  if (b.more && length < b.size)
    return { kind: 'error', code: '4.00', reason: `non-final block of ${length} bytes, block size ${b.size}` };
  const offset = b.num * b.size;
  const l = p.last;
  if (l !== undefined && offset === l.offset && length === l.length && b.more === l.more) return { kind: 'repeat' };
  if (offset < p.received)
    return { kind: 'error', code: '4.08', reason: `block at byte ${offset} overlaps the ${p.received} bytes received` };
  if (offset > p.received)
    return { kind: 'error', code: '4.08', reason: `block at byte ${offset} leaves a gap after ${p.received} bytes` };
  return { kind: 'next', offset };
}
