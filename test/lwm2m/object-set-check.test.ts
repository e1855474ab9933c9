// object-set-check.test.ts: rt.set from the device side is checked against the definition: an unknown resource or a
// value of the wrong type is refused (not kept, no change notified) with a warn naming plugin, object and resource.
import test from 'ava';
import { ObjectHost } from '../../src/lwm2m/object-host.js';
import type { ObjectSpec } from '../../src/lwm2m/object-api.js';

const thermometer: ObjectSpec = {
  definition: {
    id: 3303,
    name: 'Temperature',
    version: '1.1',
    multiple: true,
    mandatory: false,
    resources: [
      { id: 5700, name: 'Sensor Value', type: 'float', operations: 'R' },
      { id: 5701, name: 'Sensor Units', type: 'string', operations: 'R' },
      { id: 5750, name: 'Readings', type: 'integer', operations: 'R', multiple: true },
      { id: 5605, name: 'Reset', type: 'none', operations: 'E' },
    ],
  },
  instances: { 0: { 5700: 20.5, 5701: 'Cel' } },
};

function host(): { h: ObjectHost; warns: { obj: Record<string, unknown>; msg: string }[]; changes: string[] } {
  const warns: { obj: Record<string, unknown>; msg: string }[] = [];
  const changes: string[] = [];
  const log = {
    info() {},
    debug() {},
    error() {},
    warn(o: object | string, msg?: string) {
      warns.push({ obj: o as Record<string, unknown>, msg: msg ?? '' });
    },
  };
  const h = new ObjectHost(thermometer, { log, config: { plugin: 'thermo' } });
  h.onChange((paths) => changes.push(...paths.map((p) => p.join('/'))));
  return { h, warns, changes };
}

test('a float resource set to "hot" is refused with a warn naming plugin, object and resource; the old value stays', (t) => {
  const { h, warns, changes } = host();
  h.runtime.set(0, 5700, 'hot');
  t.is(h.runtime.get(0, 5700), 20.5);
  t.deepEqual(changes, []);
  t.is(warns.length, 1);
  t.like(warns[0]?.obj, { code: 'OBJECT_SET_REFUSED', plugin: 'thermo', object: 3303, instance: 0, resource: 5700 });
  t.is(
    warns[0]?.msg,
    'plugin thermo: object 3303 (Temperature): rt.set(/3303/0/5700) refused, value not kept: resource 5700 (Sensor Value): a float resource takes a number (got "hot")',
  );
});

test('an unknown resource, an executable, a Map on a single resource, a bad instance in a multiple one: each refused', (t) => {
  const { h, warns } = host();
  h.runtime.set(0, 9999, 1);
  h.runtime.set(0, 5605, 1);
  h.runtime.set(0, 5701, new Map([[0, 'x']]));
  h.runtime.set(
    0,
    5750,
    new Map<number, number>([
      [0, 1],
      [1, 2.5],
    ]),
  );
  h.runtime.set(0, 5750, 7);
  t.deepEqual(
    warns.map((w) => w.obj.resource),
    [9999, 5605, 5701, 5750, 5750],
  );
  t.regex(warns[0].msg, /object 3303 has no resource 9999 \(it has 5700, 5701, 5750, 5605\)/);
  t.regex(warns[3].msg, /instance 1: a integer resource takes an integer \(got 2\.5\)/);
  t.is(h.runtime.get(0, 9999), undefined);
  t.is(h.runtime.get(0, 5750), undefined);
});

test('values of the right type are kept and notified as before', (t) => {
  const { h, warns, changes } = host();
  h.runtime.set(0, 5700, 21.25);
  h.runtime.set(
    0,
    5750,
    new Map([
      [0, 3],
      [1, 4],
    ]),
  );
  h.runtime.set(1, 5701, 'K');
  t.is(h.runtime.get(0, 5700), 21.25);
  t.deepEqual(
    [...(h.runtime.get(0, 5750) as Map<number, number>)],
    [
      [0, 3],
      [1, 4],
    ],
  );
  t.deepEqual(h.instanceIds(), [0, 1]);
  t.deepEqual(changes, ['3303/0/5700', '3303/0/5750', '3303/1/5701']);
  t.deepEqual(warns, []);
});
