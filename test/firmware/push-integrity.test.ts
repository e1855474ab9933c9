// push-integrity.test.ts: Block1 chunks streamed to disk through the updater; corrupt, truncated and oversized packages
// are rejected.
import test from 'ava';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { buildLwfwPackage } from '../../src/firmware/integrity.js';
import { FwState, UpdateResult } from '../../src/firmware/results.js';
import type { FirmwareUpdater, PushAnswer } from '../../src/firmware/updater.js';
import { bytes, fwConfig, makeUpdater, tempDir } from './helpers.js';

async function pushAll(u: FirmwareUpdater, pkg: Buffer, size = 64): Promise<PushAnswer[]> {
  const answers: PushAnswer[] = [];
  for (let num = 0; num * size < pkg.length || (num === 0 && pkg.length === 0); num++) {
    const payload = pkg.subarray(num * size, (num + 1) * size);
    answers.push(await u.push({ num, size, more: (num + 1) * size < pkg.length, payload }));
  }
  return answers;
}

test('a pushed package with a manifest arrives chunk by chunk and is Downloaded with its name and version', async (t) => {
  const dir = await tempDir(t);
  const cfg = fwConfig(dir);
  const { u } = await makeUpdater(cfg);
  const pkg = buildLwfwPackage(gzipSync(bytes(10_000)), { name: 'meter-fw', version: '1.4.0' });
  const answers = await pushAll(u, pkg);
  t.true(answers.slice(0, -1).every((a) => a === '2.31'));
  t.is(answers.at(-1), '2.04');
  const v = await u.waitFor((x) => x.state !== FwState.DOWNLOADING);
  t.is(v.state, FwState.DOWNLOADED);
  t.is(v.pkgName, 'meter-fw');
  t.is(v.pkgVersion, '1.4.0');
  t.deepEqual(await readFile(join(cfg.dir, 'package.bin')), pkg);
  const persisted = JSON.parse(await readFile(join(cfg.dir, 'state.json'), 'utf8')) as { state: number };
  t.is(persisted.state, FwState.DOWNLOADED);
  await u.stop();
});

test('a corrupt package (payload byte flipped) is rejected with result 5 and removed', async (t) => {
  const dir = await tempDir(t);
  const cfg = fwConfig(dir);
  const { u } = await makeUpdater(cfg);
  const pkg = buildLwfwPackage(bytes(5000), { version: '2' });
  pkg[pkg.length - 10] ^= 0xff;
  await pushAll(u, pkg);
  const v = await u.waitFor((x) => x.state === FwState.IDLE && x.result !== 0);
  t.is(v.result, UpdateResult.INTEGRITY_FAILURE);
  await t.throwsAsync(stat(join(cfg.dir, 'package.bin')));
  await u.stop();
});

test('a truncated gzip package without manifest is rejected with result 5', async (t) => {
  const dir = await tempDir(t);
  const { u } = await makeUpdater(fwConfig(dir));
  const gz = gzipSync(bytes(20_000));
  await pushAll(u, gz.subarray(0, gz.length - 100));
  const v = await u.waitFor((x) => x.state === FwState.IDLE && x.result !== 0);
  t.is(v.result, UpdateResult.INTEGRITY_FAILURE);
  await u.stop();
});

test('configured SHA-256 mismatch → 5; match → Downloaded', async (t) => {
  const dir = await tempDir(t);
  const pkg = bytes(3000, 7);
  const { createHash } = await import('node:crypto');
  const good = createHash('sha256').update(pkg).digest('hex');
  const bad = await makeUpdater(fwConfig(dir, { sha256: 'a'.repeat(64) }));
  await pushAll(bad.u, pkg);
  t.is((await bad.u.waitFor((x) => x.state === FwState.IDLE && x.result !== 0)).result, UpdateResult.INTEGRITY_FAILURE);
  await bad.u.stop();
  const ok = await makeUpdater(fwConfig(dir, { sha256: good, dir: join(dir, 'fw2') }));
  await pushAll(ok.u, pkg);
  t.is((await ok.u.waitFor((x) => x.state !== FwState.DOWNLOADING)).state, FwState.DOWNLOADED);
  await ok.u.stop();
});

test('requireManifest refuses a raw package (5); acceptTypes refuses a zip (6)', async (t) => {
  const dir = await tempDir(t);
  const a = await makeUpdater(fwConfig(dir, { requireManifest: true }));
  await pushAll(a.u, bytes(100));
  t.is((await a.u.waitFor((x) => x.result !== 0)).result, UpdateResult.INTEGRITY_FAILURE);
  await a.u.stop();
  const b = await makeUpdater(fwConfig(dir, { acceptTypes: ['gzip'], dir: join(dir, 'b') }));
  await pushAll(b.u, Buffer.concat([Buffer.from([0x50, 0x4b, 3, 4]), bytes(100)]));
  t.is((await b.u.waitFor((x) => x.result !== 0)).result, UpdateResult.UNSUPPORTED_TYPE);
  await b.u.stop();
});

test('a push over the size limit is answered 4.13 with result 2; not enough free disk also gives 2', async (t) => {
  const dir = await tempDir(t);
  const a = await makeUpdater(fwConfig(dir, { maxPackageBytes: 1000 }));
  const answers = await pushAll(a.u, bytes(2000));
  t.true(answers.includes('4.13'));
  t.is((await a.u.waitFor((x) => x.result !== 0)).result, UpdateResult.NOT_ENOUGH_FLASH);
  await a.u.stop();
  const b = await makeUpdater(fwConfig(dir, { dir: join(dir, 'b'), reserveBytes: 0 }), {
    freeBytes: () => Promise.resolve(100),
  });
  t.is(await b.u.push({ num: 0, size: 64, more: true, payload: bytes(64), total: 5000 }), '4.13');
  t.is((await b.u.waitFor((x) => x.result !== 0)).result, UpdateResult.NOT_ENOUGH_FLASH);
  await b.u.stop();
});

test('a block out of order is answered 4.08; an empty package resets to Idle', async (t) => {
  const dir = await tempDir(t);
  const { u } = await makeUpdater(fwConfig(dir));
  t.is(await u.push({ num: 0, size: 64, more: true, payload: bytes(64) }), '2.31');
  t.is(await u.push({ num: 2, size: 64, more: true, payload: bytes(64) }), '4.08');
  // The 4.08 ended that push; a block 0 starts a new one.
  t.is(await u.push({ num: 0, size: 64, more: true, payload: bytes(64) }), '2.31');
  t.is(u.values().state, FwState.DOWNLOADING);
  t.is(await u.push({ num: 0, size: 64, more: false, payload: new Uint8Array(0) }), '2.04');
  t.is(u.values().state, FwState.IDLE);
  t.is(u.values().result, UpdateResult.INITIAL);
  await u.stop();
});

test('a push that replaces a pull in progress starts clean and completes', async (t) => {
  const dir = await tempDir(t);
  let aborted = false;
  let started!: () => void;
  const pulling = new Promise<void>((r) => {
    started = r;
  });
  const { u } = await makeUpdater(fwConfig(dir), {
    pullers: {
      'http:': async (_uri, sink, ctx) => {
        await sink.write(0, bytes(5000, 99));
        started();
        await new Promise<void>((_r, reject) => {
          const stop = (): void => {
            aborted = true;
            reject(new Error('aborted'));
          };
          if (ctx.signal.aborted) stop();
          else ctx.signal.addEventListener('abort', stop);
        });
      },
    },
  });
  u.writeUri('http://127.0.0.1:1/fw');
  await pulling; // the pull has written part of its file
  const pkg = buildLwfwPackage(bytes(3000), { version: 'pushed' });
  await pushAll(u, pkg, 512);
  const v = await u.waitFor((x) => x.state !== FwState.DOWNLOADING);
  t.true(aborted);
  t.is(v.state, FwState.DOWNLOADED);
  t.is(v.pkgVersion, 'pushed');
  await u.stop();
});
