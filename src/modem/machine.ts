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
}

export type ModemEvent =
  | { type: 'REG'; reg: Registration }
  | { type: 'RECONNECT' }
  | { type: 'LINK_CLOSED'; reason: string };

interface Ctx {
  deps: ModemMachineDeps;
  failures: number;
  cycles: number;
  up: boolean;
  lastError: { code: string; message: string } | undefined;
  info: PowerOnInfo | undefined;
  data: DataInfo | undefined;
  radio: RadioSnapshot | undefined;
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
  },
  delays: {
    retry: ({ context }) => context.deps.cfg.timeouts.retryMs,
    attach: ({ context }) => context.deps.cfg.timeouts.attachMs,
    signalInterval: ({ context }) => context.deps.cfg.timeouts.signalIntervalMs,
    lossGrace: ({ context }) => context.deps.cfg.timeouts.lossGraceMs,
  },
  guards: {
    registered: ({ event }) => event.type === 'REG' && isRegistered(event.reg.stat),
    notRegistered: ({ event }) => event.type === 'REG' && !isRegistered(event.reg.stat),
    tooManyFailures: ({ context }) => context.failures >= 3,
    useReset: ({ context }) => context.deps.driver.canHardReset && context.cycles > context.deps.cfg.cfunCyclesBeforeReset,
  },
  actions: {
    publishUp: assign(({ context }) => {
      if (!context.up) {
        const bearer = context.deps.driver.kind === 'serial' && context.deps.cfg.dataPath === 'host' ? 'host' : context.radio?.mode ?? context.deps.cfg.mode;
        const ip = context.data?.ips[0];
        context.deps.emit({ type: 'network.up', bearer, ...(ip !== undefined ? { ip } : {}) });
      }
      return { up: true, failures: 0, cycles: 0 };
    }),
    publishDown: assign(({ context }, p: { reason: string }) => {
      if (context.up) context.deps.emit({ type: 'network.down', reason: p.reason });
      return { up: false };
    }),
    publishError: ({ context }) => {
      const e = context.lastError ?? { code: 'MODEM_ERROR', message: 'modem error' };
      context.deps.emit({ type: 'network.error', code: e.code, message: e.message, source: 'modem' });
    },
    sendConnectivity: ({ context }) => {
      context.deps.emit({ type: 'connectivity.update', values: connectivityValues(context.radio, context.data) });
    },
  },
}).createMachine({
  id: 'modem',
  context: ({ input }) => ({ deps: input.deps, failures: 0, cycles: 0, up: false, lastError: undefined, info: undefined, data: undefined, radio: undefined }),
  initial: 'powerOn',
  on: {
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
        onDone: { guard: ({ event }) => isRegistered(event.output.stat), target: 'connecting' },
        onError: { actions: assign({ lastError: ({ event }) => errOf(event.error) }) },
      },
      on: { REG: { guard: 'registered', target: 'connecting' } },
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
      on: { REG: { guard: 'notRegistered', target: 'attaching' } },
    },
    online: {
      entry: 'publishUp',
      initial: 'polling',
      on: { REG: { guard: 'notRegistered', target: 'lost' } },
      states: {
        polling: {
          invoke: {
            src: 'readRadio',
            input: ({ context }) => ({ d: context.deps.driver }),
            onDone: { target: 'idle', actions: [assign({ radio: ({ event }) => event.output }), 'sendConnectivity'] },
            onError: 'idle',
          },
        },
        idle: { after: { signalInterval: 'polling' } },
      },
    },
    lost: {
      on: { REG: { guard: 'registered', target: 'online' } },
      after: { lossGrace: { target: 'attaching', actions: { type: 'publishDown', params: { reason: 'LTE registration lost' } } } },
    },
    failed: {
      entry: [assign({ failures: ({ context }) => context.failures + 1 }), { type: 'publishDown', params: { reason: 'modem failure' } }, 'publishError'],
      always: { guard: 'tooManyFailures', target: 'recovering' },
      after: { retry: 'powerOn' },
    },
    recovering: {
      entry: [assign({ cycles: ({ context }) => context.cycles + 1, failures: 0 }), { type: 'publishDown', params: { reason: 'modem recovery' } }],
      initial: 'choose',
      states: {
        choose: { always: [{ guard: 'useReset', target: 'reset' }, { target: 'cfun' }] },
        cfun: {
          invoke: {
            src: 'recover',
            input: ({ context }) => ({ d: context.deps.driver, level: 'cfun' as const }),
            onDone: '#modem.attaching',
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
        wait: { entry: 'publishError', after: { retry: { target: '#modem.recovering', reenter: true } } },
      },
    },
    closed: {
      entry: [{ type: 'publishDown', params: { reason: 'serial link closed' } },
        assign({ lastError: () => ({ code: 'MODEM_LINK_CLOSED', message: 'serial link to the modem closed' }) }), 'publishError'],
      type: 'final',
    },
  },
});
