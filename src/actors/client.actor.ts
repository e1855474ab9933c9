// client.actor.ts: the LwM2M client actor: runs the lifecycle statechart, turns its services and side effects into
// messages.
import { fromPromise, waitFor, type Actor, type ActorOptions } from 'xstate';
import { CodedError, toWireError } from '../errors.js';
import {
  defineActor,
  RUNTIME_ADDRESS,
  type ActorContext,
  type ActorInstance,
  type ActorModule,
} from '../runtime/actor-api.js';
import { unhandled } from '../runtime/dispatch.js';
import { startMachine } from '../runtime/inspect.js';
import { bootstrapConsistency, describeAccount, serverSsids } from '../client/accounts.js';
import type {
  Accepted,
  ClientStateReply,
  NetworkError,
  SendRequest,
  ServerAccountsReport,
  ServerTrigger,
} from '../messages/index.js';
import { resolveClientConfig, type ClientLifecycleConfig } from '../client/config-schema.js';
import { classifyFailure } from '../client/failure.js';
import { isResumable } from '../client/persisted.js';
import { makeClientServices, type ClientIo, type SendItem } from '../client/services.js';
import type { Queued } from '../client/queue-buffer.js';
import { clientMachine, type ClientMachine, type LoadedState, type SendOutcome } from '../client/machine.js';

export { clientMachine } from '../client/machine.js';

export interface ClientActorOptions {
  /** XState clock for the machine's delays (tests: SimulatedClock). */
  clock?: ActorOptions<ClientMachine>['clock'];
  /** Wall clock in epoch ms for registration time stamps (default Date.now). */
  now?: () => number;
  /** Replaces the config the runtime gives (tests). */
  config?: Partial<ClientLifecycleConfig>;
}

/** The messages the client actor takes (the host refuses others before `receive`). */
export const CLIENT_ACCEPTS = [
  'lwm2m.send',
  'lwm2m.bootstrap-finish',
  'client.state',
  'network.error',
  'lwm2m.trigger',
  'network.up',
  'network.down',
  'lwm2m.server-activity',
  'lwm2m.objects-changed',
  'firmware.updating',
  'firmware.done',
  'client.rf-hold',
  'client.rf-release',
] as const;
export type ClientInbound = Accepted<typeof CLIENT_ACCEPTS>;

export interface ClientActorInstance extends ActorInstance<ClientInbound> {
  /** The running statechart (tests and the inspector look at it). */
  readonly actor: Actor<ClientMachine>;
}

interface Pending {
  resolve(v: { code: string }): void;
  reject(e: CodedError): void;
}

/**
 * Message types the client takes from publish; lwm2m.trigger (Update / Disable, from object 1) and
 * lwm2m.objects-changed (from any object) are published so every server's client hears them.
 */
export const CLIENT_SUBSCRIBES = [
  'network.*',
  'firmware.updating',
  'firmware.done',
  'lwm2m.trigger',
  'lwm2m.objects-changed',
] as const;

export function createClientActor(ctx: ActorContext, opts: ClientActorOptions = {}): ClientActorInstance {
  const cfg = resolveClientConfig({ ...ctx.config, ...(opts.config ?? {}) }, ctx.fullConfig.endpoint);
  const now = opts.now ?? ((): number => Date.now());
  // Several LwM2M servers: a further server's client is pinned to its ssid (option `account`) and has its own socket
  // (option `socket`).
  const socket = typeof ctx.config.socket === 'string' && ctx.config.socket !== '' ? ctx.config.socket : 'socket';
  const pinned = typeof ctx.config.account === 'number' ? ctx.config.account : undefined;
  const log =
    pinned === undefined ? ctx.log.child({ mod: 'client' }) : ctx.log.child({ mod: 'client', account: pinned });
  const io: ClientIo = {
    request: (to, msg, o) => ctx.request(to, msg, o),
    send: (to, msg) => ctx.send(to, msg),
    store: ctx.store,
    now,
  };
  const svc = makeClientServices(io, cfg, socket);
  const pending = new Map<number, Pending>();
  let nextId = 1;
  /** The modem's RF hold being asked for (answered when the machine grants or refuses it). */
  let rfWaiter: { resolve(v: { ok: true }): void; reject(e: CodedError): void } | undefined;
  const settleRf = (f: (w: NonNullable<typeof rfWaiter>) => void): void => {
    const w = rfWaiter;
    rfWaiter = undefined;
    if (w) f(w);
  };

  const settle = (id: number, f: (p: Pending) => void): void => {
    const p = pending.get(id);
    if (p) {
      pending.delete(id);
      f(p);
    }
  };

  const sendItems = async (items: readonly Queued<SendItem>[]): Promise<SendOutcome> => {
    const sent: number[] = [];
    for (const { id, item } of items) {
      let code: string;
      try {
        code = await svc.sendOne(item);
      } catch (err) {
        if (classifyFailure(err) === 'network') {
          // keep this one and the rest buffered: they go out after the recovery
          throw new CodedError(toWireError(err).code, (err as Error).message, { sent });
        }
        sent.push(id);
        settle(id, (p) => p.reject(err instanceof CodedError ? err : new CodedError('SEND_FAILED', String(err))));
        continue;
      }
      sent.push(id);
      settle(id, (p) => p.resolve({ code }));
    }
    return { sent };
  };

  const machine = clientMachine.provide({
    actors: {
      loadState: fromPromise<LoadedState, void>(async () => {
        const accounts = await svc.loadAccounts();
        const stored = await svc.loadRegistration();
        const registration =
          stored && isResumable(stored, { ssid: stored.ssid, uri: stored.serverUri }, now(), 0) ? stored : undefined;
        const networkUp = (await svc.networkStatus()) === true;
        log.info(
          { accounts: accounts.map(describeAccount), resumable: registration !== undefined, networkUp },
          'client state loaded',
        );
        return registration ? { accounts, registration, networkUp } : { accounts, networkUp };
      }),
      openSocket: fromPromise(async ({ input }) => {
        log.info({ server: describeAccount(input.account) }, 'opening transport');
        await svc.openSocket(input.account);
      }),
      register: fromPromise(({ input }) => svc.register(input.account, input.version)),
      update: fromPromise(({ input }) => svc.update(input.registration, input.withLinks)),
      deregister: fromPromise(async ({ input }) => {
        if (input.registration) await svc.deregister(input.registration);
      }),
      bootstrapRequest: fromPromise(() => svc.bootstrapRequest()),
      reconnectModem: fromPromise(async () => {
        try {
          await svc.reconnectModem();
        } catch (err) {
          // no modem actor: the host's own network, nothing to cycle
          if (err instanceof CodedError && err.code === 'ACTOR_UNAVAILABLE') return;
          throw err;
        }
      }),
      sendItems: fromPromise(({ input }) => sendItems(input.items)),
    },
  });

  const actor = startMachine(ctx, machine, {
    input: pinned === undefined ? { cfg } : { cfg, account: pinned },
    ...(opts.clock ? { clock: opts.clock } : {}),
  });

  actor.on('*', (ev) => {
    switch (ev.type) {
      case 'socket.pause':
        ctx.send(socket, { type: 'socket.pause', reason: ev.reason });
        break;
      case 'socket.resume':
        ctx.send(socket, { type: 'socket.resume' });
        break;
      case 'socket.close':
        ctx.send(socket, { type: 'socket.close' });
        break;
      case 'client.persist':
        svc
          .saveRegistration(ev.registration)
          .catch((err: unknown) => log.warn({ err: toWireError(err) }, 'registration not persisted'));
        break;
      case 'client.registered':
        ctx.publish({ type: 'lwm2m.registered', ssid: ev.ssid, location: ev.location });
        break;
      case 'client.rf-granted':
        log.debug({}, 'RF held for the modem (GNSS)');
        settleRf((w) => w.resolve({ ok: true }));
        break;
      case 'client.rf-refused':
        settleRf((w) => w.reject(new CodedError('GNSS_RF_REFUSED', ev.message)));
        break;
      case 'client.send-dropped':
        for (const id of ev.ids)
          settle(id, (p) => p.reject(new CodedError(ev.code, 'send buffer full: oldest item dropped')));
        break;
    }
  });

  let lastState = '';
  let lastAccounts = '';
  let seenAccounts: unknown;
  let seenAccount: unknown;
  actor.subscribe((snap) => {
    const s = JSON.stringify(snap.value);
    if (s !== lastState) {
      lastState = s;
      log.info(
        { state: snap.value, networkFailures: snap.context.networkFailures, lastError: snap.context.lastError },
        'client state',
      );
    }
    // The primary tells the main thread which LwM2M servers it has accounts for: it starts a client/socket pair for
    // each further one (servers a bootstrap server added; see cli/server-pairs.ts).
    const primary = snap.context.account?.ssid;
    // (only when the machine assigned new accounts or a new server: not on every event)
    const changed = snap.context.accounts !== seenAccounts || snap.context.account !== seenAccount;
    seenAccounts = snap.context.accounts;
    seenAccount = snap.context.account;
    if (changed && pinned === undefined && primary !== undefined) {
      const report: ServerAccountsReport = {
        type: 'lwm2m.server-accounts',
        primary,
        ssids: serverSsids(snap.context.accounts),
      };
      const key = JSON.stringify(report);
      if (key !== lastAccounts) {
        lastAccounts = key;
        ctx.send(RUNTIME_ADDRESS, report);
      }
    }
  });

  /**
   * Mute Send (/1/x/23) of the server in use, read live from object 1 (a server may write it at any time); no answer →
   * not muted.
   */
  const sendMuted = async (ssid: number | undefined): Promise<boolean> => {
    if (ssid === undefined) return false;
    try {
      const r = await ctx.request('object:1', { type: 'server.settings' }, { timeoutMs: 2000 });
      return r.servers.find((x) => x.ssid === ssid)?.muteSend === true;
    } catch {
      return false;
    }
  };

  const onLwm2mSend = async (msg: SendRequest): Promise<{ code: string }> => {
    const before = actor.getSnapshot();
    if (!before.context.sessionActive || before.status !== 'active')
      throw new CodedError('NOT_REGISTERED', 'the client is not registered');
    // Muted: refused, so the caller keeps its data (the meter's queue is on disk) until the server unmutes.
    if (await sendMuted(before.context.account?.ssid))
      throw new CodedError('SEND_MUTED', `Send is muted by server ${before.context.account?.ssid} (/1/x/23)`);
    const snap = actor.getSnapshot();
    if (!snap.context.sessionActive || snap.status !== 'active')
      throw new CodedError('NOT_REGISTERED', 'the client is not registered');
    const id = nextId++;
    const p = new Promise<{ code: string }>((resolve, reject) => pending.set(id, { resolve, reject }));
    actor.send({
      type: 'lwm2m.send',
      id,
      ...(Array.isArray(msg.records) ? { records: msg.records } : {}),
      ...(Array.isArray(msg.paths) ? { paths: msg.paths } : {}),
    });
    return await p;
  };

  /** Bootstrap-Finish: objects 0/1 must hold a usable server account (else 4.06 and the bootstrap goes on). */
  const onLwm2mBootstrapFinish = async (): Promise<{ code: string; message?: string }> => {
    const accounts = await svc.loadAccounts();
    const problems = bootstrapConsistency(accounts);
    if (problems.length > 0) {
      log.warn({ problems }, 'Bootstrap-Finish: configuration inconsistent');
      return { code: '4.06', message: problems.join('; ') };
    }
    actor.send({ type: 'client.bootstrap-done', accounts });
    return { code: '2.04' };
  };

  const onClientState = (): ClientStateReply => {
    const snap = actor.getSnapshot();
    return {
      state: snap.value,
      registered: snap.matches({ connected: 'registered' }),
      networkFailures: snap.context.networkFailures,
      lastError: snap.context.lastError ?? null,
    };
  };

  const onNetworkError = (msg: NetworkError): { ok: true; ignored?: true } => {
    // another server's socket failing is that server's client's business (modem errors carry no socket: everyone's)
    if (typeof msg.socket === 'string' && msg.socket !== socket) return { ok: true, ignored: true };
    actor.send(msg);
    return { ok: true };
  };

  const onLwm2mTrigger = (msg: ServerTrigger): { ok: true; ignored?: true } => {
    // Bootstrap is the primary client's job, whichever server asks; Update / Disable of another server's /1
    // instance are that server's client's business.
    if (msg.trigger === 'bootstrap' && pinned !== undefined) return { ok: true, ignored: true };
    const own = pinned ?? actor.getSnapshot().context.account?.ssid;
    if (msg.trigger !== 'bootstrap' && own !== undefined && typeof msg.ssid === 'number' && msg.ssid !== own)
      return { ok: true, ignored: true };
    actor.send(msg);
    return { ok: true };
  };

  return {
    actor,
    receive(msg: ClientInbound): unknown {
      switch (msg.type) {
        case 'lwm2m.send': {
          const p = onLwm2mSend(msg);
          p.catch(() => undefined); // a plain send (no reply wanted) must not leave an unhandled rejection
          return p;
        }
        case 'lwm2m.bootstrap-finish':
          return onLwm2mBootstrapFinish();
        case 'client.state':
          return onClientState();
        case 'network.error':
          return onNetworkError(msg);
        case 'lwm2m.trigger':
          return onLwm2mTrigger(msg);
        case 'network.up':
        case 'network.down':
        case 'lwm2m.server-activity':
        case 'lwm2m.objects-changed':
        case 'firmware.updating':
        case 'firmware.done':
          actor.send(msg);
          return { ok: true };
        case 'client.rf-hold':
          if (rfWaiter) throw new CodedError('GNSS_RF_REFUSED', 'an RF hold is already being asked for');
          return new Promise((resolve, reject) => {
            rfWaiter = { resolve, reject };
            actor.send({ type: 'client.rf-hold', maxMs: msg.maxMs, at: now() });
          });
        case 'client.rf-release':
          actor.send(msg);
          settleRf((w) => w.reject(new CodedError('GNSS_RF_REFUSED', 'released before it was granted')));
          return { ok: true };
        default:
          return unhandled('client', msg);
      }
    },
    async stop(): Promise<void> {
      if (actor.getSnapshot().status === 'active') {
        actor.send({ type: 'client.shutdown' });
        try {
          await waitFor(actor, (s) => s.status === 'done', { timeout: cfg.deregisterTimeoutMs });
        } catch {
          log.warn('De-register did not finish in time');
        }
      }
      settleRf((w) => w.reject(new CodedError('GNSS_RF_REFUSED', 'the client stopped')));
      for (const id of [...pending.keys()])
        settle(id, (p) => p.reject(new CodedError('CLIENT_STOPPED', 'the client stopped before sending')));
      actor.stop();
    },
  };
}

/** The module for the runtime (and tests that inject a clock). */
export function clientActorModule(opts: ClientActorOptions = {}): ActorModule {
  return defineActor({
    machine: clientMachine,
    subscribes: CLIENT_SUBSCRIBES,
    accepts: CLIENT_ACCEPTS,
    create: (ctx) => createClientActor(ctx, opts),
  });
}

export default clientActorModule();
