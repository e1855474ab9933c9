// push-session.ts: a firmware package pushed by the server (Block1 writes to /5/0/0): one transfer at a time, each
// block checked and written to disk as it arrives, stalls and broken transfers ending as a failed download.
import { rm } from 'node:fs/promises';
import { fitBlock1, type Block1Progress } from '../coap/block1-sequence.js';
import type { Clock } from '../clock.js';
import type { FirmwareConfig } from './config-schema.js';
import type { FirmwareFiles } from './firmware-files.js';
import type { FwEvent, FwSnapshot } from './machine.js';
import { PackageSink } from './package-file.js';
import { Progress } from './progress.js';
import { UpdateResult, resultOf, type UpdateResultCode } from './results.js';
import type { Block1Chunk, Block1ChunkReply } from '../messages/index.js';
import type { FwLog } from './updater.js';

/** CoAP answer to a push chunk: 2.31 Continue, 2.04 Changed, or an error. */
export type PushAnswer = '2.31' | '2.04' | '4.00' | '4.05' | '4.08' | '4.13' | '5.00' | '5.03';

/** The one push in progress: its sender, how far it got, and its stall timer. */
interface PushTransfer {
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

/** What a push needs of the updater: the machine, the shared files, the pull it may replace. */
export interface PushDeps {
  config: FirmwareConfig;
  log: FwLog;
  timers: Clock;
  files: FirmwareFiles;
  snapshot(): FwSnapshot;
  send(e: FwEvent): void;
  /** Settles when the last pull has cleaned up (a push that replaces a pull waits for it). */
  pullSettled(): Promise<void>;
}

export class PushSession {
  private pushQueue: Promise<unknown> = Promise.resolve();
  private sink: PackageSink | undefined;
  private session: PushTransfer | undefined;
  private pushProgress: Progress | undefined;
  private readonly now: () => number;

  constructor(private readonly d: PushDeps) {
    this.now = () => d.timers.now();
  }

  /**
   * Write /5/0/0 (one Block1 chunk, or a whole small package) with the options of the answer. Chunks are handled one at
   * a time, in order of arrival.
   */
  pushBlock(chunk: Block1Chunk): Promise<Block1ChunkReply<PushAnswer>> {
    const next = this.pushQueue.then(() => this.pushOne(chunk));
    this.pushQueue = next.catch(() => undefined);
    return next;
  }

  /** The machine moved on (cancelled, reset, replaced by a pull): the transfer in progress ends. */
  onSnapshot(s: FwSnapshot): void {
    if (this.session !== undefined && !s.matches({ downloading: 'push' })) this.endSession();
  }

  /** The updater stops: the stall timer and the open file go. */
  async stop(): Promise<void> {
    this.endSession();
    await this.closeSink();
  }

  /**
   * One transfer at a time (RFC 7959 §2.5 lets a server refuse what it cannot interleave): a first block (NUM 0) from
   * another source, or from the same source with another token, while a push runs → 5.03 with Max-Age (when its stall
   * timeout would end it); a later block from another source or a refused token → 4.08, the push goes on. A block
   * of the push itself that does not fit (fitBlock1: overlap, gap, short, oversized, Size1 broken) ends it as a
   * failed download (Idle, result 4; 2 beyond maxPackageBytes) and gets its error code.
   */
  private async pushOne(c: Block1Chunk): Promise<Block1ChunkReply<PushAnswer>> {
    const s = this.d.snapshot();
    const source = c.source ?? '';
    const live =
      this.session !== undefined && this.sink !== undefined && s.matches({ downloading: 'push' })
        ? this.session
        : undefined;
    if (c.num === 0 && !c.more && c.payload.byteLength === 0) {
      // Empty package: reset to Idle.
      if (s.matches('updating')) return { code: '4.05' };
      this.endSession();
      await this.closeSink();
      this.d.send({ type: 'firmware.reset' });
      await this.d.pullSettled();
      await this.d.files.discard();
      return { code: '2.04' };
    }
    if (c.num === 0) {
      if (
        live !== undefined &&
        (live.source !== source || (c.token !== undefined && live.token !== undefined && c.token !== live.token))
      ) {
        if (c.token !== undefined && !live.refused.includes(c.token))
          live.refused = [...live.refused, c.token].slice(-MAX_REFUSED_TOKENS);
        this.d.log.warn(
          { source, bytes: live.progress.received },
          'second firmware push refused: another transfer is in progress',
        );
        return {
          code: '5.03',
          maxAge: Math.max(1, Math.ceil((live.lastAt + this.d.config.pushStallTimeoutMs - this.now()) / 1000)),
        };
      }
      if (s.matches('updating')) return { code: '4.05' };
      this.endSession();
      await this.closeSink();
      if (s.matches('downloaded')) this.d.send({ type: 'firmware.reset' });
      this.d.send({ type: 'firmware.push' });
      await this.d.pullSettled(); // a pull this push replaced cleans up its files first
      await rm(this.d.files.partMetaPath(), { force: true });
      try {
        this.sink = await PackageSink.open(this.d.config.dir, this.d.files.limits(), false);
        if (c.total !== undefined) await this.sink.expect(c.total);
      } catch (err) {
        return this.pushFailed(err);
      }
      this.session = {
        source,
        token: c.token,
        refused: [],
        progress: { received: 0 },
        total: c.total,
        lastAt: this.now(),
        stall: undefined,
      };
      this.pushProgress = new Progress(this.d.log, this.d.config.progressIntervalMs, this.now, 0, 'push');
      this.pushProgress.setTotal(c.total);
    } else if (
      live === undefined ||
      live.source !== source ||
      (c.token !== undefined && live.refused.includes(c.token))
    ) {
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
      const info = await this.d.files.verify();
      this.d.send({ type: 'firmware.push-done', info });
    } catch (err) {
      await this.d.files.discard();
      this.d.log.warn({ err, result: resultOf(err) }, 'pushed firmware package rejected');
      this.d.send({ type: 'firmware.push-failed', result: resultOf(err) });
    }
    return { code: '2.04' };
  }

  /** (Re)starts the push's stall timer: no block for pushStallTimeoutMs ends it as a failed download. */
  private armStall(session: PushTransfer): void {
    session.lastAt = this.now();
    this.d.timers.clearTimeout(session.stall);
    session.stall = this.d.timers.setTimeout(() => {
      this.pushQueue = this.pushQueue
        .then(async () => {
          if (this.session !== session || !this.d.snapshot().matches({ downloading: 'push' })) return;
          await this.failPush(
            UpdateResult.CONNECTION_LOST,
            { code: 'FW_PUSH_STALLED', bytes: session.progress.received },
            `firmware push stalled: no block for ${this.d.config.pushStallTimeoutMs} ms`,
          );
        })
        .catch(() => undefined);
    }, this.d.config.pushStallTimeoutMs);
  }

  private endSession(): void {
    const s = this.session;
    this.session = undefined;
    if (s !== undefined) this.d.timers.clearTimeout(s.stall);
  }

  /**
   * A block of the push itself that breaks it: the push ends as a failed download (result 4) and the block gets `code`.
   */
  private async breakPush(code: '4.00' | '4.08' | '4.13', reason: string): Promise<Block1ChunkReply<PushAnswer>> {
    await this.failPush(
      UpdateResult.CONNECTION_LOST,
      { code: 'FW_PUSH_BROKEN', answer: code },
      `firmware push ended: ${reason}`,
    );
    return code === '4.13' ? { code, size1: this.d.config.maxPackageBytes } : { code };
  }

  /** Ends the push in progress: partial file removed, Idle with `result`. */
  private async failPush(result: UpdateResultCode, o: object, msg: string): Promise<void> {
    this.d.log.warn({ ...o, result }, msg);
    this.endSession();
    await this.closeSink();
    await this.d.files.discard();
    this.d.send({ type: 'firmware.push-failed', result });
  }

  private async pushFailed(err: unknown): Promise<Block1ChunkReply<PushAnswer>> {
    const result = resultOf(err);
    await this.failPush(result, { err }, 'firmware push failed');
    return result === UpdateResult.NOT_ENOUGH_FLASH
      ? { code: '4.13', size1: this.d.config.maxPackageBytes }
      : { code: '5.00' };
  }

  private async closeSink(): Promise<void> {
    const s = this.sink;
    this.sink = undefined;
    await s?.close().catch(() => undefined);
  }
}
