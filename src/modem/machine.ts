// machine.ts: the modem lifecycle (XState v5): power on → SIM → radio → attach → PDP → online, signal polling, loss and
// recovery.
import { assign, emit, enqueueActions, fromPromise, setup } from 'xstate';
import { CodedError } from '../errors.js';
import type { ModemConfig } from './config-schema.js';
import { connectivityValues, type DataInfo, type DriverEvent, type PowerOnInfo, type RadioSnapshot } from './driver.js';
import { isRegistered, type Registration } from './parse.js';

/**
 * What the machine emits (the adapter publishes network.*, sends connectivity.update to object:4, logs
 * modem.poll-failed).
 */
export type ModemOutput =
  | { type: 'network.up'; bearer: 'lte-m' | 'nb-iot' | 'host'; ip?: string }
  | { type: 'network.down'; reason: string }
  | { type: 'network.error'; code: string; message: string; source: 'modem' }
  | { type: 'connectivity.update'; values: Record<number, unknown> };

/** A signal poll failed while online (the adapter logs it as a warning). */
export interface ModemPollFailed {
  type: 'modem.poll-failed';
  code: string;
  message: string;
  failures: number;
  of: number;
}

export type ModemEmitted = ModemOutput | ModemPollFailed;

/** Data the machine starts with (no functions: the driver's calls are the adapter's `actors`). */
export interface ModemInput {
  cfg: ModemConfig;
  /** The driver can pulse a hardware reset line. */
  canHardReset: boolean;
  /** A serial modem with dataPath 'host': the bearer is the host's own network interface. */
  hostBearer: boolean;
}

/**
 * Pause before the next try after `n` failures in a row (n ≥ 1): retryMs × 2^(n-1), capped at retryMaxMs, then
 * shortened by up to retryJitter × itself at random (so a fleet does not retry in step; never above the cap).
 */
export function retryDelayMs(n: number, cfg: ModemConfig, random: () => number = Math.random): number {
  const base = Math.min(cfg.timeouts.retryMaxMs, cfg.timeouts.retryMs * Math.pow(2, Math.max(0, n - 1)));
  return Math.round(base * (1 - cfg.retryJitter * random()));
}

/** The driver's events (modem.reg, modem.data-lost, modem.link-closed) and the adapter's modem.reconnect. */
export type ModemEvent = DriverEvent | { type: 'modem.reconnect' };

interface Ctx extends ModemInput {
  /** Failed steps in a row (3 → recovery). */
  failures: number;
  /** Failures and recoveries since the link was last stable (online for stableMs): the retry backoff's exponent. */
  retries: number;
  /** Signal polls in a row that failed while online. */
  pollFailures: number;
  cycles: number;
  up: boolean;
  lastError: { code: string; message: string } | undefined;
  info: PowerOnInfo | undefined;
  data: DataInfo | undefined;
  radio: RadioSnapshot | undefined;
  /** The last registration with a TAC / cell id (a +CEREG URC or the AT+CEREG? read). */
  reg: Registration | undefined;
}

const notProvided = (name: string) => (): Promise<never> =>
  Promise.reject(new CodedError('NOT_PROVIDED', `modem service ${name} is not provided`));

function errOf(e: unknown): { code: string; message: string } {
  const x = e as { code?: unknown; message?: unknown };
  return {
    code: typeof x.code === 'string' ? x.code : 'MODEM_ERROR',
    message: typeof x.message === 'string' ? x.message : String(e),
  };
}

/** The retry delays with a jitter source (the adapter provides them again with the random it is given). */
export function retryDelays(random: () => number) {
  return {
    retry: ({ context }: { context: { retries: number; cfg: ModemConfig } }) =>
      retryDelayMs(context.retries, context.cfg, random),
    /** Before a repeated recovery (the first one in a while is at once). */
    recoveryBackoff: ({ context }: { context: { retries: number; cfg: ModemConfig } }) =>
      retryDelayMs(context.retries - 1, context.cfg, random),
  };
}

export const modemMachine = setup({
  types: {
    context: {} as Ctx,
    events: {} as ModemEvent,
    input: {} as ModemInput,
    emitted: {} as ModemEmitted,
  },
  actors: {
    powerOn: fromPromise<PowerOnInfo, void>(notProvided('powerOn')),
    simReady: fromPromise<void, void>(notProvided('simReady')),
    configureRadio: fromPromise<void, void>(notProvided('configureRadio')),
    registration: fromPromise<Registration, void>(notProvided('registration')),
    activateData: fromPromise<DataInfo, void>(notProvided('activateData')),
    readRadio: fromPromise<RadioSnapshot, void>(notProvided('readRadio')),
    recover: fromPromise<void, { level: 'cfun' | 'reset' }>(notProvided('recover')),
    identify: fromPromise<{ changed: boolean }, void>(notProvided('identify')),
  },
  delays: {
    ...retryDelays(Math.random),
    stable: ({ context }) => context.cfg.timeouts.stableMs,
    /** The next signal poll: sooner after a failed one. */
    poll: ({ context }) =>
      context.pollFailures > 0 ? context.cfg.timeouts.retryMs : context.cfg.timeouts.signalIntervalMs,
    attach: ({ context }) => context.cfg.timeouts.attachMs,
    lossGrace: ({ context }) => context.cfg.timeouts.lossGraceMs,
  },
  guards: {
    registered: ({ event }) => event.type === 'modem.reg' && isRegistered(event.reg.stat),
    notRegistered: ({ event }) => event.type === 'modem.reg' && !isRegistered(event.reg.stat),
    tooManyFailures: ({ context }) => context.failures >= 3,
    /** A registered +CEREG naming another cell (or TAC) than the last one. */
    cellChanged: ({ context, event }) =>
      event.type === 'modem.reg' &&
      (event.reg.ci !== undefined || event.reg.tac !== undefined) &&
      (event.reg.ci !== context.reg?.ci || event.reg.tac !== context.reg?.tac),
    firstRetry: ({ context }) => context.retries <= 1,
    pollsExhausted: ({ context }) => context.pollFailures + 1 >= context.cfg.maxPollFailures,
    // casts in these guards: XState types a done-actor event's output only inside the invoke's onDone, not in a named
    // guard
    /** AT+CEREG? answered registered (home or roaming). */
    readRegistered: ({ event }) => isRegistered((event as unknown as { output: Registration }).output.stat),
    /** Identification found another modem than the profile in use. */
    modemChanged: ({ event }) => (event as unknown as { output: { changed: boolean } }).output.changed,
    /** The modem never finished power-on (init: registration URCs, error format …). */
    neverPoweredOn: ({ context }) => context.info === undefined,
    useReset: ({ context }) => context.canHardReset && context.cycles > context.cfg.cfunCyclesBeforeReset,
  },
  actions: {
    publishUp: enqueueActions(({ context, enqueue }) => {
      if (!context.up) {
        const bearer = context.hostBearer ? 'host' : (context.radio?.mode ?? context.cfg.mode);
        const ip = context.data?.ips[0];
        enqueue.emit({ type: 'network.up', bearer, ...(ip !== undefined ? { ip } : {}) });
      }
      enqueue.assign({ up: true, failures: 0, cycles: 0, pollFailures: 0 });
    }),
    publishDown: enqueueActions(({ context, enqueue }, p: { reason: string }) => {
      if (context.up) enqueue.emit({ type: 'network.down', reason: p.reason });
      enqueue.assign({ up: false });
    }),
    publishError: emit(({ context }) => {
      const e = context.lastError ?? { code: 'MODEM_ERROR', message: 'modem error' };
      return { type: 'network.error' as const, code: e.code, message: e.message, source: 'modem' as const };
    }),
    emitPollFailed: emit(({ context, event }) => {
      const e = errOf((event as { error?: unknown }).error);
      return {
        type: 'modem.poll-failed' as const,
        code: e.code,
        message: e.message,
        failures: context.pollFailures,
        of: context.cfg.maxPollFailures,
      };
    }),
    noteError: assign({ lastError: ({ event }) => errOf((event as { error?: unknown }).error) }),
    sendConnectivity: emit(({ context }) => ({
      type: 'connectivity.update' as const,
      values: connectivityValues(context.radio, context.data, context.reg),
    })),
    /** Keeps the TAC / cell id a registration carries (object 4 Cell ID and LAC when the cell query gives none). */
    noteReg: assign(({ context, event }) => {
      const reg = event.type === 'modem.reg' ? event.reg : (event as { output?: Registration }).output;
      return reg && (reg.ci !== undefined || reg.tac !== undefined) && isRegistered(reg.stat)
        ? { reg }
        : { reg: context.reg };
    }),
  },
}).createMachine({
  id: 'modem',
  context: ({ input }) => ({
    ...input,
    failures: 0,
    retries: 0,
    pollFailures: 0,
    cycles: 0,
    up: false,
    lastError: undefined,
    info: undefined,
    data: undefined,
    radio: undefined,
    reg: undefined,
  }),
  initial: 'powerOn',
  on: {
    'modem.reg': { actions: 'noteReg' },
    'modem.reconnect': { target: '.recovering' },
    'modem.link-closed': { target: '.closed' },
  },
  states: {
    powerOn: {
      invoke: {
        src: 'powerOn',
        onDone: { target: 'sim', actions: assign({ info: ({ event }) => event.output }) },
        onError: { target: 'failed', actions: 'noteError' },
      },
    },
    sim: {
      invoke: {
        src: 'simReady',
        onDone: 'radio',
        onError: { target: 'failed', actions: 'noteError' },
      },
    },
    radio: {
      invoke: {
        src: 'configureRadio',
        onDone: 'attaching',
        onError: { target: 'failed', actions: 'noteError' },
      },
    },
    attaching: {
      invoke: {
        src: 'registration',
        onDone: { guard: 'readRegistered', target: 'connecting', actions: 'noteReg' },
        onError: { actions: 'noteError' },
      },
      on: { 'modem.reg': { guard: 'registered', target: 'connecting', actions: 'noteReg' } },
      after: {
        attach: {
          target: 'recovering',
          actions: [
            assign({
              lastError: () => ({ code: 'ATTACH_TIMEOUT', message: 'no LTE registration within timeouts.attachMs' }),
            }),
            'publishError',
          ],
        },
      },
    },
    connecting: {
      invoke: {
        src: 'activateData',
        onDone: { target: 'online', actions: assign({ data: ({ event }) => event.output }) },
        onError: { target: 'failed', actions: 'noteError' },
      },
      on: { 'modem.reg': [{ guard: 'notRegistered', target: 'attaching' }, { actions: 'noteReg' }] },
    },
    online: {
      entry: 'publishUp',
      initial: 'polling',
      on: {
        'modem.reg': [
          { guard: 'notRegistered', target: 'lost' },
          { guard: 'cellChanged', actions: ['noteReg', 'sendConnectivity'] },
          { actions: 'noteReg' },
        ],
        // The modem took the PDP / IP context down while attached: activate it again.
        'modem.data-lost': {
          target: 'connecting',
          actions: { type: 'publishDown', params: { reason: 'PDP context lost' } },
        },
      },
      // Up long enough: the next failure's retry starts from timeouts.retryMs again.
      after: { stable: { actions: assign({ retries: 0 }) } },
      states: {
        polling: {
          invoke: {
            src: 'readRadio',
            onDone: {
              target: 'idle',
              actions: [assign({ radio: ({ event }) => event.output, pollFailures: 0 }), 'sendConnectivity'],
            },
            // A modem that stops answering (or answers only errors) while registered and idle: maxPollFailures polls in
            // a row declare the link down, and it recovers the usual way (failed → retry → power on …).
            onError: [
              {
                guard: 'pollsExhausted',
                target: '#modem.failed',
                actions: [
                  assign({
                    pollFailures: ({ context }) => context.pollFailures + 1,
                    lastError: ({ event }) => errOf(event.error),
                  }),
                  'emitPollFailed',
                ],
              },
              {
                target: 'idle',
                actions: [assign({ pollFailures: ({ context }) => context.pollFailures + 1 }), 'emitPollFailed'],
              },
            ],
          },
        },
        idle: { after: { poll: 'polling' } },
      },
    },
    lost: {
      on: { 'modem.reg': { guard: 'registered', target: 'online', actions: 'noteReg' } },
      after: {
        lossGrace: {
          target: 'attaching',
          actions: { type: 'publishDown', params: { reason: 'LTE registration lost' } },
        },
      },
    },
    failed: {
      entry: [
        assign({ failures: ({ context }) => context.failures + 1, retries: ({ context }) => context.retries + 1 }),
        { type: 'publishDown', params: { reason: 'modem failure' } },
        'publishError',
      ],
      always: { guard: 'tooManyFailures', target: 'recovering' },
      after: { retry: 'powerOn' },
    },
    recovering: {
      entry: [
        assign({
          cycles: ({ context }) => context.cycles + 1,
          failures: 0,
          retries: ({ context }) => context.retries + 1,
        }),
        { type: 'publishDown', params: { reason: 'modem recovery' } },
      ],
      initial: 'backoff',
      states: {
        /** The first recovery in a while goes at once; repeated ones wait, longer each time (retryDelayMs). */
        backoff: { always: { guard: 'firstRetry', target: 'identify' }, after: { recoveryBackoff: 'identify' } },
        /** Which modem is it? One that answered ERROR to AT+CGMM / ATI at boot runs the generic profile until now. */
        identify: {
          invoke: {
            src: 'identify',
            onDone: [{ guard: 'modemChanged', target: '#modem.powerOn' }, { target: 'choose' }],
            onError: 'choose',
          },
        },
        choose: { always: [{ guard: 'useReset', target: 'reset' }, { target: 'cfun' }] },
        cfun: {
          invoke: {
            src: 'recover',
            input: { level: 'cfun' as const },
            // A modem that never finished power-on (init: registration URCs, error format …) goes through it again.
            onDone: [{ guard: 'neverPoweredOn', target: '#modem.powerOn' }, { target: '#modem.attaching' }],
            onError: { target: 'wait', actions: 'noteError' },
          },
        },
        reset: {
          invoke: {
            src: 'recover',
            input: { level: 'reset' as const },
            onDone: '#modem.powerOn',
            onError: { target: 'wait', actions: 'noteError' },
          },
        },
        /** The cycle failed: recover again (the backoff state waits). */
        wait: { entry: 'publishError', always: { target: '#modem.recovering', reenter: true } },
      },
    },
    closed: {
      entry: [
        { type: 'publishDown', params: { reason: 'serial link closed' } },
        assign({ lastError: () => ({ code: 'MODEM_LINK_CLOSED', message: 'serial link to the modem closed' }) }),
        'publishError',
      ],
      type: 'final',
    },
  },
});

export type ModemMachine = typeof modemMachine;
