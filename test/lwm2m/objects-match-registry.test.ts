// objects-match-registry.test.ts: every built-in and shipped plugin object with an OMA registry entry agrees with its
// DDF (test/fixtures/ddf): resource IDs, names, types, operations, multiplicity, mandatory resources.
import test from 'ava';
import { fileURLToPath } from 'node:url';
import { loadDdfFolder } from '../../src/lwm2m/ddf.js';
import type { ObjectDef } from '../../src/lwm2m/object-api.js';

const fixtures = fileURLToPath(new URL('../../../test/fixtures/ddf', import.meta.url));
const registry = new Map(loadDdfFolder(fixtures).map((d) => [d.id, d]));
const norm = (s: string): string => s.replace(/\s+/g, ' ').trim().toLowerCase();

const builtins = ['security', 'server', 'access-control', 'device', 'connectivity', 'firmware', 'water-meter'].map(
  (m) => `../../src/objects/${m}.js`,
);
// plugins/ is not compiled: its modules are imported from the source tree
const plugins = [
  'location-assistance/location.js',
  'location-assistance/ecid-signal-meas.js',
  'location-assistance/gnss-object.js',
  'valve/valve-object.js',
].map((m) => new URL(`../../../plugins/${m}`, import.meta.url).href);

for (const ref of [...builtins, ...plugins]) {
  test(`${ref.replace(/^.*\/(src|plugins)\//, '$1/')} matches the registry`, async (t) => {
    const mod = (await import(ref)) as { default: { definition: ObjectDef } };
    const def = mod.default.definition;
    const ddf = registry.get(def.id);
    if (ddf === undefined) {
      t.fail(`no DDF fixture for object ${def.id}`);
      return;
    }
    t.is(def.multiple, ddf.multiple, 'object multiplicity');
    for (const r of def.resources) {
      const x = ddf.resources.find((y) => y.id === r.id);
      if (x === undefined) {
        t.fail(`/${def.id}/x/${r.id} ${r.name}: not in the registry's object ${def.id}`);
        continue;
      }
      const where = `/${def.id}/x/${r.id} ${r.name}`;
      t.is(norm(r.name), norm(x.name), `${where}: name`);
      t.is(r.type, x.type, `${where}: type`);
      // Security (0): the registry gives no operations (only the bootstrap server may touch it); we model them RW and
      // refuse other servers.
      if (def.id !== 0) t.is(r.operations, x.operations, `${where}: operations`);
      t.is(r.multiple === true, x.multiple === true, `${where}: multiple instances`);
      t.is(r.mandatory === true, x.mandatory === true, `${where}: mandatory`);
    }
    for (const x of ddf.resources.filter((y) => y.mandatory === true)) {
      t.true(
        def.resources.some((r) => r.id === x.id),
        `mandatory /${def.id}/x/${x.id} ${x.name} is defined`,
      );
    }
  });
}
