// block1-tap.ts: a Transport wrapper that takes Block1 writes to one path (/5/0/0) off the CoAP stream and hands each
// block on as it arrives (streamed to disk, never reassembled).
import { parse, type ParsedPacket } from 'coap-packet';
import { encodeMessage } from '../coap/encode.js';
import { randomInt } from 'node:crypto';
import { decodeBlock, encodeBlock, getStrings, getUint, uintBuf } from '../coap/options.js';
import type { PeerAddress, Transport, TransportEvent } from '../coap/transport.js';
import type { ActorContext } from '../runtime/actor-api.js';
import { ActorNames, type Block1Chunk, type Block1ChunkMessage, type Block1ChunkReply } from '../messages/index.js';

/** A Block1 chunk as the tap takes it off the CoAP stream (its peer and raw token; the sink names the source). */
export interface TappedBlock1Chunk extends Omit<Block1Chunk, 'source' | 'token'> {
  path: string[];
  contentFormat?: number;
  from: PeerAddress;
  token: Uint8Array;
}

/**
 * Answers one block: '2.31' (continue), '2.04' (last block stored) or an error code ('4.00', '4.08', '4.13', '5.03' …);
 * size1 goes out as Size1 with a 4.13, maxAge as Max-Age with a 5.03.
 */
export type BlockSink = (b: TappedBlock1Chunk) => Promise<Block1ChunkReply>;

export interface TapOptions {
  /** Uri-Path to stream (default ['5', '0', '0']). */
  path?: readonly string[];
  /** Responses remembered for duplicate detection (per message ID and peer). */
  dedupSize?: number;
  /** Called for every tapped request (e.g. to tell the client of server activity). */
  onActivity?: (from: PeerAddress) => void;
}

const CODE_PUT = '0.03';
const CODE_POST = '0.02';

/**
 * Wraps a transport: PUT/POST requests to `path` that carry a Block1 option are answered here, one block at a
 * time, through `sink`; every other datagram goes to the endpoint above unchanged. Duplicates (same message ID
 * from the same peer) get the cached answer and are not handed on twice. Tokens may change per block (libcoap)
 * or stay (Leshan): the sink tells transfers apart by peer, token and NUM continuity.
 */
export class Block1Tap implements Transport {
  readonly kind: Transport['kind'];
  private readonly listeners: ((ev: TransportEvent) => void)[] = [];
  private readonly answered = new Map<string, Buffer | 'pending'>();
  private queue: Promise<void> = Promise.resolve();
  private mid = randomInt(0, 0x10000);
  private readonly path: string;

  constructor(
    private readonly inner: Transport,
    private readonly sink: BlockSink,
    private readonly o: TapOptions = {},
  ) {
    this.kind = inner.kind;
    this.path = (o.path ?? ['5', '0', '0']).join('/');
    inner.onEvent((ev) => {
      if (ev.type === 'message' && this.tap(ev.data, ev.from)) return;
      for (const l of this.listeners) l(ev);
    });
  }

  get mtu(): number {
    return this.inner.mtu;
  }

  open(): Promise<void> {
    return this.inner.open();
  }

  /** The wrapped transport's local address, when it can tell (UDP's address()). */
  address(): PeerAddress | undefined {
    const inner = this.inner as Transport & { address?: () => PeerAddress };
    return typeof inner.address === 'function' ? inner.address() : undefined;
  }

  send(data: Uint8Array, to: PeerAddress): Promise<void> {
    return this.inner.send(data, to);
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  onEvent(listener: (ev: TransportEvent) => void): void {
    this.listeners.push(listener);
  }

  /** True when the datagram was a block for the streamed path (and is handled here). */
  private tap(data: Uint8Array, from: PeerAddress): boolean {
    // Only a PUT or POST can be a block for us: every other datagram (a Read's GET) passes without being parsed here.
    if (data.length < 4 || (data[1] !== 0x02 && data[1] !== 0x03)) return false;
    let pkt: ParsedPacket;
    try {
      pkt = parse(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
    } catch {
      return false; // the endpoint answers malformed packets
    }
    if ((pkt.code !== CODE_PUT && pkt.code !== CODE_POST) || pkt.ack || pkt.reset) return false;
    const b1 = pkt.options.find((x) => x.name === 'Block1');
    if (b1 === undefined) return false;
    if (getStrings(pkt, 'Uri-Path').join('/') !== this.path) return false;
    const key = `${from.address}|${from.port}|${pkt.messageId}`;
    const seen = this.answered.get(key);
    if (seen !== undefined) {
      if (seen !== 'pending') void this.inner.send(seen, from).catch(() => undefined);
      return true;
    }
    this.remember(key, 'pending');
    this.o.onActivity?.(from);
    this.queue = this.queue.then(() => this.handle(pkt, from, key)).catch(() => undefined);
    return true;
  }

  private remember(key: string, v: Buffer | 'pending'): void {
    this.answered.delete(key);
    this.answered.set(key, v);
    const max = this.o.dedupSize ?? 32;
    while (this.answered.size > max) {
      const oldest = this.answered.keys().next().value;
      if (oldest === undefined) break;
      this.answered.delete(oldest);
    }
  }

  private async handle(pkt: ParsedPacket, from: PeerAddress, key: string): Promise<void> {
    const blk = decodeBlock(pkt.options.find((x) => x.name === 'Block1')?.value);
    let code: string;
    let echo = blk;
    let size1: number | undefined;
    let maxAge: number | undefined;
    if (blk === undefined) {
      code = '4.00'; // reserved SZX 7
    } else {
      const total = getUint(pkt, 'Size1');
      const cf = getUint(pkt, 'Content-Format');
      try {
        const r = await this.sink({
          path: this.path.split('/'),
          num: blk.num,
          size: blk.size,
          more: blk.more,
          payload: new Uint8Array(pkt.payload),
          ...(total !== undefined ? { total } : {}),
          ...(cf !== undefined ? { contentFormat: cf } : {}),
          from,
          token: new Uint8Array(pkt.token),
        });
        code = r.code;
        size1 = code === '4.13' ? r.size1 : undefined;
        maxAge = code === '5.03' ? r.maxAge : undefined;
      } catch {
        code = '5.03';
      }
      if (code === '2.31' && !blk.more) code = '2.04';
      echo = { num: blk.num, more: code === '2.31', size: blk.size };
    }
    // Option order by number: Max-Age (14), Block1 (27), Size1 (60).
    const options: { name: 'Max-Age' | 'Block1' | 'Size1'; value: Buffer }[] = [];
    if (maxAge !== undefined) options.push({ name: 'Max-Age', value: uintBuf(maxAge) });
    if (echo !== undefined && (code === '2.31' || code === '2.04' || code === '4.08' || code === '4.13'))
      options.push({ name: 'Block1', value: encodeBlock(echo) });
    if (size1 !== undefined) options.push({ name: 'Size1', value: uintBuf(size1) });
    const res = pkt.confirmable
      ? encodeMessage({ messageId: pkt.messageId, token: pkt.token, code, ack: true, options })
      : encodeMessage({
          messageId: (this.mid = (this.mid + 1) & 0xffff),
          token: pkt.token,
          code,
          confirmable: false,
          options,
        });
    this.remember(key, res);
    await this.inner.send(res, from).catch(() => undefined);
  }
}

/** Wraps `t` so Block1 writes to /5/0/0 stream to `sink`. */
export function tapBlock1(t: Transport, sink: BlockSink, o?: TapOptions): Transport {
  return new Block1Tap(t, sink, o);
}

/**
 * The sink the socket actor uses: each block becomes an `object.write-block` request to object:5 (its source is
 * this socket actor and the peer's address, its token in hex), and server activity goes to the client.
 */
export function firmwareBlockSink(
  ctx: Pick<ActorContext, 'request' | 'send' | 'name'>,
  ssid: () => number,
  client = 'client',
): BlockSink {
  return async (b) => {
    ctx.send(client, { type: 'lwm2m.server-activity', ssid: ssid() });
    const msg: Block1ChunkMessage = {
      type: 'object.write-block',
      path: [5, 0, 0],
      num: b.num,
      size: b.size,
      more: b.more,
      payload: b.payload,
      serverId: ssid(),
      source: `${ctx.name}|${b.from.address}|${b.from.port}`,
      token: Buffer.from(b.token).toString('hex'),
      ...(b.total !== undefined ? { total: b.total } : {}),
      ...(b.contentFormat !== undefined ? { contentFormat: b.contentFormat } : {}),
    };
    const r = await ctx.request(ActorNames.object(5), msg, { timeoutMs: 30_000 });
    return {
      code: typeof r?.code === 'string' ? r.code : '5.00',
      ...(typeof r?.size1 === 'number' ? { size1: r.size1 } : {}),
      ...(typeof r?.maxAge === 'number' ? { maxAge: r.maxAge } : {}),
    };
  };
}
