// push-libcoap.test.ts: firmware push with libcoap's client (coap-client-notls -m put -b 64 …/5/0/0), each block
// streamed to disk through the Block1 tap.
import test, { type ExecutionContext } from 'ava';
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { generate, parse, type ParsedPacket } from 'coap-packet';
import { encodeBlock } from '../../src/coap/options.js';
import { tapBlock1 } from '../../src/firmware/block1-tap.js';
import { buildLwfwPackage } from '../../src/firmware/integrity.js';
import { FwState, UpdateResult } from '../../src/firmware/results.js';
import { bytes, fwConfig, makeUpdater, tempDir } from './helpers.js';
import { TestUdpTransport } from '../support/udp-transport.js';

const run = promisify(execFile);

async function setup(t: ExecutionContext, extra: Record<string, unknown> = {}) {
  const dir = await tempDir(t);
  const cfg = fwConfig(dir, extra);
  const { u } = await makeUpdater(cfg);
  const inner = new TestUdpTransport();
  const chunks: { num: number; size: number; more: boolean }[] = [];
  const passed: string[] = [];
  const tr = tapBlock1(inner, async (b) => {
    chunks.push({ num: b.num, size: b.size, more: b.more });
    return {
      code: await u.push({
        num: b.num,
        size: b.size,
        more: b.more,
        payload: b.payload,
        ...(b.total !== undefined ? { total: b.total } : {}),
      }),
    };
  });
  tr.onEvent((ev) => {
    if (ev.type === 'message') passed.push('other');
  });
  await tr.open();
  const port = inner.port();
  t.teardown(async () => {
    await tr.close();
    await u.stop();
  });
  return { dir, cfg, u, chunks, passed, port };
}

test('coap-client-notls -m put -b 64 streams the package block by block; Downloaded with the right bytes', async (t) => {
  const s = await setup(t);
  const pkg = buildLwfwPackage(bytes(20_000, 4), { name: 'meter', version: '6.0.0' });
  const file = join(s.dir, 'pkg.bin');
  await writeFile(file, pkg);
  const r = await run('coap-client-notls', [
    '-m',
    'put',
    '-b',
    '64',
    '-B',
    '30',
    '-f',
    file,
    `coap://127.0.0.1:${s.port}/5/0/0`,
  ]);
  t.is(r.stderr.trim(), '', r.stderr);
  const v = await s.u.waitFor((x) => x.state !== FwState.DOWNLOADING);
  t.is(v.state, FwState.DOWNLOADED);
  t.is(v.pkgVersion, '6.0.0');
  t.is(s.chunks.length, Math.ceil(pkg.length / 64), 'one hand-over per block, none reassembled');
  t.true(s.chunks.every((c) => c.size === 64));
  t.deepEqual(await readFile(join(s.cfg.dir, 'package.bin')), pkg);
  t.deepEqual(s.passed, [], 'nothing reached the endpoint');
});

test('a corrupt pushed package is rejected with result 5 (libcoap push)', async (t) => {
  const s = await setup(t);
  const pkg = buildLwfwPackage(bytes(5_000, 8), { version: '7' });
  pkg[200] ^= 1;
  const file = join(s.dir, 'pkg.bin');
  await writeFile(file, pkg);
  await run('coap-client-notls', [
    '-m',
    'put',
    '-b',
    '256',
    '-B',
    '30',
    '-f',
    file,
    `coap://127.0.0.1:${s.port}/5/0/0`,
  ]);
  const v = await s.u.waitFor((x) => x.state === FwState.IDLE && x.result !== 0);
  t.is(v.result, UpdateResult.INTEGRITY_FAILURE);
});

test('a push over the size limit stops with 4.13 and result 2', async (t) => {
  const s = await setup(t, { maxPackageBytes: 2000 });
  const file = join(s.dir, 'pkg.bin');
  await writeFile(file, bytes(8000));
  const r = await run('coap-client-notls', [
    '-m',
    'put',
    '-b',
    '512',
    '-B',
    '30',
    '-f',
    file,
    `coap://127.0.0.1:${s.port}/5/0/0`,
  ]).catch((e: { stdout: string; stderr: string }) => e);
  t.regex(`${r.stdout}${r.stderr}`, /4\.13/);
  const v = await s.u.waitFor((x) => x.state === FwState.IDLE && x.result !== 0);
  t.is(v.result, UpdateResult.NOT_ENOUGH_FLASH);
  t.true(s.chunks.length <= 4);
});

test('Leshan-style push (one token for every block, CON) and duplicates: each block handed on once, answers cached', async (t) => {
  const s = await setup(t);
  const pkg = buildLwfwPackage(bytes(3000, 6), { version: '9' });
  const client = new TestUdpTransport();
  await client.open();
  t.teardown(() => client.close());
  const answers: ParsedPacket[] = [];
  let wake: (() => void) | undefined;
  client.onEvent((ev) => {
    if (ev.type === 'message') {
      answers.push(parse(Buffer.from(ev.data)));
      wake?.();
    }
  });
  const token = Buffer.from([1, 2, 3, 4]);
  const size = 512;
  const blocks = Math.ceil(pkg.length / size);
  for (let num = 0; num < blocks; num++) {
    const more = num < blocks - 1;
    const msg = generate({
      messageId: 100 + num,
      token,
      code: '0.03',
      confirmable: true,
      payload: pkg.subarray(num * size, (num + 1) * size),
      options: [
        ...['5', '0', '0'].map((p) => ({ name: 'Uri-Path' as const, value: Buffer.from(p) })),
        { name: 'Block1' as const, value: encodeBlock({ num, more, size }) },
      ],
    });
    const sendAndWait = async (): Promise<void> => {
      const want = answers.length + 1;
      await client.send(msg, { address: '127.0.0.1', port: s.port });
      while (answers.length < want)
        await new Promise<void>((r) => {
          wake = r;
        });
    };
    await sendAndWait();
    if (num === 1) await sendAndWait(); // the same message again (its ACK was lost)
  }
  t.deepEqual(
    answers.map((a) => a.code),
    [...Array<string>(blocks).fill('2.31'), '2.04'],
  );
  t.is(answers[1]?.messageId, answers[2]?.messageId, 'the duplicate got the cached answer');
  t.true(answers.every((a) => a.ack && a.token.equals(token)));
  t.deepEqual(
    s.chunks.map((c) => c.num),
    [...Array(blocks).keys()],
    'each block handed on once',
  );
  t.is((await s.u.waitFor((x) => x.state !== FwState.DOWNLOADING)).state, FwState.DOWNLOADED);
});
