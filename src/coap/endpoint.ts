// endpoint.ts: createEndpoint(): one CoAP endpoint (client + server) on one transport: message layer dispatch, client
// exchanges, ping.
import { randomBytes } from 'node:crypto';
import { CodedError } from '../errors.js';
import { log as rootLog, type Logger } from '../runtime/log.js';
import type {
  CoapEndpoint,
  CoapIncomingResponse,
  CoapOutgoingRequest,
  CoapRequestHandler,
  ObserveRelation,
  RestoredObserve,
} from './api.js';
import { continueDownload, uploadRequest, type BlockInfo, type ExchangeFn } from './client-block.js';
import {
  build,
  emptyMessage,
  hex,
  isEmpty,
  isRequestCode,
  methodCode,
  MsgType,
  peekHeader,
  peerKey,
  tryParse,
  typeOf,
  type ParsedPacket,
} from './message.js';
import { encodeBlock, type Option } from './options.js';
import { toIncomingResponse } from './packets.js';
import { DEFAULT_PARAMS, maxTransmitWaitMs, type CoapParams } from './params.js';
import { PeerQueue } from './peer-queue.js';
import { Retransmitter, type ConOutcome } from './reliability.js';
import { ServerSide } from './server.js';
import { backgroundClock, type Clock } from '../clock.js';
import type { PeerAddress, Transport, TransportEvent } from './transport.js';

export interface EndpointOptions {
  /** Transmission parameters (defaults: RFC 7252, see params.ts / config-schema.ts). */
  params?: Partial<CoapParams>;
  /** Clock and timers (inject a simulated one in tests). */
  timers?: Clock;
  /** Uniform [0,1) source for the retransmission jitter (default Math.random). */
  random?: () => number;
  /** Token bytes source (default crypto.randomBytes). */
  randomBytes?: (n: number) => Uint8Array;
  /** Logger (default: the root logger, child mod 'coap'). */
  log?: Logger;
}

/**
 * The endpoint as createEndpoint returns it: the CoapEndpoint contract plus block-wise streaming download and
 * introspection.
 */
export interface CoapEndpointExt extends CoapEndpoint {
  /**
   * GET (or FETCH) a large resource block by block: onBlock gets each payload, the body is never held whole. Resolves
   * with the last response (payload: last block, or an error answer's diagnostic, which never goes to onBlock).
   */
  download(
    to: PeerAddress,
    req: CoapOutgoingRequest,
    onBlock: (payload: Uint8Array, info: BlockInfo) => void | Promise<void>,
  ): Promise<CoapIncomingResponse>;
  /** See CoapEndpoint.drain (always present here). */
  drain(maxMs: number): Promise<void>;
  /** Numbers for tests and diagnostics. */
  stats(): { pendingExchanges: number; pendingCon: number; relations: number };
}

/** crypto.randomBytes drawn 512 bytes at a time (one call per request showed in profiles). */
function pooledRandomBytes(): (n: number) => Uint8Array {
  let pool = Buffer.alloc(0);
  let at = 0;
  return (n) => {
    if (at + n > pool.length) {
      pool = randomBytes(Math.max(512, n));
      at = 0;
    }
    const out = pool.subarray(at, at + n);
    at += n;
    return out;
  };
}

interface Exchange {
  to: PeerAddress;
  messageId: number;
  timer: unknown;
  resolve: (p: ParsedPacket) => void;
  reject: (e: Error) => void;
}

function outcomeError(o: ConOutcome): CodedError {
  switch (o.kind) {
    case 'rst':
      return new CodedError('COAP_RESET', 'request reset by peer');
    case 'timeout':
      return new CodedError('COAP_TIMEOUT', 'no acknowledgement after retransmissions');
    case 'error': {
      const e = o.error as { code?: unknown; message?: unknown };
      const code = typeof e?.code === 'string' && e.code === 'SOCKET_CLOSED' ? 'SOCKET_CLOSED' : 'NETWORK_ERROR';
      return new CodedError(code, typeof e?.message === 'string' ? e.message : String(o.error));
    }
    default:
      return new CodedError('INTERNAL', 'unexpected outcome');
  }
}

class Endpoint implements CoapEndpointExt {
  readonly params: CoapParams;
  readonly timers: Clock;
  readonly log: Logger;
  readonly blockSize: number;
  readonly rt: Retransmitter;
  private readonly server: ServerSide;
  private readonly queue: PeerQueue;
  private readonly exchanges = new Map<string, Exchange>();
  private readonly randomBytes: (n: number) => Uint8Array;
  private mid: number;
  private closed = false;

  constructor(
    private readonly transport: Transport,
    o: EndpointOptions,
  ) {
    this.params = { ...DEFAULT_PARAMS, ...o.params };
    this.timers = o.timers ?? backgroundClock;
    this.log = o.log ?? rootLog.child({ mod: 'coap' });
    this.randomBytes = o.randomBytes ?? pooledRandomBytes();
    const random = o.random ?? Math.random;
    this.mid = Math.floor(random() * 0x10000);
    // Largest power of two that fits the transport's datagram with room for header and options.
    let bs = 1024;
    while (bs > 16 && bs + 64 > transport.mtu) bs /= 2;
    this.blockSize = Math.max(16, Math.min(this.params.blockSize, bs));
    this.rt = new Retransmitter(
      this.params,
      this.timers,
      random,
      (buf, to) => this.send(buf, to),
      (to, r) => {
        const s = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
        this.log.warn(
          {
            code: 'COAP_NO_ANSWER',
            peer: `${to.address}:${to.port}`,
            attempt: r.attempt,
            of: r.of,
            nextWaitMs: Math.round(r.nextWaitMs),
          },
          `no answer from ${transport.kind === 'dtls' ? 'coaps' : 'coap'}://${to.address.includes(':') ? `[${to.address}]` : to.address}:${to.port} in ${s(r.waitedMs)}; retrying now, attempt ${r.attempt} of ${r.of}, next wait ${s(r.nextWaitMs)}`,
        );
      },
    );
    this.queue = new PeerQueue(Math.max(1, this.params.nstart));
    this.server = new ServerSide(this);
    transport.onEvent((ev) => this.onEvent(ev));
  }

  // ---- plumbing shared with the server side ----
  nextMid(): number {
    this.mid = (this.mid + 1) & 0xffff;
    return this.mid;
  }

  isClosed(): boolean {
    return this.closed;
  }

  private send(buf: Buffer, to: PeerAddress): Promise<void> {
    if (this.closed) return Promise.reject(new CodedError('SOCKET_CLOSED', 'endpoint closed'));
    return this.transport.send(buf, to);
  }

  sendRaw(buf: Buffer, to: PeerAddress): void {
    void this.sendTracked(buf, to);
  }

  sendTracked(buf: Buffer, to: PeerAddress): Promise<void> {
    return this.send(buf, to).catch((err: unknown) => this.log.debug({ err: (err as Error).message }, 'send failed'));
  }

  // ---- incoming ----
  private onEvent(ev: TransportEvent): void {
    if (this.closed) return;
    if (ev.type === 'message') {
      try {
        this.onDatagram(ev.data, ev.from);
      } catch (err) {
        this.log.warn({ err: (err as Error).message }, 'datagram handling failed');
      }
    } else if (ev.type === 'close') {
      this.failAll(new CodedError('NETWORK_ERROR', 'transport closed'));
    }
  }

  private onDatagram(data: Uint8Array, from: PeerAddress): void {
    const p = tryParse(data);
    if (p === undefined) {
      // Malformed: a CON whose header we can read gets an RST, anything else is dropped (RFC 7252 §4.2, §4.3).
      const h = peekHeader(data);
      if (h !== undefined && h.type === MsgType.CON) this.sendRaw(emptyMessage('rst', h.messageId), from);
      return;
    }
    const type = typeOf(p);
    if (isEmpty(p)) {
      if (type === MsgType.CON)
        this.sendRaw(emptyMessage('rst', p.messageId), from); // CoAP ping
      else if (type === MsgType.ACK) this.rt.ack(from, p);
      else if (type === MsgType.RST && !this.rt.rst(from, p.messageId)) this.server.reset(from, p.messageId);
      return;
    }
    if (isRequestCode(p.code)) {
      if (type === MsgType.CON || type === MsgType.NON) {
        this.server.request(p, type, from);
      }
      return;
    }
    if (p.code.startsWith('0.')) {
      // 0.xx codes other than requests are reserved: reject a CON, drop the rest.
      if (type === MsgType.CON) this.sendRaw(emptyMessage('rst', p.messageId), from);
      return;
    }
    if (type === MsgType.ACK) {
      this.rt.ack(from, p); // the exchange's outcome callback takes the piggybacked response
      return;
    }
    if (type === MsgType.RST) return;
    this.separateResponse(p, type, from);
  }

  private readonly seenResponses = new Map<string, number>();

  /** A CON or NON response: a separate response or a notification for one of our requests. */
  private separateResponse(p: ParsedPacket, type: MsgType, from: PeerAddress): void {
    const key = `${peerKey(from)}#${hex(p.token)}`;
    const ex = this.exchanges.get(key);
    if (ex === undefined) {
      // Unknown token (late duplicate, cancelled observation): acknowledge a duplicate CON we already took, reject the
      // rest.
      const seenAt = this.seenResponses.get(`${peerKey(from)}#${p.messageId}`);
      if (seenAt !== undefined && type === MsgType.CON && this.timers.now() - seenAt < this.params.exchangeLifetimeMs) {
        this.sendRaw(emptyMessage('ack', p.messageId), from);
      } else {
        this.sendRaw(emptyMessage('rst', p.messageId), from);
      }
      return;
    }
    if (type === MsgType.CON) {
      this.sendRaw(emptyMessage('ack', p.messageId), from);
      this.rememberResponse(`${peerKey(from)}#${p.messageId}`);
    }
    this.finishExchange(key, ex, p);
  }

  private rememberResponse(k: string): void {
    const now = this.timers.now();
    this.seenResponses.set(k, now);
    if (this.seenResponses.size > 256) {
      for (const [key, t] of this.seenResponses)
        if (now - t >= this.params.exchangeLifetimeMs || this.seenResponses.size > 256) this.seenResponses.delete(key);
    }
  }

  private finishExchange(key: string, ex: Exchange, p: ParsedPacket | Error): void {
    if (this.exchanges.get(key) !== ex) return;
    this.exchanges.delete(key);
    this.timers.clearTimeout(ex.timer);
    this.rt.cancel(ex.to, ex.messageId);
    if (p instanceof Error) ex.reject(p);
    else ex.resolve(p);
  }

  // ---- client ----
  /** Tokens of transfers in progress (a block-wise transfer keeps its token between its exchanges). */
  private readonly tokensInUse = new Set<string>();

  private newToken(to: PeerAddress): Buffer {
    const len = Math.min(8, Math.max(1, this.params.tokenLength));
    for (;;) {
      const t = Buffer.from(this.randomBytes(len));
      const key = `${peerKey(to)}#${t.toString('hex')}`;
      if (!this.exchanges.has(key) && !this.tokensInUse.has(key)) return t;
    }
  }

  /** One request message and its response (NSTART slot held for its duration). */
  private exchangeFn(to: PeerAddress): ExchangeFn {
    return async (code, options, payload, confirmable, token) => {
      if (this.closed) throw new CodedError('SOCKET_CLOSED', 'endpoint closed');
      const release = await this.queue.acquire(peerKey(to));
      try {
        return await this.exchangeOnce(to, code, options, payload, confirmable, token);
      } finally {
        release();
      }
    };
  }

  private exchangeOnce(
    to: PeerAddress,
    code: string,
    options: Option[],
    payload: Buffer,
    confirmable: boolean,
    given?: Buffer,
  ): Promise<ParsedPacket> {
    if (this.closed) return Promise.reject(new CodedError('SOCKET_CLOSED', 'endpoint closed'));
    const token = given ?? this.newToken(to);
    const messageId = this.nextMid();
    const key = `${peerKey(to)}#${token.toString('hex')}`;
    const buf = build({ code, token, messageId, confirmable, options, payload });
    return new Promise<ParsedPacket>((resolve, reject) => {
      const ex: Exchange = { to, messageId, timer: undefined, resolve, reject };
      this.exchanges.set(key, ex);
      const waitSeparate = (ms: number): void => {
        ex.timer = this.timers.setTimeout(
          () => this.finishExchange(key, ex, new CodedError('COAP_TIMEOUT', 'no response')),
          ms,
        );
      };
      if (!confirmable) {
        this.send(buf, to).catch((err: unknown) =>
          this.finishExchange(key, ex, outcomeError({ kind: 'error', error: err })),
        );
        waitSeparate(maxTransmitWaitMs(this.params));
        return;
      }
      this.rt.send(buf, messageId, to, (o) => {
        if (o.kind !== 'ack') return this.finishExchange(key, ex, outcomeError(o));
        if (isEmpty(o.packet)) return waitSeparate(this.params.exchangeLifetimeMs); // separate response follows
        if (!o.packet.token.equals(token)) {
          this.log.debug({ mid: messageId }, 'piggybacked response with a foreign token ignored');
          return waitSeparate(this.params.exchangeLifetimeMs);
        }
        this.finishExchange(key, ex, o.packet);
      });
    });
  }

  async request(to: PeerAddress, req: CoapOutgoingRequest): Promise<CoapIncomingResponse> {
    const chunks: Buffer[] = [];
    const last = await this.transfer(
      to,
      req,
      (b) => {
        chunks.push(Buffer.from(b));
      },
      true,
    );
    return toIncomingResponse(last, chunks.length === 1 ? chunks[0] : Buffer.concat(chunks));
  }

  /** onBlock gets the representation's blocks only: an error answer's payload (a diagnostic) is in the response. */
  async download(
    to: PeerAddress,
    req: CoapOutgoingRequest,
    onBlock: (payload: Uint8Array, info: BlockInfo) => void | Promise<void>,
  ): Promise<CoapIncomingResponse> {
    const last = await this.transfer(to, req, onBlock, false);
    return toIncomingResponse(last);
  }

  /** errorBody: an error answer's payload goes to onBlock too (request() returns it as the body). */
  private async transfer(
    to: PeerAddress,
    req: CoapOutgoingRequest,
    onBlock: (payload: Buffer, info: BlockInfo) => void | Promise<void>,
    errorBody: boolean,
  ): Promise<ParsedPacket> {
    const code = methodCode(req.method);
    const ex = this.exchangeFn(to);
    const bs = req.blockSize !== undefined ? Math.min(req.blockSize, this.blockSize) : this.blockSize;
    // A GET with a preferred block size asks for Block2 from the start (early negotiation, RFC 7959 §2.4).
    // block2Start resumes a download at that block (firmware pull): the first request asks for it directly.
    const early: ExchangeFn =
      (req.blockSize !== undefined || req.block2Start !== undefined) && (req.method === 'GET' || req.method === 'FETCH')
        ? (c, opts, pl, con, tok) =>
            ex(
              c,
              [...opts, { name: 'Block2', value: encodeBlock({ num: req.block2Start ?? 0, more: false, size: bs }) }],
              pl,
              con,
              tok,
            )
        : ex;
    // One token for the whole block-wise transfer (a new one per request, checked against pending ones).
    const token = this.newToken(to);
    const inUse = `${peerKey(to)}#${token.toString('hex')}`;
    this.tokensInUse.add(inUse);
    try {
      const first = await uploadRequest(early, code, req, bs, token);
      if (!first.code.startsWith('2.')) {
        if (errorBody) await onBlock(first.payload, { num: 0, size: first.payload.length, more: false });
        return first;
      }
      return await continueDownload(ex, code, req, first, onBlock, token);
    } finally {
      this.tokensInUse.delete(inUse);
    }
  }

  ping(to: PeerAddress): Promise<boolean> {
    if (this.closed) return Promise.resolve(false);
    const mid = this.nextMid();
    return new Promise((resolve) => {
      this.rt.send(emptyMessage('con', mid), mid, to, (o) => resolve(o.kind === 'rst' || o.kind === 'ack'));
    });
  }

  handle(handler: CoapRequestHandler): void {
    this.server.handle(handler);
  }

  restoreObserve(o: RestoredObserve): ObserveRelation {
    return this.server.restore(o);
  }

  drain(maxMs: number): Promise<void> {
    return this.closed ? Promise.resolve() : this.server.drain(maxMs);
  }

  stats(): { pendingExchanges: number; pendingCon: number; relations: number } {
    return { pendingExchanges: this.exchanges.size, pendingCon: this.rt.size, relations: this.server.relationCount };
  }

  private failAll(err: CodedError): void {
    for (const [key, ex] of [...this.exchanges]) this.finishExchange(key, ex, err);
    this.rt.abortAll({ kind: 'error', error: err });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.failAll(new CodedError('SOCKET_CLOSED', 'endpoint closed'));
    this.closed = true;
    this.server.closeAll();
    this.queue.drain();
  }
}

/**
 * Creates a CoAP endpoint on a transport that its owner opens and closes (close() on the endpoint stops
 * retransmissions, fails pending requests with SOCKET_CLOSED and drops Observe relations; the transport stays open).
 */
export function createEndpoint(transport: Transport, options: EndpointOptions = {}): CoapEndpointExt {
  return new Endpoint(transport, options);
}
