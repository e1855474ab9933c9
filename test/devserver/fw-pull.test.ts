// fw-pull.test.ts: the console's `fw pull` against the real device: over HTTP (with the Update) and over CoAP (the
// default when /5/0/8 lists it), each to Downloaded with the exact image; a file gone or unreadable mid-transfer fails.
import test from 'ava';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConsoleContext } from '../../src/devserver/console/context.js';
import { firmwarePull } from '../../src/devserver/console/firmware.js';
import { PackageHttpServer } from '../../src/devserver/console/package-http.js';
import { startDevServer } from '../../src/devserver/server.js';
import { bytes } from '../firmware/helpers.js';
import { DeviceProcess } from '../support/device-process.js';
import { DevServerProcess } from '../support/devserver-process.js';

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

function files(): { dir: string; script: (lines: string[]) => string } {
  const dir = mkdtempSync(join(tmpdir(), 'fw-pull-'));
  return {
    dir,
    script: (lines) => {
      const f = join(dir, 'script.txt');
      writeFileSync(f, lines.join('\n') + '\n');
      return f;
    },
  };
}

/** Command output only: event lines (a time stamp first) left out. */
const commandOutput = (all: string): string =>
  all
    .split('\n')
    .filter((l) => !/^\d\d:\d\d:\d\d\.\d{3} /.test(l))
    .join('\n');

test('fw pull --via http --update (script mode): Downloaded, the image applied is the file', async (t) => {
  const { dir, script } = files();
  const pkg = join(dir, 'image.bin');
  const image = bytes(150_000, 21);
  writeFileSync(pkg, image);
  const applied = join(dir, 'applied.bin');
  const srv = new DevServerProcess(['--script', script([`fw pull ${pkg} --via http --update`]), '--timeout', '20000']);
  const dev = new DeviceProcess({
    server: await srv.uri(),
    // the apply command copies the package it is given (the last argument) where the test can read it
    config: { firmware: { applyCommand: '/bin/sh', applyArgs: ['-c', `cp "$1" '${applied}'`, 'apply'] } },
  });
  try {
    const code = await srv.exited;
    const out = commandOutput(srv.text);
    t.is(code, 0, out);
    t.regex(out, /serving \S+image\.bin \(150000 bytes\) at http:\/\/127\.0\.0\.1:\d+\/fw\/image\.bin\n2\.04\n/);
    t.regex(out, /pull image\.bin 0%\n(?:.*\n)*?pull image\.bin \d\d%\n(?:.*\n)*?pull image\.bin 100%\n/, 'progress');
    t.regex(out, /state 2 \(Downloaded\), result 0 \(initial\)\n/);
    t.regex(out, /downloaded: 150000 bytes in [\d.]+ s\nupdate: 2\.04\n/);
    t.regex(out, /state 0 \(Idle\), result 1 \(success\)\n/);
    t.is(sha(readFileSync(applied)), sha(image), 'the device received and applied exactly the file');
  } finally {
    await dev.kill(); // the server is gone: a clean stop would wait out its Deregister
    await srv.stop();
  }
});

test('fw pull (script mode) picks CoAP from /5/0/8: Block2 from the dev server, Downloaded, the exact image', async (t) => {
  const { dir, script } = files();
  const pkg = join(dir, 'meter fw.bin'); // a blank in the name: percent-encoded in the URI
  const image = bytes(200_003, 22);
  writeFileSync(pkg, image);
  const srv = new DevServerProcess(['--script', script([`fw pull "${pkg}"`]), '--timeout', '20000']);
  const dev = new DeviceProcess({ server: await srv.uri() });
  try {
    const code = await srv.exited;
    const out = commandOutput(srv.text);
    t.is(code, 0, out);
    t.regex(out, /at coap:\/\/127\.0\.0\.1:\d+\/fw\/meter%20fw\.bin\n2\.04\n/);
    t.regex(
      out,
      /(pull meter fw\.bin \d+%\n(?:.*\n)*?){5,}pull meter fw\.bin 100%\n/,
      'progress every 10 % of the blocks',
    );
    t.regex(out, /state 2 \(Downloaded\), result 0 \(initial\)\n(?:pull .*\n)?downloaded: 200003 bytes/);
    t.is(sha(readFileSync(join(dev.stateDir, 'firmware', 'package.bin'))), sha(image));
    const done = dev.logs().find((l) => l.msg === 'firmware download complete');
    t.is(done?.what, 'coap:');
    t.is(done?.percent, 100, 'Size2 gave the device the total');
  } finally {
    await dev.kill(); // the server is gone: a clean stop would wait out its Deregister
    await srv.stop();
  }
});

test('a file deleted (4.04) or turned unreadable (5.00) while served over CoAP: the device reports result 7 / 4', async (t) => {
  const { dir } = files();
  const s = await startDevServer({ port: 0 });
  t.teardown(() => s.close());
  const lines: string[] = [];
  const ctx = new ConsoleContext(
    s,
    (l) => lines.push(l),
    () => undefined,
    10_000,
  );
  t.teardown(() => ctx.packages.close());
  const dev = new DeviceProcess({ server: s.uri, config: { firmware: { retries: 1, retryDelayMs: 100 } } });
  t.teardown(() => dev.stop().then(() => undefined));
  const { endpoint } = await s.waitFor('register', () => true, 20_000);

  // deleted after block 3 went out: the next block is 4.04 → Invalid URI (7), no retry
  const gone = join(dir, 'gone.bin');
  writeFileSync(gone, bytes(64 * 1024, 23));
  const onGone = (e: { name: string; num: number }): void => {
    if (e.name === 'gone.bin' && e.num === 3) rmSync(gone);
  };
  s.on('file-block', onGone);
  t.false(await firmwarePull(ctx, endpoint, gone, { via: 'coap' }));
  s.off('file-block', onGone);
  t.true(lines.includes('download failed: result 7 (invalid URI)'), lines.join('\n'));

  // a folder in its place after block 3: 5.00 (read fails) → connection lost (4) after the configured retry
  lines.length = 0;
  const bad = join(dir, 'bad.bin');
  writeFileSync(bad, bytes(64 * 1024, 24));
  const codes: string[] = [];
  const onBad = (e: { name: string; num: number; code: string }): void => {
    if (e.name !== 'bad.bin') return;
    codes.push(e.code);
    if (e.num === 3 && e.code === '2.05') {
      rmSync(bad);
      mkdirSync(bad);
    }
  };
  s.on('file-block', onBad);
  t.false(await firmwarePull(ctx, endpoint, bad, { via: 'coap' }));
  s.off('file-block', onBad);
  t.true(lines.includes('download failed: result 4 (connection lost)'), lines.join('\n'));
  t.deepEqual(codes.slice(-2), ['5.00', '5.00'], 'the first try and its one retry each got 5.00');
  const failed = dev.logs().filter((l) => l.msg === 'firmware download failed');
  t.deepEqual(
    failed.map((l) => l.result),
    [7, 4],
  );
});

test('the HTTP file server: a file deleted after it was named gets 404, the server goes on', async (t) => {
  const { dir } = files();
  const f = join(dir, 'img.bin');
  writeFileSync(f, bytes(5000, 25));
  const srv = new PackageHttpServer();
  t.teardown(() => srv.close());
  const uri = await srv.url(f, '127.0.0.1');
  const sent: number[] = [];
  srv.on('bytes', (end) => sent.push(end));
  const ok = await fetch(uri);
  t.is(ok.status, 200);
  t.is((await ok.arrayBuffer()).byteLength, 5000);
  t.is(sent.at(-1), 5000);
  rmSync(f);
  t.is((await fetch(uri)).status, 404);
  mkdirSync(f);
  t.is((await fetch(uri)).status, 500, 'a folder in its place');
  t.is((await fetch(uri.replace('img.bin', 'other.bin'))).status, 404);
});
