// operations.test.ts: server→client operations reach a node-coap client on the socket it registered from, from the
// registration port.
import test from 'ava';
import { decode, decodePaths, encode, untypedContext } from '../../src/lwm2m/formats/index.js';
import { ContentFormat } from '../../src/lwm2m/types.js';
import { startDevServer } from '../../src/devserver/server.js';
import { TypeRegistry } from '../../src/devserver/model.js';
import { FakeClient } from '../support/fake-lwm2m-client.js';

const types = new TypeRegistry();

async function setup(t: import('ava').ExecutionContext, version = '1.1') {
  const s = await startDevServer({ requestTimeoutMs: 3000 });
  const c = await FakeClient.start();
  t.teardown(async () => {
    await s.close();
    await c.close();
  });
  const reg = await c.register(s.port, 'dev-1', '</1/0>,</3/0>', `lt=60&lwm2m=${version}`);
  t.is(reg.code, '2.01');
  return { s, c };
}

test("Read goes to the client's registration socket, from the server's registration port", async (t) => {
  const { s, c } = await setup(t);
  c.handler = (req, res) => {
    if (req.method !== 'GET' || req.url !== '/3/0/0') return false;
    res.setOption('Content-Format', ContentFormat.SENML_CBOR);
    res.end(
      Buffer.from(encode(ContentFormat.SENML_CBOR, [{ path: [3, 0, 0], value: 'Acme' }], types.context([3, 0, 0]))),
    );
    return true;
  };
  const r = await s.read('dev-1', '/3/0/0', { format: ContentFormat.SENML_CBOR });
  t.is(r.code, '2.05');
  t.is(r.contentFormat, ContentFormat.SENML_CBOR);
  t.deepEqual(r.records, [{ path: [3, 0, 0], value: 'Acme' }]);
  t.is(c.seen.length, 1);
  t.is(c.seen[0].from.port, s.port, 'the request left from the port that got the registration');
  t.is(c.seen[0].headers.Accept, 'application/senml+cbor');
  t.is(s.registrations.get('dev-1')?.peer.port, c.port);
});

test('unknown endpoint and silent client give coded errors', async (t) => {
  const s = await startDevServer({ requestTimeoutMs: 300 });
  t.teardown(() => s.close());
  await t.throwsAsync(() => s.read('nobody', '/3/0'), { instanceOf: Error, message: /not registered/ });
  const c = await FakeClient.start();
  await c.register(s.port, 'mute');
  c.handler = () => true; // never answers
  const err = await t.throwsAsync(() => s.read('mute', '/3/0'));
  t.is((err as Error & { code?: string }).code, 'DEVSERVER_TIMEOUT');
  await c.close();
});

test('Write (replace / partial), Execute, Create, Delete, Discover, Write-Attributes', async (t) => {
  const { s, c } = await setup(t);
  c.handler = (req, res) => {
    if (req.url === '/5' && req.method === 'POST') {
      res.setOption('Location-Path', [Buffer.from('5'), Buffer.from('1')]);
      res.code = '2.01';
      res.end();
      return true;
    }
    if (req.method === 'PUT' || req.method === 'POST') {
      res.code = '2.04';
      res.end();
      return true;
    }
    if (req.method === 'DELETE') {
      res.code = '2.02';
      res.end();
      return true;
    }
    if (req.method === 'GET' && req.url === '/3') {
      res.setOption('Content-Format', 'application/link-format');
      res.end('</3>;ver=1.1,</3/0/0>,</3/0/9>;pmin=10');
      return true;
    }
    return false;
  };
  t.is((await s.write('dev-1', '/1/0/1', 300)).code, '2.04');
  const w = c.seen.at(-1)!;
  t.is(w.method, 'PUT');
  t.is(w.headers['Content-Format'], 'application/senml+cbor', 'default format for 1.1 is SenML CBOR');
  t.deepEqual(decode(ContentFormat.SENML_CBOR, w.payload, untypedContext([1, 0, 1])), [
    { path: [1, 0, 1], value: 300 },
  ]);

  t.is(
    (
      await s.write(
        'dev-1',
        '/1/0',
        [
          { path: [1, 0, 2], value: 5 },
          { path: [1, 0, 3], value: 60 },
        ],
        { partial: true, format: ContentFormat.TLV },
      )
    ).code,
    '2.04',
  );
  t.is(c.seen.at(-1)!.method, 'POST');
  t.deepEqual(decode(ContentFormat.TLV, c.seen.at(-1)!.payload, types.context([1, 0])), [
    { path: [1, 0, 2], value: 5 },
    { path: [1, 0, 3], value: 60 },
  ]);

  t.is((await s.execute('dev-1', '/3/0/4', "0='x'")).code, '2.04');
  t.is(c.seen.at(-1)!.url, '/3/0/4');
  t.is(c.seen.at(-1)!.payload.toString(), "0='x'");

  const created = await s.create('dev-1', '/5', [{ path: [5, 0, 1], value: 'coap://fw' }]);
  t.is(created.code, '2.01');
  t.is(created.location, '/5/1');

  t.is((await s.delete('dev-1', '/5/1')).code, '2.02');
  t.is(c.seen.at(-1)!.method, 'DELETE');

  const d = await s.discover('dev-1', '/3');
  t.is(d.code, '2.05');
  t.deepEqual(
    d.links?.map((l) => l.target),
    ['/3', '/3/0/0', '/3/0/9'],
  );
  t.is(c.seen.at(-1)!.headers.Accept, 'application/link-format');

  t.is((await s.writeAttributes('dev-1', '/3/0/9', { pmin: 10, pmax: 60, gt: null })).code, '2.04');
  t.is(c.seen.at(-1)!.url, '/3/0/9?pmin=10&pmax=60&gt');
});

test('1.0 clients get TLV writes by default', async (t) => {
  const { s, c } = await setup(t, '1.0');
  c.handler = (_req, res) => {
    res.code = '2.04';
    res.end();
    return true;
  };
  await s.write('dev-1', '/1/0/1', 300);
  t.is(c.seen.at(-1)!.headers['Content-Format'], 'application/vnd.oma.lwm2m+tlv');
});

test('Read-Composite and Write-Composite carry SenML bodies', async (t) => {
  const { s, c } = await setup(t);
  const seenPaths: unknown[] = [];
  c.handler = (req, res) => {
    if (req.method === 'FETCH') {
      const f =
        req.headers['Content-Format'] === 'application/senml+json'
          ? ContentFormat.SENML_JSON
          : ContentFormat.SENML_CBOR;
      seenPaths.push(decodePaths(f, req.payload));
      res.setOption('Content-Format', f);
      res.end(
        Buffer.from(
          encode(
            f,
            [
              { path: [3, 0, 0], value: 'Acme' },
              { path: [1, 0, 1], value: 300 },
            ],
            types.context([]),
          ),
        ),
      );
      return true;
    }
    if (req.method === 'iPATCH') {
      res.code = '2.04';
      res.end();
      return true;
    }
    return false;
  };
  const r = await s.readComposite('dev-1', ['/3/0/0', '/1/0/1']);
  t.is(r.code, '2.05');
  t.deepEqual(r.records, [
    { path: [3, 0, 0], value: 'Acme' },
    { path: [1, 0, 1], value: 300 },
  ]);
  const w = await s.writeComposite('dev-1', [
    { path: [1, 0, 1], value: 120 },
    { path: [1, 0, 3], value: 600 },
  ]);
  t.is(w.code, '2.04');
  t.deepEqual(decode(ContentFormat.SENML_CBOR, c.seen.at(-1)!.payload, types.context([])), [
    { path: [1, 0, 1], value: 120 },
    { path: [1, 0, 3], value: 600 },
  ]);
  const json = await s.readComposite('dev-1', ['/3/0/0', '/1/0/1'], { format: ContentFormat.SENML_JSON });
  t.is(c.seen.at(-1)!.headers['Content-Format'], 'application/senml+json');
  t.is(json.contentFormat, ContentFormat.SENML_JSON);
  t.deepEqual(json.records, r.records);
  t.deepEqual(seenPaths, [
    [
      [3, 0, 0],
      [1, 0, 1],
    ],
    [
      [3, 0, 0],
      [1, 0, 1],
    ],
  ]);
});

test('an alternate root path and the ct= format of the root link are honoured', async (t) => {
  const s = await startDevServer({ requestTimeoutMs: 3000 });
  const c = await FakeClient.start();
  t.teardown(async () => {
    await s.close();
    await c.close();
  });
  await c.register(s.port, 'rooted', '</lw>;rt="oma.lwm2m";ct=110,</lw/1/0>,</lw/3/0>');
  const reg = s.registrations.get('rooted')!;
  t.is(reg.rootPath, '/lw');
  t.deepEqual(reg.contentFormats, [110]);
  c.handler = (_req, res) => {
    res.code = '2.04';
    res.end();
    return true;
  };
  await s.write('rooted', '/1/0/1', 300);
  t.is(c.seen.at(-1)!.url, '/lw/1/0/1');
  t.is(c.seen.at(-1)!.headers['Content-Format'], 'application/senml+json');
  await s.readComposite('rooted', ['/1/0/1']);
  t.is(c.seen.at(-1)!.url, '/lw');
});
