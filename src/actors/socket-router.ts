// socket-router.ts: maps the LwM2M server's CoAP requests to object actors (object:N), fans out root operations, relays observations.
import type { CoapIncomingRequest, CoapResponse, ObserveRelation } from '../coap/api.js';
import type { ActorContext } from '../runtime/actor-api.js';
import type { OpRequest, OpResult } from '../lwm2m/operations/types.js';
import { ContentFormat, type LwRecord, type Path } from '../lwm2m/types.js';
import { decode, decodePaths, encode, untypedContext } from '../lwm2m/formats/index.js';
import { formatLinks, parseLinks, type Link } from '../lwm2m/formats/link.js';
import { pathFromSegments } from '../lwm2m/path.js';
import { ActorNames } from './messages.js';
import type { ObjectNotify, ObjectObserve } from './object-messages.js';
import { AclGuard, requiredRight } from './socket-acl.js';
import { AclRight, type AclTable } from '../lwm2m/acl.js';
import type { PeerAddress } from '../coap/transport.js';
import { compositeRefusal, isBootstrapFinish, SECURITY_OBJECT_ID, sessionRefusal, type Refusal, type Session } from './socket-session.js';

export interface RouterOptions {
  /** Object ids that have an actor (object:N). */
  objects: () => readonly number[];
  /** Short server ID of the connected server (0 = bootstrap server). */
  ssid: () => number;
  /** The connected server's address: the bootstrap interface is honoured from there only (absent: not checked). */
  peer?: () => PeerAddress | undefined;
  /** Server default pmin/pmax (from object 1) for observations. */
  defaults?: () => { pmin?: number; pmax?: number } | undefined;
  requestTimeoutMs?: number;
  /** Clock for throttling activity reports (default Date.now). */
  now?: () => number;
  /** At most one lwm2m.server-activity per server this often (ms, default 1000): the client only re-arms its queue-mode awake timer (93 s), and one message per request cost a thread hop per Read. */
  activityEveryMs?: number;
  /** The client actor to tell about server activity and Bootstrap-Finish (default 'client'). */
  client?: string;
  /** Observation persistence (the socket actor's journal): told when single-object observations start, notify and end. */
  journal?: RouterJournal;
}

/** What the router tells the observation journal (see observe-journal.ts). */
export interface RouterJournal {
  started(o: { relation: ObserveRelation; objectId: number; path: Path; uriPath: string[]; accept?: number }): void;
  notified(id: string, seq: number): void;
  ended(id: string): void;
}

/** Paths one Observe-Composite may hold (each is an observation in an object actor). */
export const MAX_COMPOSITE_OBSERVE_PATHS = 64;

const text = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'utf8'));
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

/** Formats that name their paths, so can carry a Write-Composite. */
const COMPOSITE_FORMATS: ReadonlySet<number> = new Set([ContentFormat.SENML_JSON, ContentFormat.SENML_CBOR, ContentFormat.LWM2M_CBOR]);
/** Codes of a Read-Composite path that is left out of the answer (absent, not readable) instead of failing it. */
const LEFT_OUT: ReadonlySet<string> = new Set(['4.04', '4.05']);

const refuse = (r: Refusal): CoapResponse => ({ code: r.code, payload: text(r.message) });

/** Errors a peer's bad request raises (payload that does not decode, a content format we do not speak): 4.xx, not 5.00. */
function clientErrorCode(code: string | undefined): '4.00' | '4.15' | undefined {
  if (code === 'FORMAT_DECODE' || code === 'PATH_INVALID') return '4.00';
  if (code === 'FORMAT_UNSUPPORTED') return '4.15';
  return undefined;
}

const toCoap = (r: OpResult): CoapResponse => {
  const out: CoapResponse = { code: r.code };
  if (r.contentFormat !== undefined) out.contentFormat = r.contentFormat;
  if (r.payload !== undefined) out.payload = r.payload;
  else if (r.message !== undefined && r.code >= '4') out.payload = text(r.message);
  if (r.location) out.locationPath = r.location;
  return out;
};

export class SocketRouter {
  private readonly ctx: ActorContext;
  private readonly opts: RouterOptions;
  /** Observation id → relation (single-object observations, and composite parts 'id#n'). */
  private readonly relations = new Map<string, { relation: ObserveRelation; objectId: number; path: string }>();
  private readonly composites = new Map<string, { relation: ObserveRelation; parts: Map<string, LwRecord[]>; owners: Map<string, number>; accept: number }>();

  private lastActivity: { ssid: number; at: number } | undefined;
  /** Access Control (object 2) with several servers: the cached table and the checks. */
  readonly acl: AclGuard;

  constructor(ctx: ActorContext, opts: RouterOptions) {
    this.ctx = ctx;
    this.opts = opts;
    this.acl = new AclGuard((oid, req) => this.ask(oid, req), opts.objects, ctx.log);
  }

  private reportActivity(ssid: number): void {
    const now = (this.opts.now ?? Date.now)();
    const last = this.lastActivity;
    if (last && last.ssid === ssid && now - last.at < (this.opts.activityEveryMs ?? 1000)) return;
    this.lastActivity = { ssid, at: now };
    this.ctx.send(this.opts.client ?? ActorNames.client, { type: 'lwm2m.server-activity', ssid });
  }

  private ask(objectId: number, req: OpRequest): Promise<OpResult> {
    // Without its own timeout, ctx.request's (supervisor.requestTimeoutMs): an object whose hook never answers gets 5.03.
    const o = this.opts.requestTimeoutMs !== undefined ? { timeoutMs: this.opts.requestTimeoutMs } : undefined;
    return this.ctx.request<OpResult>(ActorNames.object(objectId), { type: 'object.request', ...req }, o);
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
      // Every request passes here: the session decides which interface it may use (see socket-session.ts).
      const refusal = sessionRefusal(req, path, session);
      if (refusal) return refuse(refusal);
      if (isBootstrapFinish(req)) {
        const r = await this.ctx.request<{ code?: string }>(this.opts.client ?? ActorNames.client, { type: 'lwm2m.bootstrap-finish' });
        this.acl.invalidate();
        return { code: r?.code ?? '2.04' };
      }
      if (path === undefined) return { code: '4.04', payload: text('not an LwM2M path') };
      if (path.length === 0) {
        const res = await this.root(req, ctx, session);
        this.acl.touched(undefined, req.method, bootstrap);
        return res;
      }
      const oid = path[0];
      if (!this.opts.objects().includes(oid)) return { code: '4.04' };
      // The bootstrap server is never checked; with one server account the table is "not enforced". Once cached, no round trip.
      const cached = bootstrap ? undefined : this.acl.current();
      const table = cached instanceof Promise ? await cached : cached;
      const base = base0(path, ssid, req, bootstrap);
      const res = await (table?.enforced ? this.guarded(req, ctx, path, base, table) : this.route(req, ctx, path, base));
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
  async admitWrite(req: Pick<CoapIncomingRequest, 'path' | 'from' | 'contentFormat' | 'payload'>): Promise<string | undefined> {
    const ssid = this.opts.ssid();
    let path: Path;
    try { path = pathFromSegments(req.path); } catch { return '4.04'; }
    const refusal = sessionRefusal({ ...req, method: 'PUT' }, path, { bootstrap: ssid === 0, peer: this.opts.peer?.() });
    if (refusal) return refusal.code;
    if (ssid === 0) return undefined;
    const table = await this.acl.current();
    return table.enforced ? table.check(ssid, path, AclRight.WRITE) : undefined;
  }

  /** A request from a server when several servers exist: ACL checks, then routing, then ACL bookkeeping (Create / Delete). */
  private async guarded(req: CoapIncomingRequest, ctx: { acceptObserve(): ObserveRelation }, path: Path, base: OpRequest, table: AclTable): Promise<CoapResponse> {
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
        // Observe of an object path is not filtered per notification: refused when some instance is hidden from this server.
        if (req.observe === 0) return { code: '4.01' };
        if (req.observe !== 1) return toCoap(await this.ask(oid, { ...base, hideInstances: hide }));
      }
    }
    const res = await this.route(req, ctx, path, base);
    if (req.method === 'POST' && path.length === 1 && res.code === '2.01') await this.acl.created(table, ssid, res.locationPath);
    if (req.method === 'DELETE' && path.length === 2 && res.code === '2.02') await this.acl.deleted(table, path);
    return res;
  }

  /** Maps a request on an object / instance / resource path to the object actor (not async: one promise per request, the object's answer). */
  private route(req: CoapIncomingRequest, ctx: { acceptObserve(): ObserveRelation }, path: Path, base: OpRequest): Promise<CoapResponse> {
    const oid = path[0];
    const bootstrap = base.bootstrap === true;
    switch (req.method) {
      case 'GET':
        if (req.accept === ContentFormat.LINK) return this.askCoap(oid, { ...base, op: 'discover' });
        if (req.observe === 0 && !bootstrap) return this.observe(oid, path, req, ctx);
        if (req.observe === 1) this.deregister(req);
        return this.askCoap(oid, base);
      case 'PUT':
        if (req.contentFormat === undefined && req.payload.length === 0) return this.askCoap(oid, { ...base, op: 'write-attributes' });
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

  private async observe(oid: number, path: Path, req: CoapIncomingRequest, ctx: { acceptObserve(): ObserveRelation }): Promise<CoapResponse> {
    const relation = ctx.acceptObserve();
    const msg: ObjectObserve = { type: 'object.observe', observationId: relation.id, path, serverId: this.opts.ssid(), notifyTo: this.ctx.name };
    if (req.accept !== undefined) msg.accept = req.accept;
    const d = this.opts.defaults?.() ?? (await this.serverDefaults());
    if (d) msg.defaults = d;
    const r = await this.ctx.request<OpResult>(ActorNames.object(oid), msg as never);
    if (r.code !== '2.05') {
      relation.cancel();
      return toCoap(r);
    }
    this.relations.set(relation.id, { relation, objectId: oid, path: req.path.join('/') });
    this.journalStart(relation, oid, path, req.path, req.accept);
    relation.onCancel(() => {
      this.relations.delete(relation.id);
      this.ctx.send(ActorNames.object(oid), { type: 'object.cancel-observe', observationId: relation.id });
    });
    return toCoap(r);
  }

  /** Default pmin/pmax of the connected server from object 1 (/1/x/2, /1/x/3), when set. */
  private async serverDefaults(): Promise<{ pmin?: number; pmax?: number } | undefined> {
    if (!this.opts.objects().includes(1)) return undefined;
    try {
      const r = await this.ctx.request<{ servers?: { ssid: number; pmin: number; pmax: number }[] }>(ActorNames.object(1), { type: 'server.settings' }, { timeoutMs: 2000 });
      const s = r?.servers?.find((x) => x.ssid === this.opts.ssid());
      if (!s) return undefined;
      const d: { pmin?: number; pmax?: number } = {};
      if (s.pmin > 0) d.pmin = s.pmin;
      if (s.pmax > 0) d.pmax = s.pmax;
      return Object.keys(d).length ? d : undefined;
    } catch {
      return undefined;
    }
  }

  /** GET with Observe=1: ends the relations of this peer on this path (when the endpoint left that to the handler). */
  private deregister(req: CoapIncomingRequest): void {
    const key = req.path.join('/');
    for (const [id, r] of this.relations) {
      if (r.path !== key || r.relation.peer.address !== req.from.address || r.relation.peer.port !== req.from.port) continue;
      this.relations.delete(id);
      this.opts.journal?.ended(id);
      this.ctx.send(ActorNames.object(r.objectId), { type: 'object.cancel-observe', observationId: id });
      r.relation.cancel();
    }
  }

  /** An `object.notify` from an object actor: forward it on its relation (or merge it into a composite). */
  notify(m: ObjectNotify): void {
    const hash = m.observationId.indexOf('#');
    if (hash > 0) { this.compositePart(m, m.observationId.slice(0, hash)); return; }
    const rel = this.relations.get(m.observationId);
    if (!rel) return;
    const res: CoapResponse = { code: m.code };
    if (m.contentFormat !== undefined) res.contentFormat = m.contentFormat;
    if (m.payload) res.payload = m.payload;
    if (m.code !== '2.05') {
      this.relations.delete(m.observationId);
      this.opts.journal?.ended(m.observationId);
      rel.relation.cancel(res);
      return;
    }
    rel.relation.notify(res).catch((err: unknown) => this.ctx.log.debug({ err: (err as Error).message }, 'notification not delivered'));
    this.journalSeq(rel.relation);
  }

  // ---- observation persistence (journal): record, follow sequence numbers, resume after a restart ----
  private journalStart(relation: ObserveRelation, objectId: number, path: Path, uriPath: string[], accept: number | undefined): void {
    const j = this.opts.journal;
    if (!j) return;
    j.started({ relation, objectId, path, uriPath: [...uriPath], ...(accept !== undefined ? { accept } : {}) });
    relation.onCancel(() => j.ended(relation.id));
  }

  private journalSeq(relation: ObserveRelation): void {
    const seq = relation.currentSeq?.();
    if (seq !== undefined) this.opts.journal?.notified(relation.id, seq);
  }

  /**
   * The object actor restarted (supervisor) and lost its observations: the live relations on it are observed again
   * under the same ids (no notification: its values may not be back yet). A path gone ends its relation.
   */
  async reobserve(objectId: number, entries: readonly { id: string; path: Path; accept?: number }[]): Promise<void> {
    const d = entries.length > 0 ? this.opts.defaults?.() ?? (await this.serverDefaults()) : undefined;
    for (const e of entries) {
      const rel = this.relations.get(e.id);
      if (!rel || rel.objectId !== objectId) continue;
      const msg: ObjectObserve = { type: 'object.observe', observationId: e.id, path: e.path, serverId: this.opts.ssid(), notifyTo: this.ctx.name };
      if (e.accept !== undefined) msg.accept = e.accept;
      if (d) msg.defaults = d;
      const r = await this.ctx.request<OpResult>(ActorNames.object(objectId), msg as never).catch((): OpResult => ({ code: '5.03' }));
      if (r.code === '2.05' || !this.relations.has(e.id)) continue;
      this.relations.delete(e.id);
      this.opts.journal?.ended(e.id);
      rel.relation.cancel(toCoap(r));
    }
  }

  /** True while a single-object observation with this id is live. */
  hasObservation(id: string): boolean {
    return this.relations.has(id);
  }

  /**
   * Re-attaches a relation that the endpoint restored after a restart (the registration resumed with an Update):
   * the object actor observes the path again under the relation's id. False (and the relation ended with the
   * object's error code) when the path cannot be observed any more.
   */
  async resumeObservation(relation: ObserveRelation, objectId: number, path: Path, uriPath: string[], accept: number | undefined): Promise<boolean> {
    if (!this.opts.objects().includes(objectId)) { relation.cancel({ code: '4.04' }); return false; }
    // Access Control may have changed while the device was down (a bootstrap, another server): checked as a new Observe would be.
    const table = await this.acl.current();
    if (table.enforced) {
      const refusal = path.length === 1 ? (table.unreadable(this.opts.ssid(), objectId).length > 0 ? '4.01' : undefined) : table.check(this.opts.ssid(), path, AclRight.READ);
      if (refusal) { relation.cancel({ code: refusal }); return false; }
    }
    const msg: ObjectObserve = { type: 'object.observe', observationId: relation.id, path, serverId: this.opts.ssid(), notifyTo: this.ctx.name };
    if (accept !== undefined) msg.accept = accept;
    const d = this.opts.defaults?.() ?? (await this.serverDefaults());
    if (d) msg.defaults = d;
    let r: OpResult;
    try {
      r = await this.ctx.request<OpResult>(ActorNames.object(objectId), msg as never);
    } catch (err) {
      this.ctx.log.warn({ err: (err as Error).message, path: uriPath.join('/') }, 'observation not resumed');
      relation.cancel();
      return false;
    }
    if (r.code !== '2.05') { relation.cancel(toCoap(r)); return false; }
    this.relations.set(relation.id, { relation, objectId, path: uriPath.join('/') });
    this.journalStart(relation, objectId, path, uriPath, accept);
    relation.onCancel(() => {
      this.relations.delete(relation.id);
      this.ctx.send(ActorNames.object(objectId), { type: 'object.cancel-observe', observationId: relation.id });
    });
    // What changed while we were away is not lost: the current value goes out now (the object's pmin counts from here).
    relation.notify(toCoap(r)).catch((err: unknown) => this.ctx.log.debug({ err: (err as Error).message }, 'notification not delivered'));
    this.journalSeq(relation);
    return true;
  }

  /** Ends every observation (transport closed or server changed). */
  cancelAll(): void {
    for (const [id, r] of this.relations) this.ctx.send(ActorNames.object(r.objectId), { type: 'object.cancel-observe', observationId: id });
    this.relations.clear();
    for (const c of this.composites.values()) this.cancelComposite(c.owners);
    this.composites.clear();
  }

  // ---- root operations: Discover, Read-/Write-/Observe-Composite, Bootstrap-Delete ----
  private async root(req: CoapIncomingRequest, ctx: { acceptObserve(): ObserveRelation }, session: Session): Promise<CoapResponse> {
    const ssid = this.opts.ssid();
    const bootstrap = session.bootstrap;
    const acl = bootstrap ? undefined : await this.acl.current();
    const table = acl?.enforced ? acl : undefined;
    if (req.method === 'GET' && (req.accept === ContentFormat.LINK || req.accept === undefined)) {
      const all: Link[] = bootstrap ? [{ target: '/', params: { lwm2m: '1.2' } }] : [];
      for (const oid of [...this.opts.objects()].sort((a, b) => a - b)) {
        if (!bootstrap && oid === 0) continue;
        const r = await this.ask(oid, { op: 'discover', path: [oid], serverId: ssid, bootstrap, query: ['depth=1'] });
        if (r.code !== '2.05' || !r.payload) continue;
        const links = parseLinks(Buffer.from(r.payload).toString('utf8'));
        all.push(...(table ? AclGuard.filterLinks(table, ssid, links) : links));
      }
      return { code: '2.05', contentFormat: ContentFormat.LINK, payload: text(formatLinks(all)) };
    }
    if (req.method === 'DELETE' && bootstrap) {
      for (const oid of this.opts.objects()) await this.ask(oid, { op: 'delete', path: [oid], bootstrap: true, serverId: 0 });
      return { code: '2.02' };
    }
    if (req.method === 'FETCH') {
      const fmt = req.contentFormat ?? ContentFormat.SENML_CBOR;
      const paths = decodePaths(fmt, req.payload);
      const denied = compositeRefusal(paths, session);
      if (denied) return refuse(denied);
      const accept = req.accept ?? fmt;
      if (accept !== ContentFormat.SENML_JSON && accept !== ContentFormat.SENML_CBOR && accept !== ContentFormat.LWM2M_CBOR) return { code: '4.06' };
      if (table) {
        const refusal = AclGuard.checkPaths(table, ssid, paths, AclRight.READ);
        if (refusal) return { code: refusal };
        if (req.observe === 0 && paths.some((p) => p.length === 1 && table.unreadable(ssid, p[0]).length > 0)) return { code: '4.01' };
      }
      if (req.observe === 0) return await this.observeComposite(paths, accept, ctx);
      const recs = await this.readComposite(paths, table);
      if (!Array.isArray(recs)) return toCoap(recs);
      return { code: '2.05', contentFormat: accept, payload: encode(accept, recs, untypedContext([])) };
    }
    if (req.method === 'iPATCH') {
      if (req.contentFormat === undefined) return { code: '4.00', payload: text('Content-Format missing') };
      if (!COMPOSITE_FORMATS.has(req.contentFormat)) return { code: '4.15', payload: text(`content format ${req.contentFormat} cannot carry a composite write`) };
      const recs = decode(req.contentFormat, req.payload, untypedContext([]));
      const denied = compositeRefusal(recs.map((r) => r.path), session);
      if (denied) return refuse(denied);
      const byObj = new Map<number, LwRecord[]>();
      for (const r of recs) {
        if (r.path.length < 3) return { code: '4.00', payload: text('composite write needs resource paths') };
        if (!this.opts.objects().includes(r.path[0])) return { code: '4.04' };
        byObj.set(r.path[0], [...(byObj.get(r.path[0]) ?? []), r]);
      }
      const refusal = table ? AclGuard.checkPaths(table, ssid, recs.map((r) => r.path), AclRight.WRITE) : undefined;
      if (refusal) return { code: refusal };
      for (const [oid, part] of byObj) {
        const r = await this.ask(oid, { op: 'write-records', path: [oid], records: part, serverId: ssid });
        if (r.code !== '2.04') return toCoap(r);
      }
      return { code: '2.04' };
    }
    return { code: '4.05' };
  }

  private async readComposite(paths: readonly Path[], table?: AclTable): Promise<LwRecord[] | OpResult> {
    const out: LwRecord[] = [];
    const byObj = new Map<number, Path[]>();
    // The root path names every object but Security (whose values belong to the bootstrap interface).
    const wanted = paths.flatMap((p) => (p.length === 0 ? this.opts.objects().filter((o) => o !== SECURITY_OBJECT_ID).map((o) => [o]) : [p]));
    for (const p of wanted) {
      if (!this.opts.objects().includes(p[0])) continue;
      byObj.set(p[0], [...(byObj.get(p[0]) ?? []), p]);
    }
    for (const [oid, ps] of byObj) {
      const hide = table?.unreadable(this.opts.ssid(), oid) ?? [];
      const read = (sub: Path[]): Promise<OpResult> => {
        const q: OpRequest = { op: 'read-records', path: [oid], paths: sub, serverId: this.opts.ssid(), remote: true };
        if (hide.length > 0) q.hideInstances = hide;
        return this.ask(oid, q);
      };
      const r = await read(ps);
      if (r.code === '2.05') { out.push(...(r.records ?? [])); continue; }
      if (!LEFT_OUT.has(r.code)) return r;
      // Partial success: a path that is absent or not readable (4.04 / 4.05) is left out, the others are answered.
      for (const p of ps) {
        const one = await read([p]);
        if (one.code === '2.05') out.push(...(one.records ?? []));
        else if (!LEFT_OUT.has(one.code)) return one;
      }
    }
    return out;
  }

  private async observeComposite(paths: readonly Path[], accept: number, ctx: { acceptObserve(): ObserveRelation }): Promise<CoapResponse> {
    // Each path is an observation in an object actor: the count is capped like the relations (coap.maxObservations).
    if (paths.length > MAX_COMPOSITE_OBSERVE_PATHS) return { code: '4.00', payload: text(`more than ${MAX_COMPOSITE_OBSERVE_PATHS} paths in one Observe-Composite`) };
    const relation = ctx.acceptObserve();
    const parts = new Map<string, LwRecord[]>();
    const owners = new Map<string, number>();
    let n = 0;
    for (const p of paths) {
      if (p.length === 0 || !this.opts.objects().includes(p[0])) continue;
      const id = `${relation.id}#${n++}`;
      // whileAbsent: a path whose instance does not exist yet stays observed and joins the notifications once created
      const msg: ObjectObserve = { type: 'object.observe', observationId: id, path: p, serverId: this.opts.ssid(), mode: 'records', notifyTo: this.ctx.name, whileAbsent: true };
      const r = await this.ctx.request<OpResult>(ActorNames.object(p[0]), msg as never);
      if (r.code === '2.05') { parts.set(id, r.records ?? []); owners.set(id, p[0]); }
    }
    // nothing to report now (every path absent or refused): 4.04, and the parts kept for absent paths end
    if ([...parts.values()].every((recs) => recs.length === 0)) { this.cancelComposite(owners); relation.cancel(); return { code: '4.04' }; }
    this.composites.set(relation.id, { relation, parts, owners, accept });
    relation.onCancel(() => { this.cancelComposite(owners); this.composites.delete(relation.id); });
    return { code: '2.05', contentFormat: accept, payload: encode(accept, [...parts.values()].flat(), untypedContext([])) };
  }

  private compositePart(m: ObjectNotify, id: string): void {
    const c = this.composites.get(id);
    if (!c || !c.parts.has(m.observationId)) return;
    c.parts.set(m.observationId, m.code === '2.05' ? m.records ?? [] : []);
    const payload = encode(c.accept, [...c.parts.values()].flat(), untypedContext([]));
    c.relation.notify({ code: '2.05', contentFormat: c.accept, payload }).catch(() => undefined);
  }

  private cancelComposite(owners: Map<string, number>): void {
    for (const [pid, oid] of owners) this.ctx.send(ActorNames.object(oid), { type: 'object.cancel-observe', observationId: pid });
  }
}
