// api-resolution.ts: makes 'lwm2m-meter/plugin' importable from plugin folders anywhere (once per thread; hooks are not
// inherited by workers).
import { register } from 'node:module';

const KEY = Symbol.for('lwm2m-meter.plugin-api-hook');

/** The plugin API module every plugin shares (the same file the package export points to). */
export const PLUGIN_API_URL = new URL('../plugin-api.js', import.meta.url).href;

/** Registers the resolve hook in this thread unless done already. */
export function ensurePluginApiResolution(): void {
  const g = globalThis as Record<symbol, unknown>;
  if (g[KEY]) return;
  g[KEY] = true;
  register(new URL('./api-resolve-hooks.js', import.meta.url), { data: { target: PLUGIN_API_URL } });
}
