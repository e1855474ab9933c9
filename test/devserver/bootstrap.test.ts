// bootstrap.test.ts: the bootstrap sequence against a scripted client: Delete '/', Write /0 and /1, Finish; PSK;
// revocation and re-bootstrap.
import test from 'ava';
import { decode, encode } from '../../src/lwm2m/formats/index.js';
import { parsePath } from '../../src/lwm2m/path.js';
import { ContentFormat, type LwRecord } from '../../src/lwm2m/types.js';
import { startDevServer } from '../../src/devserver/server.js';
import { TypeRegistry } from '../../src/devserver/model.js';
import { planAccounts } from '../../src/devserver/bootstrap.js';
import { FakeClient } from '../support/fake-lwm2m-client.js';

const types = new TypeRegistry();

/** A scripted client: answers every bootstrap operation with success and keeps what was written. */
function scripted(c: FakeClient, discover = '</0/0>,</1>,</3/0>'): Map<string, LwRecord[]> {
  const written = new Map<string, LwRecord[]>();
  c.handler = (req, res) => {
    if (req.method === 'DELETE') res.code = '2.02';
    else if (req.method === 'PUT') {
      const p = parsePath(req.url);
      written.set(req.url, decode(ContentFormat.TLV, req.payload, types.context(p)));
      res.code = '2.04';
    } else if (req.method === 'POST' && req.url === '/bs') res.code = '2.04';
    else if (req.method === 'GET' && req.url === '/') {
      res.setOption('Content-Format', 'application/link-format');
      res.end(discover);
      return true;
    } else if (req.method === 'GET' && req.url === '/1') {
      res.setOption('Content-Format', ContentFormat.SENML_CBOR);
      res.end(
        Buffer.from(
          encode(
            ContentFormat.SENML_CBOR,
            [
              { path: [1, 0, 0], value: 1 },
              { path: [1, 0, 1], value: 60 },
            ],
            types.context([1]),
          ),
        ),
      );
      return true;
    } else return false;
    res.end();
    return true;
  };
  return written;
}

const value = (rs: LwRecord[] | undefined, res: number): unknown => rs?.find((r) => r.path[2] === res)?.value;

test('bootstrap on the registration port: Delete /, Write /0/1 and /1/0 (NoSec at this server), Finish', async (t) => {
  const s = await startDevServer({ bootstrap: {} });
  const c = await FakeClient.start();
  t.teardown(async () => {
    await s.close();
    await c.close();
  });
  t.is(s.bootstrapPort, s.port);
  const written = scripted(c);
  const finished = s.waitFor('bootstrap-finish');
  t.is((await c.request(s.port, 'POST', '/bs', 'ep=boot-1')).code, '2.04');
  const ev = await finished;
  t.is(ev.endpoint, 'boot-1');
  t.is(ev.code, '2.04');
  t.is(ev.error, undefined);
  t.deepEqual(ev.steps, [
    ['DELETE /', '2.02'],
    ['WRITE /0/1', '2.04'],
    ['WRITE /1/0', '2.04'],
    ['FINISH', '2.04'],
  ]);
  t.deepEqual(
    c.seen.map((r) => `${r.method} ${r.url}`),
    ['DELETE /', 'PUT /0/1', 'PUT /1/0', 'POST /bs'],
  );
  t.true(c.seen.every((r) => r.from.port === s.port));
  const sec = written.get('/0/1');
  t.is(value(sec, 0), s.uri);
  t.is(value(sec, 1), false);
  t.is(value(sec, 2), 3, 'NoSec');
  t.is(value(sec, 10), 1);
  const srv = written.get('/1/0');
  t.is(value(srv, 0), 1);
  t.is(value(srv, 1), 300);
  t.is(value(srv, 7), 'U');
  // The client can now register with what it got.
  t.is((await c.register(s.port, 'boot-1')).code, '2.01');
});

test('separate bootstrap port, per-endpoint PSK account, discover and read first', async (t) => {
  const s = await startDevServer({
    bootstrap: {
      port: 0,
      discover: true,
      read: true,
      endpoints: {
        'psk-1': [
          {
            serverUri: 'coaps://127.0.0.1:5684',
            securityMode: 'psk',
            pskIdentity: 'psk-1',
            psk: '00112233445566778899aabbccddeeff',
            lifetime: 120,
            shortServerId: 7,
          },
        ],
      },
    },
  });
  const c = await FakeClient.start();
  t.teardown(async () => {
    await s.close();
    await c.close();
  });
  t.not(s.bootstrapPort, s.port);
  t.is((await c.request(s.port, 'POST', '/bs', 'ep=psk-1')).code, '4.04', '/bs is not served on the registration port');
  const written = scripted(c, '</0/0>,</0/1>,</1>');
  const finished = s.waitFor('bootstrap-finish');
  t.is((await c.request(s.bootstrapPort!, 'POST', '/bs', 'ep=psk-1')).code, '2.04');
  const ev = await finished;
  t.deepEqual(
    ev.steps.map((x) => x[0]),
    ['DISCOVER /', 'READ /1', 'DELETE /', 'WRITE /0/1', 'WRITE /1/0', 'FINISH'],
  );
  t.deepEqual(
    ev.discovered?.map((l) => l.target),
    ['/0/0', '/0/1', '/1'],
  );
  t.deepEqual(ev.read, [
    { path: [1, 0, 0], value: 1 },
    { path: [1, 0, 1], value: 60 },
  ]);
  t.true(c.seen.every((r) => r.from.port === s.bootstrapPort));
  const sec = written.get('/0/1');
  t.is(value(sec, 0), 'coaps://127.0.0.1:5684');
  t.is(value(sec, 2), 0, 'PSK');
  t.deepEqual(value(sec, 3), Uint8Array.from(Buffer.from('psk-1')));
  t.deepEqual(value(sec, 5), Uint8Array.from(Buffer.from('00112233445566778899aabbccddeeff', 'hex')));
  t.is(value(sec, 10), 7);
  t.is(value(written.get('/1/0'), 1), 120);
});

test('revoked credentials: Register gets 4.03 until the endpoint bootstraps again', async (t) => {
  const s = await startDevServer({ bootstrap: {} });
  const c = await FakeClient.start();
  t.teardown(async () => {
    await s.close();
    await c.close();
  });
  scripted(c);
  t.is((await c.register(s.port, 'meter-9')).code, '2.01');
  const loc = s.registrations.get('meter-9')!.location;
  s.revokeCredentials('meter-9');
  t.is((await c.request(s.port, 'POST', loc)).code, '4.04', 'update after revocation');
  t.is((await c.register(s.port, 'meter-9')).code, '4.03');
  const finished = s.waitFor('bootstrap-finish', (e) => e.endpoint === 'meter-9');
  t.is((await c.request(s.port, 'POST', '/bs', 'ep=meter-9')).code, '2.04');
  t.is((await finished).error, undefined);
  t.is((await c.register(s.port, 'meter-9')).code, '2.01');
});

test('a failing step stops the sequence and is reported; no accounts → 4.00', async (t) => {
  const s = await startDevServer({ bootstrap: { endpoints: { none: [] } } });
  const c = await FakeClient.start();
  t.teardown(async () => {
    await s.close();
    await c.close();
  });
  t.is((await c.request(s.port, 'POST', '/bs', 'ep=none')).code, '4.00');
  t.is((await c.request(s.port, 'POST', '/bs')).code, '4.00', 'no ep');
  c.handler = (req, res) => {
    res.code = req.method === 'DELETE' ? '2.02' : '5.00';
    res.end();
    return true;
  };
  const finished = s.waitFor('bootstrap-finish');
  await c.request(s.port, 'POST', '/bs', 'ep=x');
  const ev = await finished;
  t.is(ev.code, undefined);
  t.is(ev.error, 'WRITE /0/1 answered 5.00');
  t.deepEqual(
    c.seen.map((r) => r.method),
    ['DELETE', 'PUT'],
  );
});

test('planAccounts skips security ids the client keeps and numbers servers in order', (t) => {
  const plan = planAccounts([{}, { serverUri: 'coap://b', shortServerId: 9 }], 'coap://a', new Set([0, 1]));
  t.deepEqual(
    plan.map((p) => [p.securityInstanceId, p.serverInstanceId]),
    [
      [2, 0],
      [3, 1],
    ],
  );
  t.is(plan[1].security.find((r) => r.path[2] === 0)?.value, 'coap://b');
  t.is(plan[1].server[0].value, 9);
});

test('a PSK account without a key is a configuration error', async (t) => {
  await t.throwsAsync(
    () => startDevServer({ bootstrap: { default: [{ securityMode: 'psk', serverUri: 'coaps://x' }] } }),
    { message: /pskIdentity and psk/ },
  );
});
