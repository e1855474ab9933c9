// download.ts: a firmware package pulled from the URI the server wrote (/5/0/1): one pull at a time, resumed after a
// lost connection (same URI), cut when no byte arrives for stallTimeoutMs.
import { readFile, rm, writeFile } from 'node:fs/promises';
import type { Clock } from '../clock.js';
import { FILE_MODE } from '../runtime/durable-fs.js';
import type { FirmwareConfig } from './config-schema.js';
import type { FirmwareFiles } from './firmware-files.js';
import type { PackageInfo } from './machine.js';
import { PackageSink, partialBytes } from './package-file.js';
import { Progress } from './progress.js';
import type { Puller } from './puller.js';
import { FirmwareError, UpdateResult, resultOf } from './results.js';
import type { FwLog } from './updater.js';

export type Scheme = 'coap:' | 'coaps:' | 'http:' | 'https:';

const SCHEMES: readonly string[] = ['coap:', 'coaps:', 'http:', 'https:'];

interface PartMeta {
  uri: string;
  validator?: string;
}

export interface DownloadDeps {
  config: FirmwareConfig;
  log: FwLog;
  timers: Clock;
  files: FirmwareFiles;
  pullers: Partial<Record<Scheme, Puller>>;
  /** True once the updater stops: an aborted pull then keeps its partial file. */
  stopping(): boolean;
}

export class FirmwareDownload {
  /** Settles when the last pull has finished cleaning up (a new pull or push waits for it). */
  private pullSettled: Promise<void> = Promise.resolve();
  private readonly now: () => number;

  constructor(private readonly d: DownloadDeps) {
    this.now = () => d.timers.now();
  }

  /** Settles when the last pull has cleaned up. */
  settled(): Promise<void> {
    return this.pullSettled;
  }

  /**
   * The machine's `download` actor: pulls `uriText` to disk and verifies it; rejects with a FirmwareError (its result
   * code).
   */
  pull(uriText: string, signal: AbortSignal): Promise<PackageInfo> {
    return this.pullOne(uriText, signal);
  }

  private async pullOne(uriText: string, signal: AbortSignal): Promise<PackageInfo> {
    const previous = this.pullSettled;
    let settle!: () => void;
    this.pullSettled = new Promise<void>((r) => {
      settle = r;
    });
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
    if (uriText.length > 255 || uri.hostname === '')
      throw new FirmwareError(UpdateResult.INVALID_URI, 'FW_URI_INVALID', `invalid package URI: ${uriText}`);
    const puller = SCHEMES.includes(uri.protocol) ? this.d.pullers[uri.protocol as Scheme] : undefined;
    if (puller === undefined)
      throw new FirmwareError(
        UpdateResult.UNSUPPORTED_PROTOCOL,
        'FW_URI_PROTOCOL',
        `protocol ${uri.protocol} is not supported`,
      );
    const c = this.d.config;
    let meta: PartMeta | undefined;
    try {
      meta = JSON.parse(await readFile(this.d.files.partMetaPath(), 'utf8')) as PartMeta;
    } catch {
      meta = undefined;
    }
    const resume = meta?.uri === uriText && (await partialBytes(c.dir)) > 0;
    await rm(this.d.files.paths.done, { force: true });
    const sink = await PackageSink.open(c.dir, this.d.files.limits(), resume);
    let validator = resume ? meta?.validator : undefined;
    const saveMeta = (): Promise<void> =>
      writeFile(
        this.d.files.partMetaPath(),
        JSON.stringify({ uri: uriText, ...(validator !== undefined ? { validator } : {}) }),
        { mode: FILE_MODE },
      );
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
          await new Promise<void>((r) => this.d.timers.setTimeout(r, c.retryDelayMs));
          if (signal.aborted) throw new FirmwareError(UpdateResult.CANCELLED, 'FW_ABORTED', 'download aborted');
        }
      }
      await sink.finish();
      const info = await this.d.files.verify();
      await rm(this.d.files.partMetaPath(), { force: true });
      ok = true;
      return info;
    } catch (err) {
      await sink.close().catch(() => undefined);
      const result = resultOf(err);
      // A lost connection keeps the partial file for a later resume (same URI); anything else starts afresh.
      if (result !== UpdateResult.CONNECTION_LOST && !signal.aborted) await this.d.files.discard();
      if (!signal.aborted) this.d.log.warn({ err, result, uri: uriText }, 'firmware download failed');
      throw err;
    } finally {
      if (!ok && signal.aborted && !this.d.stopping()) await this.d.files.discard();
    }
  }

  /** One try of a puller, cut when no byte arrives for stallTimeoutMs or when the state machine aborts. */
  private async attempt(
    puller: Puller,
    uri: URL,
    sink: PackageSink,
    outer: AbortSignal,
    progress: Progress,
    validator: string | undefined,
    setValidator: (v: string | undefined) => void,
  ): Promise<void> {
    const ac = new AbortController();
    const onAbort = (): void => ac.abort();
    outer.addEventListener('abort', onAbort);
    if (outer.aborted) ac.abort(); // aborted before this try began
    let stall: unknown;
    let stalled = false;
    const arm = (): void => {
      this.d.timers.clearTimeout(stall);
      stall = this.d.timers.setTimeout(() => {
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
      if (stalled)
        throw new FirmwareError(
          UpdateResult.CONNECTION_LOST,
          'FW_STALLED',
          `no data for ${this.d.config.stallTimeoutMs} ms`,
          { cause: err },
        );
      throw err;
    } finally {
      this.d.timers.clearTimeout(stall);
      outer.removeEventListener('abort', onAbort);
    }
  }
}
