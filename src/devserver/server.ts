// server.ts: the local LwM2M server on node-coap: sockets, Registration / Send / Bootstrap interfaces, test knobs,
// events.
import { type EventEmitter, on } from 'node:events';
import { basename } from 'node:path';
import type { IncomingMessage, OutgoingMessage } from 'coap';
import { CodedError } from '../errors.js';
import { parseLinks, type Link } from '../lwm2m/formats/link.js';
import { parsePath } from '../lwm2m/path.js';
import { ContentFormat } from '../lwm2m/types.js';
import { log as rootLog, type Logger } from '../runtime/log.js';
import { runBootstrap, validateAccounts, type BootstrapConfig, type ServerAccount } from './bootstrap.js';
import { formatNumber, toResult } from './content.js';
import { CoapEndpoint, szx, type OutRequest } from './endpoint.js';
import { FileResources } from './file-resource.js';
import { TypeRegistry, type TypeTable } from './model.js';
import { ClientOperations, type OperationsConfig } from './operations.js';
import { parseRegisterQuery, Registry, splitUrl, type RegisterParams } from './registry.js';
import type {
  Behaviour,
  DevServerEvents,
  Peer,
  Registration,
  RegistrationOptions,
  RequestKind,
  SendEvent,
} from './types.js';

export interface DevServerOptions {
  /** Address to bind (default '127.0.0.1'). */
  host?: string;
  /** UDP port (default 0 = ephemeral). */
  port?: number;
  /** Bootstrap server; absent: no /bs. */
  bootstrap?: BootstrapConfig;
  registration?: RegistrationOptions;
  /** URI written into bootstrapped Security instances by default (default coap://<bound address>:<port>). */
  serverUri?: string;
  /** Time a server→client request may take before DEVSERVER_TIMEOUT, ms (default 10000). */
  requestTimeoutMs?: number;
  /** Writes, Creates and Executes longer than this go block-wise (Block1), in blocks of this size (default 1024). */
  blockSize?: number;
  /**
   * Queue mode: a client registered with Q counts as asleep this long after its last request (default 93000 ms,
   * MAX_TRANSMIT_WAIT); requests to a sleeping client wait for its next Register / Update / Send.
   */
  queueAwakeMs?: number;
  /** How many entries `requests` keeps (oldest dropped first; default 10000). */
  requestLogLimit?: number;
  /** More object definitions (types by object/resource) for decoding. */
  types?: TypeTable;
  /** Clock in ms since epoch (default Date.now). */
  now?: () => number;
  log?: Logger;
}

/** One incoming request as the server counted it. */
export interface RequestLogEntry {
  kind: RequestKind;
  endpoint: string | undefined;
  peer: Peer;
  messageId: number | undefined;
  at: number;
}

export type { ReadOptions, WriteOptions, AttributeValue } from './operations.js';

const VERSIONS = ['1.0', '1.1', '1.2'];

function answer(res: OutgoingMessage, code: string, payload?: Uint8Array): void {
  res.code = code;
  res.end(payload !== undefined ? Buffer.from(payload) : undefined);
}

/** Leaves a request unanswered: no piggybacked answer and no empty ACK either, so the client retransmits. */
function drop(res: OutgoingMessage): void {
  // cast: node-coap's pending-ACK timer is no public API (absent → nothing to cancel)
  const r = res as unknown as { _ackTimer?: NodeJS.Timeout | null };
  if (r._ackTimer) clearTimeout(r._ackTimer);
  r._ackTimer = null;
}

function peerOf(req: IncomingMessage): Peer {
  return { address: req.rsinfo.address, port: req.rsinfo.port };
}

export class DevServer extends ClientOperations {
  readonly registry: Registry;
  readonly types: TypeRegistry;
  protected readonly config: OperationsConfig;
  /** Every incoming request the handlers saw (retransmissions of dropped requests included). */
  readonly requests: RequestLogEntry[] = [];
  private readonly behaviours = new Map<RequestKind, Behaviour>();
  private readonly rejected: Set<string>;
  private readonly revoked = new Set<string>();
  private readonly bootstrapping = new Set<string>();
  private readonly accountOverrides = new Map<string, ServerAccount[] | undefined>();
  private bs: CoapEndpoint | undefined;
  private readonly files = new FileResources();
  protected readonly log: Logger;
  protected readonly now: () => number;
  protected readonly timeoutMs: number;

  private constructor(private readonly opts: DevServerOptions) {
    super();
    this.now = opts.now ?? Date.now;
    this.registry = new Registry(this.now);
    this.types = new TypeRegistry(opts.types);
    this.rejected = new Set(opts.registration?.rejectEndpoints ?? []);
    this.log = (opts.log ?? rootLog).child({ mod: 'devserver' });
    this.timeoutMs = opts.requestTimeoutMs ?? 10_000;
    this.config = {
      ...(opts.queueAwakeMs !== undefined ? { queueAwakeMs: opts.queueAwakeMs } : {}),
      ...(opts.blockSize !== undefined ? { blockSize: opts.blockSize } : {}),
    };
  }

  static async start(opts: DevServerOptions = {}): Promise<DevServer> {
    const b = opts.bootstrap;
    if (b) {
      if (b.default) validateAccounts(b.default, 'bootstrap.default');
      for (const [ep, acc] of Object.entries(b.endpoints ?? {})) validateAccounts(acc, `bootstrap.endpoints.${ep}`);
    }
    if (opts.blockSize !== undefined) szx(opts.blockSize);
    const s = new DevServer(opts);
    const host = opts.host ?? '127.0.0.1';
    s.main = await CoapEndpoint.open(host, opts.port ?? 0, (req, res) => s.handle(req, res, 'main'));
    if (b?.port !== undefined) {
      try {
        s.bs = await CoapEndpoint.open(host, b.port, (req, res) => s.handle(req, res, 'bootstrap'));
      } catch (err) {
        await s.main.close();
        throw err;
      }
    }
    s.log.debug({ port: s.port, bootstrapPort: s.bootstrapPort }, 'dev server listening');
    return s;
  }

  get port(): number {
    return this.main.port;
  }
  get address(): string {
    return this.main.address;
  }
  /** Port serving /bs: its own when bootstrap.port is set, else the registration port; undefined without bootstrap. */
  get bootstrapPort(): number | undefined {
    if (!this.opts.bootstrap) return undefined;
    return this.bs ? this.bs.port : this.main.port;
  }
  /** Endpoint name → registration (live view). */
  get registrations(): ReadonlyMap<string, Registration> {
    return this.registry.all();
  }
  /** coap:// URI of the registration endpoint (what bootstrap writes by default). */
  get uri(): string {
    return this.opts.serverUri ?? this.socketUri();
  }

  /** coap:// URI of the registration socket itself (a wildcard bind named by its loopback address). */
  private socketUri(): string {
    const a = this.address === '0.0.0.0' ? '127.0.0.1' : this.address === '::' ? '::1' : this.address;
    return `coap://${a.includes(':') ? `[${a}]` : a}:${this.port}`;
  }

  /**
   * Serves a file over CoAP on the registration socket as GET /fw/<name> (default: its base name), Block2 read from
   * the file per block, with ETag and Size2; returns its coap:// URI (for /5/0/1), on `host` when given (the address
   * the device reaches this server at), else on the socket's address. Each request answered is a 'file-block' event.
   * The file is read when asked for, so a file changed or deleted meanwhile shows in the answers (4.04, 5.00, ETag).
   */
  serveFile(file: string, o: { name?: string; host?: string } = {}): string {
    const name = o.name ?? basename(file);
    if (name === '' || name.includes('/'))
      throw new CodedError('DEVSERVER_FILE_NAME', `cannot serve a file as '${name}'`);
    this.files.add(name, file);
    const base =
      o.host === undefined ? this.socketUri() : `coap://${o.host.includes(':') ? `[${o.host}]` : o.host}:${this.port}`;
    return `${base}/fw/${encodeURIComponent(name)}`;
  }

  /** Stops serving /fw/<name> (its requests get 4.04); false when it was not served. */
  stopServing(name: string): boolean {
    return this.files.remove(name);
  }

  // ---- test knobs ----

  /**
   * Overrides the answer to a kind of request ({ code: '5.03' } or { drop: true }); undefined restores normal handling.
   */
  setBehaviour(kind: RequestKind, b: Behaviour | undefined): void {
    if (b === undefined) this.behaviours.delete(kind);
    else this.behaviours.set(kind, b);
  }
  /** Answers this endpoint's Register with 4.03 Forbidden from now on. */
  rejectEndpoint(ep: string): void {
    this.rejected.add(ep);
  }
  allowEndpoint(ep: string): void {
    this.rejected.delete(ep);
  }
  /** Forgets a registration silently: the next Update gets 4.04. */
  forget(ep: string): boolean {
    this.dropObservations(ep);
    return this.registry.forget(ep);
  }
  /**
   * Revokes an endpoint's credentials: registration forgotten, Register answered 4.03 until the endpoint bootstraps
   * again.
   */
  revokeCredentials(ep: string): void {
    this.forget(ep);
    this.revoked.add(ep);
  }
  /** Replaces the bootstrap accounts of one endpoint (undefined: back to the configuration). */
  setBootstrapAccounts(ep: string, accounts: ServerAccount[] | undefined): void {
    if (accounts) validateAccounts(accounts, `accounts of ${ep}`);
    if (accounts === undefined) this.accountOverrides.delete(ep);
    else this.accountOverrides.set(ep, accounts);
  }
  /** Drops registrations whose lifetime ran out (by the injected clock), emitting 'expire' for each. */
  sweepExpired(): Registration[] {
    const gone = this.registry.sweep();
    for (const r of gone) {
      this.dropObservations(r.endpoint);
      this.emit('expire', r);
    }
    return gone;
  }
  /** Number of exchanges of a kind (retransmissions of one message counted once), optionally of one endpoint. */
  count(kind: RequestKind, endpoint?: string): number {
    const seen = new Set<string>();
    this.requests.forEach((r, i) => {
      if (r.kind !== kind || (endpoint !== undefined && r.endpoint !== endpoint)) return;
      seen.add(`${r.peer.address}|${r.peer.port}|${r.messageId ?? `#${i}`}`);
    });
    return seen.size;
  }
  /** Resolves with the next event of that name that passes the filter (rejects after timeoutMs). */
  waitFor<K extends keyof DevServerEvents>(
    event: K,
    filter: (...args: DevServerEvents[K]) => boolean = () => true,
    timeoutMs = 10_000,
  ): Promise<DevServerEvents[K][0]> {
    return new Promise((resolve, reject) => {
      // casts below: EventEmitter's typed on/off cannot relate a listener of one generic event K to its map
      const on = (...args: DevServerEvents[K]): void => {
        if (!filter(...args)) return;
        clearTimeout(t);
        this.off(event, on as never);
        resolve(args[0]);
      };
      const t = setTimeout(() => {
        this.off(event, on as never);
        reject(new CodedError('DEVSERVER_TIMEOUT', `no '${String(event)}' event within ${timeoutMs} ms`));
      }, timeoutMs);
      this.on(event, on as never);
    });
  }

  /** The events of one name as an async iterable (ends when the signal aborts or the server closes). */
  async *events<K extends keyof DevServerEvents>(
    event: K,
    signal?: AbortSignal,
  ): AsyncGenerator<DevServerEvents[K][0]> {
    const ac = new AbortController();
    const stop = (): void => ac.abort();
    signal?.addEventListener('abort', stop, { once: true });
    this.once('closed', stop);
    try {
      for await (const args of on(this as EventEmitter, event, { signal: ac.signal }))
        yield (args as DevServerEvents[K])[0];
    } catch (err) {
      if (!ac.signal.aborted) throw err;
    } finally {
      signal?.removeEventListener('abort', stop);
      this.off('closed', stop);
    }
  }

  // ---- incoming requests ----

  private record(kind: RequestKind, req: IncomingMessage, endpoint: string | undefined): void {
    const reg = endpoint !== undefined ? this.registry.get(endpoint) : undefined;
    if (reg && kind !== 'register') reg.lastSeen = this.now();
    this.requests.push({ kind, endpoint, peer: peerOf(req), messageId: req._packet.messageId, at: this.now() });
    const limit = this.opts.requestLogLimit ?? 10_000;
    if (this.requests.length > limit) this.requests.splice(0, this.requests.length - limit);
  }

  /** Applies a behaviour override; true when the request has been dealt with. */
  private overridden(kind: RequestKind, res: OutgoingMessage): boolean {
    const b = this.behaviours.get(kind);
    if (!b) return false;
    if ('drop' in b) drop(res);
    else answer(res, b.code);
    return true;
  }

  private handle(req: IncomingMessage, res: OutgoingMessage, role: 'main' | 'bootstrap'): void {
    if (req.code === '0.00') {
      drop(res);
      return;
    } // CoAP ping: the Agent on the same socket answers it with RST
    try {
      const { segments, query } = splitUrl(req.url);
      const method = req.method;
      const bsHere = this.opts.bootstrap !== undefined && (role === 'bootstrap' || this.bs === undefined);
      if (role === 'main' && segments[0] === 'rd' && segments.length === 1 && method === 'POST')
        this.onRegister(req, res, query);
      else if (role === 'main' && segments[0] === 'rd' && segments.length === 2 && method === 'POST')
        this.onUpdate(req, res, segments[1], query);
      else if (role === 'main' && segments[0] === 'rd' && segments.length === 2 && method === 'DELETE')
        this.onDeregister(req, res, segments[1]);
      else if (role === 'main' && segments[0] === 'dp' && segments.length === 1 && method === 'POST')
        this.onSend(req, res);
      else if (bsHere && segments[0] === 'bs' && segments.length === 1 && method === 'POST')
        this.onBootstrapRequest(req, res, query);
      else if (role === 'main' && segments[0] === 'fw' && segments.length === 2 && method === 'GET')
        this.onFile(req, res, segments[1]);
      else {
        this.record('other', req, this.registry.byPeer(peerOf(req))?.endpoint);
        answer(res, '4.04');
      }
    } catch (err) {
      this.log.error({ err }, 'request handler failed');
      answer(res, '5.00');
    }
  }

  /** GET /fw/<name> (the Uri-Path segment as sent: the client decoded the URI's percent-encoding). */
  private onFile(req: IncomingMessage, res: OutgoingMessage, name: string): void {
    this.record('file', req, undefined);
    if (this.overridden('file', res)) return;
    this.emit('file-block', this.files.answer(name, req, res));
  }

  private parseParams(query: string, res: OutgoingMessage): RegisterParams | undefined {
    try {
      return parseRegisterQuery(query);
    } catch (err) {
      answer(res, '4.00', Buffer.from((err as Error).message));
      return undefined;
    }
  }

  private parseBody(req: IncomingMessage, res: OutgoingMessage): Link[] | undefined {
    const cf = formatNumber(req.headers['Content-Format']);
    if (req.payload.length > 0 && cf !== undefined && cf !== ContentFormat.LINK) {
      answer(res, '4.15');
      return undefined;
    }
    try {
      return parseLinks(req.payload.toString('utf8'));
    } catch (err) {
      answer(res, '4.00', Buffer.from((err as Error).message));
      return undefined;
    }
  }

  private onRegister(req: IncomingMessage, res: OutgoingMessage, query: string): void {
    const p = this.parseParams(query, res);
    this.record('register', req, p?.ep);
    if (!p || this.overridden('register', res)) return;
    if (p.ep === undefined || p.ep === '') {
      answer(res, '4.00', Buffer.from('ep is required'));
      return;
    }
    const version = p.lwm2m ?? '1.0';
    if (!(this.opts.registration?.acceptVersions ?? VERSIONS).includes(version)) {
      answer(
        res,
        this.opts.registration?.versionRejectCode ?? '4.12',
        Buffer.from(`lwm2m=${version} is not supported`),
      );
      return;
    }
    if (this.rejected.has(p.ep) || this.revoked.has(p.ep)) {
      answer(res, '4.03');
      return;
    }
    const links = this.parseBody(req, res);
    if (!links) return;
    this.dropObservations(p.ep); // a new registration starts without observations (Core §6.2.1)
    const reg = this.registry.register(p.ep, p, links, peerOf(req));
    res.setOption('Location-Path', [Buffer.from('rd'), Buffer.from(reg.id)]);
    answer(res, '2.01');
    this.log.debug({ ep: reg.endpoint, location: reg.location }, 'registered');
    this.emit('register', reg);
  }

  private onUpdate(req: IncomingMessage, res: OutgoingMessage, id: string, query: string): void {
    const p = this.parseParams(query, res);
    this.record('update', req, this.registry.byRegistrationId(id)?.endpoint);
    if (!p || this.overridden('update', res)) return;
    const links = req.payload.length > 0 ? this.parseBody(req, res) : undefined;
    if (req.payload.length > 0 && !links) return;
    const reg = this.registry.update(id, p, links, peerOf(req));
    if (!reg) {
      answer(res, '4.04');
      return;
    }
    answer(res, '2.04');
    this.emit('update', reg);
  }

  private onDeregister(req: IncomingMessage, res: OutgoingMessage, id: string): void {
    this.record('deregister', req, this.registry.byRegistrationId(id)?.endpoint);
    if (this.overridden('deregister', res)) return;
    const reg = this.registry.remove(id);
    if (!reg) {
      answer(res, '4.04');
      return;
    }
    this.dropObservations(reg.endpoint);
    answer(res, '2.02');
    this.log.debug({ ep: reg.endpoint }, 'deregistered');
    this.emit('deregister', reg);
  }

  private onSend(req: IncomingMessage, res: OutgoingMessage): void {
    const reg = this.registry.byPeer(peerOf(req));
    this.record('send', req, reg?.endpoint);
    if (this.overridden('send', res)) return;
    if (!reg) {
      answer(res, '4.04', Buffer.from('not registered'));
      return;
    }
    const cf = formatNumber(req.headers['Content-Format']);
    const result = toResult('2.04', cf, req.payload, [], this.types);
    if (cf === undefined || result.decodeError !== undefined || !result.records) {
      answer(res, cf === undefined || result.decodeError !== undefined ? '4.00' : '4.15');
      return;
    }
    answer(res, '2.04');
    const ev: SendEvent = {
      endpoint: reg.endpoint,
      peer: peerOf(req),
      contentFormat: cf,
      records: result.records,
      payload: req.payload,
    };
    this.emit('send', ev);
  }

  private accountsFor(ep: string): ServerAccount[] {
    if (this.accountOverrides.has(ep)) return this.accountOverrides.get(ep) ?? [];
    const b = this.opts.bootstrap ?? {};
    return b.endpoints?.[ep] ?? b.default ?? [{}];
  }

  private onBootstrapRequest(req: IncomingMessage, res: OutgoingMessage, query: string): void {
    const p = this.parseParams(query, res);
    this.record('bootstrap-request', req, p?.ep);
    if (!p || this.overridden('bootstrap-request', res)) return;
    const ep = p.ep;
    if (ep === undefined || ep === '') {
      answer(res, '4.00', Buffer.from('ep is required'));
      return;
    }
    const accounts = this.accountsFor(ep);
    if (accounts.length === 0) {
      answer(res, '4.00', Buffer.from('no bootstrap information for this endpoint'));
      return;
    }
    answer(res, '2.04');
    const peer = peerOf(req);
    this.emit('bootstrap-request', { endpoint: ep, peer });
    if (this.bootstrapping.has(ep)) return;
    this.bootstrapping.add(ep);
    const endpoint = this.bs ?? this.main;
    const cfg = this.opts.bootstrap ?? {};
    const timeout = cfg.requestTimeoutMs ?? this.timeoutMs;
    setImmediate(() => {
      void runBootstrap(ep, accounts, cfg, this.uri, this.types, async (method, pathname, o) => {
        const r: OutRequest = { method, pathname, ...o };
        const raw = await endpoint.request(peer, r, timeout);
        const basePath = pathname === '/bs' ? [] : parsePath(pathname);
        return toResult(
          raw.message.code,
          formatNumber(raw.message.headers['Content-Format']),
          raw.message.payload,
          basePath,
          this.types,
        );
      }).then((ev) => {
        this.bootstrapping.delete(ep);
        if (ev.error === undefined) this.revoked.delete(ep);
        this.log.debug({ ep, steps: ev.steps, error: ev.error }, 'bootstrap finished');
        if (!this.closed) this.emit('bootstrap-finish', ev);
      });
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.emit('closed');
    this.dropObservations();
    await this.main.close();
    if (this.bs) await this.bs.close();
  }
}

/** Starts the dev server (see DevServerOptions). */
export function startDevServer(opts: DevServerOptions = {}): Promise<DevServer> {
  return DevServer.start(opts);
}
