// attributes.ts: the Write-Attributes operation: parse the query, merge with what the server set at that path,
// validate, store.
import { applyChange, parseAttributeQuery, validateAttributes } from '../attributes.js';
import { fail, type OpRequest, type OpResult } from './types.js';
import type { ObjectModel } from './context.js';

export function writeAttributes(m: ObjectModel, req: OpRequest): OpResult {
  const p = req.path;
  if (p.length === 0) return fail('4.05', 'write-attributes on root');
  if (p.length >= 2 && m.instance(p[1]) === undefined) return fail('4.04', 'no such instance');
  const d = p.length >= 3 ? m.resource(p[2]) : undefined;
  if (p.length >= 3 && !d) return fail('4.04', 'no such resource');
  if (p.length === 4 && !d?.multiple) return fail('4.04', 'not a multiple resource');
  const parsed = parseAttributeQuery(req.query ?? []);
  if (!parsed.ok) return fail('4.00', parsed.reason);
  const serverId = req.serverId ?? 0;
  const next = applyChange(m.attributes.at(p, serverId), parsed.value);
  const valid = validateAttributes(next, p.length, d?.type, d?.multiple === true);
  if (!valid.ok) return fail('4.00', valid.reason);
  m.attributes.set(p, serverId, next);
  return { code: '2.04' };
}
