// web-api.test.ts: the dev-server web page's JSON API and SSE feed: clients, operations, device errors and timeouts as
// statuses, bad input as 400, firmware push progress.
import test from 'ava';
import { ContentFormat } from '../../src/lwm2m/types.js';
import { encode } from '../../src/lwm2m/formats/index.js';
import { startDevServer, type DevServer } from '../../src/devserver/server.js';
import { TypeRegistry } from '../../src/devserver/model.js';
import { startWebServer, type WebServer } from '../../src/devserver/web/server.js';
import { parseWebArg, webArgv } from '../../src/devserver/web/listen.js';
import { parseDevServerArgs } from '../../src/devserver/cli.js';
import { FakeClient } from '../support/fake-lwm2m-client.js';
import { waitFor } from '../support/poll.js';

/** JSON as the API returns it (the assertions check its shape). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

interface Rig {
  s: DevServer;
  web: WebServer;
  c: FakeClient;
  base: string;
}

async function rig(
  t: { teardown(fn: () => Promise<void>): void },
  opts: { requestTimeoutMs?: number; blockSize?: number } = {},
): Promise<Rig> {
  const s = await startDevServer({
    requestTimeoutMs: opts.requestTimeoutMs ?? 3000,
    ...(opts.blockSize !== undefined ? { blockSize: opts.blockSize } : {}),
  });
  const web = await startWebServer(s, { port: 0 });
  const c = await FakeClient.start();
  t.teardown(async () => {
    await web.close();
    await c.close();
    await s.close();
  });
  await c.register(s.port, 'web-1', '</1/0>,</3/0>,</5/0>,</3424/0>');
  return { s, web, c, base: web.url };
}

async function post(base: string, path: string, body: unknown): Promise<{ status: number; json: Json }> {
  const res = await fetch(new URL(path, base), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Json };
}

/** Reads SSE frames from /api/events into a list until aborted. */
function sse(base: string, signal: AbortSignal): { events: Json[]; ready: Promise<void> } {
  const events: Json[] = [];
  const ready = (async () => {
    const res = await fetch(new URL('api/events', base), { signal });
    if (res.headers.get('content-type')?.startsWith('text/event-stream') !== true)
      throw new Error('not an event stream');
    const reader = res.body!.getReader();
    let buf = '';
    void (async () => {
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) return;
          buf += Buffer.from(value).toString('utf8');
          let i;
          while ((i = buf.indexOf('\n\n')) >= 0) {
            const frame = buf.slice(0, i);
            buf = buf.slice(i + 2);
            const data = frame.split('\n').find((l) => l.startsWith('data: '));
            if (data) events.push(JSON.parse(data.slice(6)) as Json);
          }
        }
      } catch {
        /* aborted */
      }
    })();
  })();
  return { events, ready };
}

async function until<T>(f: () => T | undefined, ms = 5000): Promise<T> {
  let v: T | undefined;
  await waitFor(() => (v = f()) !== undefined, { timeoutMs: ms, everyMs: 20 });
  return v as T;
}

test('--web argument: bare flag is loopback 8080, HOST:PORT and PORT parse, junk is a CLI_ARGS error', (t) => {
  t.deepEqual(parseDevServerArgs(['--web']).web, { host: '127.0.0.1', port: 8080 });
  t.deepEqual(parseDevServerArgs(['--web', '--port', '0']).web, { host: '127.0.0.1', port: 8080 });
  t.is(parseDevServerArgs(['--web', '--port', '0']).options.port, 0);
  t.deepEqual(parseDevServerArgs(['--web', '0.0.0.0:9000']).web, { host: '0.0.0.0', port: 9000 });
  t.deepEqual(parseWebArg('9001'), { host: '127.0.0.1', port: 9001 });
  t.deepEqual(parseWebArg('[::1]:9002'), { host: '::1', port: 9002 });
  t.deepEqual(webArgv(['--web', '1234']), ['--web', '1234']);
  t.is(parseDevServerArgs([]).web, undefined);
  t.throws(() => parseWebArg('host:port'), { message: /--web wants/ });
  t.throws(() => parseWebArg('70000'), { message: /--web wants/ });
});

test('page and model are served; clients list; read through the API; device 4.04 stays a result; unknown endpoint 404; bad path 400', async (t) => {
  const { c, base } = await rig(t);
  const page = await fetch(base);
  t.is(page.status, 200);
  t.regex(await page.text(), /<script type="module" src="app.js">/, 'relative module URL');
  t.is((await fetch(new URL('app.js', base))).headers.get('content-type'), 'text/javascript; charset=utf-8');
  t.is((await fetch(new URL('../../etc/passwd', base))).status, 404);
  const model = (await (await fetch(new URL('api/model', base))).json()) as Record<
    string,
    { name: string; resources: Record<string, { name: string }> }
  >;
  t.is(model[3424]?.resources[1]?.name, 'Cumulated water volume');
  t.is(model[3306]?.resources[5850]?.name, 'On/Off', "the valve plugin's definition names its object");
  t.is(model[3306]?.name, 'Actuation');
  const clients = (await (await fetch(new URL('api/clients', base))).json()) as {
    endpoint: string;
    lifetime: number;
    address: string;
  }[];
  t.like(clients[0], { endpoint: 'web-1', lifetime: 60, address: `127.0.0.1:${c.port}` });

  const types = new TypeRegistry();
  c.handler = (req, res) => {
    if (req.url === '/3/0/0') {
      res.setOption('Content-Format', ContentFormat.SENML_JSON);
      res.end(
        Buffer.from(encode(ContentFormat.SENML_JSON, [{ path: [3, 0, 0], value: 'Acme' }], types.context([3, 0, 0]))),
      );
      return true;
    }
    res.code = '4.04';
    res.end('no such resource');
    return true;
  };
  const ok = await post(base, 'api/clients/web-1/read', { path: '/3/0/0' });
  t.is(ok.status, 200);
  t.like(ok.json, { code: '2.05', ok: true, records: [{ path: '/3/0/0', value: 'Acme' }] });
  const nf = await post(base, 'api/clients/web-1/read', { path: '/3/0/99' });
  t.is(nf.status, 200, 'the device answered: an HTTP success carrying its error');
  t.like(nf.json, { code: '4.04', ok: false, text: 'no such resource' });

  const unknown = await post(base, 'api/clients/nobody/read', { path: '/3/0/0' });
  t.is(unknown.status, 404);
  t.is(unknown.json.error.code, 'DEVSERVER_UNKNOWN_ENDPOINT');
  t.regex(unknown.json.error.message, /nobody/);
  t.is((await fetch(new URL('api/clients/nobody', base))).status, 404);
  for (const [body, why] of [
    [{ path: '/3/x' }, /not a number/],
    [{ path: '3/0' }, /must start with \//],
    [{}, /path is required/],
    ['{not json', /not JSON/],
  ] as const) {
    const r = await post(base, 'api/clients/web-1/read', body);
    t.is(r.status, 400, JSON.stringify(body));
    t.regex(r.json.error.message, why);
  }
  const badValue = await post(base, 'api/clients/web-1/write', { path: '/1/0/1', value: 'soon' });
  t.is(badValue.status, 400);
  t.regex(badValue.json.error.message, /not an integer/);
  const badOp = await post(base, 'api/clients/web-1/explode', { path: '/3/0' });
  t.is(badOp.status, 404);
  t.regex(badOp.json.error.message, /no operation 'explode'/);
  t.is((await fetch(new URL('api/nothing', base))).status, 404);
});

test('write converts the text by the resource type; a silent device is a 504 with DEVSERVER_TIMEOUT', async (t) => {
  const { c, base } = await rig(t, { requestTimeoutMs: 400 });
  let written: Buffer | undefined;
  c.handler = (req, res) => {
    if (req.method === 'PUT') {
      written = req.payload;
      res.code = '2.04';
      res.end();
      return true;
    }
    return true; // never answers a GET
  };
  const w = await post(base, 'api/clients/web-1/write', { path: '/1/0/1', value: '300', format: ContentFormat.TEXT });
  t.like(w.json, { code: '2.04', ok: true });
  t.is(written?.toString('utf8'), '300');
  const slow = await post(base, 'api/clients/web-1/read', { path: '/3/0/0' });
  t.is(slow.status, 504);
  t.is(slow.json.error.code, 'DEVSERVER_TIMEOUT');
});

test('SSE: registrations, notifications of an observation started by the API, its cancel; firmware push progress block by block', async (t) => {
  const { s, c, base } = await rig(t, { blockSize: 256 });
  const ac = new AbortController();
  t.teardown(() => ac.abort());
  const feed = sse(base, ac.signal);
  await feed.ready;
  t.truthy(
    await until(() => feed.events.find((e) => e.type === 'register' && e.endpoint === 'web-1')),
    'recent events are replayed to a new stream',
  );

  let notify: ((v: number) => void) | undefined;
  c.handler = (req, res) => {
    if (req.url !== '/3424/0/1') return false;
    if (req.headers.Observe === 0) {
      res.setOption('Content-Format', ContentFormat.TEXT);
      res.write('1.5');
      notify = (v) => res.write(String(v));
      return true;
    }
    res.setOption('Content-Format', ContentFormat.TEXT);
    res.end('1.5');
    return true;
  };
  const o = await post(base, 'api/clients/web-1/observe', { path: '/3424/0/1' });
  t.like(o.json, { code: '2.05', observing: true, records: [{ path: '/3424/0/1', value: 1.5 }] });
  t.deepEqual(((await (await fetch(new URL('api/clients/web-1', base))).json()) as { observing: string[] }).observing, [
    '/3424/0/1',
  ]);
  notify!(1.75);
  const n = await until(() => feed.events.find((e) => e.type === 'notify'));
  t.like(n, {
    endpoint: 'web-1',
    paths: ['/3424/0/1'],
    result: { ok: true, records: [{ path: '/3424/0/1', value: 1.75 }] },
  });
  const cancel = await post(base, 'api/clients/web-1/cancel', { path: '/3424/0/1' });
  t.like(cancel.json, { ok: true });
  t.truthy(await until(() => feed.events.find((e) => e.type === 'observe-end' && e.path === '/3424/0/1')));
  t.is((await post(base, 'api/clients/web-1/cancel', { path: '/3424/0/1' })).status, 404, 'nothing left to cancel');

  const pkg = Buffer.from(Array.from({ length: 2000 }, (_, i) => (i * 13) & 0xff));
  let got: Buffer | undefined;
  c.handler = (req, res) => {
    if (req.url !== '/5/0/0') return false;
    got = req.payload;
    res.code = '2.04';
    res.end();
    return true;
  };
  const fw = await fetch(new URL('api/clients/web-1/firmware?path=/5/0/0', base), {
    method: 'POST',
    body: pkg,
    headers: { 'content-type': 'application/octet-stream' },
  });
  t.like(await fw.json(), { code: '2.04', ok: true, bytes: 2000 });
  t.deepEqual(got, pkg);
  const progress = await until(() => {
    const p = feed.events.filter((e) => e.type === 'firmware');
    return p.some((e) => e.done === true) ? p : undefined;
  });
  const sent = progress.filter((e) => e.done !== true).map((e) => e.sent as number);
  t.deepEqual(
    sent,
    [256, 512, 768, 1024, 1280, 1536, 1792, 2000],
    '2000 bytes in 256-byte blocks: one event per block',
  );
  t.like(progress.at(-1), { done: true, code: '2.04', sent: 2000, total: 2000 });
  const empty = await fetch(new URL('api/clients/web-1/firmware', base), { method: 'POST', body: Buffer.alloc(0) });
  t.is(empty.status, 400);
  t.is(s.registrations.size, 1);
});

test("the page's files use relative URLs only (an SSH tunnel or a path prefix works)", async (t) => {
  const { base } = await rig(t);
  for (const f of ['index.html', 'app.js', 'api.js', 'tree.js', 'chart.js', 'style.css']) {
    const text = await (await fetch(new URL(f, base))).text();
    t.true(text.length > 0, f);
    t.notRegex(
      text,
      /(?:src|href)="\/|(?:fetch|EventSource)\(\s*[`'"]\/|url\(\s*['"]?\/|https?:\/\/(?!www\.w3\.org)/,
      `${f} has an absolute URL`,
    );
  }
});
