// ddf.test.ts: DDF XML loading: the fixtures (the registry's files for the objects we host), every file of the shared
// registry when present, and refused bad files.
import test from 'ava';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadDdfFolder, parseDdf } from '../../src/lwm2m/ddf.js';

const fixtures = fileURLToPath(new URL('../../../test/fixtures/ddf', import.meta.url));

test('fixture DDFs load with types, operations, multiplicity and ranges', (t) => {
  const defs = loadDdfFolder(fixtures);
  t.deepEqual(
    defs.map((d) => d.id).sort((a, b) => a - b),
    [0, 1, 2, 3, 4, 5, 6, 3306, 3323, 3424, 3430, 10256],
  );
  const dev = defs.find((d) => d.id === 3)!;
  t.is(dev.name, 'Device');
  t.is(dev.version, '1.2');
  t.false(dev.multiple);
  const reboot = dev.resources.find((r) => r.id === 4)!;
  t.is(reboot.operations, 'E');
  t.is(reboot.type, 'none');
  const err = dev.resources.find((r) => r.id === 11)!;
  t.true(err.multiple);
  t.is(err.type, 'integer');
  const bat = dev.resources.find((r) => r.id === 9)!;
  t.deepEqual(bat.range, { min: 0, max: 100 });
});

test('every file of the shared OMA registry loads', (t) => {
  const dir = '/work/shared/oma-ddf';
  if (!existsSync(dir)) {
    t.pass('registry folder absent');
    return;
  }
  const defs = loadDdfFolder(dir);
  t.true(defs.length > 100);
});

test('bad files are refused with the path and reason', (t) => {
  t.throws(() => parseDdf('<nope/>', 'x.xml'), { message: /x\.xml: no <LWM2M> root/ });
  t.throws(() => parseDdf('<LWM2M><Object><ObjectID>abc</ObjectID></Object></LWM2M>', 'y.xml'), {
    message: /y\.xml: ObjectID 'abc'/,
  });
  t.throws(
    () =>
      parseDdf(
        '<LWM2M><Object><ObjectID>9</ObjectID><Resources><Item ID="1"><Type>Weird</Type><Operations>R</Operations></Item></Resources></Object></LWM2M>',
        'z.xml',
      ),
    { message: /z\.xml: resource 1: unknown type/ },
  );
});
