// server.ts: the endpoint's server side: duplicate detection, piggybacked/separate responses, 4.02/4.05, Block1/Block2, Observe registration.
import { randomUUID } from 'node:crypto';
import type { Logger } from '../runtime/log.js';
import { CodedError } from '../errors.js';
import type { CoapRequestHandler, CoapResponse, RestoredObserve } from './api.js';
import { Block1Assembler, Block2Cache, sliceBlock } from './block-server.js';
import { ExpiringMap } from './expiring-map.js';
import { build, codeMethod, emptyMessage, hex, MsgType, peerKey, type ParsedPacket } from './message.js';
import { Relation, type RelationHost } from './observe.js';
import { badCriticalOption, decodeBlock, dropBadElectiveOptions, encodeBlock, getOption, getUint, reservedBlockSize, uintBuf, type Block, type Option } from './options.js';
import { resourceKey, responseOptions, toIncomingRequest } from './packets.js';
import type { CoapParams } from './params.js';
import type { Retransmitter } from './reliability.js';
import type { Timers } from './timers.js';
import type { PeerAddress } from './transport.js';

/** What the server side needs from the endpoint core. */
export interface ServerCore {
  readonly params: CoapParams;
  readonly timers: Timers;
  readonly log: Logger;
  readonly blockSize: number;
  readonly rt: Retransmitter;
  sendRaw(buf: Buffer, to: PeerAddress): void;
  /** Sends a datagram; settles once the transport took it (never rejects). */
  sendTracked(buf: Buffer, to: PeerAddress): Promise<void>;
  nextMid(): number;
  isClosed(): boolean;
}

/** Per received CON/NON: the reply to repeat for duplicates (undefined while the handler runs). */
interface Seen { reply?: Buffer }

export class ServerSide {
  private handler: CoapRequestHandler | undefined;
  private readonly seen: ExpiringMap<Seen>;
  private readonly block1: Block1Assembler;
  private readonly block2: Block2Cache;
  private readonly relations = new Map<string, Relation>();
  /** Message IDs of NON notifications: an RST to one cancels its relation. */
  private readonly nonNotifications: ExpiringMap<Relation>;
  private readonly relationHost: RelationHost;
  /** The CON notification in flight per relation (superseded ones resolve when replaced). */
  private readonly inflight = new Map<Relation, { mid: number; resolve: () => void }>();
  /** Requests being answered: the handler runs, or the response is on its way (a separate CON response until its ACK or give-up). */
  private readonly answering = new Set<Promise<void>>();
  /** Observe registrations whose handler still runs (they count against maxObservations). */
  private registering = 0;
  /** Limits reached and logged (one warning each until the count fell to half). */
  private readonly warned = new Set<string>();

  constructor(private readonly core: ServerCore) {
    const { params, timers } = core;
    this.seen = new ExpiringMap(timers, params.exchangeLifetimeMs, 1000);
    this.block1 = new Block1Assembler(timers, params.exchangeLifetimeMs, params.maxBodyBytes, core.blockSize);
    this.block2 = new Block2Cache(timers, params.exchangeLifetimeMs);
    this.nonNotifications = new ExpiringMap(timers, params.exchangeLifetimeMs, 256);
    this.relationHost = {
      sendNotification: (rel, res, seq, con) => this.sendNotification(rel, res, seq, con),
      drop: (rel) => {
        const k = relKey(rel.peer, rel.token);
        if (this.relations.get(k) === rel) this.relations.delete(k);
        this.rearm('observe', this.relations.size + this.registering, params.maxObservations);
      },
      now: () => timers.now(),
      conEvery: params.notifyConEvery,
      conMaxIntervalMs: params.notifyConMaxIntervalMs,
    };
  }

  handle(h: CoapRequestHandler): void {
    this.handler = h;
  }

  /** An RST with no pending CON of ours: it may answer a NON notification. */
  reset(from: PeerAddress, messageId: number): void {
    const k = `${peerKey(from)}#${messageId}`;
    const rel = this.nonNotifications.get(k);
    if (rel === undefined) return;
    this.nonNotifications.delete(k);
    rel.cancelledBy('reset');
  }

  /** Re-creates a relation after a restart: same token and peer, numbering continues after `lastSeq`. */
  restore(o: RestoredObserve): Relation {
    const resKey = `${peerKey(o.peer)}|0.01|${o.path.join('/')}?|${o.accept ?? ''}`;
    const rel = new Relation(randomUUID(), new Uint8Array(o.token), { ...o.peer }, resKey, this.relationHost, o.lastSeq);
    const k = relKey(o.peer, o.token);
    const old = this.relations.get(k);
    if (old !== undefined && old !== rel) old.cancelledBy('replaced');
    this.relations.set(k, rel);
    return rel;
  }

  get relationCount(): number {
    return this.relations.size;
  }

  closeAll(): void {
    for (const rel of [...this.relations.values()]) rel.active = false;
    this.relations.clear();
    this.inflight.clear();
  }

  /**
   * Resolves once every request received so far has been answered and its response has left (a separate CON
   * response acknowledged or given up), or after maxMs: the owner closes the endpoint only then, so an answer to
   * the request that caused the close (Execute Update, Reboot, Disable …) still reaches the server.
   */
  async drain(maxMs: number): Promise<void> {
    const pending = [...this.answering];
    if (pending.length === 0) return;
    let timer: unknown;
    await Promise.race([
      Promise.all(pending),
      new Promise<void>((resolve) => { timer = this.core.timers.setTimeout(resolve, maxMs); }),
    ]);
    this.core.timers.clearTimeout(timer);
  }

  /** A request message (CON or NON). */
  request(p: ParsedPacket, type: MsgType, from: PeerAddress): Promise<void> {
    const flights: Promise<void>[] = [];
    // maxPendingRequests: requests being answered (handler running, or a separate CON answer awaiting its ACK).
    const overloaded = this.answering.size >= this.core.params.maxPendingRequests;
    const done = this.answer(p, type, from, flights, overloaded).then(() => Promise.all(flights)).then(() => undefined);
    const tracked = done.catch(() => undefined);
    this.answering.add(tracked);
    void tracked.then(() => {
      this.answering.delete(tracked);
      this.rearm('pending', this.answering.size, this.core.params.maxPendingRequests);
    });
    return done;
  }

  private warnOnce(what: string, o: object, msg: string): void {
    if (this.warned.has(what)) return;
    this.warned.add(what);
    this.core.log.warn(o, msg);
  }

  /** A limit's warning is logged again once the count fell to half of it. */
  private rearm(what: string, count: number, max: number): void {
    if (count <= max / 2) this.warned.delete(what);
  }

  /** Handles one request; every response datagram it sends is pushed to `flights` (settled once it has left). */
  private async answer(p: ParsedPacket, type: MsgType, from: PeerAddress, flights: Promise<void>[], overloaded: boolean): Promise<void> {
    const peer = peerKey(from);
    const seenKey = `${peer}#${p.messageId}`;
    const dup = this.seen.get(seenKey);
    if (dup !== undefined) {
      if (dup.reply !== undefined) this.core.sendRaw(dup.reply, from);
      return;
    }
    const seen: Seen = {};
    this.seen.set(seenKey, seen);
    const con = type === MsgType.CON;
    let answered = false;
    let separate = false;
    let sepTimer: unknown;
    const reply = (res: CoapResponse, extra: Option[] = []): void => {
      if (answered || this.core.isClosed()) return;
      answered = true;
      this.core.timers.clearTimeout(sepTimer);
      const pkt = { code: res.code, token: p.token, options: [...responseOptions(res), ...extra], payload: Buffer.from(res.payload ?? new Uint8Array(0)) };
      if (con && !separate) {
        const buf = build({ ...pkt, messageId: p.messageId, ack: true });
        seen.reply = buf;
        flights.push(this.core.sendTracked(buf, from));
        return;
      }
      const mid = this.core.nextMid();
      const buf = build({ ...pkt, messageId: mid, confirmable: con });
      if (!con) {
        seen.reply = buf;
        flights.push(this.core.sendTracked(buf, from));
        return;
      }
      flights.push(new Promise<void>((resolve) => {
        this.core.rt.send(buf, mid, from, (o) => {
          if (o.kind !== 'ack') this.core.log.debug({ outcome: o.kind }, 'separate response not acknowledged');
          resolve();
        });
      }));
    };

    if (overloaded) {
      this.warnOnce('pending', { max: this.core.params.maxPendingRequests }, 'too many requests in progress: answering 5.03');
      return reply({ code: '5.03', maxAge: 1 });
    }
    const method = codeMethod(p.code);
    if (method === undefined) return reply({ code: '4.05' });
    const crit = badCriticalOption(p);
    if (crit !== undefined) return reply({ code: '4.02', payload: Buffer.from(`unsupported or invalid critical option ${crit}`) });
    dropBadElectiveOptions(p);
    // SZX 7 is reserved (RFC 7959 §2.2: 4.00 on reception in a request).
    if (reservedBlockSize(getOption(p, 'Block1')) || reservedBlockSize(getOption(p, 'Block2'))) return reply({ code: '4.00', payload: Buffer.from('block size exponent 7 is reserved') });
    const resKey = resourceKey(peer, p);

    // Block2 follow-up for a representation we still hold.
    const b2 = decodeBlock(getOption(p, 'Block2'));
    if (b2 !== undefined && b2.num > 0) {
      const rep = this.block2.get(resKey);
      if (rep !== undefined) return this.replyBlock(reply, rep.res, rep.body, b2, []);
    }

    const req = toIncomingRequest(p, method, from, con);
    const extra: Option[] = [];
    const b1 = decodeBlock(getOption(p, 'Block1'));
    if (b1 !== undefined) {
      const r = this.block1.offer(resKey, b1, p.payload, getUint(p, 'Size1'));
      if (r.kind === 'error') return reply({ code: r.code }, r.size1 !== undefined ? [{ name: 'Size1', value: uintBuf(r.size1) }] : []);
      if (r.kind === 'continue') return reply({ code: '2.31' }, [{ name: 'Block1', value: encodeBlock(r.block) }]);
      req.payload = new Uint8Array(r.body);
      extra.push({ name: 'Block1', value: encodeBlock(r.block) });
    }

    const rk = relKey(from, p.token);
    if (req.observe === 1) this.relations.get(rk)?.cancelledBy('deregister');
    // Observe cap (RFC 7641 §4.1): beyond it the request is served as a plain one, answered without Observe.
    // Registrations whose handler still runs count too; a re-registration (same peer + token) takes no new slot.
    let reserved = false;
    if (req.observe === 0 && !this.relations.has(rk)) {
      if (this.relations.size + this.registering >= this.core.params.maxObservations) {
        delete req.observe;
        this.warnOnce('observe', { max: this.core.params.maxObservations }, 'observation limit reached: answering without Observe');
      } else {
        reserved = true;
        this.registering++;
      }
    }
    let relation: Relation | undefined;
    const ctx = {
      acceptObserve: (): Relation => {
        if (relation === undefined) {
          relation = new Relation(randomUUID(), new Uint8Array(p.token), from, resKey, this.relationHost, Math.floor(Math.random() * 0x10000));
        }
        return relation;
      },
    };

    if (con) {
      sepTimer = this.core.timers.setTimeout(() => {
        if (answered || this.core.isClosed()) return;
        // The handler is slow (another worker, a modem): acknowledge now and answer separately.
        separate = true;
        const ack = emptyMessage('ack', p.messageId);
        seen.reply = ack;
        this.core.sendRaw(ack, from);
      }, this.core.params.separateResponseAfterMs);
    }

    let res: CoapResponse;
    try {
      if (this.handler === undefined) throw new CodedError('COAP_NO_HANDLER', 'no request handler installed');
      res = await this.handler(req, ctx);
    } catch (err) {
      this.core.log.warn({ err: (err as Error).message, path: req.path.join('/') }, 'request handler failed');
      res = { code: '5.00' };
    } finally {
      if (reserved) this.registering--;
    }
    const rel: Relation | undefined = relation;
    if (this.core.isClosed()) {
      rel?.cancelledBy('deregister'); // accepted while the endpoint closed: the handler's listeners clean up
      return;
    }
    if (rel !== undefined) {
      if (req.observe === 0 && res.code.startsWith('2.') && rel.active) {
        const old = this.relations.get(rk);
        if (old !== undefined && old !== rel) old.cancelledBy('replaced');
        this.relations.set(rk, rel);
        extra.push({ name: 'Observe', value: uintBuf(rel.currentSeq()) });
      } else {
        rel.cancelledBy('deregister');
      }
    }
    this.replyBlock(reply, res, Buffer.from(res.payload ?? new Uint8Array(0)), b2 ?? undefined, extra, resKey);
  }

  /** Answers with the whole body, or with one Block2 slice of it (caching the body for the next blocks). */
  private replyBlock(
    reply: (res: CoapResponse, extra?: Option[]) => void, res: CoapResponse, body: Buffer, want: Block | undefined, extra: Option[], cacheKey?: string,
  ): void {
    const size = Math.min(want?.size ?? this.core.blockSize, this.core.blockSize);
    if (want === undefined && body.length <= size) return reply(res, extra);
    const num = want?.num ?? 0;
    const slice = sliceBlock(body, num, size);
    if (slice === undefined) return reply({ code: '4.02', payload: Buffer.from('block out of range') });
    if (cacheKey !== undefined && body.length > size) this.block2.put(cacheKey, { res: { ...res, payload: undefined }, body });
    const opts: Option[] = [...extra, { name: 'Block2', value: encodeBlock(slice.block) }];
    if (num === 0) opts.push({ name: 'Size2', value: uintBuf(body.length) });
    reply({ ...res, payload: slice.payload }, opts);
  }

  private sendNotification(rel: Relation, res: CoapResponse, seq: number | undefined, confirmable: boolean): Promise<void> {
    if (this.core.isClosed()) return Promise.reject(new CodedError('SOCKET_CLOSED', 'endpoint closed'));
    const body = Buffer.from(res.payload ?? new Uint8Array(0));
    const opts: Option[] = responseOptions(res);
    if (seq !== undefined) opts.push({ name: 'Observe', value: uintBuf(seq) });
    let payload: Buffer = body;
    if (body.length > this.core.blockSize) {
      // Large notification: block 0 only; the client GETs the rest with Block2 (RFC 7959 §2.6).
      this.block2.put(rel.resourceKey, { res: { ...res, payload: undefined }, body });
      const s = sliceBlock(body, 0, this.core.blockSize);
      if (s !== undefined) {
        payload = s.payload;
        opts.push({ name: 'Block2', value: encodeBlock(s.block) }, { name: 'Size2', value: uintBuf(body.length) });
      }
    }
    const mid = this.core.nextMid();
    const buf = build({ code: res.code, token: Buffer.from(rel.token), messageId: mid, confirmable, options: opts, payload });
    if (!confirmable) {
      this.nonNotifications.set(`${peerKey(rel.peer)}#${mid}`, rel);
      this.core.sendRaw(buf, rel.peer);
      return Promise.resolve();
    }
    // RFC 7641 §4.5.2: a newer CON notification replaces one still in flight (no queue towards a dead peer).
    const prev = this.inflight.get(rel);
    if (prev !== undefined) {
      this.core.rt.cancel(rel.peer, prev.mid);
      prev.resolve();
    }
    return new Promise((resolve, reject) => {
      this.inflight.set(rel, { mid, resolve });
      this.core.rt.send(buf, mid, rel.peer, (o) => {
        if (this.inflight.get(rel)?.mid === mid) this.inflight.delete(rel);
        if (o.kind === 'ack') return resolve();
        if (o.kind === 'rst') {
          rel.cancelledBy('reset');
          return reject(new CodedError('COAP_RESET', 'notification reset by peer'));
        }
        if (o.kind === 'timeout') {
          rel.cancelledBy('timeout');
          return reject(new CodedError('COAP_TIMEOUT', 'notification not acknowledged'));
        }
        reject(new CodedError('NETWORK_ERROR', (o.error as Error)?.message ?? String(o.error)));
      });
    });
  }
}

function relKey(peer: PeerAddress, token: Uint8Array): string {
  return `${peerKey(peer)}#${hex(token)}`;
}
