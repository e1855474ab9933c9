// catalog.ts: the object model the web page names things with: built-in object definitions, then DDF or plugin ones.
import type { ObjectDef } from '../../lwm2m/object-api.js';
import { securityDefinition } from '../../objects/security.js';
import { serverDefinition } from '../../objects/server.js';
import { accessControlDefinition } from '../../objects/access-control.js';
import { deviceDefinition } from '../../objects/device.js';
import { connectivityDefinition } from '../../objects/connectivity.js';
import { firmwareDefinition } from '../../objects/firmware.js';
import { waterMeterDefinition } from '../../objects/water-meter.js';
import { pluginsConfigSchema, type PluginsConfig } from '../../plugins/config-schema.js';
import { loadPlugins } from '../../plugins/loader.js';
import type { Logger } from '../../runtime/log.js';

/** The objects the runtime hosts itself (the same definitions the device serves). */
export const BUILTIN_DEFS: readonly ObjectDef[] = [
  securityDefinition,
  serverDefinition,
  accessControlDefinition,
  deviceDefinition,
  connectivityDefinition,
  firmwareDefinition,
  waterMeterDefinition,
];

/** One resource as the page sees it. */
export interface CatalogResource {
  name: string;
  type: string;
  operations: string;
  multiple: boolean;
  units?: string;
}
/** Object id → name, multiplicity and resources, as JSON for the page. */
export type Catalog = Record<number, { name: string; multiple: boolean; resources: Record<number, CatalogResource> }>;

/** Built-ins first; `extra` (DDF files, plugins' definitions) adds objects the built-ins lack, never replaces one. */
export function buildCatalog(extra: readonly ObjectDef[] = []): Catalog {
  const out: Catalog = {};
  for (const d of [...BUILTIN_DEFS, ...extra]) {
    if (out[d.id] !== undefined) continue;
    const resources: Record<number, CatalogResource> = {};
    for (const r of d.resources) {
      resources[r.id] = {
        name: r.name,
        type: r.type,
        operations: r.operations,
        multiple: r.multiple === true,
        ...(r.units !== undefined ? { units: r.units } : {}),
      };
    }
    out[d.id] = { name: d.name, multiple: d.multiple, resources };
  }
  return out;
}

/**
 * The object definitions of plugins (default: the package's plugins the device enables by default, e.g. valve 3306 and
 * the location objects), imported as the runtime imports them; a plugin that fails to load is logged and left out.
 */
export async function pluginDefs(cfg: Partial<PluginsConfig> = {}, log?: Logger): Promise<ObjectDef[]> {
  const r = await loadPlugins(pluginsConfigSchema.parse(cfg), {
    builtinIds: BUILTIN_DEFS.map((d) => d.id),
    ...(log ? { log } : {}),
  });
  const out: ObjectDef[] = [];
  for (const p of r.loaded) {
    for (const o of p.objects)
      out.push(((await import(o.moduleUrl)) as { default: { definition: ObjectDef } }).default.definition);
  }
  return out;
}
