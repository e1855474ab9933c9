// acl.ts: the socket router's Access Control guard: caches the ACL table (objects 1 and 2), checks requests,
// keeps ACL instances in step with Create/Delete.
import type { CoapIncomingRequest } from '../coap/api.js';
import type { OpRequest, OpResult } from '../lwm2m/operations/types.js';
import { ContentFormat, type Path } from '../lwm2m/types.js';
import { encode, untypedContext } from '../lwm2m/formats/index.js';
import { parseLinks, type Link } from '../lwm2m/formats/link.js';
import {
  ACL_OBJECT_ID,
  AclRight,
  AclTable,
  aclEntriesFromRecords,
  aclRecords,
  seedAcl,
  serversFromRecords,
  type AclRefusal,
  type AclSeed,
} from '../lwm2m/acl.js';

type Ask = (objectId: number, req: OpRequest) => Promise<OpResult>;
interface Log {
  warn(o: object, msg: string): void;
  info(o: object, msg: string): void;
}

/**
 * The right a request on an object / instance / resource path needs, or undefined when the ACL does not apply
 * (object-level Read, Discover, Write-Attributes).
 */
export function requiredRight(
  req: Pick<CoapIncomingRequest, 'method' | 'contentFormat' | 'payload'>,
  path: Path,
): number | undefined {
  switch (req.method) {
    case 'GET':
      return path.length === 1 ? undefined : AclRight.READ;
    case 'PUT':
      if (req.contentFormat === undefined && req.payload.length === 0)
        return path.length === 1 ? undefined : AclRight.READ;
      return AclRight.WRITE;
    case 'POST':
      if (path.length === 1) return AclRight.CREATE;
      return path.length === 3 ? AclRight.EXECUTE : AclRight.WRITE;
    case 'DELETE':
      return AclRight.DELETE;
    default:
      return undefined;
  }
}

/** Objects whose changes alter the table: Server (1, the accounts) and Access Control (2). */
const TABLE_OBJECTS = new Set([1, ACL_OBJECT_ID]);

export class AclGuard {
  private table: AclTable | undefined;
  private loading: Promise<AclTable> | undefined;
  private generation = 0;
  private readonly ask: Ask;
  private readonly objects: () => readonly number[];
  private readonly log: Log;

  constructor(ask: Ask, objects: () => readonly number[], log: Log) {
    this.ask = ask;
    this.objects = objects;
    this.log = log;
  }

  /** The cached table (read once; no round trip while cached). */
  current(): AclTable | Promise<AclTable> {
    return this.table ?? this.load();
  }

  /** Forget the table: the next request reads objects 1 and 2 again. */
  invalidate(): void {
    this.generation++;
    this.table = undefined;
    this.loading = undefined;
  }

  /** After a request: a change to objects 1 or 2 (or anything from the bootstrap server) invalidates the table. */
  touched(objectId: number | undefined, method: string, bootstrap: boolean): void {
    if (method === 'GET' || method === 'FETCH') return;
    if (bootstrap || objectId === undefined || TABLE_OBJECTS.has(objectId)) this.invalidate();
  }

  private load(): Promise<AclTable> {
    if (this.loading) return this.loading;
    const gen = this.generation;
    const p = this.read()
      .then((t) => {
        if (gen === this.generation) this.table = t;
        return t;
      })
      .finally(() => {
        if (this.loading === p) this.loading = undefined;
      });
    this.loading = p;
    return p;
  }

  private async read(): Promise<AclTable> {
    const objs = this.objects();
    if (!objs.includes(1)) return AclTable.none();
    const s = await this.ask(1, { op: 'read-records', path: [1], paths: [[1]], serverId: 0 });
    const servers = serversFromRecords(s.records ?? []);
    const ssids = [...servers].sort((a, b) => a[0] - b[0]).map((x) => x[1]);
    if (new Set(ssids).size < 2) return new AclTable(ssids, []);
    if (!objs.includes(ACL_OBJECT_ID)) {
      this.log.warn({ servers: ssids }, 'several servers but no Access Control object hosted: access is not checked');
      return new AclTable([], []);
    }
    let entries = aclEntriesFromRecords(
      (await this.ask(ACL_OBJECT_ID, { op: 'read-records', path: [2], paths: [[2]], serverId: 0 })).records ?? [],
    );
    if (entries.length === 0) {
      await this.seed(servers, objs);
      entries = aclEntriesFromRecords(
        (await this.ask(ACL_OBJECT_ID, { op: 'read-records', path: [2], paths: [[2]], serverId: 0 })).records ?? [],
      );
    }
    return new AclTable(ssids, entries);
  }

  /** No Access Control instance yet with several servers: create them for what is hosted now (see seedAcl). */
  private async seed(servers: ReadonlyMap<number, number>, objs: readonly number[]): Promise<void> {
    const instances: [number, number][] = [];
    for (const oid of objs) {
      if (oid === 0 || oid === 1 || oid === ACL_OBJECT_ID) continue;
      const r = await this.ask(oid, { op: 'discover', path: [oid], serverId: 0, query: ['depth=1'] });
      if (r.code !== '2.05' || !r.payload) continue;
      for (const l of parseLinks(Buffer.from(r.payload).toString('utf8'))) {
        const p = l.target.split('/').filter(Boolean).map(Number);
        if (p.length === 2 && p[0] === oid) instances.push([oid, p[1]]);
      }
    }
    const seeds = seedAcl(servers, instances, objs);
    await this.createEntries(new AclTable([], []), seeds);
    this.log.info({ instances: seeds.length }, 'access control instances seeded for several servers');
  }

  private async createEntries(table: AclTable, seeds: readonly AclSeed[]): Promise<void> {
    let next = table.freeInstanceId();
    const used = new Set(table.entries.map((e) => e.instanceId));
    for (const s of seeds) {
      while (used.has(next)) next++;
      used.add(next);
      const payload = encode(ContentFormat.SENML_JSON, aclRecords(next, s), untypedContext([]));
      const r = await this.ask(ACL_OBJECT_ID, {
        op: 'create',
        path: [ACL_OBJECT_ID],
        format: ContentFormat.SENML_JSON,
        payload,
        serverId: 0,
      });
      if (r.code !== '2.01')
        this.log.warn(
          { code: r.code, message: r.message, target: `/${s.objectId}/${s.objectInstanceId}` },
          'access control instance not created',
        );
    }
  }

  /**
   * LwM2M 1.1 §7.3: a server's Create makes an Access Control instance for the new instance, owned by that server (no
   * ACL entries: only the owner has rights).
   */
  async created(table: AclTable, ssid: number, location: readonly string[] | undefined): Promise<void> {
    if (!table.enforced || !location || location.length !== 2) return;
    const [oid, iid] = location.map(Number);
    if (oid === ACL_OBJECT_ID || Number.isNaN(iid)) return;
    await this.createEntries(table, [{ objectId: oid, objectInstanceId: iid, owner: ssid, acl: {} }]);
    this.invalidate();
  }

  /** A server's Delete of /o/i removes its Access Control instance. */
  async deleted(table: AclTable, path: Path): Promise<void> {
    if (!table.enforced || path.length !== 2 || path[0] === ACL_OBJECT_ID) return;
    const e = table.entryFor(path[0], path[1]);
    if (e) await this.ask(ACL_OBJECT_ID, { op: 'delete', path: [ACL_OBJECT_ID, e.instanceId], serverId: 0 });
    this.invalidate();
  }

  /** Discover links without the instances (and their resources) the server may not read. */
  static filterLinks(table: AclTable, ssid: number, links: readonly Link[]): Link[] {
    if (!table.enforced) return [...links];
    return links.filter((l) => {
      const p = l.target.split('/').filter(Boolean).map(Number);
      return p.length < 2 || table.canRead(ssid, p[0], p[1]);
    });
  }

  /**
   * Checks a Read-Composite / Observe-Composite / Write-Composite part: instance paths need the right; object paths are
   * filtered (Read) by the caller.
   */
  static checkPaths(table: AclTable, ssid: number, paths: readonly Path[], right: number): AclRefusal | undefined {
    if (!table.enforced) return undefined;
    for (const p of paths) {
      if (p.length < 2) continue;
      const r = table.check(ssid, p, right);
      if (r) return r;
    }
    return undefined;
  }
}
