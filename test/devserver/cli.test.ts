// cli.test.ts: the dev-server command prints registrations, auto-reads and auto-observes, and stops on its signal.
import test from 'ava';
import { fileURLToPath } from 'node:url';
import { encode } from '../../src/lwm2m/formats/index.js';
import { ContentFormat } from '../../src/lwm2m/types.js';
import { parseDevServerArgs, runDevServer } from '../../src/devserver/cli.js';
import type { DevServer } from '../../src/devserver/server.js';
import { TypeRegistry } from '../../src/devserver/model.js';
import { FakeClient } from '../support/fake-lwm2m-client.js';
import { waitFor } from '../support/poll.js';

const types = new TypeRegistry();

test('arguments: defaults, bootstrap port, paths; bad values are CLI_ARGS errors', (t) => {
  const d = parseDevServerArgs([]);
  t.is(d.options.port, 5683);
  t.is(d.options.host, '0.0.0.0');
  t.is(d.options.bootstrap, undefined);
  const a = parseDevServerArgs([
    '--port',
    '0',
    '--bootstrap-port',
    '5783',
    '--observe',
    '/3/0/9,/3424/0',
    '--read',
    '/3/0',
    '--format',
    '112',
  ]);
  t.deepEqual(a.options.bootstrap, { port: 5783 });
  t.deepEqual(a.observe, [
    [3, 0, 9],
    [3424, 0],
  ]);
  t.deepEqual(a.read, [[3, 0]]);
  t.is(a.format, 112);
  t.deepEqual(parseDevServerArgs(['--bootstrap']).options.bootstrap, {});
  t.throws(() => parseDevServerArgs(['--port', 'x']), { message: /--port/ });
  t.throws(() => parseDevServerArgs(['--observe', '/a/b']), { message: /--observe/ });
  t.throws(() => parseDevServerArgs(['--bogus']), { message: /bogus/ });
});

test('--ddf DIR: types of the objects the built-in table lacks come from the DDF files; a bad folder is named', (t) => {
  const dir = fileURLToPath(new URL('../../../test/fixtures/ddf', import.meta.url));
  const types = parseDevServerArgs(['--ddf', dir]).options.types ?? {};
  t.deepEqual(types[3306]?.[5850], ['boolean', false], 'Actuation On/Off from 3306.xml');
  t.deepEqual(types[10256]?.[0], ['integer', false], 'ECID physCellId from 10256.xml');
  t.false(3 in types, 'object 3 stays with the built-in table');
  t.throws(() => parseDevServerArgs(['--ddf', '/nonexistent-ddf']), { message: /nonexistent-ddf/ });
});

test('runs, prints a registration, an auto-read and an auto-observe with its notification, then stops', async (t) => {
  const lines: string[] = [];
  const ac = new AbortController();
  let server: DevServer | undefined;
  const ready = new Promise<void>((resolve) => {
    void runDevServer(
      ['--host', '127.0.0.1', '--port', '0', '--read', '/3/0/0', '--observe', '/3/0/9', '--bootstrap'],
      {
        out: (l) => lines.push(l),
        signal: ac.signal,
        onReady: (s) => {
          server = s;
          resolve();
        },
      },
    ).then(() => lines.push('DONE'));
  });
  await ready;
  const c = await FakeClient.start();
  t.teardown(() => c.close());
  let push: ((v: number) => void) | undefined;
  c.handler = (req, res) => {
    res.setOption('Content-Format', ContentFormat.SENML_CBOR);
    if (req.url === '/3/0/0') {
      res.end(Buffer.from(encode(ContentFormat.SENML_CBOR, [{ path: [3, 0, 0], value: 'Acme' }], types.context([]))));
      return true;
    }
    if (req.url === '/3/0/9') {
      push = (v) =>
        res.write(Buffer.from(encode(ContentFormat.SENML_CBOR, [{ path: [3, 0, 9], value: v }], types.context([]))));
      push(90);
      return true;
    }
    return false;
  };
  const observed = server!.waitFor('register');
  await c.register(server!.port, 'cli-1');
  await observed;
  const until = (re: RegExp): Promise<void> =>
    waitFor(() => lines.some((l) => re.test(l)), { timeoutMs: 2000, what: `a line ${re}` });
  await until(/observe .*cli-1/);
  push!(89);
  await until(/notify .*cli-1/);
  ac.abort();
  await until(/DONE/);
  const text = lines.join('\n');
  t.regex(text, /listening .*coap:\/\/127\.0\.0\.1:\d+ bootstrap on port \d+/);
  t.regex(text, /register .*cli-1 \/rd\/\w+ lt=60 lwm2m=1\.1 b=U from 127\.0\.0\.1:\d+ <\/1\/0>,<\/3\/0>/);
  t.regex(text, /read .*cli-1 \/3\/0\/0 2\.05 \/3\/0\/0="Acme"/);
  t.regex(text, /observe .*cli-1 \/3\/0\/9 2\.05 \/3\/0\/9=90/);
  t.regex(text, /notify .*cli-1 \/3\/0\/9 #\d+ 2\.05 \/3\/0\/9=89/);
  t.regex(text, /stopped/);
});

test('--attr: attributes for the observed paths; an empty value removes one; junk is a CLI_ARGS error', (t) => {
  t.deepEqual(parseDevServerArgs(['--observe', '/3424/0/1', '--attr', 'pmin=5,pmax=30,gt=']).attr, {
    pmin: 5,
    pmax: 30,
    gt: null,
  });
  t.is(parseDevServerArgs([]).attr, undefined);
  t.throws(() => parseDevServerArgs(['--attr', 'pmin']), { message: /--attr: 'pmin' is not NAME=VALUE/ });
  t.throws(() => parseDevServerArgs(['--attr', 'pmin=soon']), { message: /pmin wants a number/ });
  t.throws(() => parseDevServerArgs(['--log-format', 'xml']), { message: /--log-format/ });
});
