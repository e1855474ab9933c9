// package-exports.test.ts: every export of package.json resolves to a built file and loads by package name
// (self-reference).
import test from 'ava';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as {
  name: string;
  exports: Record<string, string>;
};

/** Imports by specifier at run time (a variable, so the compiler does not resolve it). */
const load = (spec: string): Promise<Record<string, unknown>> => import(spec) as Promise<Record<string, unknown>>;

test('each export names a file that exists', (t) => {
  for (const [key, target] of Object.entries(pkg.exports)) t.true(existsSync(`${root}${target}`), `${key} → ${target}`);
});

test('the main export offers the config loader and the runtime', async (t) => {
  const m = await load(pkg.name);
  for (const name of ['loadConfig', 'parseConfig', 'defaultConfig', 'runRuntime'])
    t.is(typeof m[name], 'function', name);
  const cfg = (m.defaultConfig as () => { endpoint: string })();
  t.is(typeof cfg.endpoint, 'string');
});

test('the dev server loads as a library under lwm2m-meter/dev-server', async (t) => {
  const m = await load(`${pkg.name}/dev-server`);
  t.is(typeof m.startDevServer, 'function');
  const s = await (m.startDevServer as (o: object) => Promise<{ port: number; close(): Promise<void> }>)({ port: 0 });
  t.true(s.port > 0);
  await s.close();
});

test('the plugin API stays under lwm2m-meter/plugin', async (t) => {
  const m = await load(`${pkg.name}/plugin`);
  for (const name of ['defineObject', 'defineActor']) t.is(typeof m[name], 'function', name);
});
