// discover.ts: Discover (links with dim and the attributes of the targeted level, LwM2M 1.2 depth) and
// Bootstrap-Discover.
import { isStatus, status, type ResourceValue, type Status } from '../object-api.js';
import { ContentFormat, type Path } from '../types.js';
import { formatLinks, type Link } from '../formats/link.js';
import { formatPath } from '../path.js';
import { attributeParams, type Attributes } from '../attributes.js';
import { fail, type OpRequest, type OpResult } from './types.js';
import { READABLE, type ObjectModel } from './context.js';
import { valueOf } from './read.js';

/**
 * The attributes a Discover targeting a path of `targetLevel` (1 object, 2 instance, 3 resource) shows on the link
 * of `p` (LwM2M 1.1 TS Core, Discover): an object target shows the object's own attributes only; an instance target
 * those of the instance and of its resources; a resource target the resource's effective attributes (inherited from
 * the object and instance levels, the deeper wins) and each resource instance's own.
 */
function discoverAttributes(m: ObjectModel, targetLevel: number, p: Path, serverId: number): Attributes | undefined {
  if (targetLevel === 1) return p.length === 1 ? m.attributes.at(p, serverId) : undefined;
  if (targetLevel === 2) return p.length <= 3 ? m.attributes.at(p, serverId) : undefined;
  if (p.length === 3) return m.attributes.effective(p, serverId);
  return m.attributes.at(p, serverId);
}

/**
 * Discover links for a path (object, instance or resource), with `dim` of multiple resources and the attributes
 * LwM2M 1.1 (TS Core, Discover) shows for the targeted level (see `discoverAttributes`).
 * `depth` (LwM2M 1.2) counts levels below the target; defaults: object 2 (instances and resources), instance 1,
 * resource 1 (its resource instances).
 */
export async function discoverLinks(
  m: ObjectModel,
  path: Path,
  serverId = 0,
  depth?: number,
): Promise<Link[] | Status> {
  const oid = m.def.id;
  const links: Link[] = [];
  const with_ = (p: Path, extra: Record<string, number | string> = {}): Link => ({
    target: formatPath(p),
    params: { ...extra, ...attributeParams(discoverAttributes(m, path.length, p, serverId)) },
  });
  const resLinks = async (iid: number, only: number | undefined, withInstances: boolean): Promise<void> => {
    for (const d of m.def.resources) {
      if (only !== undefined && d.id !== only) continue;
      const stored = m.instance(iid)?.get(d.id);
      let v: ResourceValue | Status | undefined = stored;
      if (d.multiple && m.spec.read) v = await valueOf(m, iid, d, serverId);
      const present =
        d.operations === 'E' ||
        stored !== undefined ||
        (READABLE(d) && m.spec.read !== undefined) ||
        d.mandatory === true;
      if (!present && only === undefined) continue;
      const extra: Record<string, number> = {};
      if (d.multiple && v instanceof Map) extra.dim = v.size;
      links.push(with_([oid, iid, d.id], extra));
      if (withInstances && d.multiple && v instanceof Map) {
        for (const ri of [...v.keys()].sort((a, b) => a - b)) links.push(with_([oid, iid, d.id, ri]));
      }
    }
  };
  if (path.length === 1) {
    const dp = depth ?? 2;
    const ver = m.def.version && m.def.version !== '1.0' ? { ver: m.def.version } : undefined;
    links.push(with_([oid], ver));
    for (const iid of m.instanceIds()) {
      if (dp >= 1) links.push(with_([oid, iid]));
      if (dp >= 2) await resLinks(iid, undefined, dp >= 3);
    }
  } else if (path.length === 2) {
    if (m.instance(path[1]) === undefined) return status('4.04', 'no such instance');
    const dp = depth ?? 1;
    links.push(with_(path));
    if (dp >= 1) await resLinks(path[1], undefined, dp >= 2);
  } else if (path.length === 3) {
    if (m.instance(path[1]) === undefined) return status('4.04', 'no such instance');
    if (!m.resource(path[2])) return status('4.04', 'no such resource');
    await resLinks(path[1], path[2], (depth ?? 1) >= 1);
  } else return status('4.05', 'discover of a resource instance');
  return links;
}

/**
 * Bootstrap-Discover links of this object: `</1>;ver=1.1,</1/0>;ssid=101` (parameters per instance from the spec's
 * bootstrapLink hook).
 */
export function bootstrapLinks(m: ObjectModel): Link[] {
  const oid = m.def.id;
  const links: Link[] = [
    { target: `/${oid}`, params: m.def.version && m.def.version !== '1.0' ? { ver: m.def.version } : {} },
  ];
  for (const iid of m.instanceIds())
    links.push({ target: `/${oid}/${iid}`, params: { ...(m.spec.bootstrapLink?.(iid, m.runtime) ?? {}) } });
  return links;
}

export async function discover(m: ObjectModel, req: OpRequest): Promise<OpResult> {
  if (req.accept !== undefined && req.accept !== ContentFormat.LINK)
    return fail('4.06', 'discover answers link format');
  let depth: number | undefined;
  for (const q of req.query ?? []) {
    const mt = /^depth=([0-3])$/.exec(q);
    if (mt) depth = Number(mt[1]);
    else if (q.startsWith('depth')) return fail('4.00', 'depth must be 0..3');
  }
  const links = req.bootstrap ? bootstrapLinks(m) : await discoverLinks(m, req.path, req.serverId ?? 0, depth);
  if (isStatus(links)) return fail(links.code, links.message);
  return {
    code: '2.05',
    contentFormat: ContentFormat.LINK,
    payload: new Uint8Array(Buffer.from(formatLinks(links), 'utf8')),
  };
}
