// config-check.ts: what `check-config` says about the plugins section: enabled names that match no plugin, refused
// plugins, and plugins.config keys checked against each plugin's manifest defaults.
import { existsSync } from 'node:fs';
import { join, resolve as resolvePath } from 'node:path';
import { fileURLToPath } from 'node:url';
import { log as rootLog } from '../runtime/log.js';
import { BUILTIN_OBJECTS } from '../runtime/actor-set.js';
import type { PluginsConfig } from './config-schema.js';
import { loadPlugins, PACKAGE_ROOT, readManifest, scanDir } from './loader.js';

function isPlain(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function kind(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
}

const ARTICLE: Record<string, string> = {
  number: 'a number',
  string: 'a string',
  boolean: 'a boolean',
  object: 'an object',
  array: 'an array',
};

/**
 * plugins.config.<plugin> against the manifest's defaults: unknown keys (where the default is an object with keys) and
 * values of another type than the default's (null defaults take anything).
 */
function configAgainstDefaults(
  value: Record<string, unknown>,
  defaults: Record<string, unknown>,
  key: string,
  plugin: string,
  out: string[],
): void {
  const known = Object.keys(defaults);
  for (const [k, v] of Object.entries(value)) {
    const at = `${key}.${k}`;
    if (!(k in defaults)) {
      if (known.length > 0) out.push(`config: ${at}: unknown key (plugin ${plugin} knows: ${known.join(', ')})`);
      continue;
    }
    const d = defaults[k];
    if (d === null || d === undefined) continue;
    if (kind(v) !== kind(d)) {
      out.push(
        `config: ${at}: must be ${ARTICLE[kind(d)] ?? kind(d)} like plugin ${plugin}'s default ${JSON.stringify(d)} (got ${JSON.stringify(v)})`,
      );
      continue;
    }
    if (isPlain(v) && isPlain(d)) configAgainstDefaults(v, d, at, plugin, out);
  }
}

/**
 * One `config: <key>: <reason>` line per problem; empty when every enabled plugin loads and every plugins.config entry
 * fits its plugin.
 */
export async function pluginConfigProblems(cfg: PluginsConfig, packageRoot: URL = PACKAGE_ROOT): Promise<string[]> {
  const out: string[] = [];
  const root = fileURLToPath(packageRoot);
  const dirs = [...(cfg.builtinDir ? [join(root, 'plugins')] : []), ...cfg.dirs.map((d) => resolvePath(d))];
  cfg.dirs.forEach((d, i) => {
    if (!existsSync(resolvePath(d))) out.push(`config: plugins.dirs[${i}]: folder ${resolvePath(d)} does not exist`);
  });
  const found = new Map<string, Record<string, unknown> | undefined>();
  for (const dir of dirs) {
    for (const path of scanDir(dir)) {
      const f = readManifest(path);
      if (!found.has(f.name)) found.set(f.name, f.manifest?.config);
    }
  }
  const available = found.size > 0 ? [...found.keys()].sort().join(', ') : 'none';
  const where = dirs.join(', ');
  cfg.enabled.forEach((name, i) => {
    if (!found.has(name))
      out.push(
        `config: plugins.enabled[${i}]: no plugin named ${JSON.stringify(name)} in ${where} (available: ${available})`,
      );
  });
  for (const [name, value] of Object.entries(cfg.config)) {
    if (!found.has(name))
      out.push(`config: plugins.config.${name}: no plugin named ${JSON.stringify(name)} (available: ${available})`);
    else configAgainstDefaults(value, found.get(name) ?? {}, `plugins.config.${name}`, name, out);
  }
  // enabled plugins that exist are loaded as `run` would: a broken manifest, module or object spec, an ID clash
  const silent = rootLog.child({}, { level: 'silent' });
  const r = await loadPlugins(
    { ...cfg, enabled: cfg.enabled.filter((n) => found.has(n)) },
    { builtinIds: BUILTIN_OBJECTS.map((o) => o.id), packageRoot, log: silent },
  );
  for (const ref of r.refused) {
    out.push(
      `config: plugins.enabled[${cfg.enabled.indexOf(ref.name)}]: plugin ${ref.name} (${ref.path}) would be refused: ${ref.code}: ${ref.reason}`,
    );
  }
  return out;
}
