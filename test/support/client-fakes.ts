// client-fakes.ts: fake peers of the client actor (socket + LwM2M server, modem, objects 0/1/3, store) on a
// SimulatedClock (not to be confused with fake-lwm2m-client.ts, a fake device for the dev server).
import { SimulatedClock } from 'xstate';
import { pino } from 'pino';
import type { ActorContext, ActorMessage } from '../../src/runtime/actor-api.js';
import type { CoapIncomingResponse, CoapOutgoingRequest } from '../../src/coap/api.js';
import type { ServerTarget } from '../../src/messages/index.js';
import { CodedError } from '../../src/errors.js';
import { log } from '../../src/runtime/log.js';
import type { LwRecord } from '../../src/lwm2m/types.js';
import { createClientActor, type ClientActorInstance } from '../../src/actors/client.actor.js';
import type { ClientLifecycleConfig } from '../../src/client/config-schema.js';
import type { PersistedRegistration } from '../../src/client/persisted.js';
import { fakeMessaging } from './fake-messaging.js';
import { dispatch } from '../../src/runtime/dispatch.js';
import { CLIENT_ACCEPTS } from '../../src/actors/client.actor.js';
import { waitFor } from './poll.js';
import { flush as flushTurns } from './sim-timers.js';

const CLIENT_ACCEPTED = new Set<string>(CLIENT_ACCEPTS);

export const EPOCH = Date.UTC(2026, 0, 1);

/** Records of a NoSec LwM2M server account (Security /0/iid + Server /1/iid). */
export function nosecAccount(
  iid: number,
  uri: string,
  ssid: number,
  extra: { lifetime?: number; binding?: string } = {},
): LwRecord[] {
  const r: LwRecord[] = [
    { path: [0, iid, 0], value: uri },
    { path: [0, iid, 1], value: false },
    { path: [0, iid, 2], value: 3 },
    { path: [0, iid, 10], value: ssid },
    { path: [1, iid, 0], value: ssid },
    { path: [1, iid, 1], value: extra.lifetime ?? 300 },
    { path: [1, iid, 7], value: extra.binding ?? 'U' },
  ];
  return r;
}

export function pskAccount(
  iid: number,
  uri: string,
  ssid: number,
  identity: string,
  key: Uint8Array,
  extra: { lifetime?: number } = {},
): LwRecord[] {
  return [
    { path: [0, iid, 0], value: uri },
    { path: [0, iid, 1], value: false },
    { path: [0, iid, 2], value: 0 },
    { path: [0, iid, 3], value: new Uint8Array(Buffer.from(identity)) },
    { path: [0, iid, 5], value: key },
    { path: [0, iid, 10], value: ssid },
    { path: [1, iid, 0], value: ssid },
    { path: [1, iid, 1], value: extra.lifetime ?? 300 },
    { path: [1, iid, 7], value: 'U' },
  ];
}

export function bootstrapAccount(iid: number, uri: string): LwRecord[] {
  return [
    { path: [0, iid, 0], value: uri },
    { path: [0, iid, 1], value: true },
    { path: [0, iid, 2], value: 3 },
  ];
}

export interface SentRequest {
  at: number;
  server: ServerTarget | undefined;
  req: CoapOutgoingRequest;
}

/** What a fake server answers: a response, or throw a CodedError (NETWORK_ERROR, COAP_TIMEOUT …). */
export type ServerBehaviour = (
  req: CoapOutgoingRequest,
  server: ServerTarget | undefined,
) => Partial<CoapIncomingResponse> & { code: string };

/**
 * A plain LwM2M server + bootstrap server: Register 2.01 with /rd/<n>, Update 2.04, De-register 2.02, /bs 2.04, /dp
 * 2.04.
 */
export function lwm2mServer(): ServerBehaviour & { registrations: number } {
  const state = { registrations: 0 };
  const f = ((req: CoapOutgoingRequest) => {
    const p = req.path.join('/');
    if (req.method === 'POST' && p === 'rd') return { code: '2.01', locationPath: ['rd', `r${++state.registrations}`] };
    if (req.method === 'POST' && p.startsWith('rd/')) return { code: '2.04' };
    if (req.method === 'DELETE' && p.startsWith('rd/')) return { code: '2.02' };
    if (req.method === 'POST' && p === 'bs') return { code: '2.04' };
    if (req.method === 'POST' && p === 'dp') return { code: '2.04' };
    return { code: '4.04' };
  }) as unknown as ServerBehaviour & { registrations: number };
  Object.defineProperty(f, 'registrations', { get: () => state.registrations });
  return f;
}

export interface HarnessOptions {
  records: LwRecord[];
  stored?: PersistedRegistration;
  config?: Partial<ClientLifecycleConfig>;
  server?: ServerBehaviour;
  /** Sends coap.send over a real stack instead of `server` (interop tests). */
  wire?: (req: CoapOutgoingRequest, server: ServerTarget) => Promise<CoapIncomingResponse>;
  /** Collects every log line (level trace) instead of the silent test logger. */
  logLines?: string[];
}

/** Fake peers and the client actor under test. */
export class ClientHarness {
  readonly clock = new SimulatedClock();
  readonly requests: SentRequest[] = [];
  /** Every message the client sent or requested, in order (to, type). */
  readonly messages: { at: number; to: string; msg: ActorMessage }[] = [];
  readonly opened: ServerTarget[] = [];
  readonly store = new Map<string, unknown>();
  records: LwRecord[];
  server: ServerBehaviour;
  /** Failures the next coap.send calls throw (consumed in order). */
  readonly failNext: string[] = [];
  /** Failure socket.open throws while set (e.g. 'DTLS_HANDSHAKE_FAILED'). */
  openFailure: ((t: ServerTarget) => string | undefined) | undefined;
  paused = false;
  current: ServerTarget | undefined;
  sentWhilePaused = 0;
  modemReconnects = 0;
  /** While false, modem.reconnect waits until setNetwork(true). */
  networkUp = true;
  private waitingModem: (() => void)[] = [];
  client!: ClientActorInstance;

  constructor(private readonly opts: HarnessOptions) {
    this.records = opts.records;
    this.server = opts.server ?? lwm2mServer();
    if (opts.stored) this.store.set('registration', opts.stored);
  }

  now = (): number => EPOCH + this.clock.now();

  start(): ClientActorInstance {
    this.client = createClientActor(this.context(), {
      clock: this.clock,
      now: this.now,
      config: { networkAtBoot: 'wait', ...(this.opts.config ?? {}) },
    });
    return this.client;
  }

  /** Lets promise chains (fake replies) run. */
  flush(rounds = 8): Promise<void> {
    return flushTurns(rounds);
  }

  /** Advances simulated time in steps, letting replies run between steps. */
  async advance(ms: number, step = 1000): Promise<void> {
    await this.flush();
    let left = ms;
    while (left > 0) {
      const d = Math.min(step, left);
      this.clock.increment(d);
      left -= d;
      await this.flush();
    }
  }

  /** Delivers a message as the runtime would (publish or send). */
  async deliver(msg: ActorMessage): Promise<unknown> {
    // through the boundary, as the runtime delivers it
    const r = dispatch({ name: 'client', instance: this.client, accepts: CLIENT_ACCEPTED }, msg);
    await this.flush();
    return r;
  }

  /** Polls (real time) until `cond` holds; for tests over real sockets. */
  until(cond: () => boolean, timeoutMs = 5000): Promise<void> {
    return waitFor(cond, { timeoutMs, what: () => `the condition, in state ${this.state()}` });
  }

  setNetwork(up: boolean): void {
    this.networkUp = up;
    if (up) for (const w of this.waitingModem.splice(0)) w();
  }

  state(): string {
    return JSON.stringify(this.client.actor.getSnapshot().value);
  }

  isRegistered(): boolean {
    return this.client.actor.getSnapshot().matches({ connected: 'registered' });
  }

  /** Requests to the LwM2M server by kind. */
  count(kind: 'register' | 'update' | 'deregister' | 'bootstrap' | 'send'): number {
    return this.requests.filter((r) => kindOf(r.req) === kind).length;
  }

  kinds(): string[] {
    return this.requests.map((r) => kindOf(r.req));
  }

  private handleSocket(msg: ActorMessage): unknown {
    switch (msg.type) {
      case 'socket.open': {
        const t = msg.server as ServerTarget;
        this.opened.push(t);
        const fail = this.openFailure?.(t);
        if (fail) throw new CodedError(fail, `socket.open failed: ${fail}`);
        this.current = t;
        this.paused = false;
        return { ok: true };
      }
      case 'socket.close':
        this.current = undefined;
        return { ok: true };
      case 'socket.pause':
        this.paused = true;
        return { ok: true };
      case 'socket.resume':
        this.paused = false;
        return { ok: true };
      case 'coap.send': {
        const req = msg.req as CoapOutgoingRequest;
        this.requests.push({ at: this.clock.now(), server: this.current, req });
        if (this.paused) {
          this.sentWhilePaused++;
          throw new CodedError('NETWORK_ERROR', 'socket is paused');
        }
        if (!this.current) throw new CodedError('SOCKET_CLOSED', 'no transport open');
        const f = this.failNext.shift();
        if (f) throw new CodedError(f, `fake ${f}`);
        if (this.opts.wire) return this.opts.wire(req, this.current);
        const res = this.server(req, this.current);
        return { payload: new Uint8Array(), token: new Uint8Array([1]), ...res } satisfies CoapIncomingResponse;
      }
      default:
        throw new CodedError('UNKNOWN', `socket: ${msg.type}`);
    }
  }

  private handleObject(oid: number, msg: ActorMessage): unknown {
    const op = msg.op as string;
    if (op === 'read-records') {
      const paths = (msg.paths as number[][] | undefined) ?? [[oid]];
      const recs = this.records.filter((r) => paths.some((p) => p.every((x, i) => r.path[i] === x)));
      return { code: '2.05', records: recs };
    }
    if (op === 'discover' && oid === 3)
      return { code: '2.05', contentFormat: 40, payload: new Uint8Array(Buffer.from('</3>,</3/0>,</3/0/0>')) };
    if (op === 'discover' && oid === 1) {
      const iids = [...new Set(this.records.filter((r) => r.path[0] === 1).map((r) => r.path[1]))];
      return {
        code: '2.05',
        payload: new Uint8Array(Buffer.from(['</1>;ver=1.1', ...iids.map((i) => `</1/${i}>`)].join(','))),
      };
    }
    return { code: '4.04' };
  }

  /** What modem.status answers at boot (default: down, so the client waits for network.up). */
  modemUpAtBoot = false;
  readonly published: ActorMessage[] = [];

  private async handleModem(msg: ActorMessage): Promise<unknown> {
    if (msg.type === 'modem.status') return { up: this.modemUpAtBoot };
    if (msg.type !== 'modem.reconnect') throw new CodedError('UNKNOWN', msg.type);
    this.modemReconnects++;
    if (!this.networkUp) await new Promise<void>((r) => this.waitingModem.push(r));
    return { ok: true };
  }

  private route(to: string, msg: ActorMessage): unknown {
    this.messages.push({ at: this.clock.now(), to, msg });
    if (to === 'socket') return this.handleSocket(msg);
    if (to === 'modem') return this.handleModem(msg);
    const m = /^object:(\d+)$/.exec(to);
    if (m) return this.handleObject(Number(m[1]), msg);
    throw new CodedError('ACTOR_UNAVAILABLE', `no actor ${to}`);
  }

  private context(): ActorContext {
    return {
      name: 'client',
      config: {},
      fullConfig: {},
      log: this.opts.logLines
        ? pino(
            { level: 'trace' },
            {
              write: (l: string) => {
                this.opts.logLines!.push(l);
              },
            },
          )
        : log.child({ actor: 'client' }),
      store: {
        read: <T>(k: string) => Promise.resolve(structuredClone(this.store.get(k)) as T | undefined),
        write: (k, v) => {
          this.store.set(k, structuredClone(v));
          return Promise.resolve();
        },
        remove: (k) => {
          this.store.delete(k);
          return Promise.resolve();
        },
      },
      ...fakeMessaging({
        send: (to, msg) => {
          try {
            void Promise.resolve(this.route(to, msg)).catch(() => undefined);
          } catch {
            /* fire and forget */
          }
        },
        request: (to, msg) => this.route(to, msg),
        publish: (msg) => {
          this.published.push(msg);
        },
      }),
    };
  }
}

export function kindOf(req: CoapOutgoingRequest): string {
  const p = req.path.join('/');
  if (req.method === 'POST' && p === 'rd') return 'register';
  if (req.method === 'POST' && p.startsWith('rd/')) return 'update';
  if (req.method === 'DELETE') return 'deregister';
  if (p === 'bs') return 'bootstrap';
  if (p === 'dp') return 'send';
  return `${req.method} ${p}`;
}

/** Starts a harness, brings the network up and waits until registered (throws if it does not get there). */
export async function registeredHarness(opts: HarnessOptions): Promise<ClientHarness> {
  const h = new ClientHarness(opts);
  h.start();
  await h.flush();
  await h.deliver({ type: 'network.up', bearer: 'lte-m' });
  await h.advance(2000);
  if (!h.isRegistered()) throw new Error(`not registered: ${h.state()}`);
  return h;
}
