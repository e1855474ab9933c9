// machine.ts: the modem lifecycle (XState v5): power on → SIM → radio → attach → PDP → online, signal polling, loss and recovery.
import { assign, fromPromise, setup } from 'xstate';
import type { ModemConfig } from './config-schema.js';
import { connectivityValues, type DataInfo, type ModemDriver, type PowerOnInfo, type RadioSnapshot } from './driver.js';
import { isRegistered, type Registration } from './parse.js';

/** Messages the machine emits (the host publishes network.* and sends connectivity.update to object:4). */
export type ModemOutput =
  | { type: 'network.up'; bearer: 'lte-m' | 'nb-iot' | 'host'; ip?: string }
  | { type: 'network.down'; reason: string }
  | { type: 'network.error'; code: string; message: string; source: 'modem' }
  | { type: 'connectivity.update'; values: Record<number, unknown> };

export interface ModemMachineDeps {
  driver: ModemDriver;
  cfg: ModemConfig;
  emit(msg: ModemOutput): void;
  /** Warnings the machine logs itself (failed signal polls); the host logs the emitted network.* messages. */
  log?: { warn(o: object, msg?: string): void };
  /** [0, 1) for the retry jitter (default Math.random). */
  random?: () => number;
}

/**
 * Pause before the next try after `n` failures in a row (n ≥ 1): retryMs × 2^(n-1), capped at retryMaxMs, then
 * shortened by up to retryJitter × itself at random (so a fleet does not retry in step; never above the cap).
 */
export function retryDelayMs(n: number, cfg: ModemConfig, random: () => number = Math.random): number {
  const base = Math.min(cfg.timeouts.retryMaxMs, cfg.timeouts.retryMs * Math.pow(2, Math.max(0, n - 1)));
  return Math.round(base * (1 - cfg.retryJitter * random()));
}

export type ModemEvent =
  | { type: 'REG'; reg: Registration }
  | { type: 'DATA_LOST'; reason: string }
  | { type: 'RECONNECT' }
  | { type: 'LINK_CLOSED'; reason: string };

interface Ctx {
  deps: ModemMachineDeps;
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

function errOf(e: unknown): { code: string; message: string } {
  const x = e as { code?: unknown; message?: unknown };
  return { code: typeof x.code === 'string' ? x.code : 'MODEM_ERROR', message: typeof x.message === 'string' ? x.message : String(e) };
}

export const modemMachine = setup({
  types: {
    context: {} as Ctx,
    events: {} as ModemEvent,
    input: {} as { deps: ModemMachineDeps },
  },
  actors: {
    powerOn: fromPromise<PowerOnInfo, { d: ModemDriver }>(({ input }) => input.d.powerOn()),
    simReady: fromPromise<void, { d: ModemDriver }>(({ input }) => input.d.simReady()),
    configureRadio: fromPromise<void, { d: ModemDriver }>(({ input }) => input.d.configureRadio()),
    registration: fromPromise<Registration, { d: ModemDriver }>(({ input }) => input.d.registration()),
    activateData: fromPromise<DataInfo, { d: ModemDriver }>(({ input }) => input.d.activateData()),
    readRadio: fromPromise<RadioSnapshot, { d: ModemDriver }>(({ input }) => input.d.readRadio()),
    recover: fromPromise<void, { d: ModemDriver; level: 'cfun' | 'reset' }>(({ input }) => input.d.recover(input.level)),
    identify: fromPromise<{ changed: boolean }, { d: ModemDriver }>(({ input }) => input.d.identify?.() ?? Promise.resolve({ changed: false })),
  },
  delays: {
    retry: ({ context }) => retryDelayMs(context.retries, context.deps.cfg, context.deps.random),
    /** Before a repeated recovery (the first one in a while is at once). */
    recoveryBackoff: ({ context }) => retryDelayMs(context.retries - 1, context.deps.cfg, context.deps.random),
    stable: ({ context }) => context.deps.cfg.timeouts.stableMs,
    /** The next signal poll: sooner after a failed one. */
    poll: ({ context }) => (context.pollFailures > 0 ? context.deps.cfg.timeouts.retryMs : context.deps.cfg.timeouts.signalIntervalMs),
    attach: ({ context }) => context.deps.cfg.timeouts.attachMs,
    lossGrace: ({ context }) => context.deps.cfg.timeouts.lossGraceMs,
  },
  guards: {
    registered: ({ event }) => event.type === 'REG' && isRegistered(event.reg.stat),
    notRegistered: ({ event }) => event.type === 'REG' && !isRegistered(event.reg.stat),
    tooManyFailures: ({ context }) => context.failures >= 3,
    /** A registered +CEREG naming another cell (or TAC) than the last one. */
    cellChanged: ({ context, event }) => event.type === 'REG' && (event.reg.ci !== undefined || event.reg.tac !== undefined)
      && (event.reg.ci !== context.reg?.ci || event.reg.tac !== context.reg?.tac),
    firstRetry: ({ context }) => context.retries <= 1,
    pollsExhausted: ({ context }) => context.pollFailures + 1 >= context.deps.cfg.maxPollFailures,
    useReset: ({ context }) => context.deps.driver.canHardReset && context.cycles > context.deps.cfg.cfunCyclesBeforeReset,
  },
  actions: {
    publishUp: assign(({ context }) => {
      if (!context.up) {
        const bearer = context.deps.driver.kind === 'serial' && context.deps.cfg.dataPath === 'host' ? 'host' : context.radio?.mode ?? context.deps.cfg.mode;
        const ip = context.data?.ips[0];
        context.deps.emit({ type: 'network.up', bearer, ...(ip !== undefined ? { ip } : {}) });
      }
      return { up: true, failures: 0, cycles: 0, pollFailures: 0 };
    }),
    publishDown: assign(({ context }, p: { reason: string }) => {
      if (context.up) context.deps.emit({ type: 'network.down', reason: p.reason });
      return { up: false };
    }),
    publishError: ({ context }) => {
      const e = context.lastError ?? { code: 'MODEM_ERROR', message: 'modem error' };
      context.deps.emit({ type: 'network.error', code: e.code, message: e.message, source: 'modem' });
    },
    warnPoll: ({ context, event }) => {
      const e = errOf((event as { error?: unknown }).error);
      context.deps.log?.warn({ code: e.code, err: e.message, failures: context.pollFailures, of: context.deps.cfg.maxPollFailures }, 'modem: signal poll failed');
    },
    sendConnectivity: ({ context }) => {
      context.deps.emit({ type: 'connectivity.update', values: connectivityValues(context.radio, context.data, context.reg) });
    },
    /** Keeps the TAC / cell id a registration carries (object 4 Cell ID and LAC when the cell query gives none). */
    noteReg: assign(({ context, event }) => {
      const reg = event.type === 'REG' ? event.reg : (event as { output?: Registration }).output;
      return reg && (reg.ci !== undefined || reg.tac !== undefined) && isRegistered(reg.stat) ? { reg } : { reg: context.reg };
    }),
  },
}).createMachine({
  id: 'modem',
  context: ({ input }) => ({ deps: input.deps, failures: 0, retries: 0, pollFailures: 0, cycles: 0, up: false, lastError: undefined, info: undefined, data: undefined, radio: undefined, reg: undefined }),
  initial: 'powerOn',
  on: {
    REG: { actions: 'noteReg' },
    RECONNECT: { target: '.recovering' },
    LINK_CLOSED: { target: '.closed' },
  },
  states: {
    powerOn: {
      invoke: {
        src: 'powerOn',
        input: ({ context }) => ({ d: context.deps.driver }),
        onDone: { target: 'sim', actions: assign({ info: ({ event }) => event.output }) },
        onError: { target: 'failed', actions: assign({ lastError: ({ event }) => errOf(event.error) }) },
      },
    },
    sim: {
      invoke: {
        src: 'simReady',
        input: ({ context }) => ({ d: context.deps.driver }),
        onDone: 'radio',
        onError: { target: 'failed', actions: assign({ lastError: ({ event }) => errOf(event.error) }) },
      },
    },
    radio: {
      invoke: {
        src: 'configureRadio',
        input: ({ context }) => ({ d: context.deps.driver }),
        onDone: 'attaching',
        onError: { target: 'failed', actions: assign({ lastError: ({ event }) => errOf(event.error) }) },
      },
    },
    attaching: {
      invoke: {
        src: 'registration',
        input: ({ context }) => ({ d: context.deps.driver }),
        onDone: { guard: ({ event }) => isRegistered(event.output.stat), target: 'connecting', actions: 'noteReg' },
        onError: { actions: assign({ lastError: ({ event }) => errOf(event.error) }) },
      },
      on: { REG: { guard: 'registered', target: 'connecting', actions: 'noteReg' } },
      after: {
        attach: {
          target: 'recovering',
          actions: [assign({ lastError: () => ({ code: 'ATTACH_TIMEOUT', message: 'no LTE registration within timeouts.attachMs' }) }), 'publishError'],
        },
      },
    },
    connecting: {
      invoke: {
        src: 'activateData',
        input: ({ context }) => ({ d: context.deps.driver }),
        onDone: { target: 'online', actions: assign({ data: ({ event }) => event.output }) },
        onError: { target: 'failed', actions: assign({ lastError: ({ event }) => errOf(event.error) }) },
      },
      on: { REG: [{ guard: 'notRegistered', target: 'attaching' }, { actions: 'noteReg' }] },
    },
    online: {
      entry: 'publishUp',
      initial: 'polling',
      on: {
        REG: [
          { guard: 'notRegistered', target: 'lost' },
          { guard: 'cellChanged', actions: ['noteReg', 'sendConnectivity'] },
          { actions: 'noteReg' },
        ],
        // The modem took the PDP / IP context down while attached: activate it again.
        DATA_LOST: { target: 'connecting', actions: { type: 'publishDown', params: { reason: 'PDP context lost' } } },
      },
      // Up long enough: the next failure's retry starts from timeouts.retryMs again.
      after: { stable: { actions: assign({ retries: 0 }) } },
      states: {
        polling: {
          invoke: {
            src: 'readRadio',
            input: ({ context }) => ({ d: context.deps.driver }),
            onDone: { target: 'idle', actions: [assign({ radio: ({ event }) => event.output, pollFailures: 0 }), 'sendConnectivity'] },
            // A modem that stops answering (or answers only errors) while registered and idle: maxPollFailures polls in
            // a row declare the link down, and it recovers the usual way (failed → retry → power on …).
            onError: [
              {
                guard: 'pollsExhausted',
                target: '#modem.failed',
                actions: [assign({ pollFailures: ({ context }) => context.pollFailures + 1, lastError: ({ event }) => errOf(event.error) }), 'warnPoll'],
              },
              { target: 'idle', actions: [assign({ pollFailures: ({ context }) => context.pollFailures + 1 }), 'warnPoll'] },
            ],
          },
        },
        idle: { after: { poll: 'polling' } },
      },
    },
    lost: {
      on: { REG: { guard: 'registered', target: 'online', actions: 'noteReg' } },
      after: { lossGrace: { target: 'attaching', actions: { type: 'publishDown', params: { reason: 'LTE registration lost' } } } },
    },
    failed: {
      entry: [assign({ failures: ({ context }) => context.failures + 1, retries: ({ context }) => context.retries + 1 }),
        { type: 'publishDown', params: { reason: 'modem failure' } }, 'publishError'],
      always: { guard: 'tooManyFailures', target: 'recovering' },
      after: { retry: 'powerOn' },
    },
    recovering: {
      entry: [assign({ cycles: ({ context }) => context.cycles + 1, failures: 0, retries: ({ context }) => context.retries + 1 }),
        { type: 'publishDown', params: { reason: 'modem recovery' } }],
      initial: 'backoff',
      states: {
        /** The first recovery in a while goes at once; repeated ones wait, longer each time (retryDelayMs). */
        backoff: { always: { guard: 'firstRetry', target: 'identify' }, after: { recoveryBackoff: 'identify' } },
        /** Which modem is it? One that answered ERROR to AT+CGMM / ATI at boot runs the generic profile until now. */
        identify: {
          invoke: {
            src: 'identify',
            input: ({ context }) => ({ d: context.deps.driver }),
            onDone: [{ guard: ({ event }) => event.output.changed, target: '#modem.powerOn' }, { target: 'choose' }],
            onError: 'choose',
          },
        },
        choose: { always: [{ guard: 'useReset', target: 'reset' }, { target: 'cfun' }] },
        cfun: {
          invoke: {
            src: 'recover',
            input: ({ context }) => ({ d: context.deps.driver, level: 'cfun' as const }),
            // A modem that never finished power-on (init: registration URCs, error format …) goes through it again.
            onDone: [{ guard: ({ context }) => context.info === undefined, target: '#modem.powerOn' }, { target: '#modem.attaching' }],
            onError: { target: 'wait', actions: assign({ lastError: ({ event }) => errOf(event.error) }) },
          },
        },
        reset: {
          invoke: {
            src: 'recover',
            input: ({ context }) => ({ d: context.deps.driver, level: 'reset' as const }),
            onDone: '#modem.powerOn',
            onError: { target: 'wait', actions: assign({ lastError: ({ event }) => errOf(event.error) }) },
          },
        },
        /** The cycle failed: recover again (the backoff state waits). */
        wait: { entry: 'publishError', always: { target: '#modem.recovering', reenter: true } },
      },
    },
    closed: {
      entry: [{ type: 'publishDown', params: { reason: 'serial link closed' } },
        assign({ lastError: () => ({ code: 'MODEM_LINK_CLOSED', message: 'serial link to the modem closed' }) }), 'publishError'],
      type: 'final',
    },
  },
});
