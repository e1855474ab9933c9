// machine.ts: the LwM2M client lifecycle statechart (boot → LTE → bootstrap/register → registered → recovery), services
// provided by the adapter.
import { assign, emit, enqueueActions, fromPromise, setup, stateIn } from 'xstate';
import { CodedError } from '../errors.js';
import type { Lwm2mVersion } from '../lwm2m/registration.js';
import type { LwRecord, Path } from '../lwm2m/types.js';
import { accountProblem, selectBootstrapAccount, selectServerAccount, type ServerAccount } from './accounts.js';
import { backoffMs } from './backoff.js';
import type { ResolvedClientConfig } from './config-schema.js';
import { classifyFailure, describeFailure } from './failure.js';
import { updateDueMs, type PersistedRegistration } from './persisted.js';
import { enqueue, without, type Queued } from './queue-buffer.js';
import type { RegisterResult, SendItem, RegistrationRefresh } from './services.js';

export interface ClientContext {
  cfg: ResolvedClientConfig;
  /**
   * Pinned to this short server ID (a further LwM2M server's client: never bootstraps); undefined: the first usable
   * account.
   */
  pinned?: number;
  accounts: ServerAccount[];
  /** The LwM2M server in use (from objects 0/1). */
  account?: ServerAccount;
  registration?: PersistedRegistration | undefined;
  version: Lwm2mVersion;
  versionFellBack: boolean;
  /** Consecutive failed network recoveries since the last successful registration (the seed's counter). */
  networkFailures: number;
  /** Network errors since the last registration, bootstrap fallbacks included: the LTE reconnect backoff's exponent. */
  networkStreak: number;
  /** Consecutive refusals / failures of Register (backoff exponent). */
  registerFailures: number;
  bootstrapFailures: number;
  /** Set by a network-error fallback or the Bootstrap-Request Trigger: bootstrap even if an account exists. */
  forceBootstrap: boolean;
  /** Send requests not yet sent (queue mode asleep, LTE down, recovering), in arrival order. */
  buffer: Queued<SendItem>[];
  /** Links changed or a trigger came while busy: Update with links at the next chance. */
  updatePending: boolean;
  updateWithLinks: boolean;
  /** A trigger or link change that arrived while an Update was in flight: another Update follows (with links if so). */
  updateAgain: boolean;
  updateAgainWithLinks: boolean;
  /** True once registered (Send is accepted and buffered from then on, until disabled or stopped). */
  sessionActive: boolean;
  disableTimeoutS?: number;
  lastError?: string | undefined;
  /** Ids the last enqueue pushed out of a full buffer (rejected with QUEUE_FULL). */
  lastDropped: number[];
  /** Last network.up / network.down seen (events that come while booting are not lost). */
  networkUp: boolean;
  /**
   * The RF asked for by the modem (client.rf-hold) while an exchange was in flight: granted once it ended. While held
   * (state registered.rfHeld): how long at most.
   */
  rfHold?: { maxMs: number; at: number } | undefined;
}

export type ClientEvent =
  | { type: 'network.up'; bearer?: string; ip?: string }
  | { type: 'network.down'; reason?: string }
  | { type: 'network.error'; code: string; message?: string; source?: string }
  | { type: 'lwm2m.server-activity'; ssid?: number }
  | { type: 'lwm2m.objects-changed' }
  | { type: 'lwm2m.trigger'; trigger: 'update' | 'bootstrap' | 'disable'; ssid?: number; disableTimeout?: number }
  | { type: 'lwm2m.send'; id: number; records?: LwRecord[]; paths?: Path[] }
  | { type: 'firmware.updating' }
  | { type: 'firmware.done' }
  | { type: 'client.bootstrap-done'; accounts: ServerAccount[] }
  /** The modem wants the RF for GNSS for up to maxMs; `at`: now (epoch ms, the clock of registration.refreshedAt). */
  | { type: 'client.rf-hold'; maxMs: number; at: number }
  | { type: 'client.rf-release' }
  | { type: 'client.shutdown' };

/** Side effects the module turns into messages / store writes. */
export type ClientEmitted =
  | { type: 'socket.pause'; reason: 'lte-down' | 'queue-mode' | 'network-error' }
  | { type: 'socket.resume' }
  | { type: 'socket.close' }
  | { type: 'client.persist'; registration: PersistedRegistration | undefined }
  | { type: 'client.send-dropped'; ids: number[]; code: string }
  | { type: 'client.registered'; ssid: number; location: string[] }
  /** The RF hold is granted (no exchange in flight; Updates and Sends wait) or refused (GNSS_RF_REFUSED). */
  | { type: 'client.rf-granted' }
  | { type: 'client.rf-refused'; message: string };

export interface LoadedState {
  accounts: ServerAccount[];
  registration?: PersistedRegistration | undefined;
  /** The network is already up (modem.status), so no network.up will come. */
  networkUp?: boolean;
}

export interface SendOutcome {
  sent: number[];
}

const notProvided = (name: string) => (): Promise<never> =>
  Promise.reject(new CodedError('NOT_PROVIDED', `client service ${name} is not provided`));

/** The bootstrap account; a pinned client has none (bootstrap is the primary client's job). */
const bsAccount = (c: ClientContext): ServerAccount | undefined =>
  c.pinned === undefined ? selectBootstrapAccount(c.accounts) : undefined;
/** The LwM2M server account to use: the first usable one, or the pinned ssid's. */
const serverAccount = (c: ClientContext): ServerAccount | undefined =>
  selectServerAccount(
    c.pinned === undefined ? c.accounts : c.accounts.filter((a) => !a.bootstrap && a.ssid === c.pinned),
  );
/** Why the pinned account cannot be used. */
const pinnedProblem = (c: ClientContext): string => {
  const a = c.accounts.find((x) => !x.bootstrap && x.ssid === c.pinned);
  return `account ${c.pinned}: ${a ? (accountProblem(a) ?? 'unusable') : 'no Security instance with this short server ID'}`;
};
const sameServer = (r: PersistedRegistration, a: ServerAccount | undefined): boolean =>
  a !== undefined && r.ssid === a.ssid && r.serverUri === a.uri;
const queueMode = (c: ClientContext): boolean => (c.registration?.binding ?? '').includes('Q');
const sentIdsOf = (err: unknown): number[] => {
  const s = err instanceof CodedError ? err.details?.sent : undefined;
  return Array.isArray(s) ? s.filter((x): x is number => typeof x === 'number') : [];
};

export const clientMachine = setup({
  types: {
    context: {} as ClientContext,
    events: {} as ClientEvent,
    input: {} as { cfg: ResolvedClientConfig; account?: number },
    emitted: {} as ClientEmitted,
  },
  actors: {
    loadState: fromPromise<LoadedState, void>(notProvided('loadState')),
    openSocket: fromPromise<void, { account: ServerAccount }>(notProvided('openSocket')),
    register: fromPromise<RegisterResult, { account: ServerAccount; version: Lwm2mVersion }>(notProvided('register')),
    update: fromPromise<RegistrationRefresh, { registration: PersistedRegistration; withLinks: boolean }>(
      notProvided('update'),
    ),
    deregister: fromPromise<void, { registration: PersistedRegistration | undefined }>(notProvided('deregister')),
    bootstrapRequest: fromPromise<void, { account: ServerAccount }>(notProvided('bootstrapRequest')),
    reconnectModem: fromPromise<void, void>(notProvided('reconnectModem')),
    sendItems: fromPromise<SendOutcome, { items: Queued<SendItem>[] }>(notProvided('sendItems')),
  },
  guards: {
    /** network.up seen, or the host's network is taken as up (networkAtBoot: assume). */
    networkReady: ({ context: c }) => c.networkUp || c.cfg.networkAtBoot === 'assume',
    bootstrapTrigger: ({ event }) => event.type === 'lwm2m.trigger' && event.trigger === 'bootstrap',
    updateTrigger: ({ event }) => event.type === 'lwm2m.trigger' && event.trigger === 'update',
    disableTrigger: ({ event }) => event.type === 'lwm2m.trigger' && event.trigger === 'disable',
    noBootstrapServer: ({ context: c }) => bsAccount(c) === undefined,
    /** The first network error in a row reconnects at once; repeated ones wait (networkBackoff). */
    firstNetworkError: ({ context: c }) => c.networkStreak <= 1,
    mustBootstrap: ({ context: c }) => c.forceBootstrap || serverAccount(c) === undefined,
    pinnedUnusable: ({ context: c }) => c.pinned !== undefined && serverAccount(c) === undefined,
    hasBootstrapServer: ({ context: c }) => bsAccount(c) !== undefined,
    canResume: ({ context: c }) => c.registration !== undefined,
    hasBuffered: ({ context: c }) => c.buffer.length > 0,
    updatePending: ({ context: c }) => c.updatePending,
    /** A hold asked for while an exchange was in flight. */
    rfHoldWanted: ({ context: c }) => c.rfHold !== undefined,
    /** A hold is wanted and rfQuietS is 0: no quiet period first. */
    rfHoldWithoutQuiet: ({ context: c }) => c.rfHold !== undefined && c.cfg.rfQuietS === 0,
    /** The registration's Update falls due within the hold asked for: the registration wins. */
    updateDueWithinHold: ({ context: c, event }) =>
      event.type === 'client.rf-hold' &&
      c.registration !== undefined &&
      event.at + event.maxMs >=
        c.registration.refreshedAt + updateDueMs(c.registration.lifetime, c.cfg.updateRatio, c.cfg.updateMarginS),
    rfHeld: stateIn('#client.connected.registered.rfHeld'),
    /** Queue mode, asleep: the server cannot reach the client anyway, the hold needs no quiet period. */
    asleep: stateIn('#client.connected.registered.asleep'),
    /** Queue mode with an Update or Sends waiting: wake as a Send would (Update first, socket resumed). */
    queueModeWithWork: ({ context: c }) => queueMode(c) && (c.updatePending || c.buffer.length > 0),
    queueMode: ({ context: c }) => queueMode(c),
    tooManyNetworkFailures: ({ context: c }) => c.networkFailures > c.cfg.maxNetworkRetries,
    isNetworkFailure: ({ event }) => classifyFailure((event as { error?: unknown }).error) === 'network',
    /**
     * A published network.error that is not a credentials problem (a DTLS handshake failure reaches the client as the
     * open's rejection).
     */
    networkErrorEvent: ({ event }) => event.type === 'network.error' && classifyFailure(event) !== 'refused',
    isNotFound: ({ event }) => classifyFailure((event as { error?: unknown }).error) === 'notFound',
    canFallBackVersion: ({ context: c, event }) => {
      const err = (event as { error?: unknown }).error;
      return !c.versionFellBack && err instanceof CodedError && err.details?.fallback !== undefined;
    },
    refusedTooOften: ({ context: c, event }) =>
      classifyFailure((event as { error?: unknown }).error) === 'refused' &&
      c.registerFailures + 1 >= c.cfg.maxRegisterFailures &&
      bsAccount(c) !== undefined,
  },
  delays: {
    lteWait: ({ context: c }) => c.cfg.lteWaitS * 1000,
    updateDue: ({ context: c }) =>
      updateDueMs(c.registration?.lifetime ?? c.cfg.lifetime, c.cfg.updateRatio, c.cfg.updateMarginS),
    queueAwake: ({ context: c }) => c.cfg.queueAwakeS * 1000,
    /** Before an LTE reconnect after a repeated network error (the first goes at once). */
    networkBackoff: ({ context: c }) => backoffMs(c.networkStreak - 1, c.cfg, Math.random),
    registerBackoff: ({ context: c }) =>
      Math.max(backoffMs(c.registerFailures, c.cfg, Math.random), c.cfg.reconnectDelayS * 1000),
    bootstrapBackoff: ({ context: c }) => backoffMs(c.bootstrapFailures, c.cfg, Math.random),
    holdOff: ({ context: c }) => (bsAccount(c)?.holdOffS ?? c.cfg.bootstrapHoldOffS) * 1000,
    bootstrapTimeout: ({ context: c }) => (bsAccount(c)?.bootstrapAccountTimeoutS || c.cfg.bootstrapTimeoutS) * 1000,
    bootstrapSettle: ({ context: c }) => c.cfg.bootstrapSettleMs,
    disableTimeout: ({ context: c }) =>
      (c.disableTimeoutS ?? c.account?.disableTimeoutS ?? c.cfg.disableTimeoutS) * 1000,
    firmwareTimeout: ({ context: c }) => c.cfg.firmwareTimeoutS * 1000,
    rfHoldMax: ({ context: c }) => c.rfHold?.maxMs ?? 0,
    rfQuiet: ({ context: c }) => c.cfg.rfQuietS * 1000,
  },
  actions: {
    noteError: assign({ lastError: ({ event }) => describeFailure((event as { error?: unknown }).error) }),
    pickAccount: assign({ account: ({ context: c }) => serverAccount(c) }),
    enqueueSend: assign(({ context: c, event }) => {
      if (event.type !== 'lwm2m.send') return {};
      const item: SendItem = {};
      if (event.records) item.records = event.records;
      if (event.paths) item.paths = event.paths;
      const r = enqueue(c.buffer, { id: event.id, item }, c.cfg.queueMaxItems);
      return { buffer: r.buffer, lastDropped: r.dropped.map((d) => d.id) };
    }),
    emitDropped: emit(({ context: c }) => ({
      type: 'client.send-dropped' as const,
      ids: c.lastDropped,
      code: 'QUEUE_FULL',
    })),
    clearRegistration: assign({ registration: undefined }),
    persist: emit(({ context: c }) => ({ type: 'client.persist' as const, registration: c.registration })),
    pauseSocket: emit({ type: 'socket.pause', reason: 'lte-down' } as const),
    pauseSocketAsleep: emit({ type: 'socket.pause', reason: 'queue-mode' } as const),
    pauseSocketNetworkError: emit({ type: 'socket.pause', reason: 'network-error' } as const),
    emitRegistered: emit(({ context: c }) => ({
      type: 'client.registered' as const,
      ssid: c.registration?.ssid ?? 0,
      location: c.registration?.location ?? [],
    })),
    resumeSocket: emit({ type: 'socket.resume' } as const),
    closeSocket: emit({ type: 'socket.close' } as const),
    wantRfHold: assign({
      rfHold: ({ event }) => (event.type === 'client.rf-hold' ? { maxMs: event.maxMs, at: event.at } : undefined),
    }),
    dropRfHold: assign({ rfHold: undefined }),
    grantRfHold: emit({ type: 'client.rf-granted' } as const),
    refuseRfHoldDue: emit({
      type: 'client.rf-refused' as const,
      message: 'the registration Update is due within the hold',
    }),
    refuseRfHoldHeld: emit({ type: 'client.rf-refused' as const, message: 'the RF is already held' }),
    refuseRfHoldUnregistered: emit({
      type: 'client.rf-refused' as const,
      message: 'not registered: the registration needs the RF first',
    }),
    /** Leaving the registered states with a hold still waiting for its exchange: refused, never left hanging. */
    refuseWantedHold: enqueueActions(({ context: c, enqueue }) => {
      if (!c.rfHold) return;
      enqueue.emit({ type: 'client.rf-refused', message: 'the client left the registered state' });
      enqueue.assign({ rfHold: undefined });
    }),
    netUp: assign({ networkUp: true }),
    netDown: assign({ networkUp: false }),
  },
}).createMachine({
  id: 'client',
  context: ({ input }) => ({
    cfg: input.cfg,
    ...(input.account !== undefined ? { pinned: input.account } : {}),
    accounts: [],
    version: input.cfg.lwm2mVersion,
    versionFellBack: false,
    networkFailures: 0,
    networkStreak: 0,
    registerFailures: 0,
    bootstrapFailures: 0,
    forceBootstrap: false,
    buffer: [],
    updatePending: false,
    updateWithLinks: false,
    updateAgain: false,
    updateAgainWithLinks: false,
    sessionActive: false,
    lastDropped: [],
    networkUp: false,
  }),
  initial: 'boot',
  on: {
    'lwm2m.send': { actions: ['enqueueSend', 'emitDropped'] },
    'client.shutdown': '.deregistering',
    'network.up': { actions: 'netUp' },
    'network.down': { actions: 'netDown' },
    // Registered states take the hold; elsewhere the registration needs the RF first. A release of nothing: no-op.
    'client.rf-hold': { actions: 'refuseRfHoldUnregistered' },
    'client.rf-release': { actions: 'dropRfHold' },
  },
  states: {
    /** Reads objects 0/1 and the stored registration. */
    boot: {
      invoke: {
        src: 'loadState',
        onDone: {
          target: 'lteConnecting',
          actions: assign(({ context: c, event }) => ({
            accounts: event.output.accounts,
            registration: event.output.registration,
            networkUp: c.networkUp || event.output.networkUp === true,
          })),
        },
        onError: { target: 'lteConnecting', actions: 'noteError' },
      },
    },
    /** Waits for the modem's network.up; asks for a reconnect when it does not come. */
    lteConnecting: {
      always: { guard: 'networkReady', target: 'selecting' },
      on: { 'network.up': { target: 'selecting', actions: 'netUp' } },
      after: { lteWait: 'lteReconnect' },
    },
    /**
     * Chooses: bootstrap (no usable account, or fallback), resume a stored registration with an Update, or Register.
     */
    selecting: {
      entry: [
        'pickAccount',
        assign(({ context: c }) => ({
          registration:
            c.registration && !c.forceBootstrap && sameServer(c.registration, c.account) ? c.registration : undefined,
        })),
      ],
      always: [
        // a pinned client never bootstraps: it waits (backoff) and reads its account again
        {
          guard: 'pinnedUnusable',
          target: 'noAccount',
          actions: assign({ lastError: ({ context: c }) => pinnedProblem(c) }),
        },
        { guard: 'mustBootstrap', target: 'connected.online.bootstrapping' },
        { target: 'connected.online.connecting' },
      ],
    },
    /** LTE up and a server in use or being reached: losing LTE pauses the transport and waits (lteDown). */
    connected: {
      exit: 'refuseWantedHold',
      on: { 'network.down': { target: '#client.lteDown', actions: 'netDown' } },
      initial: 'online',
      states: {
        online: {
          initial: 'connecting',
          on: {
            'network.error': { guard: 'networkErrorEvent', target: '#client.networkError' },
            'lwm2m.trigger': [{ guard: 'bootstrapTrigger', target: '#client.bootstrapFallback' }],
          },
          states: {
            /** Opens the transport (NoSec or DTLS-PSK from object 0) to the chosen server. */
            connecting: {
              invoke: {
                src: 'openSocket',
                input: ({ context: c }) => ({ account: c.account! }),
                onDone: [{ guard: 'canResume', target: '#client.connected.updating' }, { target: 'registering' }],
                onError: [
                  { guard: 'isNetworkFailure', target: '#client.networkError', actions: 'noteError' },
                  { guard: 'refusedTooOften', target: '#client.bootstrapFallback', actions: 'noteError' },
                  {
                    target: 'lwm2mReconnect',
                    actions: ['noteError', assign({ registerFailures: ({ context: c }) => c.registerFailures + 1 })],
                  },
                ],
              },
            },
            registering: {
              invoke: {
                src: 'register',
                input: ({ context: c }) => ({ account: c.account!, version: c.version }),
                onDone: {
                  target: '#client.connected.registered',
                  actions: assign(({ context: c, event }) => ({
                    registration: { ssid: c.account!.ssid, serverUri: c.account!.uri, ...event.output },
                    updatePending: false,
                    updateWithLinks: false,
                  })),
                },
                onError: [
                  { guard: 'isNetworkFailure', target: '#client.networkError', actions: 'noteError' },
                  {
                    guard: 'canFallBackVersion',
                    target: 'registering',
                    reenter: true,
                    actions: ['noteError', assign({ version: '1.1', versionFellBack: true })],
                  },
                  { guard: 'refusedTooOften', target: '#client.bootstrapFallback', actions: 'noteError' },
                  {
                    target: 'lwm2mReconnect',
                    actions: ['noteError', assign({ registerFailures: ({ context: c }) => c.registerFailures + 1 })],
                  },
                ],
              },
            },
            /** Backoff after a refused or failed Register, then a fresh transport and Register (no request storm). */
            lwm2mReconnect: {
              entry: 'closeSocket',
              after: { registerBackoff: 'connecting' },
            },
            bootstrapping: {
              initial: 'holdOff',
              entry: ['closeSocket', 'clearRegistration', 'persist'],
              after: { bootstrapTimeout: '#client.connected.bootstrapFailed' },
              states: {
                holdOff: {
                  always: { guard: 'noBootstrapServer', target: '#client.noAccount' },
                  after: { holdOff: 'opening' },
                },
                opening: {
                  invoke: {
                    src: 'openSocket',
                    input: ({ context: c }) => ({ account: bsAccount(c)! }),
                    onDone: 'requesting',
                    onError: [
                      { guard: 'isNetworkFailure', target: '#client.networkError', actions: 'noteError' },
                      { target: '#client.connected.bootstrapFailed', actions: 'noteError' },
                    ],
                  },
                },
                requesting: {
                  invoke: {
                    src: 'bootstrapRequest',
                    input: ({ context: c }) => ({ account: bsAccount(c)! }),
                    onDone: 'waitFinish',
                    onError: [
                      { guard: 'isNetworkFailure', target: '#client.networkError', actions: 'noteError' },
                      { target: '#client.connected.bootstrapFailed', actions: 'noteError' },
                    ],
                  },
                },
                /**
                 * The server writes objects 0/1; Bootstrap-Finish is checked by the module (4.06 when inconsistent).
                 */
                waitFinish: {},
                settle: { after: { bootstrapSettle: '#client.selecting' } },
              },
              on: {
                'client.bootstrap-done': {
                  target: '.settle',
                  actions: assign(({ event }) => ({
                    accounts: event.accounts,
                    forceBootstrap: false,
                    bootstrapFailures: 0,
                    networkFailures: 0,
                    registerFailures: 0,
                    versionFellBack: false,
                  })),
                },
              },
            },
          },
        },
        bootstrapFailed: {
          entry: ['closeSocket', assign({ bootstrapFailures: ({ context: c }) => c.bootstrapFailures + 1 })],
          after: { bootstrapBackoff: 'online.bootstrapping' },
        },
        registered: {
          entry: [
            assign({
              networkFailures: 0,
              networkStreak: 0,
              registerFailures: 0,
              bootstrapFailures: 0,
              sessionActive: true,
              lastError: undefined,
            }),
            'persist',
            'emitRegistered',
          ],
          // While the RF is held the Update waits (pending) and goes out at the release.
          after: { updateDue: [{ guard: 'rfHeld', actions: assign({ updatePending: true }) }, { target: 'updating' }] },
          on: {
            'network.error': { guard: 'networkErrorEvent', target: '#client.networkError' },
            // Nothing in flight (awake, asleep): granted now; an exchange in flight (sending): when it ends.
            'client.rf-hold': [
              { guard: 'updateDueWithinHold', actions: 'refuseRfHoldDue' },
              { guard: 'rfHeld', actions: 'refuseRfHoldHeld' },
              { guard: 'asleep', actions: 'wantRfHold', target: '.rfHeld' },
              { actions: 'wantRfHold', target: '.awake' },
            ],
            'lwm2m.objects-changed': {
              actions: assign({ updatePending: true, updateWithLinks: true }),
              target: '.awake',
            },
            'lwm2m.trigger': [
              { guard: 'updateTrigger', actions: assign({ updatePending: true }), target: '.awake' },
              { guard: 'bootstrapTrigger', target: '#client.bootstrapFallback' },
              {
                guard: 'disableTrigger',
                target: '#client.disabling',
                actions: assign({ disableTimeoutS: ({ event }) => event.disableTimeout }),
              },
            ],
            'firmware.updating': 'firmwarePreparing',
          },
          initial: 'awake',
          states: {
            /** Listening; in queue mode until queueAwake passes without an exchange. */
            awake: {
              always: [
                { guard: 'updatePending', target: '#client.connected.updating' },
                { guard: 'rfHoldWithoutQuiet', target: 'rfHeld' },
                { guard: 'rfHoldWanted', target: 'rfQuiet' },
                { guard: 'hasBuffered', target: 'sending' },
              ],
              after: { queueAwake: { guard: 'queueMode', target: 'asleep' } },
              on: { 'lwm2m.server-activity': { target: 'awake', reenter: true } },
            },
            /** Sends the buffered Send requests in order (POST /dp). */
            sending: {
              invoke: {
                src: 'sendItems',
                input: ({ context: c }) => ({ items: c.buffer }),
                onDone: {
                  target: 'awake',
                  actions: assign({ buffer: ({ context: c, event }) => without(c.buffer, event.output.sent) }),
                },
                onError: [
                  {
                    guard: 'isNetworkFailure',
                    target: '#client.networkError',
                    actions: [
                      'noteError',
                      assign({ buffer: ({ context: c, event }) => without(c.buffer, sentIdsOf(event.error)) }),
                    ],
                  },
                  {
                    target: 'awake',
                    actions: [
                      'noteError',
                      assign({ buffer: ({ context: c, event }) => without(c.buffer, sentIdsOf(event.error)) }),
                    ],
                  },
                ],
              },
              on: {
                'lwm2m.objects-changed': { actions: assign({ updatePending: true, updateWithLinks: true }) },
                'lwm2m.trigger': { guard: 'updateTrigger', actions: assign({ updatePending: true }) },
                'client.rf-hold': [
                  { guard: 'updateDueWithinHold', actions: 'refuseRfHoldDue' },
                  { actions: 'wantRfHold' },
                ],
              },
            },
            /**
             * A hold is wanted: the server first gets rfQuietS without an exchange (its reads right after a Register
             * or an Update are answered before the receiver takes the RF); a request from it starts the wait again.
             */
            rfQuiet: {
              always: [
                { guard: 'updatePending', target: '#client.connected.updating' },
                { guard: 'hasBuffered', target: 'sending' },
              ],
              after: { rfQuiet: 'rfHeld' },
              on: { 'lwm2m.server-activity': { target: 'rfQuiet', reenter: true } },
            },
            /**
             * The modem uses the RF for GNSS (an exclusive receiver): no exchange starts. Sends are buffered, a due
             * Update and link changes are kept pending; all go out on client.rf-release or after rfHoldMax.
             */
            rfHeld: {
              entry: 'grantRfHold',
              exit: 'dropRfHold',
              after: { rfHoldMax: 'rfReleased' },
              on: {
                'client.rf-release': 'rfReleased',
                'lwm2m.objects-changed': { actions: assign({ updatePending: true, updateWithLinks: true }) },
                'lwm2m.trigger': [
                  { guard: 'updateTrigger', actions: assign({ updatePending: true }) },
                  { guard: 'bootstrapTrigger', target: '#client.bootstrapFallback' },
                  {
                    guard: 'disableTrigger',
                    target: '#client.disabling',
                    actions: assign({ disableTimeoutS: ({ event }) => event.disableTimeout }),
                  },
                ],
              },
            },
            /** The RF is back: in queue mode asleep again, or woken as by a Send when something waits. */
            rfReleased: {
              always: [
                { guard: 'queueModeWithWork', target: '#client.connected.updating' },
                { guard: 'queueMode', target: 'asleep' },
                { target: 'awake' },
              ],
            },
            /**
             * Queue mode: not listening; Send requests wait in the buffer; any of them wakes the client (Update first).
             */
            asleep: {
              entry: 'pauseSocketAsleep',
              on: {
                'lwm2m.send': { actions: ['enqueueSend', 'emitDropped'], target: '#client.connected.updating' },
              },
            },
          },
        },
        /** Registration Update: periodic, on link changes, on trigger, on wake-up and after an outage. */
        updating: {
          entry: ['resumeSocket', assign({ updateAgain: false, updateAgainWithLinks: false })],
          invoke: {
            src: 'update',
            input: ({ context: c }) => ({ registration: c.registration!, withLinks: c.updateWithLinks }),
            onDone: {
              target: 'registered',
              actions: assign(({ context: c, event }) => ({
                registration: { ...c.registration!, ...event.output },
                updatePending: c.updateAgain,
                updateWithLinks: c.updateAgainWithLinks,
              })),
            },
            onError: [
              { guard: 'isNetworkFailure', target: '#client.networkError', actions: 'noteError' },
              {
                guard: 'isNotFound',
                target: 'online.registering',
                actions: ['noteError', 'clearRegistration', 'persist'],
              },
              { target: 'online.lwm2mReconnect', actions: ['noteError', 'clearRegistration', 'persist'] },
            ],
          },
          on: {
            'network.error': { guard: 'networkErrorEvent', target: '#client.networkError' },
            // The Update in flight refreshes the registration: the hold is granted once it is done.
            'client.rf-hold': { actions: 'wantRfHold' },
            // A link change or trigger while the Update is in flight is not lost: another Update follows this one.
            'lwm2m.objects-changed': {
              actions: assign({
                updatePending: true,
                updateWithLinks: true,
                updateAgain: true,
                updateAgainWithLinks: true,
              }),
            },
            'lwm2m.trigger': [
              // Disable while an Update is in flight (e.g. the one after Access Control seeding): de-register now, not
              // never.
              {
                guard: 'disableTrigger',
                target: '#client.disabling',
                actions: assign({ disableTimeoutS: ({ event }) => event.disableTimeout }),
              },
              { guard: 'updateTrigger', actions: assign({ updatePending: true, updateAgain: true }) },
            ],
          },
        },
        /**
         * The firmware actor is applying an update: the client stops (no De-register; sends stay buffered) until
         * firmware.done.
         */
        firmwarePreparing: {
          entry: 'closeSocket',
          on: { 'firmware.done': '#client.firmwareReconnecting' },
          after: { firmwareTimeout: '#client.firmwareReconnecting' },
        },
      },
    },
    /** No usable server and no bootstrap server: wait for a server-initiated bootstrap or retry after backoff. */
    noAccount: {
      entry: ['closeSocket', assign({ bootstrapFailures: ({ context: c }) => c.bootstrapFailures + 1 })],
      after: { bootstrapBackoff: 'boot' },
      on: {
        'client.bootstrap-done': {
          target: 'selecting',
          actions: assign(({ event }) => ({ accounts: event.accounts, forceBootstrap: false })),
        },
      },
    },
    /** LTE lost: the CoAP engine is paused (no retransmissions into a dead radio) until network.up. */
    lteDown: {
      entry: 'pauseSocket',
      on: { 'network.up': { target: 'lteResuming', actions: 'netUp' } },
      after: { lteWait: 'lteReconnect' },
    },
    lteResuming: {
      entry: 'resumeSocket',
      always: [{ guard: 'canResume', target: 'connected.updating' }, { target: 'selecting' }],
    },
    /**
     * A network error: count it; more than maxNetworkRetries in a row falls back to bootstrap, else reconnect LTE — at
     * once the first time, after a growing backoff (backoffInitialS × backoffFactor^(n-1), capped) when it repeats.
     */
    networkError: {
      entry: [
        assign({
          networkFailures: ({ context: c }) => c.networkFailures + 1,
          networkStreak: ({ context: c }) => c.networkStreak + 1,
        }),
        'pauseSocketNetworkError',
      ],
      always: [
        { guard: 'tooManyNetworkFailures', target: 'bootstrapFallback' },
        { guard: 'firstNetworkError', target: 'lteReconnect' },
      ],
      after: { networkBackoff: 'lteReconnect' },
    },
    /** Asks the modem to cycle the LTE link (CFUN), then re-opens the transport and registers / updates. */
    lteReconnect: {
      invoke: {
        src: 'reconnectModem',
        onDone: { target: 'connected.online.connecting', actions: ['netUp', 'resumeSocket', 'pickAccount'] },
        onError: { target: 'networkError', actions: 'noteError' },
      },
      on: {
        'network.up': { target: 'connected.online.connecting', actions: ['netUp', 'resumeSocket', 'pickAccount'] },
      },
    },
    /** The seed's recovery for outdated or removed credentials: forget the registration and bootstrap again. */
    bootstrapFallback: {
      // (no socket.resume: the next state opens a transport itself; resuming would handshake again with the failing
      // server)
      entry: [
        assign({ forceBootstrap: true, networkFailures: 0, registerFailures: 0 }),
        'clearRegistration',
        'persist',
      ],
      always: [
        { guard: 'hasBootstrapServer', target: 'connected.online.bootstrapping' },
        { target: 'selecting', actions: assign({ forceBootstrap: false }) },
      ],
    },
    /** /1/x/4 Disable: de-register, stay off for the disable timeout, then register again. */
    disabling: {
      invoke: {
        src: 'deregister',
        input: ({ context: c }) => ({ registration: c.registration }),
        onDone: 'disabled',
        onError: 'disabled',
      },
    },
    disabled: {
      entry: ['closeSocket', 'clearRegistration', 'persist'],
      after: { disableTimeout: 'selecting' },
    },
    /** After a firmware update: a fresh transport and a new Register (objects and versions may have changed). */
    firmwareReconnecting: {
      entry: ['closeSocket', 'clearRegistration', 'persist'],
      always: 'selecting',
    },
    deregistering: {
      invoke: {
        src: 'deregister',
        input: ({ context: c }) => ({ registration: c.registration }),
        onDone: { target: 'stopped', actions: ['clearRegistration', 'persist'] },
        onError: 'stopped',
      },
    },
    /** Shut down. A registration whose De-register failed stays stored: a restart resumes it with an Update. */
    stopped: {
      type: 'final',
      entry: ['closeSocket', assign({ sessionActive: false })],
    },
  },
});

export type ClientMachine = typeof clientMachine;
