// registration.test.ts: Register / Update queries, the object link payload, the 1.2 → 1.1 fallback and Location-Path
// checks.
import test from 'ava';
import {
  fallbackVersion,
  objectLinksPayload,
  parseLocation,
  registerQuery,
  updateQuery,
  type RegistrationParams,
} from '../../src/lwm2m/registration.js';

const base: RegistrationParams = { endpoint: 'meter-1', lifetime: 300, lwm2mVersion: '1.2', binding: 'U' };

test('register query lists ep, lt, lwm2m, b, then Q in queue mode', (t) => {
  t.deepEqual(registerQuery(base), ['ep=meter-1', 'lt=300', 'lwm2m=1.2', 'b=U']);
  t.deepEqual(registerQuery({ ...base, queueMode: true, sms: '+123' }), [
    'ep=meter-1',
    'lt=300',
    'lwm2m=1.2',
    'b=U',
    'sms=+123',
    'Q',
  ]);
  t.throws(() => registerQuery({ ...base, endpoint: '' }), { code: 'REGISTRATION_INVALID' } as never);
});

test('update query carries only what changed', (t) => {
  t.deepEqual(updateQuery(base, base), []);
  t.deepEqual(updateQuery(base, { ...base, lifetime: 600 }), ['lt=600']);
  t.deepEqual(updateQuery(base, { ...base, binding: 'UQ' }), ['b=UQ']);
});

test('link payload: root with ct, versions when not 1.0, instances, Security never listed', (t) => {
  const p = objectLinksPayload(
    [
      { def: { id: 3, version: '1.0' }, instances: [0] },
      { def: { id: 0 }, instances: [0, 1] },
      { def: { id: 1, version: '1.1' }, instances: [0] },
      { def: { id: 3303, version: '1.1' }, instances: [] },
      { def: { id: 4 }, instances: [] },
    ],
    { contentFormat: 110 },
  );
  t.is(Buffer.from(p).toString(), '</>;rt="oma.lwm2m";ct=110,</1>;ver=1.1,</1/0>,</3/0>,</4>,</3303>;ver=1.1');
});

test('1.2 falls back to 1.1 on 4.12 or 4.00, never from 1.1', (t) => {
  t.is(fallbackVersion('4.12', '1.2'), '1.1');
  t.is(fallbackVersion('4.00', '1.2'), '1.1');
  t.is(fallbackVersion('4.03', '1.2'), undefined);
  t.is(fallbackVersion('4.12', '1.1'), undefined);
});

test('Location-Path is checked', (t) => {
  t.deepEqual(parseLocation(['rd', 'x1']), ['rd', 'x1']);
  t.throws(() => parseLocation([]));
  t.throws(() => parseLocation(undefined));
  t.throws(() => parseLocation(['rd', '..']));
});
