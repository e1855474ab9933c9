// router.ts: routes the LwM2M server's CoAP requests: the session gate, Access Control, then object:N (single
// paths), the composite operations (root path) or the observation relay.
import type { CoapIncomingRequest, CoapResponse, ObserveRelation } from '../coap/api.js';
import type { ActorContext } from '../runtime/actor-api.js';
import type { OpRequest, OpResult } from '../lwm2m/operations/types.js';
import { ContentFormat, type Path } from '../lwm2m/types.js';
import { formatLinks, parseLinks } from '../lwm2m/formats/link.js';
import { pathFromSegments } from '../lwm2m/path.js';
import { ActorNames } from '../messages/index.js';
import { AclGuard, requiredRight } from './acl.js';
import { AclRight, type AclTable } from '../lwm2m/acl.js';
import type { PeerAddress } from '../coap/transport.js';
import { isBootstrapFinish, sessionRefusal, type Session } from './session.js';
import { CompositeOperations } from './composite.js';
import { ObservationRelay, type RouterJournal, type ServerDefaults } from './observations.js';
import { refuse, text, toCoap } from './replies.js';

export interface RouterOptions {
  /** Object ids that have an actor (object:N). */
  objects: () => readonly number[];
  /** Short server ID of the connected server (0 = bootstrap server). */
  ssid: () => number;
  /** The connected server's address: the bootstrap interface is honoured from there only (absent: not checked). */
  peer?: () => PeerAddress | undefined;
  /** Server default pmin/pmax (from object 1) for observations. */
  defaults?: () => ServerDefaults | undefined;
  requestTimeoutMs?: number;
  /** Clock for throttling activity reports (default Date.now). */
  now?: () => number;
  /**
   * At most one lwm2m.server-activity per server this often (ms, default 1000): the client only re-arms its queue-mode
   * awake timer (93 s), and one message per request cost a thread hop per Read.
   */
  activityEveryMs?: number;
  /** The client actor to tell about server activity and Bootstrap-Finish (default 'client'). */
  client?: string;
  /**
   * Observation persistence (the socket actor's journal): told when single-object observations start, notify and end.
   */
  journal?: RouterJournal;
}

/** The OpRequest fields every routed request shares. */
function base0(path: Path, ssid: number, req: CoapIncomingRequest, bootstrap = false): OpRequest {
  const base: OpRequest = { op: 'read', path, serverId: ssid, remote: true };
  if (bootstrap) base.bootstrap = true;
  if (req.contentFormat !== undefined) base.format = req.contentFormat;
  if (req.accept !== undefined) base.accept = req.accept;
  if (req.payload.length > 0) base.payload = req.payload;
  if (req.query.length > 0) base.query = req.query;
  return base;
}

/**
 * Errors a peer's bad request raises (payload that does not decode, a content format we do not speak): 4.xx, not 5.00.
 */
function clientErrorCode(code: string | undefined): '4.00' | '4.15' | undefined {
  if (code === 'FORMAT_DECODE' || code === 'PATH_INVALID') return '4.00';
  if (code === 'FORMAT_UNSUPPORTED') return '4.15';
  return undefined;
}

export class SocketRouter {
  private readonly ctx: ActorContext;
  private readonly opts: RouterOptions;
  private lastActivity: { ssid: number; at: number } | undefined;
  /** Access Control (object 2) with several servers: the cached table and the checks. */
  readonly acl: AclGuard;
  /** Observe relations of this socket: single paths and composites, journalled. */
  readonly observations: ObservationRelay;
  /** Operations on the root path, fanned out over the object actors. */
  private readonly composite: CompositeOperations;

  constructor(ctx: ActorContext, opts: RouterOptions) {
    this.ctx = ctx;
    this.opts = opts;
    const ask = (oid: number, req: OpRequest): Promise<OpResult> => this.ask(oid, req);
    this.acl = new AclGuard(ask, opts.objects, ctx.log);
    this.observations = new ObservationRelay(ctx, {
      objects: opts.objects,
      ssid: opts.ssid,
      acl: this.acl,
      ...(opts.defaults ? { defaults: opts.defaults } : {}),
      ...(opts.journal ? { journal: opts.journal } : {}),
    });
    this.composite = new CompositeOperations({
      objects: opts.objects,
      ssid: opts.ssid,
      ask,
      acl: this.acl,
      observations: this.observations,
    });
  }

  private reportActivity(ssid: number): void {
    const now = (this.opts.now ?? Date.now)();
    const last = this.lastActivity;
    if (last && last.ssid === ssid && now - last.at < (this.opts.activityEveryMs ?? 1000)) return;
    this.lastActivity = { ssid, at: now };
    this.ctx.send(this.opts.client ?? ActorNames.client, { type: 'lwm2m.server-activity', ssid });
  }

  private ask(objectId: number, req: OpRequest): Promise<OpResult> {
    // Without its own timeout, ctx.request's (supervisor.requestTimeoutMs): an object whose hook never answers gets
    // 5.03.
    const o = this.opts.requestTimeoutMs !== undefined ? { timeoutMs: this.opts.requestTimeoutMs } : undefined;
    return this.ctx.request(ActorNames.object(objectId), { type: 'object.request', ...req }, o);
  }

  /** The CoAP request handler. */
  async handle(req: CoapIncomingRequest, ctx: { acceptObserve(): ObserveRelation }): Promise<CoapResponse> {
    const ssid = this.opts.ssid();
    this.reportActivity(ssid);
    const bootstrap = ssid === 0;
    const session: Session = { bootstrap, peer: this.opts.peer?.() };
    try {
      let path: Path | undefined;
      try {
        path = pathFromSegments(req.path);
      } catch {
        path = undefined;
      }
      // Every request passes here: the session decides which interface it may use (see session.ts).
      const refusal = sessionRefusal(req, path, session);
      if (refusal) return refuse(refusal);
      if (isBootstrapFinish(req)) {
        const r = await this.ctx.request(this.opts.client ?? ActorNames.client, { type: 'lwm2m.bootstrap-finish' });
        this.acl.invalidate();
        return { code: r.code };
      }
      if (path === undefined) return { code: '4.04', payload: text('not an LwM2M path') };
      if (path.length === 0) {
        const res = await this.composite.root(req, ctx, session);
        this.acl.touched(undefined, req.method, bootstrap);
        return res;
      }
      const oid = path[0];
      if (!this.opts.objects().includes(oid)) return { code: '4.04' };
      // The bootstrap server is never checked; with one server account the table is "not enforced". Once cached, no
      // round trip.
      const cached = bootstrap ? undefined : this.acl.current();
      const table = cached instanceof Promise ? await cached : cached;
      const base = base0(path, ssid, req, bootstrap);
      const res = await (table?.enforced
        ? this.guarded(req, ctx, path, base, table)
        : this.route(req, ctx, path, base));
      this.acl.touched(oid, req.method, bootstrap);
      return res;
    } catch (err) {
      const code = (err as { code?: string }).code;
      const client = clientErrorCode(code);
      if (client) {
        // A peer's bad request is not the device's fault: debug only, so a flood of junk cannot flood the log.
        this.ctx.log.debug({ err: (err as Error).message, code, path: req.path.join('/') }, 'bad request');
        return { code: client, payload: text((err as Error).message) };
      }
      this.ctx.log.warn({ err: (err as Error).message, code, path: req.path.join('/') }, 'request failed');
      return { code: code === 'ACTOR_TIMEOUT' || code === 'ACTOR_UNAVAILABLE' ? '5.03' : '5.00' };
    }
  }

  /**
   * The same gate for a write that bypasses `handle` (a firmware block the transport tap streams to object 5): the
   * session, then Access Control (W on the instance). A refusal code, or undefined when it may go on.
   */
  async admitWrite(
    req: Pick<CoapIncomingRequest, 'path' | 'from' | 'contentFormat' | 'payload'>,
  ): Promise<string | undefined> {
    const ssid = this.opts.ssid();
    let path: Path;
    try {
      path = pathFromSegments(req.path);
    } catch {
      return '4.04';
    }
    const refusal = sessionRefusal({ ...req, method: 'PUT' }, path, {
      bootstrap: ssid === 0,
      peer: this.opts.peer?.(),
    });
    if (refusal) return refusal.code;
    if (ssid === 0) return undefined;
    const table = await this.acl.current();
    return table.enforced ? table.check(ssid, path, AclRight.WRITE) : undefined;
  }

  /**
   * A request from a server when several servers exist: ACL checks, then routing, then ACL bookkeeping (Create /
   * Delete).
   */
  private async guarded(
    req: CoapIncomingRequest,
    ctx: { acceptObserve(): ObserveRelation },
    path: Path,
    base: OpRequest,
    table: AclTable,
  ): Promise<CoapResponse> {
    const ssid = base.serverId ?? 0;
    const oid = path[0];
    const right = requiredRight(req, path);
    if (right !== undefined) {
      const refusal = table.check(ssid, path, right);
      if (refusal) return { code: refusal };
    }
    if (path.length === 1 && req.method === 'GET') {
      const hide = table.unreadable(ssid, oid);
      if (hide.length > 0) {
        if (req.method === 'GET' && req.accept === ContentFormat.LINK) {
          const r = await this.ask(oid, { ...base, op: 'discover' });
          if (r.code !== '2.05' || !r.payload) return toCoap(r);
          const links = AclGuard.filterLinks(table, ssid, parseLinks(Buffer.from(r.payload).toString('utf8')));
          return { code: '2.05', contentFormat: ContentFormat.LINK, payload: text(formatLinks(links)) };
        }
        // Observe of an object path is not filtered per notification: refused when some instance is hidden from this
        // server.
        if (req.observe === 0) return { code: '4.01' };
        if (req.observe !== 1) return toCoap(await this.ask(oid, { ...base, hideInstances: hide }));
      }
    }
    const res = await this.route(req, ctx, path, base);
    if (req.method === 'POST' && path.length === 1 && res.code === '2.01')
      await this.acl.created(table, ssid, res.locationPath);
    if (req.method === 'DELETE' && path.length === 2 && res.code === '2.02') await this.acl.deleted(table, path);
    return res;
  }

  /**
   * Maps a request on an object / instance / resource path to the object actor (not async: one promise per request, the
   * object's answer).
   */
  private route(
    req: CoapIncomingRequest,
    ctx: { acceptObserve(): ObserveRelation },
    path: Path,
    base: OpRequest,
  ): Promise<CoapResponse> {
    const oid = path[0];
    const bootstrap = base.bootstrap === true;
    switch (req.method) {
      case 'GET':
        if (req.accept === ContentFormat.LINK) return this.askCoap(oid, { ...base, op: 'discover' });
        if (req.observe === 0 && !bootstrap) return this.observations.observe(oid, path, req, ctx);
        if (req.observe === 1) this.observations.deregister(req);
        return this.askCoap(oid, base);
      case 'PUT':
        if (req.contentFormat === undefined && req.payload.length === 0)
          return this.askCoap(oid, { ...base, op: 'write-attributes' });
        return this.askCoap(oid, { ...base, op: 'write' });
      case 'POST':
        if (path.length === 1) return this.askCoap(oid, { ...base, op: 'create' });
        if (path.length === 3) return this.askCoap(oid, { ...base, op: 'execute' });
        return this.askCoap(oid, { ...base, op: 'write-update' });
      case 'DELETE':
        return this.askCoap(oid, { ...base, op: 'delete' });
      default:
        return Promise.resolve({ code: '4.05' });
    }
  }

  private askCoap(objectId: number, req: OpRequest): Promise<CoapResponse> {
    return this.ask(objectId, req).then(toCoap);
  }
}
