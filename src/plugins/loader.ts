// loader.ts: finds plugin folders, loads only allowlisted ones, validates manifests and object specs, refuses clashes;
// one log line per refusal.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve as resolvePath, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { createRequire } from 'node:module';
import { log as rootLog, type Logger } from '../runtime/log.js';
import type { ActorModule } from '../runtime/actor-api.js';
import { manifestSchema, pluginActorName, type PluginManifest } from './manifest.js';
import type { PluginsConfig } from './config-schema.js';
import { checkObjectSpec } from './spec-check.js';
import { mergeConfig } from './merge.js';
import { describeJsonError } from './json-error.js';
import { ensurePluginApiResolution, PLUGIN_API_URL } from './api-resolution.js';

/** The package root (this file is dist/src/plugins/loader.js). */
export const PACKAGE_ROOT = new URL('../../../', import.meta.url);

export type RefusalCode =
  | 'PLUGIN_MANIFEST_INVALID'
  | 'PLUGIN_DUPLICATE'
  | 'PLUGIN_MODULE_MISSING'
  | 'PLUGIN_ID_CLASH'
  | 'PLUGIN_LOAD_FAILED'
  | 'PLUGIN_OBJECT_INVALID'
  | 'PLUGIN_ACTOR_INVALID';

export interface PluginRefusal {
  code: RefusalCode;
  /** The plugin folder. */
  path: string;
  name: string;
  reason: string;
}

export interface LoadedPlugin {
  name: string;
  version: string;
  path: string;
  manifest: PluginManifest;
  objects: { id: number; moduleUrl: string }[];
  actors: { name: string; actorName: string; moduleUrl: string }[];
  /** Manifest defaults with plugins.config.<name> merged over them. */
  config: Record<string, unknown>;
  /** 'lwm2m-meter/plugin' does not resolve from the folder by itself: workers need the resolve hook. */
  resolveHook: boolean;
  /** Time to validate and import the plugin's modules (ms). */
  loadMs: number;
}

export interface PluginLoadResult {
  loaded: LoadedPlugin[];
  refused: PluginRefusal[];
  /** Found but not in plugins.enabled. */
  notEnabled: { name: string; path: string }[];
  /** In plugins.enabled but not found in any folder. */
  notFound: string[];
}

export interface LoaderOptions {
  /** Object IDs the runtime hosts itself (default: none; run passes BUILTIN_OBJECTS). */
  builtinIds?: readonly number[];
  packageRoot?: URL;
  log?: Logger;
}

export interface Found {
  path: string;
  name: string;
  manifest?: PluginManifest;
  problem?: string;
}

function firstLine(err: unknown): string {
  const e = err as { name?: string; message?: string };
  const msg = (e?.message ?? String(err)).split('\n')[0];
  return e?.name && e.name !== 'Error' && e.name !== 'CodedError' ? `${e.name}: ${msg}` : msg;
}

function zodReason(issues: readonly { path: readonly PropertyKey[]; message: string }[]): string {
  const i = issues[0];
  return `${i.path.length ? i.path.map(String).join('.') : '(top level)'}: ${i.message}`;
}

/** Plugin folders (those holding a plugin.json) under `dir`, sorted by name. */
export function scanDir(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch {
    return [];
  }
  return names
    .map((n) => join(dir, n))
    .filter((p) => {
      try {
        return statSync(p).isDirectory() && existsSync(join(p, 'plugin.json'));
      } catch {
        return false;
      }
    });
}

export function readManifest(path: string): Found {
  const folderName = path.split(sep).pop() ?? path;
  let raw: unknown;
  let text: string;
  try {
    text = readFileSync(join(path, 'plugin.json'), 'utf8');
  } catch (err) {
    return { path, name: folderName, problem: `plugin.json cannot be read: ${firstLine(err)}` };
  }
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return {
      path,
      name: folderName,
      problem: `plugin.json is not valid JSON: ${describeJsonError(text, firstLine(err))}`,
    };
  }
  const parsed = manifestSchema.safeParse(raw);
  if (!parsed.success) {
    const n = (raw as { name?: unknown } | null)?.name;
    return {
      path,
      name: typeof n === 'string' && n ? n : folderName,
      problem: `plugin.json: ${zodReason(parsed.error.issues)}`,
    };
  }
  return { path, name: parsed.data.name, manifest: parsed.data };
}

/**
 * True when 'lwm2m-meter/plugin' already resolves from the folder to this package's plugin API (inside the package, or
 * a node_modules/lwm2m-meter link next to it): no resolve hook needed. The hook costs a module-hooks thread per thread.
 */
function resolvesNatively(path: string): boolean {
  try {
    return (
      pathToFileURL(createRequire(join(path, 'plugin.json')).resolve('lwm2m-meter/plugin')).href === PLUGIN_API_URL
    );
  } catch {
    return false;
  }
}

/** Scans, filters by the allowlist, validates and imports. Never throws for a bad plugin: it is refused and logged. */
export async function loadPlugins(cfg: PluginsConfig, opts: LoaderOptions = {}): Promise<PluginLoadResult> {
  const log = (opts.log ?? rootLog).child({ mod: 'plugins' });
  const root = fileURLToPath(opts.packageRoot ?? PACKAGE_ROOT);
  const dirs = [...(cfg.builtinDir ? [join(root, 'plugins')] : []), ...cfg.dirs.map((d) => resolvePath(d))];
  const result: PluginLoadResult = { loaded: [], refused: [], notEnabled: [], notFound: [] };
  const enabled = new Set(cfg.enabled);
  const taken = new Map<number, string>((opts.builtinIds ?? []).map((id) => [id, 'a built-in object']));
  const seen = new Set<string>();
  const refuse = (r: PluginRefusal): void => {
    result.refused.push(r);
    log.error(
      { code: r.code, plugin: r.name, path: r.path, reason: r.reason },
      `${r.code}: plugin ${r.name} at ${r.path} refused: ${r.reason}`,
    );
  };

  for (const dir of dirs) {
    if (!existsSync(dir)) {
      if (dir !== join(root, 'plugins'))
        log.warn({ code: 'PLUGIN_DIR_MISSING', path: dir }, `plugin folder ${dir} does not exist`);
      continue;
    }
    for (const path of scanDir(dir)) {
      const f = readManifest(path);
      if (!enabled.has(f.name)) {
        result.notEnabled.push({ name: f.name, path });
        continue;
      }
      if (f.problem || !f.manifest) {
        refuse({ code: 'PLUGIN_MANIFEST_INVALID', path, name: f.name, reason: f.problem ?? 'invalid manifest' });
        continue;
      }
      if (seen.has(f.name)) {
        refuse({
          code: 'PLUGIN_DUPLICATE',
          path,
          name: f.name,
          reason: `another folder already provides plugin ${f.name}`,
        });
        continue;
      }
      seen.add(f.name);
      const p = await loadOne(f.manifest, path, taken, !resolvesNatively(path), cfg.config[f.name]);
      if ('code' in p) refuse(p);
      else {
        for (const o of p.objects) taken.set(o.id, `plugin ${p.name}`);
        result.loaded.push(p);
        log.info(
          {
            plugin: p.name,
            version: p.version,
            path,
            objects: p.objects.map((o) => o.id),
            actors: p.actors.map((a) => a.actorName),
            loadMs: Math.round(p.loadMs * 10) / 10,
          },
          `plugin ${p.name} ${p.version} loaded from ${path}`,
        );
      }
    }
  }
  for (const name of enabled) {
    if (!seen.has(name) && !result.refused.some((r) => r.name === name)) result.notFound.push(name);
  }
  if (result.notEnabled.length > 0) {
    log.info(
      { plugins: result.notEnabled },
      `plugins found but not enabled (add to plugins.enabled to load): ${result.notEnabled.map((n) => `${n.name} (${n.path})`).join(', ')}`,
    );
  }
  if (result.notFound.length > 0)
    log.warn(
      { code: 'PLUGIN_NOT_FOUND', plugins: result.notFound },
      `enabled plugins not found in ${dirs.join(', ')}: ${result.notFound.join(', ')}`,
    );
  return result;
}

async function loadOne(
  m: PluginManifest,
  path: string,
  taken: ReadonlyMap<number, string>,
  resolveHook: boolean,
  override: Record<string, unknown> | undefined,
): Promise<LoadedPlugin | PluginRefusal> {
  const t0 = performance.now();
  const fail = (code: RefusalCode, reason: string): PluginRefusal => ({ code, path, name: m.name, reason });
  const url = (rel: string): string => pathToFileURL(join(path, rel)).href;
  const ids = new Set<number>();
  for (const o of m.objects) {
    const owner = taken.get(o.id);
    if (owner) return fail('PLUGIN_ID_CLASH', `object ${o.id} is already provided by ${owner}`);
    if (ids.has(o.id)) return fail('PLUGIN_ID_CLASH', `object ${o.id} is listed twice`);
    ids.add(o.id);
  }
  const names = new Set<string>();
  for (const a of m.actors) {
    if (names.has(a.name)) return fail('PLUGIN_MANIFEST_INVALID', `actor ${a.name} is listed twice`);
    names.add(a.name);
  }
  for (const mod of [...m.objects, ...m.actors]) {
    if (!existsSync(join(path, mod.module))) return fail('PLUGIN_MODULE_MISSING', `${mod.module} does not exist`);
  }
  if (resolveHook) ensurePluginApiResolution();
  for (const o of m.objects) {
    let spec: unknown;
    try {
      spec = ((await import(url(o.module))) as { default?: unknown }).default;
    } catch (err) {
      return fail('PLUGIN_LOAD_FAILED', `${o.module}: ${firstLine(err)}`);
    }
    const why = checkObjectSpec(spec, o.id);
    if (why) return fail('PLUGIN_OBJECT_INVALID', `${o.module}: ${why}`);
  }
  for (const a of m.actors) {
    let mod: Partial<ActorModule> | undefined;
    try {
      mod = ((await import(url(a.module))) as { default?: Partial<ActorModule> }).default;
    } catch (err) {
      return fail('PLUGIN_LOAD_FAILED', `${a.module}: ${firstLine(err)}`);
    }
    if (!mod || typeof mod.create !== 'function')
      return fail('PLUGIN_ACTOR_INVALID', `${a.module}: the default export is not an ActorModule (no create function)`);
  }
  return {
    name: m.name,
    version: m.version,
    path,
    manifest: m,
    resolveHook,
    objects: m.objects.map((o) => ({ id: o.id, moduleUrl: url(o.module) })),
    actors: m.actors.map((a) => ({
      name: a.name,
      actorName: pluginActorName(m.name, a.name),
      moduleUrl: url(a.module),
    })),
    config: mergeConfig(m.config, override),
    loadMs: performance.now() - t0,
  };
}
