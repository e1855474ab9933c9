// updater.ts: the firmware update's machine host: runs the object 5 statechart, restores and persists its state,
// applies; the deliveries are push-session.ts (Block1 to /5/0/0) and download.ts (pull).
import { access, rm } from 'node:fs/promises';
import { createActor, fromPromise, type Actor, type AnyActorRef, type InspectionEvent, type Observer } from 'xstate';
import { backgroundClock, type Clock } from '../clock.js';
import type { FirmwareConfig } from './config-schema.js';
import { deliveryOf, firmwareMachine, stateCode, type FwSnapshot, type PackageInfo } from './machine.js';
import type { PackagePaths } from './package-file.js';
import type { Puller } from './puller.js';
import { FirmwareError, FwState, UpdateResult, type FwStateCode, type UpdateResultCode } from './results.js';
import { readFwState, writeFwState, type PersistedFw } from './state-file.js';
import { packageVersion, readVersion, runApply } from './apply.js';
import type { FirmwareDone, FirmwareUpdating, FirmwareVersion } from '../messages/index.js';
import { FirmwareFiles } from './firmware-files.js';
import { PushSession, type PushAnswer } from './push-session.js';
import type { Block1Chunk, Block1ChunkReply } from '../messages/index.js';
import { FirmwareDownload, type Scheme } from './download.js';

export type { PushAnswer } from './push-session.js';
export type { Scheme } from './download.js';

export interface FwLog {
  info(o: object | string, msg?: string): void;
  warn(o: object | string, msg?: string): void;
  error(o: object | string, msg?: string): void;
  debug(o: object | string, msg?: string): void;
}

export interface UpdaterDeps {
  config: FirmwareConfig;
  log: FwLog;
  pullers: Partial<Record<Scheme, Puller>>;
  /** Clock and timers (stall detection, retry pauses, Last State Change Time); inject simulated ones in tests. */
  timers?: Clock;
  freeBytes?: (dir: string) => Promise<number>;
  /** Called whenever a value object 5 shows changes. */
  onChange?: (v: FwValues) => void;
  /** Messages to other actors (firmware.updating / firmware.done to 'client', firmware.version to 'object:3'). */
  emit?: (to: string, msg: FirmwareUpdating | FirmwareDone | FirmwareVersion) => void;
  /** XState inspection of the machine (the runtime's inspector, see runtime/inspect.ts). */
  inspect?: Observer<InspectionEvent>;
  /** Registers the machine's actor ref with the host (ActorContext.inspect). */
  register?: (ref: AnyActorRef) => void;
}

export interface FwValues {
  state: FwStateCode;
  result: UpdateResultCode;
  uri: string;
  pkgName: string;
  pkgVersion: string;
  /** Last State Change Time, seconds since epoch. */
  changedAt: number;
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

export class FirmwareUpdater {
  private actor!: Actor<typeof firmwareMachine>;
  private readonly paths: PackagePaths;
  private readonly timers: Clock;
  private readonly now: () => number;
  private persisting: Promise<void> = Promise.resolve();
  private readonly files: FirmwareFiles;
  private readonly pushes: PushSession;
  private readonly download: FirmwareDownload;
  private last: FwValues | undefined;
  private fromVersion: string | undefined;
  private changedAt = 0;
  private running = '';
  private stopping = false;
  private readonly waiters = new Set<() => void>();

  private constructor(private readonly d: UpdaterDeps) {
    this.timers = d.timers ?? backgroundClock;
    this.now = () => this.timers.now();
    this.files = new FirmwareFiles(d.config, d.freeBytes);
    this.paths = this.files.paths;
    const common = { config: d.config, log: d.log, timers: this.timers, files: this.files };
    this.download = new FirmwareDownload({ ...common, pullers: d.pullers, stopping: () => this.stopping });
    this.pushes = new PushSession({
      ...common,
      snapshot: () => this.actor.getSnapshot(),
      send: (e) => this.actor.send(e),
      pullSettled: () => this.download.settled(),
    });
  }

  /** Restores the persisted state (finishing an update interrupted by a restart) and starts the machine. */
  static async start(d: UpdaterDeps): Promise<FirmwareUpdater> {
    const u = new FirmwareUpdater(d);
    await u.boot();
    return u;
  }

  private async boot(): Promise<void> {
    const c = this.d.config;
    const saved = await readFwState(this.paths.state);
    this.running = await readVersion(c.versionFile, c.currentVersion ?? (await packageVersion()));
    this.changedAt = saved.changedAt ?? Math.floor(this.now() / 1000);
    const restore: PersistedFw = { ...saved };
    if (saved.state === FwState.UPDATING) {
      restore.applied = saved.fromVersion !== undefined && this.running !== saved.fromVersion;
      this.d.log.info(
        { from: saved.fromVersion, running: this.running, applied: restore.applied },
        'firmware update finished across a restart',
      );
    }
    if (
      (saved.state === FwState.DOWNLOADED || (saved.state === FwState.UPDATING && restore.applied !== true)) &&
      !(await exists(this.paths.done))
    ) {
      // The package vanished (the failed apply may have consumed it): back to Idle, keeping a failed update's 8.
      restore.state = FwState.IDLE;
      restore.result = saved.state === FwState.UPDATING ? UpdateResult.UPDATE_FAILED : UpdateResult.INITIAL;
    }
    const machine = firmwareMachine.provide({
      actors: {
        download: fromPromise<PackageInfo, { uri: string }>(({ input, signal }) =>
          this.download.pull(input.uri, signal),
        ),
        apply: fromPromise<void, { pkgName: string; pkgVersion: string }>(() => this.apply()),
      },
    });
    this.actor = createActor(machine, { input: restore, ...(this.d.inspect ? { inspect: this.d.inspect } : {}) });
    this.d.register?.(this.actor);
    this.actor.subscribe({
      next: (s) => this.onSnapshot(s),
      error: (err) => this.d.log.error({ err }, 'firmware machine failed'),
    });
    this.actor.start();
    this.actor.send({ type: 'firmware.restore' });
    this.d.emit?.('object:3', { type: 'firmware.version', version: this.running });
    if (saved.state === FwState.UPDATING) {
      const success = restore.applied === true;
      if (success) await rm(this.paths.done, { force: true });
      this.d.emit?.('client', {
        type: 'firmware.done',
        result: success ? UpdateResult.SUCCESS : UpdateResult.UPDATE_FAILED,
        success,
        version: this.running,
      });
    }
  }

  /** The running firmware version (/3/0/3). */
  get version(): string {
    return this.running;
  }

  values(): FwValues {
    const s = this.actor.getSnapshot();
    return {
      state: stateCode(s),
      result: s.context.result,
      uri: s.context.uri,
      pkgName: s.context.pkgName,
      pkgVersion: s.context.pkgVersion,
      changedAt: this.changedAt,
    };
  }

  /** The snapshot (for tests and inspection). */
  snapshot(): FwSnapshot {
    return this.actor.getSnapshot();
  }

  private onSnapshot(s: FwSnapshot): void {
    if (s.matches('boot')) return; // not restored yet: nothing to show or persist
    this.pushes.onSnapshot(s); // a push ends when the machine leaves it (cancelled, reset or replaced)
    const prev = this.last;
    const v = this.values();
    if (prev !== undefined && prev.state !== v.state) {
      this.changedAt = Math.floor(this.now() / 1000);
      v.changedAt = this.changedAt;
      this.d.log.info({ from: prev.state, to: v.state, result: v.result }, 'firmware state change');
    }
    this.last = v;
    const p: PersistedFw = {
      state: v.state,
      result: v.result,
      uri: v.uri,
      pkgName: v.pkgName,
      pkgVersion: v.pkgVersion,
      changedAt: v.changedAt,
    };
    const delivery = deliveryOf(s);
    if (delivery !== undefined) p.delivery = delivery;
    if (v.state === FwState.UPDATING && this.fromVersion !== undefined) p.fromVersion = this.fromVersion;
    this.persisting = this.persisting
      .then(() => writeFwState(this.paths.state, p))
      .catch((err: unknown) => this.d.log.error({ err }, 'cannot persist firmware state'));
    if (
      prev === undefined ||
      prev.state !== v.state ||
      prev.result !== v.result ||
      prev.uri !== v.uri ||
      prev.pkgName !== v.pkgName ||
      prev.pkgVersion !== v.pkgVersion
    ) {
      this.d.onChange?.(v);
    }
    for (const w of this.waiters) w();
  }

  /** Resolves once `pred` holds for the values (and the state is persisted). */
  async waitFor(pred: (v: FwValues) => boolean): Promise<FwValues> {
    if (!pred(this.values())) {
      await new Promise<void>((resolve) => {
        const check = (): void => {
          if (pred(this.values())) {
            this.waiters.delete(check);
            resolve();
          }
        };
        this.waiters.add(check);
      });
    }
    await this.persisting;
    return this.values();
  }

  // ---- server operations ----

  /** Whether writeUri(uri) would be taken now: empty always, a URI only in Idle. */
  acceptsUri(uri: string): boolean {
    return uri === '' || this.actor.getSnapshot().matches('idle');
  }

  /** Write /5/0/1. Empty resets to Idle; a URI starts a pull (only from Idle). Returns false when refused (4.05 … ). */
  writeUri(uri: string): boolean {
    if (!this.acceptsUri(uri)) return false;
    this.actor.send({ type: 'firmware.uri', uri });
    return true;
  }

  /** Execute /5/0/2: apply the downloaded package. Returns false unless in Downloaded. */
  update(): boolean {
    if (!this.actor.getSnapshot().matches('downloaded')) return false;
    this.fromVersion = this.running;
    this.actor.send({ type: 'firmware.update' });
    return true;
  }

  /** Execute /5/0/10: cancel a download or a downloaded package (result 10). */
  cancel(): boolean {
    const s = this.actor.getSnapshot();
    if (!s.matches('downloading') && !s.matches('downloaded')) return false;
    this.actor.send({ type: 'firmware.cancel' });
    void this.files.discard();
    return true;
  }

  /**
   * Write /5/0/0 (one Block1 chunk, or a whole small package). Chunks are handled one at a time, in order of arrival.
   */
  async push(chunk: Block1Chunk): Promise<PushAnswer> {
    return (await this.pushBlock(chunk)).code;
  }

  /** push() with the options of the answer (Size1, Max-Age). */
  pushBlock(chunk: Block1Chunk): Promise<Block1ChunkReply<PushAnswer>> {
    return this.pushes.pushBlock(chunk);
  }

  // ---- apply ----

  private async apply(): Promise<void> {
    const c = this.d.config;
    const s = this.actor.getSnapshot().context;
    this.d.emit?.('client', { type: 'firmware.updating', pkgName: s.pkgName, pkgVersion: s.pkgVersion });
    await this.persisting;
    try {
      if (c.applyCommand === undefined)
        throw new FirmwareError(UpdateResult.UPDATE_FAILED, 'FW_NO_APPLY', 'firmware.applyCommand is not configured');
      this.d.log.info({ command: c.applyCommand, pkg: this.paths.done }, 'applying firmware package');
      await runApply(this.paths.done, {
        command: c.applyCommand,
        args: c.applyArgs,
        timeoutMs: c.applyTimeoutMs,
        onOutput: (line, stream) => this.d.log.info({ stream, line }, 'apply command output'),
      });
    } catch (err) {
      if (this.stopping) throw err;
      this.d.log.error({ err }, 'firmware update failed; the old version keeps running');
      this.d.emit?.('client', {
        type: 'firmware.done',
        result: UpdateResult.UPDATE_FAILED,
        success: false,
        version: this.running,
      });
      throw err;
    }
    // Stopped while the command ran (it restarted us): the next start reports the outcome.
    if (this.stopping) return;
    const before = this.running;
    this.running =
      c.versionFile !== undefined
        ? await readVersion(c.versionFile, before)
        : s.pkgVersion !== ''
          ? s.pkgVersion
          : before;
    await rm(this.paths.done, { force: true });
    this.d.log.info({ from: before, to: this.running }, 'firmware updated');
    this.d.emit?.('object:3', { type: 'firmware.version', version: this.running });
    this.d.emit?.('client', {
      type: 'firmware.done',
      result: UpdateResult.SUCCESS,
      success: true,
      version: this.running,
    });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.pushes.stop();
    this.actor.stop();
    await this.persisting;
  }
}
