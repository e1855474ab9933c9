// text.ts: plain text (0) and opaque (42) content formats: exactly one resource (instance) value.
import { CodedError } from '../../errors.js';
import type { LwRecord } from '../types.js';
import type { CodecContext } from './context.js';
import { textToValue, valueToText } from './value.js';

function single(records: readonly LwRecord[], what: string): LwRecord {
  if (records.length !== 1)
    throw new CodedError('FORMAT_ENCODE', `${what} carries exactly one value (got ${records.length})`);
  return records[0];
}

function target(ctx: CodecContext, what: string): readonly number[] {
  if (ctx.basePath.length < 3) throw new CodedError('FORMAT_DECODE', `${what} needs a resource path`);
  return ctx.basePath;
}

export function encodeText(records: readonly LwRecord[]): Uint8Array {
  return new Uint8Array(Buffer.from(valueToText(single(records, 'plain text').value), 'utf8'));
}

export function decodeText(payload: Uint8Array, ctx: CodecContext): LwRecord[] {
  const p = target(ctx, 'plain text');
  const s = Buffer.from(payload).toString('utf8');
  return [{ path: p, value: textToValue(s, ctx.typeOf(p[0], p[2])) }];
}

export function encodeOpaque(records: readonly LwRecord[]): Uint8Array {
  const r = single(records, 'opaque');
  if (!(r.value instanceof Uint8Array))
    throw new CodedError('FORMAT_ENCODE', 'opaque format carries only opaque values');
  return r.value;
}

export function decodeOpaque(payload: Uint8Array, ctx: CodecContext): LwRecord[] {
  const p = target(ctx, 'opaque');
  const type = ctx.typeOf(p[0], p[2]);
  if (type !== undefined && type !== 'opaque')
    throw new CodedError('FORMAT_UNSUPPORTED', 'opaque format for a non-opaque resource');
  return [{ path: p, value: new Uint8Array(payload) }];
}
