// pull-coap-resume.test.ts: CoAP pulls from the dev server's file resource (node-coap, Block2 read per block, ETag):
// error answers keep the blocks received and never reach the package; a changed ETag starts again.
import test from 'ava';
import { writeFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startDevServer } from '../../src/devserver/server.js';
import type { FileBlockEvent } from '../../src/devserver/file-resource.js';
import { coapPuller, udpPullTransport } from '../../src/firmware/pull-coap.js';
import { FwState } from '../../src/firmware/results.js';
import { bytes, fwConfig, makeUpdater, tempDir } from './helpers.js';

const BLOCK = 512;

async function rig(t: Parameters<typeof tempDir>[0], extra: Record<string, unknown> = {}) {
  const dir = await tempDir(t);
  const s = await startDevServer({ port: 0 });
  t.teardown(() => s.close());
  const blocks: FileBlockEvent[] = [];
  s.on('file-block', (e) => blocks.push(e));
  const cfg = fwConfig(dir, { coapBlockSize: BLOCK, retries: 3, ...extra });
  await mkdir(cfg.dir, { recursive: true });
  const start = () =>
    makeUpdater(cfg, { pullers: { 'coap:': coapPuller({ transport: udpPullTransport, blockSize: BLOCK }) } });
  const notAFile = await mkdtemp(join(dir, 'not-a-file-'));
  return { dir, s, blocks, cfg, start, notAFile };
}

test('a 5.00 mid-transfer: the retry resumes at the next block (no block asked twice), the package is exact', async (t) => {
  const { dir, s, blocks, cfg, start, notAFile } = await rig(t);
  const pkg = bytes(40 * BLOCK + 100, 3);
  const file = join(dir, 'pkg.bin');
  await writeFile(file, pkg);
  const uri = s.serveFile(file, { name: 'pkg.bin' });
  // block 10 served → the name points at a folder (reading it fails: 5.00 with a diagnostic) for two requests → back
  let errors = 0;
  s.on('file-block', (e) => {
    if (e.code === '2.05' && e.num === 10 && errors === 0) s.serveFile(notAFile, { name: 'pkg.bin' });
    if (e.code === '5.00' && ++errors === 2) s.serveFile(file, { name: 'pkg.bin' });
  });
  const { u, log } = await start();
  t.teardown(() => u.stop());
  t.true(u.writeUri(uri));
  const v = await u.waitFor((x) => x.state !== FwState.DOWNLOADING);
  t.is(v.state, FwState.DOWNLOADED, JSON.stringify(log.entries.filter((e) => e.level !== 'info')));
  t.deepEqual(await readFile(join(cfg.dir, 'package.bin')), pkg);
  t.deepEqual(
    blocks.filter((b) => b.code !== '2.05').map((b) => [b.code, b.num]),
    [
      ['5.00', 11],
      ['5.00', 11],
    ],
  );
  const served = blocks.filter((b) => b.code === '2.05').map((b) => b.num);
  t.deepEqual(served, [...Array(41).keys()], 'every block once, in order: the blocks before the error were kept');
});

test('a resume whose first answer is 5.00 (after a stall): the diagnostic payload never lands in the package', async (t) => {
  const { dir, s, blocks, cfg, notAFile } = await rig(t, { stallTimeoutMs: 300 });
  const pkg = bytes(30 * BLOCK, 4);
  const file = join(dir, 'pkg.bin');
  await writeFile(file, pkg);
  const uri = s.serveFile(file, { name: 'pkg.bin' });
  // block 11 goes unanswered → the stall cut → the next try (a new transport) is answered 5.00 once, then served
  s.on('file-block', (e) => {
    if (e.code === '2.05' && e.num === 11) s.setBehaviour('file', { drop: true });
    if (e.code === '5.00') s.serveFile(file, { name: 'pkg.bin' });
  });
  let opened = 0;
  const { u, log } = await makeUpdater(cfg, {
    pullers: {
      'coap:': coapPuller({
        blockSize: BLOCK,
        transport: (uri2, peer) => {
          if (++opened === 2) {
            s.setBehaviour('file', undefined);
            s.serveFile(notAFile, { name: 'pkg.bin' });
          }
          return udpPullTransport(uri2, peer);
        },
      }),
    },
  });
  t.teardown(() => u.stop());
  t.true(u.writeUri(uri));
  const v = await u.waitFor((x) => x.state !== FwState.DOWNLOADING);
  t.is(v.state, FwState.DOWNLOADED, JSON.stringify(log.entries.filter((e) => e.level !== 'info')));
  t.deepEqual(
    blocks.filter((b) => b.code !== '2.05').map((b) => [b.code, b.num]),
    [['5.00', 12]],
    'the second try began at block 12',
  );
  t.deepEqual(await readFile(join(cfg.dir, 'package.bin')), pkg);
});

test('ETag: a package replaced mid-transfer is fetched again from block 0, never mixed', async (t) => {
  const { dir, s, blocks, cfg, start } = await rig(t);
  const old = bytes(20 * BLOCK, 5);
  const fresh = bytes(24 * BLOCK + 7, 6);
  const file = join(dir, 'pkg.bin');
  await writeFile(file, old);
  const uri = s.serveFile(file);
  // rewritten in place (same inode, new size and mtime) right after block 5 went out, before block 6 is read
  s.on('file-block', (e) => {
    if (e.num === 5 && blocks.filter((b) => b.num === 5).length === 1) writeFileSync(file, fresh);
  });
  const { u, log } = await start();
  t.teardown(() => u.stop());
  t.true(u.writeUri(uri));
  const v = await u.waitFor((x) => x.state !== FwState.DOWNLOADING);
  t.is(v.state, FwState.DOWNLOADED, JSON.stringify(log.entries.filter((e) => e.level !== 'info')));
  t.deepEqual(await readFile(join(cfg.dir, 'package.bin')), fresh, 'no mix of the two versions');
  t.is(blocks.filter((b) => b.num === 0).length, 2, 'started again at block 0');
});

test('ETag: a partial download saved under another ETag (the package changed since) resumes from block 0', async (t) => {
  const { dir, s, blocks, cfg, start } = await rig(t);
  const pkg = bytes(16 * BLOCK + 9, 7);
  const file = join(dir, 'pkg.bin');
  await writeFile(file, pkg);
  const uri = s.serveFile(file);
  await writeFile(join(cfg.dir, 'package.part'), Buffer.alloc(8 * BLOCK, 0xee));
  await writeFile(join(cfg.dir, 'package.part.json'), JSON.stringify({ uri, validator: 'coap-etag:0011223344556677' }));
  const { u, log } = await start();
  t.teardown(() => u.stop());
  t.true(u.writeUri(uri));
  const v = await u.waitFor((x) => x.state !== FwState.DOWNLOADING);
  t.is(v.state, FwState.DOWNLOADED, JSON.stringify(log.entries.filter((e) => e.level !== 'info')));
  t.deepEqual(await readFile(join(cfg.dir, 'package.bin')), pkg);
  t.deepEqual(
    blocks.slice(0, 2).map((b) => b.num),
    [8, 0],
    'asked at the resume point, saw another ETag, went back to 0',
  );
});

test('a resume with every block on disk (the finish cut off by a restart): block past the end → 4.02, the last block again', async (t) => {
  const { dir, s, blocks, cfg, start } = await rig(t);
  const pkg = bytes(16 * BLOCK, 8);
  const file = join(dir, 'pkg.bin');
  await writeFile(file, pkg);
  const uri = s.serveFile(file);
  await writeFile(join(cfg.dir, 'package.part'), pkg);
  await writeFile(join(cfg.dir, 'package.part.json'), JSON.stringify({ uri }));
  const { u, log } = await start();
  t.teardown(() => u.stop());
  t.true(u.writeUri(uri));
  const v = await u.waitFor((x) => x.state !== FwState.DOWNLOADING);
  t.is(v.state, FwState.DOWNLOADED, JSON.stringify(log.entries.filter((e) => e.level !== 'info')));
  t.deepEqual(
    blocks.map((b) => [b.num, b.code]),
    [
      [16, '4.02'],
      [15, '2.05'],
    ],
  );
  t.deepEqual(await readFile(join(cfg.dir, 'package.bin')), pkg);
});
