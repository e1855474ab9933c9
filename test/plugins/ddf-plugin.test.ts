// ddf-plugin.test.ts: a plugin defines its object from an OMA DDF file shipped in its folder (ddfDefinition from
// lwm2m-meter/plugin); a broken or mismatched DDF refuses the plugin with the file named.
import test from 'ava';
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadPlugins } from '../../src/plugins/loader.js';
import { ObjectHost } from '../../src/lwm2m/object-host.js';
import type { ObjectSpec } from '../../src/lwm2m/object-api.js';
import { log } from '../../src/runtime/log.js';

// OMA registry DDF of IPSO Pressure (3323), copied into the fixtures
const ddf3323 = fileURLToPath(new URL('../../../test/fixtures/ddf/3323.xml', import.meta.url));
const quiet = log.child({}, { level: 'silent' });

function plugin(dir: string, name: string, ddf: string | undefined, id = 3323): void {
  const p = join(dir, name);
  mkdirSync(p);
  if (ddf) copyFileSync(ddf, join(p, '3323.xml'));
  else
    writeFileSync(
      join(p, '3323.xml'),
      '<LWM2M><Object><ObjectID>3323</ObjectID><Resources><Item ID="x"/></Resources></Object></LWM2M>',
    );
  writeFileSync(
    join(p, 'plugin.json'),
    JSON.stringify({ name, version: '1.0.0', objects: [{ id, module: './pressure.js' }] }),
  );
  writeFileSync(
    join(p, 'pressure.js'),
    [
      "import { defineObject, ddfDefinition } from 'lwm2m-meter/plugin';",
      `export default defineObject({ definition: ddfDefinition(new URL('./3323.xml', import.meta.url), ${id}), instances: { 0: { 5700: 101.3, 5701: 'kPa' } } });`,
    ].join('\n'),
  );
}

test('an object defined by the OMA DDF in the plugin folder loads and is hosted with the DDF resources', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'ddf-plugin-'));
  plugin(dir, 'pressure', ddf3323);
  const r = await loadPlugins(
    { dirs: [dir], enabled: ['pressure'], config: {}, worker: 'shared', builtinDir: false },
    { log: quiet },
  );
  t.deepEqual(r.refused, []);
  t.deepEqual(
    r.loaded[0]?.objects.map((o) => o.id),
    [3323],
  );
  const spec = ((await import(r.loaded[0].objects[0].moduleUrl)) as { default: ObjectSpec }).default;
  t.is(spec.definition.name, 'Pressure');
  t.like(
    spec.definition.resources.find((x) => x.id === 5700),
    { name: 'Sensor Value', type: 'float', operations: 'R', mandatory: true },
  );
  const host = new ObjectHost(spec);
  const read = await host.handle({ op: 'read-records', path: [3323, 0, 5700], paths: [[3323, 0, 5700]], serverId: 1 });
  t.is(read.records?.[0]?.value, 101.3);
});

test('a broken DDF or one for another object refuses the plugin, naming the file', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'ddf-plugin-'));
  plugin(dir, 'broken', undefined);
  plugin(dir, 'other', ddf3323, 3324);
  const r = await loadPlugins(
    { dirs: [dir], enabled: ['broken', 'other'], config: {}, worker: 'shared', builtinDir: false },
    { log: quiet },
  );
  t.deepEqual(r.loaded, []);
  const reasons = Object.fromEntries(r.refused.map((x) => [x.name, `${x.code} ${x.reason}`]));
  t.regex(reasons.broken ?? '', /PLUGIN_LOAD_FAILED .*3323\.xml: resource ID 'x' is not 0\.\.65535/);
  t.regex(reasons.other ?? '', /PLUGIN_LOAD_FAILED .*3323\.xml: ObjectID 3323, expected 3324/);
});
