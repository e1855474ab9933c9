// machine.ts: the lifecycle statechart of an object actor (and of a hosted plugin actor): starting → ready ⇄
// busy → stopping → stopped.
import { assign, setup } from 'xstate';

export interface ObjectMachineContext {
  /** Object ID (−1 for a plugin actor that hosts no object). */
  objectId: number;
  /** Operations in progress (busy while > 0). */
  pending: number;
  /** The last operation that made the actor busy. */
  lastOp?: string;
  /** Observations running. */
  observations: number;
  /** Notifications sent. */
  notified: number;
  /** Why start failed. */
  failure?: { code: string; message: string };
}

export type ObjectMachineEvent =
  | { type: 'object.started' }
  | { type: 'object.start-failed'; code: string; message: string }
  /** An operation that may change the object began (reads do not go through the machine: the Read path stays lean). */
  | { type: 'object.request'; op: string }
  | { type: 'object.done' }
  /** The number of observations after an Observe, a cancel or an observation's end. */
  | { type: 'object.observe'; count: number }
  | { type: 'object.notify' }
  | { type: 'object.stop' }
  | { type: 'object.stopped' };

/** The lifecycle; `announce` (tell the device the object is up) is provided by the adapter that hosts the actor. */
export const objectMachine = setup({
  types: {
    context: {} as ObjectMachineContext,
    events: {} as ObjectMachineEvent,
    input: {} as { objectId: number },
  },
  actions: {
    begin: assign({
      pending: ({ context }) => context.pending + 1,
      lastOp: ({ context, event }) => (event.type === 'object.request' ? event.op : context.lastOp),
    }),
    finish: assign({ pending: ({ context }) => Math.max(0, context.pending - 1) }),
    countObservations: assign({
      observations: ({ context, event }) => (event.type === 'object.observe' ? event.count : context.observations),
    }),
    countNotification: assign({ notified: ({ context }) => context.notified + 1 }),
    recordFailure: assign({
      failure: ({ event }) =>
        event.type === 'object.start-failed' ? { code: event.code, message: event.message } : undefined,
    }),
    announce: () => undefined,
  },
  guards: {
    lastOperation: ({ context }) => context.pending <= 1,
  },
}).createMachine({
  id: 'object',
  initial: 'starting',
  context: ({ input }) => ({ objectId: input.objectId, pending: 0, observations: 0, notified: 0 }),
  on: {
    'object.observe': { actions: 'countObservations' },
    'object.notify': { actions: 'countNotification' },
  },
  states: {
    starting: {
      on: {
        'object.started': { target: 'ready', actions: 'announce' },
        'object.start-failed': { target: 'stopped', actions: 'recordFailure' },
        'object.stop': 'stopping',
      },
    },
    ready: {
      on: {
        'object.request': { target: 'busy', actions: 'begin' },
        'object.stop': 'stopping',
      },
    },
    busy: {
      on: {
        'object.request': { actions: 'begin' },
        'object.done': [{ guard: 'lastOperation', target: 'ready', actions: 'finish' }, { actions: 'finish' }],
        'object.stop': 'stopping',
      },
    },
    stopping: {
      on: { 'object.stopped': 'stopped' },
    },
    stopped: { type: 'final' },
  },
});

/** Operations that go through the machine (busy while they run): the ones that change the object or act. */
export const TRACKED_OPERATIONS: ReadonlySet<string> = new Set([
  'write',
  'write-update',
  'write-records',
  'write-attributes',
  'create',
  'delete',
  'execute',
]);
