// machine.ts: the object 5 firmware update state machine (XState v5): Idle → Downloading → Downloaded → Updating →
// Idle.
import { assign, fromPromise, setup, type SnapshotFrom } from 'xstate';
import { CodedError } from '../errors.js';
import { FwState, UpdateResult, resultOf, type FwStateCode, type UpdateResultCode } from './results.js';

/** What a finished download (pull or push) knows about the package. */
export interface PackageInfo {
  pkgName: string;
  pkgVersion: string;
}

/** Persisted / restored state: where the machine starts after a restart. */
export interface FwRestore {
  state: FwStateCode;
  result: UpdateResultCode;
  uri: string;
  pkgName: string;
  pkgVersion: string;
  /** For state UPDATING: did the apply take effect (the running version changed)? */
  applied?: boolean;
  /** For state DOWNLOADING: 'pull' resumes, 'push' cannot (the server must push again). */
  delivery?: 'pull' | 'push';
}

export interface FwContext {
  result: UpdateResultCode;
  uri: string;
  pkgName: string;
  pkgVersion: string;
  restore: FwRestore;
}

export type FwEvent =
  | { type: 'firmware.uri'; uri: string }
  | { type: 'firmware.push' }
  | { type: 'firmware.push-done'; info: PackageInfo }
  | { type: 'firmware.push-failed'; result: UpdateResultCode }
  | { type: 'firmware.reset' }
  | { type: 'firmware.cancel' }
  | { type: 'firmware.update' }
  | { type: 'firmware.restore' };

export const IDLE_RESTORE: FwRestore = {
  state: FwState.IDLE,
  result: UpdateResult.INITIAL,
  uri: '',
  pkgName: '',
  pkgVersion: '',
};

const notProvided = (name: string) => (): Promise<never> =>
  Promise.reject(new CodedError('NOT_PROVIDED', `firmware service ${name} is not provided`));

export const firmwareMachine = setup({
  types: {
    context: {} as FwContext,
    events: {} as FwEvent,
    input: {} as FwRestore | undefined,
  },
  actors: {
    /** Pulls the package at `uri`, checks it, resolves with its name/version; rejects with a FirmwareError. */
    download: fromPromise<PackageInfo, { uri: string }>(notProvided('download')),
    /** Runs the apply command on the downloaded package; rejects when it fails. */
    apply: fromPromise<void, { pkgName: string; pkgVersion: string }>(notProvided('apply')),
  },
  guards: {
    restoreIdle: ({ context }) => context.restore.state === FwState.IDLE,
    restoreDownloaded: ({ context }) => context.restore.state === FwState.DOWNLOADED,
    restorePull: ({ context }) =>
      context.restore.state === FwState.DOWNLOADING &&
      context.restore.delivery !== 'push' &&
      context.restore.uri !== '',
    restoreApplied: ({ context }) => context.restore.state === FwState.UPDATING && context.restore.applied === true,
    restoreNotApplied: ({ context }) => context.restore.state === FwState.UPDATING && context.restore.applied !== true,
    nonEmptyUri: ({ event }) => event.type === 'firmware.uri' && event.uri !== '',
    emptyUri: ({ event }) => event.type === 'firmware.uri' && event.uri === '',
  },
  actions: {
    startDownload: assign(({ event }) => ({
      result: UpdateResult.INITIAL,
      uri: event.type === 'firmware.uri' ? event.uri : '',
      pkgName: '',
      pkgVersion: '',
    })),
    clear: assign({ result: UpdateResult.INITIAL, uri: '', pkgName: '', pkgVersion: '' }),
    cancelled: assign({ result: UpdateResult.CANCELLED, uri: '', pkgName: '', pkgVersion: '' }),
    pushFailed: assign(({ event }) => ({
      result: event.type === 'firmware.push-failed' ? event.result : UpdateResult.CONNECTION_LOST,
    })),
    pushDone: assign(({ event }) => (event.type === 'firmware.push-done' ? { ...event.info } : {})),
    resetResult: assign({ result: UpdateResult.INITIAL }),
  },
}).createMachine({
  id: 'firmware',
  context: ({ input }) => {
    const r = input ?? IDLE_RESTORE;
    return { result: r.result, uri: r.uri, pkgName: r.pkgName, pkgVersion: r.pkgVersion, restore: r };
  },
  initial: 'boot',
  states: {
    boot: {
      // The host sends firmware.restore once after start (an event rather than `always`, so diagrams show these edges).
      on: {
        'firmware.restore': [
          { guard: 'restoreIdle', target: 'idle' },
          { guard: 'restoreDownloaded', target: 'downloaded' },
          { guard: 'restorePull', target: 'downloading.pull' },
          { guard: 'restoreApplied', target: 'idle', actions: assign({ result: UpdateResult.SUCCESS, uri: '' }) },
          { guard: 'restoreNotApplied', target: 'downloaded', actions: assign({ result: UpdateResult.UPDATE_FAILED }) },
          // An interrupted push cannot resume: the server has to push again.
          {
            target: 'idle',
            actions: assign({ result: UpdateResult.CONNECTION_LOST, uri: '', pkgName: '', pkgVersion: '' }),
          },
        ],
      },
    },
    idle: {
      on: {
        'firmware.uri': [
          { guard: 'nonEmptyUri', target: 'downloading.pull', actions: 'startDownload' },
          { guard: 'emptyUri', target: 'idle', actions: 'clear' },
        ],
        'firmware.push': { target: 'downloading.push', actions: 'startDownload' },
        'firmware.reset': { target: 'idle', actions: 'clear' },
      },
    },
    downloading: {
      initial: 'pull',
      on: {
        'firmware.reset': { target: 'idle', actions: 'clear' },
        'firmware.cancel': { target: 'idle', actions: 'cancelled' },
        'firmware.uri': { guard: 'emptyUri', target: 'idle', actions: 'clear' },
      },
      states: {
        pull: {
          invoke: {
            id: 'download',
            src: 'download',
            input: ({ context }) => ({ uri: context.uri }),
            onDone: { target: '#firmware.downloaded', actions: assign(({ event }) => ({ ...event.output })) },
            onError: { target: '#firmware.idle', actions: assign(({ event }) => ({ result: resultOf(event.error) })) },
          },
          on: { 'firmware.push': { target: 'push', actions: 'startDownload' } },
        },
        push: {
          on: {
            'firmware.push': { target: 'push', reenter: true, actions: 'startDownload' },
            'firmware.push-done': { target: '#firmware.downloaded', actions: 'pushDone' },
            'firmware.push-failed': { target: '#firmware.idle', actions: 'pushFailed' },
          },
        },
      },
    },
    downloaded: {
      on: {
        'firmware.update': { target: 'updating', actions: 'resetResult' },
        'firmware.reset': { target: 'idle', actions: 'clear' },
        'firmware.uri': { guard: 'emptyUri', target: 'idle', actions: 'clear' },
        'firmware.cancel': { target: 'idle', actions: 'cancelled' },
      },
    },
    updating: {
      invoke: {
        id: 'apply',
        src: 'apply',
        input: ({ context }) => ({ pkgName: context.pkgName, pkgVersion: context.pkgVersion }),
        onDone: { target: 'idle', actions: assign({ result: UpdateResult.SUCCESS, uri: '' }) },
        onError: { target: 'downloaded', actions: assign({ result: UpdateResult.UPDATE_FAILED }) },
      },
    },
  },
});

export type FwSnapshot = SnapshotFrom<typeof firmwareMachine>;

/** /5/0/3 State of a snapshot. */
export function stateCode(s: FwSnapshot): FwStateCode {
  if (s.matches('downloading')) return FwState.DOWNLOADING;
  if (s.matches('downloaded')) return FwState.DOWNLOADED;
  if (s.matches('updating')) return FwState.UPDATING;
  return FwState.IDLE;
}

/** 'pull' / 'push' while downloading. */
export function deliveryOf(s: FwSnapshot): 'pull' | 'push' | undefined {
  if (s.matches({ downloading: 'pull' })) return 'pull';
  if (s.matches({ downloading: 'push' })) return 'push';
  return undefined;
}
