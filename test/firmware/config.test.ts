// config.test.ts: the firmware config section: defaults, dir from stateDir, and errors that name the key.
import test from 'ava';
import { firmwareConfigSchema, parseFirmwareConfig } from '../../src/firmware/config-schema.js';

test('defaults, and dir defaults to <stateDir>/firmware', (t) => {
  const c = parseFirmwareConfig(undefined, '/var/lib/lwm2m-meter');
  t.is(c.dir, '/var/lib/lwm2m-meter/firmware');
  t.is(c.maxPackageBytes, 64 * 1024 * 1024);
  t.is(c.coapBlockSize, 1024);
  t.is(c.applyCommand, undefined);
  t.is(parseFirmwareConfig({ dir: '/data/fw' }, '/x').dir, '/data/fw');
});

test('bad values are refused with the key named', (t) => {
  for (const [raw, key] of [
    [{ coapBlockSize: 1000 }, 'coapBlockSize'],
    [{ sha256: 'abc' }, 'sha256'],
    [{ acceptTypes: ['exe'] }, 'acceptTypes'],
    [{ maxPackageBytes: -1 }, 'maxPackageBytes'],
    [{ nope: 1 }, 'nope'],
  ] as const) {
    const r = firmwareConfigSchema.safeParse(raw);
    t.false(r.success, key);
    t.true(JSON.stringify(r.error?.issues ?? []).includes(key), key);
  }
});
