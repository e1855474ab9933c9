// water-meter-object.test.ts: object 3424 against its DDF, hosted by ObjectHost: meter.reading updates, resets and
// ratio forwarded to the meter.
import * as fs from 'node:fs';
import test from 'ava';
import { ObjectHost } from '../../src/lwm2m/object-host.js';
import { ContentFormat, type Path } from '../../src/lwm2m/types.js';
import type { MeterSnapshot } from '../../src/meter/meter-core.js';
import { waterMeterDefinition, waterMeterObject } from '../../src/objects/water-meter.js';

const DDF = '/work/shared/oma-ddf/3424.xml';
const TYPES: Record<string, string> = {
  Float: 'float',
  Integer: 'integer',
  Boolean: 'boolean',
  String: 'string',
  Time: 'time',
  '': 'none',
};

test('definition matches the OMA DDF 3424.xml (ids, names, types, operations)', (t) => {
  if (!fs.existsSync(DDF)) {
    t.pass('DDF registry not present on this machine');
    return;
  }
  const xml = fs.readFileSync(DDF, 'utf8');
  const items = [
    ...xml.matchAll(
      /<Item ID="(\d+)">\s*<Name>([^<]*)<\/Name>\s*<Operations>([^<]*)<\/Operations>[\s\S]*?<Type>([^<]*)<\/Type>/g,
    ),
  ];
  t.is(items.length, waterMeterDefinition.resources.length);
  for (const [, id, name, ops, type] of items) {
    const r = waterMeterDefinition.resources.find((x) => x.id === Number(id));
    t.truthy(r, `resource ${id}`);
    t.is(r?.name, name);
    t.is(String(r?.operations), ops);
    t.is(String(r?.type), TYPES[type], `type of ${id}`);
  }
  t.regex(xml, /<ObjectURN>urn:oma:lwm2m:ext:3424:1\.1<\/ObjectURN>/);
});

function snapshot(over: Partial<MeterSnapshot> = {}): MeterSnapshot {
  return {
    volumeM3: 12.345,
    pulses: 12345,
    pulseRatio: 1000,
    meterType: 'cold water',
    minFlow: 0,
    maxFlow: 1e-4,
    flags: { leakSuspected: true, leakDetected: false, backflow: false, blocked: false },
    time: 1_767_571_200,
    ...over,
  };
}

test('meter.reading sets the values; observers hear only what changed', async (t) => {
  const host = new ObjectHost(waterMeterObject);
  const changed: string[] = [];
  host.onChange((paths: readonly Path[]) => changed.push(...paths.map((p) => p.join('/'))));
  await waterMeterObject.receive!({ type: 'meter.reading', snapshot: snapshot() }, host.runtime);
  const recs = await host.readRecords([3424, 0]);
  t.false('code' in recs);
  const byRes = new Map((recs as { path: Path; value: unknown }[]).map((r) => [r.path[2], r.value]));
  t.is(byRes.get(1), 12.345);
  t.is(byRes.get(4), 12345);
  t.is(byRes.get(9), true);
  t.is(byRes.get(5518), 1_767_571_200);
  changed.length = 0;
  await waterMeterObject.receive!(
    { type: 'meter.reading', snapshot: snapshot({ volumeM3: 12.346, pulses: 12346, time: 1_767_571_210 }) },
    host.runtime,
  );
  t.deepEqual(changed.sort(), ['3424/0/1', '3424/0/4', '3424/0/5518']);
  // Garbage is ignored, not thrown.
  await t.notThrowsAsync(async () => {
    await waterMeterObject.receive!({ type: 'meter.reading', snapshot: 'x' }, host.runtime);
  });
});

test('the reset executes and a pulse-ratio write go to the meter actor; bad ratios are 4.00', async (t) => {
  const emitted: { to: string; type: string; value?: unknown }[] = [];
  const host = new ObjectHost(waterMeterObject, { emit: (to, m) => emitted.push({ ...m, to }) });
  t.is((await host.handle({ op: 'execute', path: [3424, 0, 2] })).code, '2.04');
  t.is((await host.handle({ op: 'execute', path: [3424, 0, 5] })).code, '2.04');
  const w = await host.handle({
    op: 'write',
    path: [3424, 0, 6],
    format: ContentFormat.TEXT,
    payload: Buffer.from('100'),
  });
  t.is(w.code, '2.04');
  const bad = await host.handle({
    op: 'write',
    path: [3424, 0, 6],
    format: ContentFormat.TEXT,
    payload: Buffer.from('-5'),
  });
  t.is(bad.code, '4.00');
  t.deepEqual(emitted, [
    { to: 'meter', type: 'meter.reset-volume' },
    { to: 'meter', type: 'meter.reset-pulses' },
    { to: 'meter', type: 'meter.pulse-ratio', value: 100 },
  ]);
  t.is(
    (await host.handle({ op: 'write', path: [3424, 0, 1], format: ContentFormat.TEXT, payload: Buffer.from('1') }))
      .code,
    '4.05',
  );
});
