// actor-set.test.ts: the run table: order, options from config, and missing module files reported by name.
import test from 'ava';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildActorSet, resolveActorSet } from '../../src/runtime/actor-set.js';
import { defaultConfig } from '../../src/runtime/config.js';

test('table order: modem and socket first, client last; objects only where a spec module exists', (t) => {
  const root = mkdtempSync(join(tmpdir(), 'set-'));
  mkdirSync(join(root, 'objects'));
  writeFileSync(join(root, 'objects', 'device.js'), 'export default {}');
  const srcRoot = pathToFileURL(root + '/');
  const set = buildActorSet(defaultConfig(), srcRoot);
  t.deepEqual(
    set.map((e) => e.name),
    ['modem', 'socket', 'object:3', 'meter', 'client'],
  );
  t.deepEqual(set[1].options, { objects: [3] });
  t.deepEqual(set.find((e) => e.name === 'client')?.options.objects, [3]);
  t.deepEqual(set[2].options, { spec: 'objects/device.js' });
  t.is(set.find((e) => e.name === 'meter')?.options.pulseRatio, defaultConfig().meter.pulseRatio);
});

test('object 5 is hosted by the firmware actor; the Security object is hosted but never registered', (t) => {
  const root = mkdtempSync(join(tmpdir(), 'set-'));
  mkdirSync(join(root, 'objects'));
  for (const f of ['security.js', 'firmware.js', 'device.js'])
    writeFileSync(join(root, 'objects', f), 'export default {}');
  const set = buildActorSet(defaultConfig(), pathToFileURL(root + '/'));
  t.is(set.find((e) => e.name === 'object:5')?.module, 'actors/firmware.actor.js');
  t.is(set.find((e) => e.name === 'object:0')?.module, 'actors/object.actor.js');
  t.deepEqual(set.find((e) => e.name === 'client')?.options.objects, [3, 5]);
  t.deepEqual(set.find((e) => e.name === 'socket')?.options.objects, [0, 3, 5]);
});

test('entries whose module file is missing are listed with the file name', (t) => {
  const root = mkdtempSync(join(tmpdir(), 'set-'));
  mkdirSync(join(root, 'actors'));
  writeFileSync(join(root, 'actors', 'socket.actor.js'), 'export default {}');
  const srcRoot = pathToFileURL(root + '/');
  const { present, missing } = resolveActorSet(buildActorSet(defaultConfig(), srcRoot), srcRoot);
  t.deepEqual(
    present.map((p) => p.name),
    ['socket'],
  );
  t.true(missing.some((m) => m.name === 'client' && m.file.endsWith(join('actors', 'client.actor.js'))));
});
