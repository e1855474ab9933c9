// spec-check.ts: validates an ObjectSpec a plugin module exports (definition shape, unique resource IDs, hooks are
// functions); pure.
import { z } from 'zod';
import type { ObjectSpec } from '../lwm2m/object-api.js';

const resourceSchema = z
  .object({
    id: z.number().int().min(0).max(65535),
    name: z.string().min(1),
    type: z.enum(['string', 'integer', 'unsigned', 'float', 'boolean', 'opaque', 'time', 'objlnk', 'corelnk', 'none']),
    operations: z.enum(['R', 'W', 'RW', 'E', '']),
    multiple: z.boolean().optional(),
    mandatory: z.boolean().optional(),
    units: z.string().optional(),
    range: z.object({ min: z.number().optional(), max: z.number().optional() }).strict().optional(),
    enum: z.array(z.union([z.string(), z.number()])).optional(),
    description: z.string().optional(),
  })
  .strict();

const definitionSchema = z
  .object({
    id: z.number().int().min(0).max(65534),
    name: z.string().min(1),
    version: z
      .string()
      .regex(/^\d+\.\d+$/, 'must be like "1.0"')
      .optional(),
    lwm2mVersion: z.string().optional(),
    multiple: z.boolean(),
    mandatory: z.boolean().optional(),
    urn: z.string().optional(),
    description: z.string().optional(),
    resources: z.array(resourceSchema).min(1),
  })
  .strict();

const HOOKS = [
  'start',
  'stop',
  'read',
  'write',
  'apply',
  'execute',
  'create',
  'delete',
  'bootstrapLink',
  'receive',
] as const;

/** Why a value is not a usable ObjectSpec for object `expectedId` (one line), or undefined when it is. */
export function checkObjectSpec(spec: unknown, expectedId: number): string | undefined {
  if (typeof spec !== 'object' || spec === null) return 'the module has no default export of an ObjectSpec';
  const s = spec as Partial<ObjectSpec> & Record<string, unknown>;
  if (!('definition' in s)) return 'the default export has no `definition`';
  const d = definitionSchema.safeParse(s.definition);
  if (!d.success) {
    const i = d.error.issues[0];
    return `definition.${i.path.join('.')}: ${i.message}`;
  }
  const def = d.data;
  if (def.id !== expectedId) return `definition.id ${def.id} does not match the manifest's id ${expectedId}`;
  const ids = new Set<number>();
  for (const r of def.resources) {
    if (ids.has(r.id)) return `definition.resources: resource ${r.id} defined twice`;
    ids.add(r.id);
    if (r.operations === 'E' && r.type !== 'none')
      return `definition.resources: executable resource ${r.id} must have type 'none'`;
  }
  for (const h of HOOKS) {
    if (s[h] !== undefined && typeof s[h] !== 'function') return `\`${h}\` must be a function`;
  }
  if (s.instances !== undefined) {
    if (typeof s.instances !== 'object' || s.instances === null)
      return '`instances` must be an object: instance id → resource id → value';
    const keys = Object.keys(s.instances);
    if (!def.multiple && keys.length > 1) return '`instances` has several instances but definition.multiple is false';
    for (const [iid, res] of Object.entries(s.instances)) {
      if (!/^\d+$/.test(iid) || Number(iid) > 65534) return `instances: instance id '${iid}' is not 0..65534`;
      for (const rid of Object.keys(res ?? {})) {
        if (!ids.has(Number(rid))) return `instances.${iid}: resource ${rid} is not in the definition`;
      }
    }
  }
  return undefined;
}
