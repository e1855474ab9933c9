// updater.ts: the firmware update itself: runs the object 5 machine, pulls and receives pushed packages to disk, checks, applies, persists.
import { access, rm, readFile, writeFile } from 'node:fs/promises';
import { createActor, fromPromise, type Actor, type AnyActorRef, type InspectionEvent, type Observer } from 'xstate';
import { realTimers, type Timers } from '../coap/timers.js';
import { fitBlock1, type Block1Progress } from '../coap/block1-sequence.js';
import type { FirmwareConfig } from './config-schema.js';
import { verifyPackage } from './integrity.js';
import { deliveryOf, firmwareMachine, stateCode, type FwSnapshot, type PackageInfo } from './machine.js';
import { PackageSink, packagePaths, partialBytes, removePackage, type PackagePaths } from './package-file.js';
import { Progress } from './progress.js';
import type { Puller } from './puller.js';
import { FirmwareError, FwState, UpdateResult, resultOf, type FwStateCode, type UpdateResultCode } from './results.js';
import { readFwState, writeFwState, type PersistedFw } from './state-file.js';
import { packageVersion, readVersion, runApply } from './apply.js';
import type { FirmwareDone, FirmwareUpdating, FirmwareVersion } from './messages.js';
import { FILE_MODE } from '../runtime/durable-fs.js';

export interface FwLog {
  info(o: object | string, msg?: string): void;
  warn(o: object | string, msg?: string): void;
  error(o: object | string, msg?: string): void;
  debug(o: object | string, msg?: string): void;
}

export type Scheme = 'coap:' | 'coaps:' | 'http:' | 'https:';

export interface UpdaterDeps {
  config: FirmwareConfig;
  log: FwLog;
  pullers: Partial<Record<Scheme, Puller>>;
  /** Clock and timers (stall detection, retry pauses, Last State Change Time); inject simulated ones in tests. */
  timers?: Timers;
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

/** One Block1 chunk of a push (a write without Block1 is num 0, more false). */
export interface PushChunk {
  num: number;
  size: number;
  more: boolean;
  payload: Uint8Array;
  /** Size1 option: the total size, when the sender announced it. */
  total?: number;
  /** Who sends it (socket and peer address); a block from another source never joins the transfer in progress. */
  source?: string;
  /** The request's token (hex): a sender that keeps one token per transfer (Leshan) is told apart by it. */
  token?: string;
}

/** CoAP answer to a push chunk: 2.31 Continue, 2.04 Changed, or an error. */
export type PushAnswer = '2.31' | '2.04' | '4.00' | '4.05' | '4.08' | '4.13' | '5.00' | '5.03';

/** The answer with its options: Size1 (largest package accepted) with 4.13, Max-Age (seconds) with 5.03. */
export interface PushReply { code: PushAnswer; size1?: number; maxAge?: number }

/** The one push in progress: its sender, how far it got, and its stall timer. */
interface PushSession {
  source: string;
  /** Token of its first block (undefined when the sender gave none). */
  token: string | undefined;
  /** Tokens of second transfers refused while this one runs: their later blocks get 4.08 and change nothing. */
  refused: string[];
  progress: Block1Progress;
  total: number | undefined;
  lastAt: number;
  stall: unknown;
}

/** Refused tokens remembered per push. */
const MAX_REFUSED_TOKENS = 16;

interface PartMeta { uri: string; validator?: string }

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

const SCHEMES: readonly string[] = ['coap:', 'coaps:', 'http:', 'https:'];

export class FirmwareUpdater {
  private actor!: Actor<typeof firmwareMachine>;
  private readonly paths: PackagePaths;
  private readonly timers: Timers;
  private readonly now: () => number;
  private persisting: Promise<void> = Promise.resolve();
  private pushQueue: Promise<unknown> = Promise.resolve();
  private sink: PackageSink | undefined;
  private session: PushSession | undefined;
  private pushProgress: Progress | undefined;
  private last: FwValues | undefined;
  private fromVersion: string | undefined;
  private changedAt = 0;
  private running = '';
  /** Settles when the last pull has finished cleaning up (a new pull or push waits for it). */
  private pullSettled: Promise<void> = Promise.resolve();
  private stopping = false;
  private readonly waiters = new Set<() => void>();

  private constructor(private readonly d: UpdaterDeps) {
    this.paths = packagePaths(d.config.dir);
    this.timers = d.timers ?? realTimers;
    this.now = () => this.timers.now();
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
      this.d.log.info({ from: saved.fromVersion, running: this.running, applied: restore.applied }, 'firmware update finished across a restart');
    }
    if ((saved.state === FwState.DOWNLOADED || (saved.state === FwState.UPDATING && restore.applied !== true)) && !(await exists(this.paths.done))) {
      // The package vanished (the failed apply may have consumed it): back to Idle, keeping a failed update's 8.
      restore.state = FwState.IDLE;
      restore.result = saved.state === FwState.UPDATING ? UpdateResult.UPDATE_FAILED : UpdateResult.INITIAL;
    }
    const machine = firmwareMachine.provide({
      actors: {
        download: fromPromise<PackageInfo, { uri: string }>(({ input, signal }) => this.pull(input.uri, signal)),
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
    this.actor.send({ type: 'fw.restore' });
    this.d.emit?.('object:3', { type: 'firmware.version', version: this.running });
    if (saved.state === FwState.UPDATING) {
      const success = restore.applied === true;
      if (success) await rm(this.paths.done, { force: true });
      this.d.emit?.('client', { type: 'firmware.done', result: success ? UpdateResult.SUCCESS : UpdateResult.UPDATE_FAILED, success, version: this.running });
    }
  }

  /** The running firmware version (/3/0/3). */
  get version(): string {
    return this.running;
  }

  values(): FwValues {
    const s = this.actor.getSnapshot();
    return {
      state: stateCode(s), result: s.context.result, uri: s.context.uri,
      pkgName: s.context.pkgName, pkgVersion: s.context.pkgVersion, changedAt: this.changedAt,
    };
  }

  /** The snapshot (for tests and inspection). */
  snapshot(): FwSnapshot {
    return this.actor.getSnapshot();
  }

  private onSnapshot(s: FwSnapshot): void {
    if (s.matches('boot')) return; // not restored yet: nothing to show or persist
    if (this.session !== undefined && !s.matches({ downloading: 'push' })) this.endSession(); // cancelled, reset or replaced
    const prev = this.last;
    const v = this.values();
    if (prev !== undefined && prev.state !== v.state) {
      this.changedAt = Math.floor(this.now() / 1000);
      v.changedAt = this.changedAt;
      this.d.log.info({ from: prev.state, to: v.state, result: v.result }, 'firmware state change');
    }
    this.last = v;
    const p: PersistedFw = { state: v.state, result: v.result, uri: v.uri, pkgName: v.pkgName, pkgVersion: v.pkgVersion, changedAt: v.changedAt };
    const delivery = deliveryOf(s);
    if (delivery !== undefined) p.delivery = delivery;
    if (v.state === FwState.UPDATING && this.fromVersion !== undefined) p.fromVersion = this.fromVersion;
    this.persisting = this.persisting
      .then(() => writeFwState(this.paths.state, p))
      .catch((err: unknown) => this.d.log.error({ err }, 'cannot persist firmware state'));
    if (prev === undefined || prev.state !== v.state || prev.result !== v.result || prev.uri !== v.uri || prev.pkgName !== v.pkgName || prev.pkgVersion !== v.pkgVersion) {
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

  /** Write /5/0/1. Empty resets to Idle; a URI starts a pull (only from Idle). Returns false when refused (4.05 … ). */
  writeUri(uri: string): boolean {
    const s = this.actor.getSnapshot();
    if (uri !== '' && !s.matches('idle')) return false;
    this.actor.send({ type: 'fw.uri', uri });
    return true;
  }

  /** Execute /5/0/2: apply the downloaded package. Returns false unless in Downloaded. */
  update(): boolean {
    if (!this.actor.getSnapshot().matches('downloaded')) return false;
    this.fromVersion = this.running;
    this.actor.send({ type: 'fw.update' });
    return true;
  }

  /** Execute /5/0/10: cancel a download or a downloaded package (result 10). */
  cancel(): boolean {
    const s = this.actor.getSnapshot();
    if (!s.matches('downloading') && !s.matches('downloaded')) return false;
    this.actor.send({ type: 'fw.cancel' });
    void this.discard();
    return true;
  }

  /** Write /5/0/0 (one Block1 chunk, or a whole small package). Chunks are handled one at a time, in order of arrival. */
  async push(chunk: PushChunk): Promise<PushAnswer> {
    return (await this.pushBlock(chunk)).code;
  }

  /** push() with the options of the answer (Size1, Max-Age). */
  pushBlock(chunk: PushChunk): Promise<PushReply> {
    const next = this.pushQueue.then(() => this.pushOne(chunk));
    this.pushQueue = next.catch(() => undefined);
    return next;
  }

  /**
   * One transfer at a time (RFC 7959 §2.5 lets a server refuse what it cannot interleave): a first block (NUM 0) from
   * another source, or from the same source with another token, while a push runs → 5.03 with Max-Age (when its stall
   * timeout would end it); a later block from another source or a refused token → 4.08, the push goes on. A block
   * of the push itself that does not fit (fitBlock1: overlap, gap, short, oversized, Size1 broken) ends it as a
   * failed download (Idle, result 4; 2 beyond maxPackageBytes) and gets its error code.
   */
  private async pushOne(c: PushChunk): Promise<PushReply> {
    const s = this.actor.getSnapshot();
    const source = c.source ?? '';
    const live = this.session !== undefined && this.sink !== undefined && s.matches({ downloading: 'push' }) ? this.session : undefined;
    if (c.num === 0 && !c.more && c.payload.byteLength === 0) {
      // Empty package: reset to Idle.
      if (s.matches('updating')) return { code: '4.05' };
      this.endSession();
      await this.closeSink();
      this.actor.send({ type: 'fw.reset' });
      await this.pullSettled;
      await this.discard();
      return { code: '2.04' };
    }
    if (c.num === 0) {
      if (live !== undefined && (live.source !== source || (c.token !== undefined && live.token !== undefined && c.token !== live.token))) {
        if (c.token !== undefined && !live.refused.includes(c.token)) live.refused = [...live.refused, c.token].slice(-MAX_REFUSED_TOKENS);
        this.d.log.warn({ source, bytes: live.progress.received }, 'second firmware push refused: another transfer is in progress');
        return { code: '5.03', maxAge: Math.max(1, Math.ceil((live.lastAt + this.d.config.pushStallTimeoutMs - this.now()) / 1000)) };
      }
      if (s.matches('updating')) return { code: '4.05' };
      this.endSession();
      await this.closeSink();
      if (s.matches('downloaded')) this.actor.send({ type: 'fw.reset' });
      this.actor.send({ type: 'fw.push' });
      await this.pullSettled; // a pull this push replaced cleans up its files first
      await rm(this.partMetaPath(), { force: true });
      try {
        this.sink = await PackageSink.open(this.d.config.dir, this.limits(), false);
        if (c.total !== undefined) await this.sink.expect(c.total);
      } catch (err) {
        return this.pushFailed(err);
      }
      this.session = { source, token: c.token, refused: [], progress: { received: 0 }, total: c.total, lastAt: this.now(), stall: undefined };
      this.pushProgress = new Progress(this.d.log, this.d.config.progressIntervalMs, this.now, 0, 'push');
      this.pushProgress.setTotal(c.total);
    } else if (live === undefined || live.source !== source || (c.token !== undefined && live.refused.includes(c.token))) {
      return { code: '4.08' }; // not a block of the transfer in progress (if any): it goes on untouched
    }
    const session = this.session;
    const sink = this.sink;
    if (session === undefined || sink === undefined) return { code: '5.00' };
    if (c.total !== undefined && session.total !== undefined && c.total !== session.total) {
      return this.breakPush('4.08', `Size1 changed from ${session.total} to ${c.total}`);
    }
    const len = c.payload.byteLength;
    const fit = fitBlock1(session.progress, c, len);
    if (fit.kind === 'error') return this.breakPush(fit.code, fit.reason);
    if (fit.kind === 'repeat') {
      this.armStall(session);
      return { code: '2.31' };
    }
    const end = fit.offset + len;
    if (session.total !== undefined && (end > session.total || (!c.more && end !== session.total))) {
      return this.breakPush('4.08', `package of ${end} bytes, Size1 announced ${session.total}`);
    }
    try {
      await sink.write(fit.offset, c.payload);
    } catch (err) {
      return this.pushFailed(err);
    }
    session.progress = { received: end, last: { offset: fit.offset, length: len, more: c.more } };
    this.pushProgress?.update(sink.bytes);
    if (c.more) {
      this.armStall(session);
      return { code: '2.31' };
    }
    this.endSession();
    this.sink = undefined;
    this.pushProgress?.end(sink.bytes);
    try {
      await sink.finish();
      const info = await this.verify();
      this.actor.send({ type: 'fw.push-done', info });
    } catch (err) {
      await this.discard();
      this.d.log.warn({ err, result: resultOf(err) }, 'pushed firmware package rejected');
      this.actor.send({ type: 'fw.push-failed', result: resultOf(err) });
    }
    return { code: '2.04' };
  }

  /** (Re)starts the push's stall timer: no block for pushStallTimeoutMs ends it as a failed download. */
  private armStall(session: PushSession): void {
    session.lastAt = this.now();
    this.timers.clearTimeout(session.stall);
    session.stall = this.timers.setTimeout(() => {
      this.pushQueue = this.pushQueue.then(async () => {
        if (this.session !== session || !this.actor.getSnapshot().matches({ downloading: 'push' })) return;
        await this.failPush(UpdateResult.CONNECTION_LOST, { code: 'FW_PUSH_STALLED', bytes: session.progress.received }, `firmware push stalled: no block for ${this.d.config.pushStallTimeoutMs} ms`);
      }).catch(() => undefined);
    }, this.d.config.pushStallTimeoutMs);
  }

  private endSession(): void {
    const s = this.session;
    this.session = undefined;
    if (s !== undefined) this.timers.clearTimeout(s.stall);
  }

  /** A block of the push itself that breaks it: the push ends as a failed download (result 4) and the block gets `code`. */
  private async breakPush(code: '4.00' | '4.08' | '4.13', reason: string): Promise<PushReply> {
    await this.failPush(UpdateResult.CONNECTION_LOST, { code: 'FW_PUSH_BROKEN', answer: code }, `firmware push ended: ${reason}`);
    return code === '4.13' ? { code, size1: this.d.config.maxPackageBytes } : { code };
  }

  /** Ends the push in progress: partial file removed, Idle with `result`. */
  private async failPush(result: UpdateResultCode, o: object, msg: string): Promise<void> {
    this.d.log.warn({ ...o, result }, msg);
    this.endSession();
    await this.closeSink();
    await this.discard();
    this.actor.send({ type: 'fw.push-failed', result });
  }

  private async pushFailed(err: unknown): Promise<PushReply> {
    const result = resultOf(err);
    await this.failPush(result, { err }, 'firmware push failed');
    return result === UpdateResult.NOT_ENOUGH_FLASH ? { code: '4.13', size1: this.d.config.maxPackageBytes } : { code: '5.00' };
  }

  private async closeSink(): Promise<void> {
    const s = this.sink;
    this.sink = undefined;
    await s?.close().catch(() => undefined);
  }

  private limits(): { maxPackageBytes: number; reserveBytes: number; freeBytes?: (dir: string) => Promise<number> } {
    const c = this.d.config;
    return { maxPackageBytes: c.maxPackageBytes, reserveBytes: c.reserveBytes, ...(this.d.freeBytes ? { freeBytes: this.d.freeBytes } : {}) };
  }

  private partMetaPath(): string {
    return `${this.paths.part}.json`;
  }

  private async discard(): Promise<void> {
    await removePackage(this.d.config.dir);
    await rm(this.partMetaPath(), { force: true });
  }

  private verify(): Promise<PackageInfo> {
    const c = this.d.config;
    return verifyPackage(this.paths.done, { sha256: c.sha256, requireManifest: c.requireManifest, acceptTypes: c.acceptTypes, maxPackageBytes: c.maxPackageBytes });
  }

  // ---- pull ----

  private async pull(uriText: string, signal: AbortSignal): Promise<PackageInfo> {
    const previous = this.pullSettled;
    let settle!: () => void;
    this.pullSettled = new Promise<void>((r) => { settle = r; });
    try {
      await previous;
      return await this.pullNow(uriText, signal);
    } finally {
      settle();
    }
  }

  private async pullNow(uriText: string, signal: AbortSignal): Promise<PackageInfo> {
    let uri: URL;
    try {
      uri = new URL(uriText);
    } catch (err) {
      throw new FirmwareError(UpdateResult.INVALID_URI, 'FW_URI_INVALID', `not a URI: ${uriText}`, { cause: err });
    }
    if (uriText.length > 255 || uri.hostname === '') throw new FirmwareError(UpdateResult.INVALID_URI, 'FW_URI_INVALID', `invalid package URI: ${uriText}`);
    const puller = SCHEMES.includes(uri.protocol) ? this.d.pullers[uri.protocol as Scheme] : undefined;
    if (puller === undefined) throw new FirmwareError(UpdateResult.UNSUPPORTED_PROTOCOL, 'FW_URI_PROTOCOL', `protocol ${uri.protocol} is not supported`);
    const c = this.d.config;
    let meta: PartMeta | undefined;
    try {
      meta = JSON.parse(await readFile(this.partMetaPath(), 'utf8')) as PartMeta;
    } catch {
      meta = undefined;
    }
    const resume = meta?.uri === uriText && (await partialBytes(c.dir)) > 0;
    await rm(this.paths.done, { force: true });
    const sink = await PackageSink.open(c.dir, this.limits(), resume);
    let validator = resume ? meta?.validator : undefined;
    const saveMeta = (): Promise<void> => writeFile(this.partMetaPath(), JSON.stringify({ uri: uriText, ...(validator !== undefined ? { validator } : {}) }), { mode: FILE_MODE });
    await saveMeta();
    if (resume) this.d.log.info({ uri: uriText, bytes: sink.bytes }, 'resuming firmware download');
    let ok = false;
    try {
      for (let attempt = 0; ; attempt++) {
        if (signal.aborted) throw new FirmwareError(UpdateResult.CANCELLED, 'FW_ABORTED', 'download aborted');
        const progress = new Progress(this.d.log, c.progressIntervalMs, this.now, sink.bytes, uri.protocol);
        try {
          await this.attempt(puller, uri, sink, signal, progress, validator, (v) => {
            if (v !== validator) {
              validator = v;
              void saveMeta().catch(() => undefined);
            }
          });
          progress.end(sink.bytes);
          break;
        } catch (err) {
          if (signal.aborted) throw err;
          const result = resultOf(err);
          if (result !== UpdateResult.CONNECTION_LOST || attempt >= c.retries) throw err;
          this.d.log.warn({ err, bytes: sink.bytes, attempt: attempt + 1 }, 'firmware download interrupted, resuming');
          await new Promise<void>((r) => this.timers.setTimeout(r, c.retryDelayMs));
          if (signal.aborted) throw new FirmwareError(UpdateResult.CANCELLED, 'FW_ABORTED', 'download aborted');
        }
      }
      await sink.finish();
      const info = await this.verify();
      await rm(this.partMetaPath(), { force: true });
      ok = true;
      return info;
    } catch (err) {
      await sink.close().catch(() => undefined);
      const result = resultOf(err);
      // A lost connection keeps the partial file for a later resume (same URI); anything else starts afresh.
      if (result !== UpdateResult.CONNECTION_LOST && !signal.aborted) await this.discard();
      if (!signal.aborted) this.d.log.warn({ err, result, uri: uriText }, 'firmware download failed');
      throw err;
    } finally {
      if (!ok && signal.aborted && !this.stopping) await this.discard();
    }
  }

  /** One try of a puller, cut when no byte arrives for stallTimeoutMs or when the state machine aborts. */
  private async attempt(puller: Puller, uri: URL, sink: PackageSink, outer: AbortSignal, progress: Progress, validator: string | undefined, setValidator: (v: string | undefined) => void): Promise<void> {
    const ac = new AbortController();
    const onAbort = (): void => ac.abort();
    outer.addEventListener('abort', onAbort);
    if (outer.aborted) ac.abort(); // aborted before this try began
    let stall: unknown;
    let stalled = false;
    const arm = (): void => {
      this.timers.clearTimeout(stall);
      stall = this.timers.setTimeout(() => {
        stalled = true;
        ac.abort();
      }, this.d.config.stallTimeoutMs);
    };
    arm();
    try {
      await puller(uri, sink, {
        signal: ac.signal,
        total: async (n) => {
          progress.setTotal(n);
          await sink.expect(n);
        },
        progress: (n) => {
          arm();
          progress.update(n);
        },
        ...(validator !== undefined ? { validator } : {}),
        setValidator,
      });
    } catch (err) {
      if (stalled) throw new FirmwareError(UpdateResult.CONNECTION_LOST, 'FW_STALLED', `no data for ${this.d.config.stallTimeoutMs} ms`, { cause: err });
      throw err;
    } finally {
      this.timers.clearTimeout(stall);
      outer.removeEventListener('abort', onAbort);
    }
  }

  // ---- apply ----

  private async apply(): Promise<void> {
    const c = this.d.config;
    const s = this.actor.getSnapshot().context;
    this.d.emit?.('client', { type: 'firmware.updating', pkgName: s.pkgName, pkgVersion: s.pkgVersion });
    await this.persisting;
    try {
      if (c.applyCommand === undefined) throw new FirmwareError(UpdateResult.UPDATE_FAILED, 'FW_NO_APPLY', 'firmware.applyCommand is not configured');
      this.d.log.info({ command: c.applyCommand, pkg: this.paths.done }, 'applying firmware package');
      await runApply(this.paths.done, {
        command: c.applyCommand, args: c.applyArgs, timeoutMs: c.applyTimeoutMs,
        onOutput: (line, stream) => this.d.log.info({ stream, line }, 'apply command output'),
      });
    } catch (err) {
      if (this.stopping) throw err;
      this.d.log.error({ err }, 'firmware update failed; the old version keeps running');
      this.d.emit?.('client', { type: 'firmware.done', result: UpdateResult.UPDATE_FAILED, success: false, version: this.running });
      throw err;
    }
    // Stopped while the command ran (it restarted us): the next start reports the outcome.
    if (this.stopping) return;
    const before = this.running;
    this.running = c.versionFile !== undefined ? await readVersion(c.versionFile, before) : (s.pkgVersion !== '' ? s.pkgVersion : before);
    await rm(this.paths.done, { force: true });
    this.d.log.info({ from: before, to: this.running }, 'firmware updated');
    this.d.emit?.('object:3', { type: 'firmware.version', version: this.running });
    this.d.emit?.('client', { type: 'firmware.done', result: UpdateResult.SUCCESS, success: true, version: this.running });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.endSession();
    await this.closeSink();
    this.actor.stop();
    await this.persisting;
  }
}
