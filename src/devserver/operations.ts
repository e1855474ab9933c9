// operations.ts: server→client operations by endpoint name (Read, Write, Execute, Create, Delete, Discover, attributes,
// composite, Observe).
import { EventEmitter } from 'node:events';
import { CodedError } from '../errors.js';
import { encode, SINGLE_VALUE_FORMATS, SUPPORTED_FORMATS } from '../lwm2m/formats/index.js';
import { formatPath, parsePath } from '../lwm2m/path.js';
import { ContentFormat, type LwRecord, type LwValue, type Path } from '../lwm2m/types.js';
import type { Logger } from '../runtime/log.js';
import { encodePaths, formatNumber, toResult } from './content.js';
import type { CoapEndpoint, OutRequest } from './endpoint.js';
import type { IncomingMessage } from 'coap';
import type { TypeRegistry } from './model.js';
import { Observation, observeSeq } from './observation.js';
import type { Registry } from './registry.js';
import type { DevServerEvents, OpResult, Registration } from './types.js';

export interface ReadOptions {
  format?: number;
}
export interface WriteOptions {
  format?: number;
  partial?: boolean;
  /** Block-wise (Block1) writes: called as blocks leave with (bytes sent, total); the timeout then counts per block. */
  onProgress?: (sent: number, total: number) => void;
}
export type AttributeValue = number | string | null;

/** What the operations need to know from the server's options. */
export interface OperationsConfig {
  queueAwakeMs?: number;
  blockSize?: number;
}

function locationOf(msg: IncomingMessage): string | undefined {
  const opts = (msg._packet.options ?? []) as { name: string | number; value: unknown }[];
  const segs = opts
    .filter((o) => o.name === 'Location-Path' || o.name === 8)
    .map((o) => (Buffer.isBuffer(o.value) ? o.value.toString('utf8') : String(o.value)));
  return segs.length > 0 ? '/' + segs.join('/') : undefined;
}

/** The server's half that talks to clients; DevServer adds the sockets, the incoming interfaces and the knobs. */
export abstract class ClientOperations extends EventEmitter<DevServerEvents> {
  protected abstract readonly registry: Registry;
  abstract readonly types: TypeRegistry;
  protected abstract readonly log: Logger;
  protected abstract readonly now: () => number;
  protected abstract readonly timeoutMs: number;
  protected abstract readonly config: OperationsConfig;
  /** The registration socket (requests leave from it). */
  protected main!: CoapEndpoint;
  protected closed = false;
  /** Live observations and how to drop each locally (no message to the client). */
  protected readonly observations = new Map<Observation, () => void>();

  /** Ends an endpoint's observations without telling the client (it re-registered or deregistered: it dropped them). */
  protected dropObservations(ep?: string): void {
    for (const [obs, drop] of [...this.observations]) if (ep === undefined || obs.endpoint === ep) drop();
  }

  protected registration(ep: string): Registration {
    const reg = this.registry.get(ep);
    if (!reg) throw new CodedError('DEVSERVER_UNKNOWN_ENDPOINT', `endpoint ${ep} is not registered`);
    return reg;
  }

  /** True when a queue-mode client is asleep (no request from it within queueAwakeMs). */
  asleep(ep: string): boolean {
    const reg = this.registry.get(ep);
    return reg !== undefined && reg.queueMode && this.now() - reg.lastSeen > (this.config.queueAwakeMs ?? 93_000);
  }

  /**
   * The registration, once the client is awake (queue mode holds the request until its next Register / Update / Send).
   */
  private async ready(ep: string): Promise<Registration> {
    const reg = this.registration(ep);
    if (!this.asleep(ep)) return reg;
    this.log.info({ ep }, 'queue mode: request held until the client wakes');
    await new Promise<void>((resolve, reject) => {
      const wake = (e: { endpoint: string | undefined }): void => {
        if (e.endpoint === ep) {
          cleanup();
          resolve();
        }
      };
      const gone = (e: Registration): void => {
        if (e.endpoint === ep) {
          cleanup();
          reject(new CodedError('DEVSERVER_UNKNOWN_ENDPOINT', `endpoint ${ep} deregistered`));
        }
      };
      const closed = (): void => {
        cleanup();
        reject(new CodedError('DEVSERVER_CLOSED', 'dev server closed'));
      };
      const cleanup = (): void => {
        this.off('register', wake);
        this.off('update', wake);
        this.off('send', wake);
        this.off('deregister', gone);
        this.off('expire', gone);
        this.off('closed', closed);
      };
      this.on('register', wake);
      this.on('update', wake);
      this.on('send', wake);
      this.on('deregister', gone);
      this.on('expire', gone);
      this.on('closed', closed);
    });
    return this.registration(ep);
  }

  private defaultFormat(reg: Registration): number {
    const announced = reg.contentFormats.find(
      (f) => SUPPORTED_FORMATS.includes(f) && !SINGLE_VALUE_FORMATS.includes(f),
    );
    if (announced !== undefined) return announced;
    return reg.lwm2mVersion === '1.0' ? ContentFormat.TLV : ContentFormat.SENML_CBOR;
  }

  private async op(ep: string, r: OutRequest, basePath: Path): Promise<OpResult> {
    const reg = await this.ready(ep);
    const raw = await this.main.request(
      reg.peer,
      { block1Size: this.config.blockSize ?? 1024, ...r, pathname: reg.rootPath + r.pathname },
      this.timeoutMs,
    );
    const result = toResult(
      raw.message.code,
      formatNumber(raw.message.headers['Content-Format']),
      raw.message.payload,
      basePath,
      this.types,
    );
    const loc = locationOf(raw.message);
    if (loc !== undefined) result.location = loc;
    return result;
  }

  read(ep: string, path: Path | string, o: ReadOptions = {}): Promise<OpResult> {
    const p = typeof path === 'string' ? parsePath(path) : path;
    return this.op(
      ep,
      { method: 'GET', pathname: formatPath(p), ...(o.format !== undefined ? { accept: o.format } : {}) },
      p,
    );
  }

  /** Write (PUT, replace) or partial update (POST). A bare value is written to the resource at path. */
  write(ep: string, path: Path | string, data: readonly LwRecord[] | LwValue, o: WriteOptions = {}): Promise<OpResult> {
    const p = typeof path === 'string' ? parsePath(path) : path;
    const records = Array.isArray(data) ? (data as readonly LwRecord[]) : [{ path: p, value: data as LwValue }];
    const format = o.format ?? this.defaultFormat(this.registration(ep));
    const payload = encode(format, records, this.types.context(p));
    return this.op(
      ep,
      {
        method: o.partial === true ? 'POST' : 'PUT',
        pathname: formatPath(p),
        contentFormat: format,
        payload,
        ...(o.onProgress ? { onProgress: o.onProgress } : {}),
      },
      p,
    );
  }

  execute(ep: string, path: Path | string, args?: string): Promise<OpResult> {
    const p = typeof path === 'string' ? parsePath(path) : path;
    return this.op(
      ep,
      {
        method: 'POST',
        pathname: formatPath(p),
        ...(args !== undefined && args !== '' ? { payload: Buffer.from(args, 'utf8') } : {}),
      },
      p,
    );
  }

  /**
   * Create under an object path; records carry full paths (/obj/inst/res). The answer's location names the new
   * instance.
   */
  create(ep: string, path: Path | string, records: readonly LwRecord[], o: ReadOptions = {}): Promise<OpResult> {
    const p = typeof path === 'string' ? parsePath(path) : path;
    const format = o.format ?? this.defaultFormat(this.registration(ep));
    return this.op(
      ep,
      {
        method: 'POST',
        pathname: formatPath(p),
        contentFormat: format,
        payload: encode(format, records, this.types.context(p)),
      },
      p,
    );
  }

  delete(ep: string, path: Path | string): Promise<OpResult> {
    const p = typeof path === 'string' ? parsePath(path) : path;
    return this.op(ep, { method: 'DELETE', pathname: formatPath(p) }, p);
  }

  discover(ep: string, path: Path | string): Promise<OpResult> {
    const p = typeof path === 'string' ? parsePath(path) : path;
    return this.op(ep, { method: 'GET', pathname: formatPath(p), accept: ContentFormat.LINK }, p);
  }

  /** Write-Attributes: { pmin: 10, pmax: 60, gt: 5 }; null removes an attribute. */
  writeAttributes(ep: string, path: Path | string, attrs: Record<string, AttributeValue>): Promise<OpResult> {
    const p = typeof path === 'string' ? parsePath(path) : path;
    const query = Object.entries(attrs)
      .map(([k, v]) => (v === null ? k : `${k}=${v}`))
      .join('&');
    return this.op(ep, { method: 'PUT', pathname: formatPath(p), query }, p);
  }

  readComposite(ep: string, paths: readonly (Path | string)[], o: ReadOptions = {}): Promise<OpResult> {
    const ps = paths.map((x) => (typeof x === 'string' ? parsePath(x) : x));
    const format = o.format ?? ContentFormat.SENML_CBOR;
    return this.op(
      ep,
      { method: 'FETCH', pathname: '/', contentFormat: format, accept: format, payload: encodePaths(format, ps) },
      [],
    );
  }

  writeComposite(ep: string, records: readonly LwRecord[], o: ReadOptions = {}): Promise<OpResult> {
    const format = o.format ?? ContentFormat.SENML_CBOR;
    return this.op(
      ep,
      {
        method: 'iPATCH',
        pathname: '/',
        contentFormat: format,
        payload: encode(format, records, this.types.context([])),
      },
      [],
    );
  }

  observe(ep: string, path: Path | string, o: ReadOptions = {}): Promise<Observation> {
    const p = typeof path === 'string' ? parsePath(path) : path;
    return this.startObservation(
      ep,
      [p],
      { method: 'GET', pathname: formatPath(p), ...(o.format !== undefined ? { accept: o.format } : {}) },
      p,
    );
  }

  observeComposite(ep: string, paths: readonly (Path | string)[], o: ReadOptions = {}): Promise<Observation> {
    const ps = paths.map((x) => (typeof x === 'string' ? parsePath(x) : x));
    const format = o.format ?? ContentFormat.SENML_CBOR;
    return this.startObservation(
      ep,
      ps,
      { method: 'FETCH', pathname: '/', contentFormat: format, accept: format, payload: encodePaths(format, ps) },
      [],
    );
  }

  private async startObservation(ep: string, paths: Path[], r: OutRequest, basePath: Path): Promise<Observation> {
    const reg = await this.ready(ep);
    r = { ...r, pathname: reg.rootPath + r.pathname };
    const raw = await this.main.request(reg.peer, { ...r, observe: 0 }, this.timeoutMs);
    const first = toResult(
      raw.message.code,
      formatNumber(raw.message.headers['Content-Format']),
      raw.message.payload,
      basePath,
      this.types,
    );
    const stream = raw.stream;
    const token = raw.message._packet.token;
    const established = stream !== undefined && first.code.startsWith('2.') && observeSeq(stream) !== undefined;
    let streamOpen = stream !== undefined;
    stream?.on('error', (err: unknown) => this.log.warn({ err, ep }, 'observe stream error'));
    const closeStream = (): void => {
      if (!streamOpen) return;
      streamOpen = false;
      stream?.close(false);
    };
    const cancel = async (): Promise<void> => {
      closeStream();
      this.observations.delete(obs);
      if (!established || this.closed || token === undefined) return;
      await this.main.request(reg.peer, { ...r, observe: 1, token }, this.timeoutMs).catch((err: unknown) => {
        this.log.warn({ err, ep }, 'observe cancel got no answer');
      });
    };
    const obs = new Observation(ep, paths, first, cancel);
    if (!established || !stream) {
      closeStream();
      obs.finish();
      return obs;
    }
    this.observations.set(obs, () => {
      closeStream();
      this.observations.delete(obs);
      obs.finish();
    });
    let firstSeen = false;
    stream.on('data', (payload: Buffer) => {
      if (!firstSeen) {
        firstSeen = true;
        return;
      } // node-coap streams the first answer too
      const result = toResult(
        stream.code,
        formatNumber(stream.headers['Content-Format']),
        payload,
        basePath,
        this.types,
      );
      const ev = { endpoint: ep, paths, observe: observeSeq(stream), result };
      obs.push(ev);
      this.emit('notify', ev);
      if (!result.code.startsWith('2.')) {
        closeStream();
        this.observations.delete(obs);
        obs.finish();
      }
    });
    return obs;
  }
}
