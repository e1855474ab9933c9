// pull-http.test.ts: pull over HTTP from node:http on loopback, cut mid-transfer, resumed with Range; errors map to
// result codes.
import test from 'ava';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { buildLwfwPackage } from '../../src/firmware/integrity.js';
import { httpPuller } from '../../src/firmware/pull-http.js';
import { FwState, UpdateResult } from '../../src/firmware/results.js';
import { bytes, fwConfig, makeUpdater, tempDir } from './helpers.js';
import { waitFor } from '../support/poll.js';

interface Served {
  url: string;
  ranges: (string | undefined)[];
  close(): Promise<void>;
}

/** Serves `pkg` at /fw.bin; the first response is cut after `cutAt` bytes (socket destroyed). Honours Range. */
async function serve(pkg: Buffer, cutAt?: number, hang = false): Promise<Served> {
  const ranges: (string | undefined)[] = [];
  let first = true;
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (req.url !== '/fw.bin') {
      res.writeHead(404).end();
      return;
    }
    ranges.push(req.headers.range);
    const m = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    const start = m ? Number(m[1]) : 0;
    const body = pkg.subarray(start);
    const headers: Record<string, string | number> = {
      'content-length': body.length,
      etag: '"v1"',
      'content-type': 'application/octet-stream',
    };
    if (m) headers['content-range'] = `bytes ${start}-${pkg.length - 1}/${pkg.length}`;
    res.writeHead(m ? 206 : 200, headers);
    // hang: every response from byte 0 stalls after cutAt (only a Range resume can finish); else only the first is cut.
    if (cutAt !== undefined && (hang ? !m : first)) {
      first = false;
      res.write(body.subarray(0, cutAt), () => {
        if (!hang) setTimeout(() => res.destroy(), 20);
      });
      return;
    }
    res.end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/fw.bin`,
    ranges,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

test('HTTP pull interrupted mid-way resumes with Range and ends Downloaded with the exact bytes', async (t) => {
  const dir = await tempDir(t);
  const pkg = buildLwfwPackage(bytes(300_000), { name: 'meter', version: '3.1.0' });
  const srv = await serve(pkg, 100_000);
  t.teardown(() => srv.close());
  const cfg = fwConfig(dir);
  const { u, log } = await makeUpdater(cfg, { pullers: { 'http:': httpPuller() } });
  t.true(u.writeUri(srv.url));
  const v = await u.waitFor((x) => x.state !== FwState.DOWNLOADING);
  t.is(v.state, FwState.DOWNLOADED, JSON.stringify(log.entries.filter((e) => e.level !== 'info')));
  t.is(v.pkgVersion, '3.1.0');
  t.is(srv.ranges[0], undefined);
  t.regex(srv.ranges[1] ?? '', /^bytes=\d+-$/);
  t.true(Number(/\d+/.exec(srv.ranges[1] ?? '')?.[0]) > 0, 'resumed where the partial file ends, not from 0');
  t.deepEqual(await readFile(join(cfg.dir, 'package.bin')), pkg);
  t.true(log.entries.some((e) => e.msg === 'firmware download interrupted, resuming'));
  const done = log.entries.find((e) => e.msg === 'firmware download complete');
  t.is((done?.obj as { percent?: number }).percent, 100);
  t.true(typeof (done?.obj as { rate?: number }).rate === 'number');
  await u.stop();
});

test('a partial HTTP download survives a restart and resumes from the partial file', async (t) => {
  const dir = await tempDir(t);
  const pkg = buildLwfwPackage(bytes(200_000, 3), { version: '9' });
  const cfg = fwConfig(dir, { retries: 0 });
  // First run: the connection is cut and no retries are allowed → result 4, partial kept.
  const srv = await serve(pkg, 64_000);
  t.teardown(() => srv.close());
  const a = await makeUpdater(cfg, { pullers: { 'http:': httpPuller() } });
  a.u.writeUri(srv.url);
  const v1 = await a.u.waitFor((x) => x.state === FwState.IDLE && x.result !== 0);
  t.is(v1.result, UpdateResult.CONNECTION_LOST);
  await a.u.stop();
  // Second run (new process): the server writes the same URI again; the partial is resumed.
  const b = await makeUpdater(cfg, { pullers: { 'http:': httpPuller() } });
  b.u.writeUri(srv.url);
  const v2 = await b.u.waitFor((x) => x.state !== FwState.DOWNLOADING);
  t.is(v2.state, FwState.DOWNLOADED);
  t.regex(srv.ranges[1] ?? '', /^bytes=[1-9]\d*-$/);
  t.deepEqual(await readFile(join(cfg.dir, 'package.bin')), pkg);
  await b.u.stop();
});

test('HTTP 404 → 7, unsupported scheme → 9, garbage URI → 7', async (t) => {
  const dir = await tempDir(t);
  const srv = await serve(Buffer.from('x'));
  t.teardown(() => srv.close());
  const { u } = await makeUpdater(fwConfig(dir), { pullers: { 'http:': httpPuller() } });
  u.writeUri(srv.url.replace('fw.bin', 'nope'));
  t.is((await u.waitFor((x) => x.state === FwState.IDLE && x.result !== 0)).result, UpdateResult.INVALID_URI);
  u.writeUri('ftp://127.0.0.1/fw.bin');
  t.is((await u.waitFor((x) => x.state === FwState.IDLE && x.result !== 0)).result, UpdateResult.UNSUPPORTED_PROTOCOL);
  u.writeUri('https://127.0.0.1/fw.bin'); // https not configured in this updater
  t.is((await u.waitFor((x) => x.state === FwState.IDLE && x.result !== 0)).result, UpdateResult.UNSUPPORTED_PROTOCOL);
  u.writeUri('not a uri');
  t.is((await u.waitFor((x) => x.state === FwState.IDLE && x.result !== 0)).result, UpdateResult.INVALID_URI);
  await u.stop();
});

test('HTTP Content-Length over maxPackageBytes → result 2 before any byte is kept', async (t) => {
  const dir = await tempDir(t);
  const srv = await serve(bytes(50_000));
  t.teardown(() => srv.close());
  const { u } = await makeUpdater(fwConfig(dir, { maxPackageBytes: 10_000 }), { pullers: { 'http:': httpPuller() } });
  u.writeUri(srv.url);
  t.is((await u.waitFor((x) => x.state === FwState.IDLE && x.result !== 0)).result, UpdateResult.NOT_ENOUGH_FLASH);
  await u.stop();
});

test('a pull in progress when the process stops resumes by itself at the next start (Range from the partial file)', async (t) => {
  const dir = await tempDir(t);
  const pkg = buildLwfwPackage(bytes(120_000, 12), { version: '11' });
  const srv = await serve(pkg, 50_000, true); // the first response stalls after 50 kB
  t.teardown(() => srv.close());
  const cfg = fwConfig(dir);
  const a = await makeUpdater(cfg, { pullers: { 'http:': httpPuller() } });
  a.u.writeUri(srv.url);
  const part = join(cfg.dir, 'package.part');
  await waitFor(
    async () =>
      (await stat(part).then(
        (s) => s.size,
        () => 0,
      )) >= 50_000,
    { timeoutMs: 2000, what: '50 000 bytes in package.part' },
  );
  await a.u.stop(); // the process dies mid-download
  const b = await makeUpdater(cfg, { pullers: { 'http:': httpPuller() } });
  t.is(b.u.values().state, FwState.DOWNLOADING, 'restored as Downloading');
  const v = await b.u.waitFor((x) => x.state !== FwState.DOWNLOADING);
  t.is(v.state, FwState.DOWNLOADED);
  t.is(srv.ranges[1], 'bytes=50000-');
  t.deepEqual(await readFile(join(cfg.dir, 'package.bin')), pkg);
  await b.u.stop();
});

test('a stalled HTTP transfer (no byte for stallTimeoutMs) is cut and resumed with Range', async (t) => {
  const dir = await tempDir(t);
  const pkg = buildLwfwPackage(bytes(80_000, 13), { version: '12' });
  const srv = await serve(pkg, 30_000, true);
  t.teardown(() => srv.close());
  const { u, log } = await makeUpdater(fwConfig(dir, { stallTimeoutMs: 300 }), { pullers: { 'http:': httpPuller() } });
  u.writeUri(srv.url);
  const v = await u.waitFor((x) => x.state !== FwState.DOWNLOADING);
  t.is(v.state, FwState.DOWNLOADED);
  t.true(srv.ranges.includes('bytes=30000-'), JSON.stringify(srv.ranges));
  t.true(
    log.entries.some(
      (e) => e.msg === 'firmware download interrupted, resuming' && JSON.stringify(e.obj).includes('FW_STALLED'),
    ),
  );
  await u.stop();
});
