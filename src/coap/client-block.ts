// client-block.ts: client-side block-wise (RFC 7959): Block1 uploads with size renegotiation, Block2 downloads (whole
// or streamed).
import type { CoapOutgoingRequest } from './api.js';
import { CodedError } from '../errors.js';
import type { ParsedPacket } from './message.js';
import { decodeBlock, encodeBlock, getOption, getUint, uintBuf, type Block, type Option } from './options.js';
import { requestOptions } from './packets.js';

/** Sends one request message (its own token, NSTART slot, retransmission) and resolves with the response message. */
export type ExchangeFn = (
  code: string,
  options: Option[],
  payload: Buffer,
  confirmable: boolean,
  token?: Buffer,
) => Promise<ParsedPacket>;
/** A fresh token for a block-wise transfer (kept across its blocks: some servers, node-coap among them, require it). */
export type TokenFn = () => Buffer;

export interface BlockInfo {
  num: number;
  size: number;
  more: boolean;
  /** Size2 when the server told it. */
  total?: number;
  /** The representation's ETag when the server gave one (the same on every block, or the transfer fails). */
  etag?: Buffer;
}

function withBlock(opts: Option[], name: 'Block1' | 'Block2', b: Block): Option[] {
  return [...opts, { name, value: encodeBlock(b) }];
}

/**
 * Sends a request, in Block1 blocks when the payload is larger than blockSize; resolves with the final response
 * message.
 */
export async function uploadRequest(
  ex: ExchangeFn,
  code: string,
  req: CoapOutgoingRequest,
  blockSize: number,
  token?: Buffer,
): Promise<ParsedPacket> {
  const base = requestOptions(req);
  const body = Buffer.from(req.payload ?? new Uint8Array(0));
  const con = req.confirmable !== false;
  if (body.length <= blockSize) return ex(code, base, body, con, token);
  let size = blockSize;
  let offset = 0;
  for (;;) {
    const num = offset / size;
    const more = offset + size < body.length;
    let opts = withBlock(base, 'Block1', { num, more, size });
    if (num === 0) opts = [...opts, { name: 'Size1', value: uintBuf(body.length) }];
    const res = await ex(code, opts, body.subarray(offset, offset + size), con, token);
    const b1 = decodeBlock(getOption(res, 'Block1'));
    if (res.code === '4.13' && num === 0 && b1 !== undefined && b1.size < size) {
      size = b1.size; // the server asks for smaller blocks: start again at that size
      continue;
    }
    if (!more || res.code !== '2.31') return res;
    offset += size;
    if (b1 !== undefined && b1.size < size) size = b1.size; // late negotiation: offset stays a multiple of the new size
  }
}

/**
 * Completes a Block2 transfer that started with `first`: asks for the following blocks with the same request
 * options and hands each block's payload to onBlock (block 0 included). Resolves with the last response message.
 * A block whose ETag differs from the first block's (the resource changed mid-transfer, RFC 7959 §2.4) fails the
 * transfer with COAP_ETAG_CHANGED: the blocks would belong to two different representations.
 */
export async function continueDownload(
  ex: ExchangeFn,
  code: string,
  req: CoapOutgoingRequest,
  first: ParsedPacket,
  onBlock: (payload: Buffer, info: BlockInfo) => void | Promise<void>,
  token?: Buffer,
): Promise<ParsedPacket> {
  let res = first;
  let b2 = decodeBlock(getOption(res, 'Block2'));
  const total = getUint(res, 'Size2');
  const etag = getOption(res, 'ETag');
  const info = (b: Block | undefined): BlockInfo => {
    const i: BlockInfo =
      b === undefined ? { num: 0, size: res.payload.length, more: false } : { num: b.num, size: b.size, more: b.more };
    if (total !== undefined) i.total = total;
    if (etag !== undefined) i.etag = etag;
    return i;
  };
  await onBlock(res.payload, info(b2));
  // Follow-ups carry no Observe and (except FETCH) no payload.
  const { observe: _observe, ...noObserve } = req;
  const base = requestOptions(noObserve);
  const payload = code === '0.05' ? Buffer.from(req.payload ?? new Uint8Array(0)) : Buffer.alloc(0);
  while (b2 !== undefined && b2.more) {
    const want: Block = { num: b2.num + 1, more: false, size: b2.size };
    res = await ex(code, withBlock(base, 'Block2', want), payload, req.confirmable !== false, token);
    if (!res.code.startsWith('2.')) return res;
    const got = decodeBlock(getOption(res, 'Block2'));
    if (got === undefined || got.num * got.size !== want.num * want.size) {
      throw new CodedError(
        'COAP_BLOCK_MISMATCH',
        `asked for block ${want.num}/${want.size}, got ${got ? `${got.num}/${got.size}` : 'no Block2'}`,
      );
    }
    const tag = getOption(res, 'ETag');
    if (etag !== undefined && (tag === undefined || !tag.equals(etag))) {
      throw new CodedError(
        'COAP_ETAG_CHANGED',
        `block ${got.num}: ETag ${tag?.toString('hex') ?? 'none'}, the transfer began with ${etag.toString('hex')}`,
      );
    }
    b2 = got;
    await onBlock(res.payload, info(b2));
  }
  return res;
}
