// push-session.test.ts: the updater's one-push-at-a-time rules on simulated time: second transfer → 5.03 + Max-Age,
// foreign blocks → 4.08, resend of the last block, stall timeout → Idle/4.
import test from 'ava';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FwState, UpdateResult } from '../../src/firmware/results.js';
import { SimTimers } from '../support/sim-timers.js';
import { bytes, fwConfig, makeUpdater, tempDir } from './helpers.js';

const A = { source: 'socket|10.0.0.1|5683', token: 'aa' };

async function setup(t: Parameters<typeof tempDir>[0]) {
  const dir = await tempDir(t);
  const timers = new SimTimers();
  const cfg = fwConfig(dir, { pushStallTimeoutMs: 10_000 });
  const { u, log } = await makeUpdater(cfg, { timers });
  return { u, log, timers, cfg };
}

test('a second transfer waits (5.03, Max-Age = seconds left of the stall timeout); its later blocks get 4.08; the first completes alone', async (t) => {
  const { u, timers, cfg } = await setup(t);
  const pkg = bytes(64 * 3 + 5, 3);
  const blk = (num: number, more: boolean) => ({
    num,
    size: 64,
    more,
    payload: pkg.subarray(num * 64, (num + 1) * 64),
  });
  t.is((await u.pushBlock({ ...blk(0, true), ...A })).code, '2.31');
  await timers.advance(3_500);
  t.deepEqual(await u.pushBlock({ ...blk(0, true), source: A.source, token: 'bb' }), { code: '5.03', maxAge: 7 });
  t.deepEqual(await u.pushBlock({ ...blk(0, true), source: 'socket|10.0.0.2|5683' }), { code: '5.03', maxAge: 7 });
  t.is(await u.push({ ...blk(1, true), source: A.source, token: 'bb' }), '4.08');
  t.is(await u.push({ ...blk(1, true), source: 'socket:2|10.0.0.1|5683', token: 'aa' }), '4.08');
  t.is(u.values().state, FwState.DOWNLOADING);
  // libcoap: a new token on every block of the same transfer.
  t.is(await u.push({ ...blk(1, true), source: A.source, token: 'c1' }), '2.31');
  t.is(
    await u.push({ ...blk(1, true), source: A.source, token: 'c2' }),
    '2.31',
    'the last block again: answered, not written twice',
  );
  t.is(await u.push({ ...blk(2, true), source: A.source, token: 'c3' }), '2.31');
  t.is(await u.push({ ...blk(3, false), source: A.source, token: 'c4' }), '2.04');
  t.is((await u.waitFor((v) => v.state !== FwState.DOWNLOADING)).state, FwState.DOWNLOADED);
  t.deepEqual(readFileSync(join(cfg.dir, 'package.bin')), pkg);
  await u.stop();
});

test('no block for pushStallTimeoutMs: Idle, result 4, partial file gone; blocks of the dead push get 4.08', async (t) => {
  const { u, timers, cfg, log } = await setup(t);
  t.is(await u.push({ num: 0, size: 64, more: true, payload: bytes(64), ...A }), '2.31');
  await timers.advance(9_000);
  t.is(await u.push({ num: 1, size: 64, more: true, payload: bytes(64, 2), ...A }), '2.31');
  await timers.advance(9_000);
  t.is(u.values().state, FwState.DOWNLOADING, 'each block restarts the timer');
  t.true(existsSync(join(cfg.dir, 'package.part')));
  await timers.advance(1_000);
  const v = await u.waitFor((x) => x.state === FwState.IDLE);
  t.is(v.result, UpdateResult.CONNECTION_LOST);
  t.false(existsSync(join(cfg.dir, 'package.part')));
  t.true(log.entries.some((e) => (e.obj as { code?: string }).code === 'FW_PUSH_STALLED'));
  t.is(await u.push({ num: 2, size: 64, more: true, payload: bytes(64, 3), ...A }), '4.08');
  await u.stop();
});

test('Size1 is held to: a changed Size1 or a final size that disagrees → 4.08 and the push ends', async (t) => {
  const { u } = await setup(t);
  t.is(await u.push({ num: 0, size: 64, more: true, payload: bytes(64), total: 100, ...A }), '2.31');
  t.is(await u.push({ num: 1, size: 64, more: false, payload: bytes(20), total: 100, ...A }), '4.08');
  t.deepEqual([u.values().state, u.values().result], [FwState.IDLE, UpdateResult.CONNECTION_LOST]);
  t.is(await u.push({ num: 0, size: 64, more: true, payload: bytes(64), total: 100, ...A }), '2.31');
  t.is(await u.push({ num: 1, size: 64, more: false, payload: bytes(36), total: 90, ...A }), '4.08');
  await u.stop();
});
