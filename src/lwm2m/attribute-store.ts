// attribute-store.ts: one object's Write-Attributes per server and path: set, inherited lookup, snapshot/restore, drop
// with an instance.
import { mergeAttributes, type AttributeSnapshot, type Attributes } from './attributes.js';
import { formatPath } from './path.js';
import type { Path } from './types.js';

/** Attributes per server id, keyed by path string ('/3/0/1'), for the paths of one object. */
export class AttributeStore {
  private readonly byServer = new Map<number, Map<string, Attributes>>();

  constructor(private readonly objectId: number) {}

  /** Attributes set at exactly this path level (for one server). */
  at(path: Path, serverId = 0): Attributes | undefined {
    return this.byServer.get(serverId)?.get(formatPath(path));
  }

  /** Replaces (or with an empty set, removes) the attributes at one path for one server. */
  set(path: Path, serverId: number, attrs: Attributes): void {
    const key = formatPath(path);
    if (Object.keys(attrs).length === 0) this.byServer.get(serverId)?.delete(key);
    else this.server(serverId).set(key, attrs);
  }

  /**
   * Effective attributes for an observation of `path`: inherited from object → instance → resource → resource instance.
   */
  effective(path: Path, serverId = 0, defaults?: Attributes): Attributes {
    const levels: (Attributes | undefined)[] = [];
    for (let n = 1; n <= path.length; n++) levels.push(this.at(path.slice(0, n), serverId));
    return mergeAttributes(levels, defaults);
  }

  /** Every server's attributes, for the actor's durable store. */
  snapshot(): AttributeSnapshot {
    const out: AttributeSnapshot = {};
    for (const [sid, m] of this.byServer) {
      if (m.size === 0) continue;
      const paths: Record<string, Attributes> = {};
      for (const [k, a] of m) paths[k] = { ...a };
      out[String(sid)] = paths;
    }
    return out;
  }

  /** Replaces everything with a stored snapshot (only paths of this object; instances may appear later). */
  restore(snap: AttributeSnapshot): void {
    this.byServer.clear();
    const prefix = `/${this.objectId}`;
    for (const [sid, paths] of Object.entries(snap)) {
      const m = this.server(Number(sid));
      for (const [k, a] of Object.entries(paths)) if (k === prefix || k.startsWith(prefix + '/')) m.set(k, { ...a });
    }
  }

  /** Drops one server's attributes (a new registration); true when there were any. */
  clearServer(serverId: number): boolean {
    const had = (this.byServer.get(serverId)?.size ?? 0) > 0;
    this.byServer.delete(serverId);
    return had;
  }

  /** Drops every server's attributes at and below an instance (it was deleted). */
  dropInstance(instanceId: number): void {
    const base = `/${this.objectId}/${instanceId}`;
    for (const m of this.byServer.values()) {
      for (const k of [...m.keys()]) if (k === base || k.startsWith(base + '/')) m.delete(k);
    }
  }

  private server(serverId: number): Map<string, Attributes> {
    let m = this.byServer.get(serverId);
    if (!m) this.byServer.set(serverId, (m = new Map()));
    return m;
  }
}
