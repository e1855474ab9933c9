// console.test.ts: the dev-server console: parsing, typed values, completion, then script mode and the interactive
// console (on a pty) against the real device.
import test from 'ava';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseLine, tokenize } from '../../src/devserver/console/parser.js';
import { parseValue, parseAssignments } from '../../src/devserver/console/values.js';
import { formatByName } from '../../src/devserver/console/formats.js';
import { complete } from '../../src/devserver/console/completer.js';
import { startDevServer } from '../../src/devserver/server.js';
import { TypeRegistry } from '../../src/devserver/model.js';
import { loadObjectDefs } from '../../src/devserver/console/object-defs.js';
import { DeviceProcess } from '../support/device-process.js';
import { DevServerProcess } from '../support/devserver-process.js';
import { FakeClient } from '../support/fake-lwm2m-client.js';

test('lines: quotes keep blanks, # comments, --format takes a value, other flags are booleans', (t) => {
  t.deepEqual(tokenize(`write /3/0/15 "Europe/Oslo time" # zone`), ['write', '/3/0/15', '"Europe/Oslo time"']);
  t.deepEqual(parseLine('READ /3/0 --format senml-json --partial'), {
    cmd: 'read',
    args: ['/3/0'],
    flags: { format: 'senml-json', partial: true },
  });
  t.is(parseLine('   # only a comment'), undefined);
  t.throws(() => tokenize('write /3/0/15 "open'), { message: /unclosed/ });
  t.throws(() => parseLine('read /3/0 --format'), { message: /--format wants a value/ });
  t.is(formatByName('tlv'), 11542);
  t.is(formatByName('lwm2m-cbor'), 11544);
  t.throws(() => formatByName('xml'), { message: /unknown format 'xml'/ });
});

test('values are typed by the model; without a type by their look', (t) => {
  t.is(parseValue('300', 'integer'), 300);
  t.is(parseValue('300', 'string'), '300');
  t.is(parseValue('"300"', undefined), '300');
  t.is(parseValue('1', 'boolean'), true);
  t.deepEqual(parseValue('0xcafe', 'opaque'), Buffer.from([0xca, 0xfe]));
  t.deepEqual(parseValue('3:0', 'objlnk'), { objectId: 3, instanceId: 0 });
  t.throws(() => parseValue('soon', 'integer'), { message: /'soon' is not a valid integer/ });
  t.deepEqual(parseAssignments(['/1/0/1=60', '/3/0/15=Oslo'], new TypeRegistry()), [
    { path: [1, 0, 1], value: 60 },
    { path: [3, 0, 15], value: 'Oslo' },
  ]);
});

test('the model names built-in resources; completion offers commands, then registered paths and their resources', async (t) => {
  const s = await startDevServer({ port: 0 });
  t.teardown(() => s.close());
  s.types.addDefs(await loadObjectDefs());
  t.is(s.types.resourceName(3, 0), 'Manufacturer');
  t.is(s.types.resourceName(3424, 1), 'Cumulated water volume');
  const c = await FakeClient.start();
  t.teardown(() => c.close());
  await c.register(s.port, 'ep-1', '</3/0>,</3424/0>');
  t.deepEqual(complete(s, undefined, 'obs')[0], ['observe', 'observe-composite']);
  const [paths, word] = complete(s, undefined, 'read /3424/0/');
  t.is(word, '/3424/0/');
  t.true(paths.includes('/3424/0/1'));
  t.false(paths.some((p) => p.startsWith('/3/')));
  t.deepEqual(complete(s, undefined, 'ep e')[0], ['ep-1']);
});

function scriptFile(lines: string[]): string {
  const f = join(mkdtempSync(join(tmpdir(), 'console-')), 'script.txt');
  writeFileSync(f, lines.join('\n') + '\n');
  return f;
}

test('script mode with the real device: named values, write, attributes, observe, fw push, a failing command → exit code 1; each event once', async (t) => {
  const pkg = join(mkdtempSync(join(tmpdir(), 'fw-')), 'fw.bin');
  writeFileSync(pkg, Buffer.alloc(8000, 7));
  const script = scriptFile([
    'read /3/0/0',
    'write /1/0/1 120',
    'read /1/0/1 --format tlv',
    'attr /3424/0/1 pmin=1 pmax=5',
    'discover /3424/0/1',
    'observe /3424/0/1',
    'read-composite /3/0/0 /3424/0/1',
    'cancel /3424/0/1',
    'clients',
    `fw push ${pkg}`,
    'read /3/0/77',
  ]);
  const srv = new DevServerProcess(['--script', script, '--timeout', '20000', '--log-format', 'json'], {
    env: { LWM2M_LOG_LEVEL: 'info' },
  });
  const dev = new DeviceProcess({ server: await srv.uri() });
  try {
    const code = await srv.exited;
    const all = srv.text;
    t.is(code, 1, all);
    const out = all
      .split('\n')
      .filter((l) => !/^\d\d:\d\d:\d\d\.\d{3} /.test(l))
      .join('\n'); // command output only, events left out
    t.regex(out, /> read \/3\/0\/0\n(?:waiting.*\n)?2\.05 \(\w+\)\n {2}\/3\/0\/0 Manufacturer = "lwm2m-meter"\n/);
    t.regex(out, /> read \/1\/0\/1 --format tlv\n2\.05 \(tlv\)\n {2}\/1\/0\/1 Lifetime = 120\n/);
    t.regex(out, /<\/3424\/0\/1>;pmin=1;pmax=5/);
    t.regex(out, /observation 1: \S+ \/3424\/0\/1 \(cancel 1\)/);
    t.regex(out, /\/3424\/0\/1 Cumulated water volume = \d/);
    t.regex(out, /observation 1 cancelled/);
    t.regex(out, new RegExp(`  ${dev.endpoint}  127\\.0\\.0\\.1:\\d+  lt=\\d+  b=U`));
    t.regex(
      out,
      /> fw push \S+\npush fw\.bin 0%\n(push fw\.bin \d+%\n){3,}push fw\.bin 100%\n8000 bytes in [\d.]+ s\n2\.04\n/,
      'progress per block, every 10 %',
    );
    t.regex(out, /> read \/3\/0\/77\n4\.04\b/);
    t.is(
      all.split('\n').filter((l) => l.includes(dev.endpoint) && /regist/.test(l)).length,
      1,
      'the register event printed once (no JSON log line repeating it)',
    );
  } finally {
    await dev.stop();
    await srv.stop();
  }
});

test('the interactive console on a pty: prompt, Tab completion, named read, events above the prompt, quit', async (t) => {
  const srv = new DevServerProcess(['--timeout', '20000'], { pty: true });
  const dev = new DeviceProcess({ server: await srv.uri() });
  try {
    await srv.waitFor(/lwm2m> /);
    await srv.waitFor(/register\s+\S+ \/rd\//);
    srv.write('re\t');
    await srv.waitFor(/lwm2m> read/);
    // one key a chunk: readline takes a Tab inside a longer chunk as pasted text, not as completion
    srv.write(' /3/0/');
    await srv.waitFor(/lwm2m> read \/3\/0\/$/m);
    await srv.type('\t\t');
    await srv.waitFor(/\/3\/0\/0\s+\/3\/0\/1\s/); // Tab twice lists the resources
    srv.write('0');
    await srv.waitFor(/lwm2m> read \/3\/0\/0$/m);
    srv.write('\r');
    await srv.waitFor(/ {2}\/3\/0\/0 Manufacturer = "lwm2m-meter"/);
    srv.write('bogus\r');
    await srv.waitFor(/error: no command 'bogus'/);
    srv.write('quit\r');
    t.is(await srv.exited, 0);
    t.regex(srv.text, /stopped/);
  } finally {
    await dev.stop();
    await srv.stop();
  }
});
