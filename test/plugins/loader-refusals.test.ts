// loader-refusals.test.ts: every way a plugin can be broken is refused by the loader with one line naming the path, the
// code and the reason.
import test from 'ava';
import { mkdirSync, mkdtempSync, symlinkSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { loadPlugins } from '../../src/plugins/loader.js';
import { pluginsConfigSchema } from '../../src/plugins/config-schema.js';
import { BAD_PLUGINS, GOOD_FIRST, writePlugin, manifest, objectModule } from './support/bad-plugins.js';

const BUILTIN = [0, 1, 3, 4, 5, 3424];

function capture(): { logger: pino.Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const l of chunk.toString().split('\n')) if (l.trim()) lines.push(JSON.parse(l) as Record<string, unknown>);
      cb();
    },
  });
  return { logger: pino({ level: 'info' }, stream), lines };
}

test('each bad plugin is refused with its code, path and reason in one log line; the good ones load', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'plugins-bad-'));
  writePlugin(root, GOOD_FIRST.folder, GOOD_FIRST.files);
  for (const b of BAD_PLUGINS) writePlugin(root, b.folder, b.files);
  const { logger, lines } = capture();
  const cfg = pluginsConfigSchema.parse({
    dirs: [root],
    builtinDir: false,
    enabled: ['aa-first', ...BAD_PLUGINS.map((b) => b.folder)],
  });
  const r = await loadPlugins(cfg, { builtinIds: BUILTIN, log: logger });
  await new Promise((resolve) => setImmediate(resolve));

  t.deepEqual(
    r.loaded.map((p) => p.name),
    ['aa-first'],
  );
  t.true(r.loaded[0].resolveHook, 'a folder outside the package needs the resolve hook');
  t.is(r.refused.length, BAD_PLUGINS.length);
  for (const b of BAD_PLUGINS) {
    const path = join(root, b.folder);
    const ref = r.refused.find((x) => x.path === path);
    t.truthy(ref, `${b.folder} refused`);
    t.is(String(ref?.code), b.code, b.folder);
    t.regex(ref?.reason ?? '', b.reason, b.folder);
    const logged = lines.filter((l) => l.path === path);
    t.is(logged.length, 1, `${b.folder}: exactly one line`);
    t.is(logged[0].level, 50);
    t.is(logged[0].code, b.code);
    t.true(String(logged[0].msg).startsWith(`${b.code}: plugin `), String(logged[0].msg));
    t.true(String(logged[0].msg).includes(path), String(logged[0].msg));
    t.regex(String(logged[0].msg), b.reason);
  }
});

test('only allowlisted plugins load; the others are named in one line; enabled but absent ones are warned about', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'plugins-allow-'));
  writePlugin(root, 'one', {
    'plugin.json': manifest('one', [{ id: 33020, module: './o.js' }]),
    'o.js': objectModule(33020),
  });
  // never imported: not enabled (a throwing module proves it)
  writePlugin(root, 'two', {
    'plugin.json': manifest('two', [{ id: 33021, module: './o.js' }]),
    'o.js': "throw new Error('must not run');\n",
  });
  const { logger, lines } = capture();
  const r = await loadPlugins(
    pluginsConfigSchema.parse({ dirs: [root], builtinDir: false, enabled: ['one', 'three'] }),
    { builtinIds: BUILTIN, log: logger },
  );
  t.deepEqual(
    r.loaded.map((p) => p.name),
    ['one'],
  );
  t.deepEqual(r.refused, []);
  t.deepEqual(r.notEnabled, [{ name: 'two', path: join(root, 'two') }]);
  t.deepEqual(r.notFound, ['three']);
  t.true(
    lines.some(
      (l) => String(l.msg).startsWith('plugins found but not enabled') && String(l.msg).includes(join(root, 'two')),
    ),
  );
  t.true(lines.some((l) => l.code === 'PLUGIN_NOT_FOUND' && String(l.msg).includes('three')));
});

test('config: plugins.config.<name> is merged over the manifest defaults', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'plugins-cfg-'));
  writePlugin(root, 'c', {
    'plugin.json': manifest('c', [{ id: 33030, module: './o.js' }], {
      config: { a: 1, nested: { x: 1, y: 2 }, list: [1, 2] },
    }),
    'o.js': objectModule(33030),
  });
  const { logger } = capture();
  const r = await loadPlugins(
    pluginsConfigSchema.parse({
      dirs: [root],
      builtinDir: false,
      enabled: ['c'],
      config: { c: { nested: { y: 5 }, list: [9] } },
    }),
    { log: logger },
  );
  t.deepEqual(r.loaded[0].config, { a: 1, nested: { x: 1, y: 5 }, list: [9] });
});

test('the shipped plugins (template, valve) load from the package folder without the resolve hook', async (t) => {
  const { logger } = capture();
  const r = await loadPlugins(pluginsConfigSchema.parse({ enabled: ['template', 'valve'] }), {
    builtinIds: BUILTIN,
    log: logger,
  });
  t.deepEqual(r.refused, []);
  t.deepEqual(r.loaded.map((p) => [p.name, p.objects.map((o) => o.id), p.resolveHook]).sort(), [
    ['template', [32769], false],
    ['valve', [3306], false],
  ]);
});

test('a plugin folder where lwm2m-meter resolves by itself (node_modules link) needs no resolve hook', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'plugins-linked-'));
  mkdirSync(join(root, 'node_modules'));
  symlinkSync(fileURLToPath(new URL('../../../', import.meta.url)), join(root, 'node_modules', 'lwm2m-meter'));
  writePlugin(root, 'linked', {
    'plugin.json': manifest('linked', [{ id: 33040, module: './o.js' }]),
    'o.js': objectModule(33040),
  });
  const { logger } = capture();
  const r = await loadPlugins(pluginsConfigSchema.parse({ dirs: [root], builtinDir: false, enabled: ['linked'] }), {
    log: logger,
  });
  t.deepEqual(r.refused, []);
  t.false(r.loaded[0].resolveHook);
});
