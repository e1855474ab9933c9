// object-defs.ts: the object definitions the console names things with: the built-in objects, plugins' objects, --ddf
// files.
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';
import { BUILTIN_OBJECTS, DIST_SRC } from '../../runtime/actor-set.js';
import type { ObjectDef, ObjectSpec } from '../../lwm2m/object-api.js';
import { loadDdfFolder } from '../../lwm2m/ddf.js';
import { loadPlugins } from '../../plugins/index.js';
import { defaultConfig } from '../../runtime/config.js';
import { log } from '../../runtime/log.js';

async function specDef(url: URL): Promise<ObjectDef | undefined> {
  if (!existsSync(fileURLToPath(url))) return undefined;
  try {
    return ((await import(url.href)) as { default?: ObjectSpec }).default?.definition;
  } catch {
    return undefined;
  }
}

/** Built-in definitions, then the plugins' (plugins/<name>/objects/*.js of the build), then the DDF folder's. */
export async function loadObjectDefs(ddfDir?: string): Promise<ObjectDef[]> {
  const defs: ObjectDef[] = [];
  for (const o of BUILTIN_OBJECTS) {
    const d = await specDef(new URL(o.spec, DIST_SRC));
    if (d) defs.push(d);
  }
  try {
    const quiet = log.child({ mod: 'devserver-console' }, { level: 'error' });
    const plugins = await loadPlugins(defaultConfig().plugins, {
      builtinIds: BUILTIN_OBJECTS.map((o) => o.id),
      log: quiet,
    });
    for (const o of plugins.loaded.flatMap((p) => p.objects)) {
      const d = await specDef(new URL(o.moduleUrl));
      if (d) defs.push(d);
    }
  } catch {
    /* names of plugin objects are a convenience: without them values print by path */
  }
  if (ddfDir !== undefined) defs.push(...loadDdfFolder(ddfDir));
  return defs;
}
