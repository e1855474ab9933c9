// server.ts: the endpoint's server side: duplicate detection, piggybacked/separate responses, 4.02/4.05, Block1/Block2,
// Observe registration.
import { randomUUID } from 'node:crypto';
import type { Logger } from '../runtime/log.js';
import { CodedError } from '../errors.js';
import type { CoapRequestHandler, CoapResponse, RestoredObserve } from './api.js';
import { Block1Assembler, Block2Cache, sliceBlock } from './block-server.js';
import { ExpiringMap } from './expiring-map.js';
import { build, codeMethod, emptyMessage, hex, MsgType, peerKey, type ParsedPacket } from './message.js';
import { Relation, type RelationHost } from './observe.js';
import {
  badCriticalOption,
  decodeBlock,
  dropBadElectiveOptions,
  encodeBlock,
  invalidOptions,
  readUint,
  reservedBlockSize,
  uintBuf,
  type Block,
  type Option,
} from './options.js';
import { incomingOptions, resourceKeyOf, responseOptions, toIncomingRequest } from './packets.js';
import type { CoapParams } from './params.js';
import type { Retransmitter } from './reliability.js';
import type { Clock } from '../clock.js';
import type { PeerAddress } from './transport.js';

/** What the server side needs from the endpoint core. */
export interface ServerCore {
  readonly params: CoapParams;
  readonly timers: Clock;
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
interface Seen {
  reply?: Buffer;
}

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
  /**
   * Requests being answered: the handler runs, or the response is on its way (a separate CON response until its ACK or
   * give-up).
   */
  private readonly answering = new Set<Answering>();
  /** Observe registrations whose handler still runs (they count against maxObservations). */
  private registering = 0;
  /** Limits reached and logged (one warning each until the count fell to half). */
  private readonly warned = new Set<string>();
  /** CON requests still unanswered: those past separateResponseAfterMs get an empty ACK (one timer for all). */
  private readonly slow: SlowRequests;

  constructor(private readonly core: ServerCore) {
    const { params, timers } = core;
    this.seen = new ExpiringMap(timers, params.exchangeLifetimeMs, 1000);
    this.block1 = new Block1Assembler(timers, params.exchangeLifetimeMs, params.maxBodyBytes, core.blockSize);
    this.block2 = new Block2Cache(timers, params.exchangeLifetimeMs);
    this.nonNotifications = new ExpiringMap(timers, params.exchangeLifetimeMs, 256);
    this.slow = new SlowRequests(timers, params.separateResponseAfterMs);
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
    const rel = new Relation(
      randomUUID(),
      new Uint8Array(o.token),
      { ...o.peer },
      resKey,
      this.relationHost,
      o.lastSeq,
    );
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
    const pending = [...this.answering].map((a) => a.done());
    if (pending.length === 0) return;
    let timer: unknown;
    await Promise.race([
      Promise.all(pending),
      new Promise<void>((resolve) => {
        timer = this.core.timers.setTimeout(resolve, maxMs);
      }),
    ]);
    this.core.timers.clearTimeout(timer);
  }

  /** A request message (CON or NON). Never rejects: a failure is logged. */
  request(p: ParsedPacket, type: MsgType, from: PeerAddress): void {
    // maxPendingRequests: requests being answered (handler running, or a separate CON answer awaiting its ACK).
    const overloaded = this.answering.size >= this.core.params.maxPendingRequests;
    const a = new Answering(() => {
      this.answering.delete(a);
      this.rearm('pending', this.answering.size, this.core.params.maxPendingRequests);
    });
    this.answering.add(a);
    this.answer(p, type, from, a, overloaded).then(
      () => a.handled(),
      (err: unknown) => {
        this.core.log.warn({ err: (err as Error).message }, 'request failed');
        a.handled();
      },
    );
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

  /** Handles one request; every response datagram it sends is tracked by `flights` (settled once it has left). */
  private async answer(
    p: ParsedPacket,
    type: MsgType,
    from: PeerAddress,
    flights: Answering,
    overloaded: boolean,
  ): Promise<void> {
    const peer = peerKey(from);
    const seenKey = peer + '#' + p.messageId;
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
    let slow: SlowEntry | undefined;
    const reply = (res: CoapResponse, extra?: Option[]): void => {
      if (answered || this.core.isClosed()) return;
      answered = true;
      if (slow !== undefined) this.slow.remove(slow);
      const options = responseOptions(res);
      if (extra !== undefined) for (const o of extra) options.push(o);
      const payload = res.payload === undefined ? EMPTY : asBuffer(res.payload);
      if (con && !separate) {
        const buf = build({ code: res.code, token: p.token, options, payload, messageId: p.messageId, ack: true });
        seen.reply = buf;
        flights.track(this.core.sendTracked(buf, from));
        return;
      }
      const mid = this.core.nextMid();
      const buf = build({ code: res.code, token: p.token, options, payload, messageId: mid, confirmable: con });
      if (!con) {
        seen.reply = buf;
        flights.track(this.core.sendTracked(buf, from));
        return;
      }
      const left = flights.flight();
      this.core.rt.send(buf, mid, from, (o) => {
        if (o.kind !== 'ack') this.core.log.debug({ outcome: o.kind }, 'separate response not acknowledged');
        left();
      });
    };

    if (overloaded) {
      this.warnOnce(
        'pending',
        { max: this.core.params.maxPendingRequests },
        'too many requests in progress: answering 5.03',
      );
      return reply({ code: '5.03', maxAge: 1 });
    }
    const method = codeMethod(p.code);
    if (method === undefined) return reply({ code: '4.05' });
    const invalid = invalidOptions(p);
    const crit = badCriticalOption(p, invalid);
    if (crit !== undefined)
      return reply({ code: '4.02', payload: Buffer.from(`unsupported or invalid critical option ${crit}`) });
    dropBadElectiveOptions(p, invalid);
    const o = incomingOptions(p);
    // SZX 7 is reserved (RFC 7959 §2.2: 4.00 on reception in a request).
    if (reservedBlockSize(o.block1) || reservedBlockSize(o.block2))
      return reply({ code: '4.00', payload: Buffer.from('block size exponent 7 is reserved') });
    // The resource key (block-wise transfers, relations) is built only when one of them needs it.
    let resKeyMemo: string | undefined;
    const resKey = (): string => (resKeyMemo ??= resourceKeyOf(peer, p.code, o));

    // Block2 follow-up for a representation we still hold.
    const b2 = decodeBlock(o.block2);
    if (b2 !== undefined && b2.num > 0) {
      const rep = this.block2.get(resKey());
      if (rep !== undefined) return this.replyBlock(reply, rep.res, rep.body, b2, []);
    }

    const req = toIncomingRequest(p, method, from, con, o);
    const extra: Option[] = [];
    const b1 = decodeBlock(o.block1);
    if (b1 !== undefined) {
      const r = this.block1.offer(resKey(), b1, p.payload, o.size1 === undefined ? undefined : readUint(o.size1));
      if (r.kind === 'error')
        return reply({ code: r.code }, r.size1 !== undefined ? [{ name: 'Size1', value: uintBuf(r.size1) }] : []);
      if (r.kind === 'continue') return reply({ code: '2.31' }, [{ name: 'Block1', value: encodeBlock(r.block) }]);
      req.payload = new Uint8Array(r.body);
      extra.push({ name: 'Block1', value: encodeBlock(r.block) });
    }

    const rk = req.observe === undefined ? '' : relKey(from, p.token);
    if (req.observe === 1) this.relations.get(rk)?.cancelledBy('deregister');
    // Observe cap (RFC 7641 §4.1): beyond it the request is served as a plain one, answered without Observe.
    // Registrations whose handler still runs count too; a re-registration (same peer + token) takes no new slot.
    let reserved = false;
    if (req.observe === 0 && !this.relations.has(rk)) {
      if (this.relations.size + this.registering >= this.core.params.maxObservations) {
        delete req.observe;
        this.warnOnce(
          'observe',
          { max: this.core.params.maxObservations },
          'observation limit reached: answering without Observe',
        );
      } else {
        reserved = true;
        this.registering++;
      }
    }
    let relation: Relation | undefined;
    const ctx = {
      acceptObserve: (): Relation => {
        if (relation === undefined) {
          relation = new Relation(
            randomUUID(),
            new Uint8Array(p.token),
            from,
            resKey(),
            this.relationHost,
            Math.floor(Math.random() * 0x10000),
          );
        }
        return relation;
      },
    };

    if (con) {
      slow = this.slow.add(() => {
        if (answered || this.core.isClosed()) return;
        // The handler is slow (another worker, a modem): acknowledge now and answer separately.
        separate = true;
        const ack = emptyMessage('ack', p.messageId);
        seen.reply = ack;
        this.core.sendRaw(ack, from);
      });
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
    this.replyBlock(
      reply,
      res,
      res.payload === undefined ? EMPTY : asBuffer(res.payload),
      b2 ?? undefined,
      extra.length > 0 ? extra : undefined,
      resKey,
    );
  }

  /** Answers with the whole body, or with one Block2 slice of it (caching the body for the next blocks). */
  private replyBlock(
    reply: (res: CoapResponse, extra?: Option[]) => void,
    res: CoapResponse,
    body: Buffer,
    want: Block | undefined,
    extra: Option[] | undefined,
    cacheKey?: () => string,
  ): void {
    const size = Math.min(want?.size ?? this.core.blockSize, this.core.blockSize);
    if (want === undefined && body.length <= size) return reply(res, extra);
    const num = want?.num ?? 0;
    const slice = sliceBlock(body, num, size);
    if (slice === undefined) return reply({ code: '4.02', payload: Buffer.from('block out of range') });
    if (cacheKey !== undefined && body.length > size) this.block2.put(cacheKey(), { res: withoutPayload(res), body });
    const opts: Option[] = [...(extra ?? []), { name: 'Block2', value: encodeBlock(slice.block) }];
    if (num === 0) opts.push({ name: 'Size2', value: uintBuf(body.length) });
    reply({ ...res, payload: slice.payload }, opts);
  }

  private sendNotification(
    rel: Relation,
    res: CoapResponse,
    seq: number | undefined,
    confirmable: boolean,
  ): Promise<void> {
    if (this.core.isClosed()) return Promise.reject(new CodedError('SOCKET_CLOSED', 'endpoint closed'));
    const body = Buffer.from(res.payload ?? new Uint8Array(0));
    const opts: Option[] = responseOptions(res);
    if (seq !== undefined) opts.push({ name: 'Observe', value: uintBuf(seq) });
    let payload: Buffer = body;
    if (body.length > this.core.blockSize) {
      // Large notification: block 0 only; the client GETs the rest with Block2 (RFC 7959 §2.6).
      this.block2.put(rel.resourceKey, { res: withoutPayload(res), body });
      const s = sliceBlock(body, 0, this.core.blockSize);
      if (s !== undefined) {
        payload = s.payload;
        opts.push({ name: 'Block2', value: encodeBlock(s.block) }, { name: 'Size2', value: uintBuf(body.length) });
      }
    }
    const mid = this.core.nextMid();
    const buf = build({
      code: res.code,
      token: Buffer.from(rel.token),
      messageId: mid,
      confirmable,
      options: opts,
      payload,
    });
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

const EMPTY = Buffer.alloc(0);

/** A Buffer view of the bytes (no copy: the encoder copies them into the datagram). */
/** A response's head (code and options) without its body: what the Block2 cache keeps beside the whole body. */
function withoutPayload(res: CoapResponse): CoapResponse {
  const { payload: _payload, ...head } = res;
  return head;
}

function asBuffer(u: Uint8Array): Buffer {
  return Buffer.isBuffer(u) ? u : Buffer.from(u.buffer, u.byteOffset, u.byteLength);
}

interface SlowEntry {
  due: number;
  fire: () => void;
}

/**
 * Requests whose answer becomes separate if it is not ready by `afterMs`: one timer for all of them (armed for the
 * earliest), not a timer per request — the answer is almost always there first.
 */
class SlowRequests {
  private readonly waiting = new Set<SlowEntry>();
  private armed = false;

  constructor(
    private readonly timers: Clock,
    private readonly afterMs: number,
  ) {}

  add(fire: () => void): SlowEntry {
    const e = { due: this.timers.now() + this.afterMs, fire };
    this.waiting.add(e);
    if (!this.armed) this.arm(this.afterMs);
    return e;
  }

  remove(e: SlowEntry): void {
    this.waiting.delete(e);
  }

  private arm(ms: number): void {
    this.armed = true;
    this.timers.setTimeout(() => this.expire(), ms);
  }

  /** Entries are in the order they became due (one delay for all). */
  private expire(): void {
    this.armed = false;
    const now = this.timers.now();
    for (const e of this.waiting) {
      if (e.due > now) {
        this.arm(e.due - now);
        return;
      }
      this.waiting.delete(e);
      e.fire();
    }
  }
}

/**
 * One request being answered: done once its handler finished and every response datagram it sent has left. Plain
 * counters on the hot path; a promise only when `drain` asks for one.
 */
class Answering {
  private flights = 0;
  private handlerDone = false;
  private finished = false;
  private waiters: (() => void)[] | undefined;

  constructor(private readonly onFinish: () => void) {}

  /** A datagram on its way: the returned function marks it gone (call once). */
  flight(): () => void {
    this.flights++;
    let gone = false;
    return () => {
      if (gone) return;
      gone = true;
      this.flights--;
      this.check();
    };
  }

  /** A send that settles (never rejects) once the datagram has left. */
  track(sent: Promise<void>): void {
    const left = this.flight();
    void sent.then(left);
  }

  handled(): void {
    this.handlerDone = true;
    this.check();
  }

  done(): Promise<void> {
    if (this.finished) return Promise.resolve();
    return new Promise((resolve) => (this.waiters ??= []).push(resolve));
  }

  private check(): void {
    if (this.finished || !this.handlerDone || this.flights > 0) return;
    this.finished = true;
    this.onFinish();
    for (const w of this.waiters ?? []) w();
  }
}

function relKey(peer: PeerAddress, token: Uint8Array): string {
  return `${peerKey(peer)}#${hex(token)}`;
}
