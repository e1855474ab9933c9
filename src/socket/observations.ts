// observations.ts: the observation relay: a server's Observe becomes an object actor observation, each
// object.notify a CoAP notification (single paths and composites), journalled so an Update after a restart resumes
// them.
import type { CoapIncomingRequest, CoapResponse, ObserveRelation } from '../coap/api.js';
import type { ActorContext } from '../runtime/actor-api.js';
import type { OpResult } from '../lwm2m/operations/types.js';
import { AclRight } from '../lwm2m/acl.js';
import { encode, untypedContext } from '../lwm2m/formats/index.js';
import type { LwRecord, Path } from '../lwm2m/types.js';
import { ActorNames } from '../messages/index.js';
import type { ObjectNotify, ObjectObserve } from '../messages/index.js';
import type { AclGuard } from './acl.js';
import { text, toCoap } from './replies.js';

/** What the relay tells the observation journal (see observe-journal.ts). */
export interface RouterJournal {
  started(o: { relation: ObserveRelation; objectId: number; path: Path; uriPath: string[]; accept?: number }): void;
  notified(id: string, seq: number): void;
  ended(id: string): void;
}

/** Paths one Observe-Composite may hold (each is an observation in an object actor). */
export const MAX_COMPOSITE_OBSERVE_PATHS = 64;

/** Server default pmin/pmax (object 1) an object actor applies to an observation without its own attributes. */
export type ServerDefaults = { pmin?: number; pmax?: number };

export interface RelayOptions {
  /** Object ids that have an actor (object:N). */
  objects: () => readonly number[];
  /** Short server ID of the connected server. */
  ssid: () => number;
  /** Server default pmin/pmax; absent: asked of object 1 (server.settings). */
  defaults?: () => ServerDefaults | undefined;
  /** Observation persistence: told when single-object observations start, notify and end. */
  journal?: RouterJournal;
  /** Access Control, checked again for an observation resumed after a restart. */
  acl: AclGuard;
}

interface Single {
  relation: ObserveRelation;
  objectId: number;
  path: string;
}
interface Composite {
  relation: ObserveRelation;
  parts: Map<string, LwRecord[]>;
  owners: Map<string, number>;
  accept: number;
}

const logUndelivered =
  (ctx: ActorContext) =>
  (err: unknown): void =>
    ctx.log.debug({ err: (err as Error).message }, 'notification not delivered');

export class ObservationRelay {
  /** Observation id → relation (single-object observations). */
  private readonly relations = new Map<string, Single>();
  /** Observe-Composite relations by id; their parts are observed as '<id>#<n>'. */
  private readonly composites = new Map<string, Composite>();

  constructor(
    private readonly ctx: ActorContext,
    private readonly opts: RelayOptions,
  ) {}

  /** Observe on an object, instance or resource path (GET with Observe=0). */
  async observe(
    oid: number,
    path: Path,
    req: CoapIncomingRequest,
    ctx: { acceptObserve(): ObserveRelation },
  ): Promise<CoapResponse> {
    const relation = ctx.acceptObserve();
    const r = await this.askObserve(oid, relation.id, path, req.accept, await this.defaults());
    if (r.code !== '2.05') {
      relation.cancel();
      return toCoap(r);
    }
    this.attach(relation, oid, path, req.path, req.accept);
    return toCoap(r);
  }

  /** GET with Observe=1: ends the relations of this peer on this path (when the endpoint left that to the handler). */
  deregister(req: CoapIncomingRequest): void {
    const key = req.path.join('/');
    for (const [id, r] of this.relations) {
      if (r.path !== key || r.relation.peer.address !== req.from.address || r.relation.peer.port !== req.from.port)
        continue;
      this.forget(id);
      this.ctx.send(ActorNames.object(r.objectId), { type: 'object.cancel-observe', observationId: id });
      r.relation.cancel();
    }
  }

  /** An `object.notify` from an object actor: forward it on its relation (or merge it into a composite). */
  notify(m: ObjectNotify): void {
    const hash = m.observationId.indexOf('#');
    if (hash > 0) {
      this.compositePart(m, m.observationId.slice(0, hash));
      return;
    }
    const rel = this.relations.get(m.observationId);
    if (!rel) return;
    const res: CoapResponse = { code: m.code };
    if (m.contentFormat !== undefined) res.contentFormat = m.contentFormat;
    if (m.payload) res.payload = m.payload;
    if (m.code !== '2.05') {
      this.forget(m.observationId);
      rel.relation.cancel(res);
      return;
    }
    rel.relation.notify(res).catch(logUndelivered(this.ctx));
    this.journalSeq(rel.relation);
  }

  /** Observe-Composite (FETCH with Observe=0): one object actor observation per path, merged into one notification. */
  async observeComposite(
    paths: readonly Path[],
    accept: number,
    ctx: { acceptObserve(): ObserveRelation },
  ): Promise<CoapResponse> {
    // Each path is an observation in an object actor: the count is capped like the relations (coap.maxObservations).
    if (paths.length > MAX_COMPOSITE_OBSERVE_PATHS)
      return { code: '4.00', payload: text(`more than ${MAX_COMPOSITE_OBSERVE_PATHS} paths in one Observe-Composite`) };
    const relation = ctx.acceptObserve();
    const parts = new Map<string, LwRecord[]>();
    const owners = new Map<string, number>();
    let n = 0;
    for (const p of paths) {
      if (p.length === 0 || !this.opts.objects().includes(p[0])) continue;
      const id = `${relation.id}#${n++}`;
      const r = await this.askObserve(p[0], id, p, undefined, undefined, true);
      if (r.code === '2.05') {
        parts.set(id, r.records ?? []);
        owners.set(id, p[0]);
      }
    }
    // nothing to report now (every path absent or refused): 4.04, and the parts kept for absent paths end
    if ([...parts.values()].every((recs) => recs.length === 0)) {
      this.cancelParts(owners);
      relation.cancel();
      return { code: '4.04' };
    }
    this.composites.set(relation.id, { relation, parts, owners, accept });
    relation.onCancel(() => {
      this.cancelParts(owners);
      this.composites.delete(relation.id);
    });
    return {
      code: '2.05',
      contentFormat: accept,
      payload: encode(accept, [...parts.values()].flat(), untypedContext([])),
    };
  }

  /**
   * The object actor restarted (supervisor) and lost its observations: the live relations on it are observed again
   * under the same ids (no notification: its values may not be back yet). A path gone ends its relation.
   */
  async reobserve(objectId: number, entries: readonly { id: string; path: Path; accept?: number }[]): Promise<void> {
    const d = entries.length > 0 ? await this.defaults() : undefined;
    for (const e of entries) {
      const rel = this.relations.get(e.id);
      if (!rel || rel.objectId !== objectId) continue;
      const r = await this.askObserve(objectId, e.id, e.path, e.accept, d).catch((): OpResult => ({ code: '5.03' }));
      if (r.code === '2.05' || !this.relations.has(e.id)) continue;
      this.forget(e.id);
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
  async resumeObservation(
    relation: ObserveRelation,
    objectId: number,
    path: Path,
    uriPath: string[],
    accept: number | undefined,
  ): Promise<boolean> {
    if (!this.opts.objects().includes(objectId)) {
      relation.cancel({ code: '4.04' });
      return false;
    }
    // Access Control may have changed while the device was down (a bootstrap, another server): checked as a new Observe
    // would be.
    const table = await this.opts.acl.current();
    if (table.enforced) {
      const ssid = this.opts.ssid();
      const refusal =
        path.length === 1
          ? table.unreadable(ssid, objectId).length > 0
            ? '4.01'
            : undefined
          : table.check(ssid, path, AclRight.READ);
      if (refusal) {
        relation.cancel({ code: refusal });
        return false;
      }
    }
    let r: OpResult;
    try {
      r = await this.askObserve(objectId, relation.id, path, accept, await this.defaults());
    } catch (err) {
      this.ctx.log.warn({ err: (err as Error).message, path: uriPath.join('/') }, 'observation not resumed');
      relation.cancel();
      return false;
    }
    if (r.code !== '2.05') {
      relation.cancel(toCoap(r));
      return false;
    }
    this.attach(relation, objectId, path, uriPath, accept);
    // What changed while we were away is not lost: the current value goes out now (the object's pmin counts from here).
    relation.notify(toCoap(r)).catch(logUndelivered(this.ctx));
    this.journalSeq(relation);
    return true;
  }

  /** Ends every observation (transport closed or server changed). */
  cancelAll(): void {
    for (const [id, r] of this.relations)
      this.ctx.send(ActorNames.object(r.objectId), { type: 'object.cancel-observe', observationId: id });
    this.relations.clear();
    for (const c of this.composites.values()) this.cancelParts(c.owners);
    this.composites.clear();
  }

  /**
   * The one place an object actor is asked to observe a path for this socket (new, resumed, re-attached, composite
   * part).
   */
  private askObserve(
    objectId: number,
    observationId: string,
    path: Path,
    accept: number | undefined,
    defaults: ServerDefaults | undefined,
    compositePart = false,
  ): Promise<OpResult> {
    const msg: ObjectObserve = {
      type: 'object.observe',
      observationId,
      path,
      serverId: this.opts.ssid(),
      notifyTo: this.ctx.name,
    };
    // A composite part notifies records; whileAbsent: a path whose instance does not exist yet stays observed and joins
    // once created.
    if (compositePart) {
      msg.mode = 'records';
      msg.whileAbsent = true;
    }
    if (accept !== undefined) msg.accept = accept;
    if (defaults) msg.defaults = defaults;
    return this.ctx.request(ActorNames.object(objectId), msg);
  }

  /** A single-path relation the object actor now observes: kept, journalled, and ended at the object when it ends. */
  private attach(
    relation: ObserveRelation,
    objectId: number,
    path: Path,
    uriPath: string[],
    accept: number | undefined,
  ): void {
    this.relations.set(relation.id, { relation, objectId, path: uriPath.join('/') });
    const j = this.opts.journal;
    if (j) {
      j.started({ relation, objectId, path, uriPath: [...uriPath], ...(accept !== undefined ? { accept } : {}) });
      relation.onCancel(() => j.ended(relation.id));
    }
    relation.onCancel(() => {
      this.relations.delete(relation.id);
      this.ctx.send(ActorNames.object(objectId), { type: 'object.cancel-observe', observationId: relation.id });
    });
  }

  /** Drops a relation the relay ends itself (and its journal entry). */
  private forget(id: string): void {
    this.relations.delete(id);
    this.opts.journal?.ended(id);
  }

  private journalSeq(relation: ObserveRelation): void {
    const seq = relation.currentSeq?.();
    if (seq !== undefined) this.opts.journal?.notified(relation.id, seq);
  }

  /** Default pmin/pmax of the connected server: the option, else object 1's (/1/x/2, /1/x/3) when set. */
  private async defaults(): Promise<ServerDefaults | undefined> {
    const given = this.opts.defaults?.();
    if (given) return given;
    if (!this.opts.objects().includes(1)) return undefined;
    try {
      const r = await this.ctx.request(ActorNames.object(1), { type: 'server.settings' }, { timeoutMs: 2000 });
      const s = r.servers.find((x) => x.ssid === this.opts.ssid());
      if (!s) return undefined;
      const d: ServerDefaults = {};
      if (s.pmin > 0) d.pmin = s.pmin;
      if (s.pmax > 0) d.pmax = s.pmax;
      return Object.keys(d).length ? d : undefined;
    } catch {
      return undefined;
    }
  }

  private compositePart(m: ObjectNotify, id: string): void {
    const c = this.composites.get(id);
    if (!c || !c.parts.has(m.observationId)) return;
    c.parts.set(m.observationId, m.code === '2.05' ? (m.records ?? []) : []);
    const payload = encode(c.accept, [...c.parts.values()].flat(), untypedContext([]));
    c.relation.notify({ code: '2.05', contentFormat: c.accept, payload }).catch(() => undefined);
  }

  private cancelParts(owners: Map<string, number>): void {
    for (const [pid, oid] of owners)
      this.ctx.send(ActorNames.object(oid), { type: 'object.cancel-observe', observationId: pid });
  }
}
