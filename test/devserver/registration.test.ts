// registration.test.ts: Register / Update / De-register against libcoap's client, and the 4.03 / 4.04 / version / count
// knobs.
import test from 'ava';
import { startDevServer } from '../../src/devserver/server.js';
import { coapClient } from '../support/libcoap.js';

test('libcoap client registers, updates and deregisters', async (t) => {
  const s = await startDevServer({ port: 0 });
  t.teardown(() => s.close());
  const registered = s.waitFor('register');
  const reg = await coapClient([
    '-m',
    'post',
    '-t',
    '40',
    '-e',
    '</1/0>,</3/0>,</3424/0>',
    `coap://127.0.0.1:${s.port}/rd?ep=meter-1&lt=60&lwm2m=1.1&b=U`,
  ]);
  t.is(reg.code, '2.01');
  const r = await registered;
  t.is(r.endpoint, 'meter-1');
  t.is(reg.location, r.location);
  t.regex(r.location, /^\/rd\/[0-9a-f]+$/);
  t.is(r.lifetime, 60);
  t.is(r.lwm2mVersion, '1.1');
  t.is(r.binding, 'U');
  t.deepEqual(
    r.links.map((l) => l.target),
    ['/1/0', '/3/0', '/3424/0'],
  );
  t.is(s.registrations.get('meter-1'), r);

  const updated = s.waitFor('update');
  const upd = await coapClient(['-m', 'post', `coap://127.0.0.1:${s.port}${r.location}?lt=120`]);
  t.is(upd.code, '2.04');
  t.is((await updated).lifetime, 120);

  const gone = s.waitFor('deregister');
  const del = await coapClient(['-m', 'delete', `coap://127.0.0.1:${s.port}${r.location}`]);
  t.is(del.code, '2.02');
  t.is((await gone).endpoint, 'meter-1');
  t.is(s.registrations.size, 0);
  t.is(s.count('register', 'meter-1'), 1);
  t.is(s.count('update', 'meter-1'), 1);
  t.is(s.count('deregister', 'meter-1'), 1);
});

test('update of an unknown registration gets 4.04, and so does one the server forgot', async (t) => {
  const s = await startDevServer({});
  t.teardown(() => s.close());
  t.is((await coapClient(['-m', 'post', `coap://127.0.0.1:${s.port}/rd/nope`])).code, '4.04');
  await coapClient(['-m', 'post', '-t', '40', '-e', '</3/0>', `coap://127.0.0.1:${s.port}/rd?ep=x&lt=60`]);
  const loc = s.registrations.get('x')?.location;
  t.truthy(loc);
  t.true(s.forget('x'));
  t.is((await coapClient(['-m', 'post', `coap://127.0.0.1:${s.port}${loc}`])).code, '4.04');
  t.is((await coapClient(['-m', 'delete', `coap://127.0.0.1:${s.port}${loc}`])).code, '4.04');
});

test('a rejected endpoint gets 4.03, others still register', async (t) => {
  const s = await startDevServer({ registration: { rejectEndpoints: ['bad'] } });
  t.teardown(() => s.close());
  t.is((await coapClient(['-m', 'post', '-e', '</3/0>', `coap://127.0.0.1:${s.port}/rd?ep=bad`])).code, '4.03');
  s.rejectEndpoint('worse');
  t.is((await coapClient(['-m', 'post', '-e', '</3/0>', `coap://127.0.0.1:${s.port}/rd?ep=worse`])).code, '4.03');
  t.is((await coapClient(['-m', 'post', '-e', '</3/0>', `coap://127.0.0.1:${s.port}/rd?ep=good`])).code, '2.01');
  s.allowEndpoint('bad');
  t.is((await coapClient(['-m', 'post', '-e', '</3/0>', `coap://127.0.0.1:${s.port}/rd?ep=bad`])).code, '2.01');
  t.deepEqual([...s.registrations.keys()].sort(), ['bad', 'good']);
});

test('unsupported lwm2m version: 4.12 by default (Transport Table 6.7-2), 4.00 when configured', async (t) => {
  const a = await startDevServer({ registration: { acceptVersions: ['1.1'], versionRejectCode: '4.00' } });
  const b = await startDevServer({ registration: { acceptVersions: ['1.1'] } });
  t.teardown(async () => {
    await a.close();
    await b.close();
  });
  t.is((await coapClient(['-m', 'post', '-e', '</3/0>', `coap://127.0.0.1:${a.port}/rd?ep=x&lwm2m=1.2`])).code, '4.00');
  t.is((await coapClient(['-m', 'post', '-e', '</3/0>', `coap://127.0.0.1:${b.port}/rd?ep=x&lwm2m=1.0`])).code, '4.12');
  t.is(
    (await coapClient(['-m', 'post', '-e', '</3/0>', `coap://127.0.0.1:${b.port}/rd?ep=x`])).code,
    '4.12',
    'absent lwm2m= means 1.0',
  );
  t.is((await coapClient(['-m', 'post', '-e', '</3/0>', `coap://127.0.0.1:${b.port}/rd?ep=x&lwm2m=1.1`])).code, '2.01');
});

test('bad registrations get a 4.xx, not a crash', async (t) => {
  const s = await startDevServer({});
  t.teardown(() => s.close());
  t.is((await coapClient(['-m', 'post', '-e', '</3/0>', `coap://127.0.0.1:${s.port}/rd?lt=60`])).code, '4.00', 'no ep');
  t.is(
    (await coapClient(['-m', 'post', '-e', '</3/0>', `coap://127.0.0.1:${s.port}/rd?ep=x&lt=soon`])).code,
    '4.00',
    'bad lt',
  );
  t.is(
    (await coapClient(['-m', 'post', '-e', '<3/0', `coap://127.0.0.1:${s.port}/rd?ep=x`])).code,
    '4.00',
    'bad links',
  );
  t.is(
    (await coapClient(['-m', 'post', '-t', '50', '-e', '{}', `coap://127.0.0.1:${s.port}/rd?ep=x`])).code,
    '4.15',
    'not link format',
  );
  t.is((await coapClient(['-m', 'get', `coap://127.0.0.1:${s.port}/elsewhere`])).code, '4.04');
  t.is(
    (await coapClient(['-m', 'post', '-e', '</3/0>', `coap://127.0.0.1:${s.port}/rd?ep=x`])).code,
    '2.01',
    'still serving',
  );
});

test('behaviour override answers 5.03 and counts each attempt', async (t) => {
  const s = await startDevServer({});
  t.teardown(() => s.close());
  s.setBehaviour('register', { code: '5.03' });
  for (let i = 0; i < 3; i++)
    t.is((await coapClient(['-m', 'post', '-e', '</3/0>', `coap://127.0.0.1:${s.port}/rd?ep=x`])).code, '5.03');
  t.is(s.count('register', 'x'), 3);
  t.is(s.registrations.size, 0);
  s.setBehaviour('register', undefined);
  t.is((await coapClient(['-m', 'post', '-e', '</3/0>', `coap://127.0.0.1:${s.port}/rd?ep=x`])).code, '2.01');
});

test('lifetime expiry by the injected clock: Update after expiry gets 4.04, sweepExpired reports others', async (t) => {
  let now = 1_000_000;
  const s = await startDevServer({ now: () => now });
  t.teardown(() => s.close());
  await coapClient(['-m', 'post', '-e', '</3/0>', `coap://127.0.0.1:${s.port}/rd?ep=a&lt=60`]);
  await coapClient(['-m', 'post', '-e', '</3/0>', `coap://127.0.0.1:${s.port}/rd?ep=b&lt=600`]);
  const locA = s.registrations.get('a')!.location;
  now += 59_000;
  t.is((await coapClient(['-m', 'post', `coap://127.0.0.1:${s.port}${locA}`])).code, '2.04', 'still alive at 59 s');
  now += 61_000;
  t.deepEqual(
    s.sweepExpired().map((r) => r.endpoint),
    ['a'],
  );
  t.is((await coapClient(['-m', 'post', `coap://127.0.0.1:${s.port}${locA}`])).code, '4.04');
  now += 600_000;
  const expired = s.waitFor('expire');
  s.sweepExpired();
  t.is((await expired).endpoint, 'b');
  t.is(s.registrations.size, 0);
});

test('events as an async iterable, ending when the server closes', async (t) => {
  const s = await startDevServer({});
  const seen: string[] = [];
  const done = (async () => {
    for await (const r of s.events('register')) seen.push(r.endpoint);
  })();
  await coapClient(['-m', 'post', '-e', '</3/0>', `coap://127.0.0.1:${s.port}/rd?ep=one`]);
  await coapClient(['-m', 'post', '-e', '</3/0>', `coap://127.0.0.1:${s.port}/rd?ep=two`]);
  await s.close();
  await done;
  t.deepEqual(seen, ['one', 'two']);
});
