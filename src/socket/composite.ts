// composite.ts: the operations on the root path, fanned out over the object actors: Discover of /,
// Bootstrap-Delete, Read-/Observe-/Write-Composite.
import type { CoapIncomingRequest, CoapResponse, ObserveRelation } from '../coap/api.js';
import type { OpRequest, OpResult } from '../lwm2m/operations/types.js';
import { ContentFormat, type LwRecord, type Path } from '../lwm2m/types.js';
import { decode, decodePaths, encode, untypedContext } from '../lwm2m/formats/index.js';
import { formatLinks, parseLinks, type Link } from '../lwm2m/formats/link.js';
import { AclRight, type AclTable } from '../lwm2m/acl.js';
import { AclGuard } from './acl.js';
import type { ObservationRelay } from './observations.js';
import { refuse, text, toCoap } from './replies.js';
import { compositeRefusal, SECURITY_OBJECT_ID, type Session } from './session.js';

/** Formats that name their paths, so can carry a Write-Composite. */
const COMPOSITE_FORMATS: ReadonlySet<number> = new Set([
  ContentFormat.SENML_JSON,
  ContentFormat.SENML_CBOR,
  ContentFormat.LWM2M_CBOR,
]);
/** Codes of a Read-Composite path that is left out of the answer (absent, not readable) instead of failing it. */
const LEFT_OUT: ReadonlySet<string> = new Set(['4.04', '4.05']);

export interface CompositeDeps {
  objects: () => readonly number[];
  ssid: () => number;
  /** One request to object:N (the router's, with its timeout). */
  ask(objectId: number, req: OpRequest): Promise<OpResult>;
  acl: AclGuard;
  observations: ObservationRelay;
}

export class CompositeOperations {
  constructor(private readonly d: CompositeDeps) {}

  /** A request on the root path '/' (the session gate has passed it). */
  async root(
    req: CoapIncomingRequest,
    ctx: { acceptObserve(): ObserveRelation },
    session: Session,
  ): Promise<CoapResponse> {
    const ssid = this.d.ssid();
    const bootstrap = session.bootstrap;
    const acl = bootstrap ? undefined : await this.d.acl.current();
    const table = acl?.enforced ? acl : undefined;
    if (req.method === 'GET' && (req.accept === ContentFormat.LINK || req.accept === undefined))
      return this.discover(bootstrap, ssid, table);
    if (req.method === 'DELETE' && bootstrap) {
      for (const oid of this.d.objects())
        await this.d.ask(oid, { op: 'delete', path: [oid], bootstrap: true, serverId: 0 });
      return { code: '2.02' };
    }
    if (req.method === 'FETCH') return this.fetch(req, ctx, session, ssid, table);
    if (req.method === 'iPATCH') return this.writeComposite(req, session, ssid, table);
    return { code: '4.05' };
  }

  /**
   * Discover of '/': every object's links (the bootstrap server's with the version line, a DM server's without /0 and
   * filtered by Access Control).
   */
  private async discover(bootstrap: boolean, ssid: number, table: AclTable | undefined): Promise<CoapResponse> {
    const all: Link[] = bootstrap ? [{ target: '/', params: { lwm2m: '1.2' } }] : [];
    for (const oid of [...this.d.objects()].sort((a, b) => a - b)) {
      if (!bootstrap && oid === 0) continue;
      const r = await this.d.ask(oid, { op: 'discover', path: [oid], serverId: ssid, bootstrap, query: ['depth=1'] });
      if (r.code !== '2.05' || !r.payload) continue;
      const links = parseLinks(Buffer.from(r.payload).toString('utf8'));
      all.push(...(table ? AclGuard.filterLinks(table, ssid, links) : links));
    }
    return { code: '2.05', contentFormat: ContentFormat.LINK, payload: text(formatLinks(all)) };
  }

  /** FETCH: Read-Composite, or Observe-Composite with Observe=0. */
  private async fetch(
    req: CoapIncomingRequest,
    ctx: { acceptObserve(): ObserveRelation },
    session: Session,
    ssid: number,
    table: AclTable | undefined,
  ): Promise<CoapResponse> {
    const fmt = req.contentFormat ?? ContentFormat.SENML_CBOR;
    const paths = decodePaths(fmt, req.payload);
    const denied = compositeRefusal(paths, session);
    if (denied) return refuse(denied);
    const accept = req.accept ?? fmt;
    if (
      accept !== ContentFormat.SENML_JSON &&
      accept !== ContentFormat.SENML_CBOR &&
      accept !== ContentFormat.LWM2M_CBOR
    )
      return { code: '4.06' };
    if (table) {
      const refusal = AclGuard.checkPaths(table, ssid, paths, AclRight.READ);
      if (refusal) return { code: refusal };
      if (req.observe === 0 && paths.some((p) => p.length === 1 && table.unreadable(ssid, p[0]).length > 0))
        return { code: '4.01' };
    }
    if (req.observe === 0) return await this.d.observations.observeComposite(paths, accept, ctx);
    const recs = await this.readComposite(paths, table);
    if (!Array.isArray(recs)) return toCoap(recs);
    return { code: '2.05', contentFormat: accept, payload: encode(accept, recs, untypedContext([])) };
  }

  /** iPATCH: Write-Composite, one write-records request per object (resource paths only). */
  private async writeComposite(
    req: CoapIncomingRequest,
    session: Session,
    ssid: number,
    table: AclTable | undefined,
  ): Promise<CoapResponse> {
    if (req.contentFormat === undefined) return { code: '4.00', payload: text('Content-Format missing') };
    if (!COMPOSITE_FORMATS.has(req.contentFormat))
      return { code: '4.15', payload: text(`content format ${req.contentFormat} cannot carry a composite write`) };
    const recs = decode(req.contentFormat, req.payload, untypedContext([]));
    const denied = compositeRefusal(
      recs.map((r) => r.path),
      session,
    );
    if (denied) return refuse(denied);
    const byObj = new Map<number, LwRecord[]>();
    for (const r of recs) {
      if (r.path.length < 3) return { code: '4.00', payload: text('composite write needs resource paths') };
      if (!this.d.objects().includes(r.path[0])) return { code: '4.04' };
      byObj.set(r.path[0], [...(byObj.get(r.path[0]) ?? []), r]);
    }
    const refusal = table
      ? AclGuard.checkPaths(
          table,
          ssid,
          recs.map((r) => r.path),
          AclRight.WRITE,
        )
      : undefined;
    if (refusal) return { code: refusal };
    for (const [oid, part] of byObj) {
      const r = await this.d.ask(oid, { op: 'write-records', path: [oid], records: part, serverId: ssid });
      if (r.code !== '2.04') return toCoap(r);
    }
    return { code: '2.04' };
  }

  private async readComposite(paths: readonly Path[], table?: AclTable): Promise<LwRecord[] | OpResult> {
    const out: LwRecord[] = [];
    const byObj = new Map<number, Path[]>();
    const objects = this.d.objects();
    // The root path names every object but Security (whose values belong to the bootstrap interface).
    const wanted = paths.flatMap((p) =>
      p.length === 0 ? objects.filter((o) => o !== SECURITY_OBJECT_ID).map((o) => [o]) : [p],
    );
    for (const p of wanted) {
      if (!objects.includes(p[0])) continue;
      byObj.set(p[0], [...(byObj.get(p[0]) ?? []), p]);
    }
    const ssid = this.d.ssid();
    for (const [oid, ps] of byObj) {
      const hide = table?.unreadable(ssid, oid) ?? [];
      const read = (sub: Path[]): Promise<OpResult> => {
        const q: OpRequest = { op: 'read-records', path: [oid], paths: sub, serverId: ssid, remote: true };
        if (hide.length > 0) q.hideInstances = hide;
        return this.d.ask(oid, q);
      };
      const r = await read(ps);
      if (r.code === '2.05') {
        out.push(...(r.records ?? []));
        continue;
      }
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
}
