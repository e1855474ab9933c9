// firmware-push-abuse.test.ts: a hostile server pushes broken Block1 transfers to /5/0/0 of the real device: overlap,
// short and oversized blocks, a second transfer, an abandoned push.
import test from 'ava';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HostileServer, type DeviceResponse } from '../support/hostile-server.js';
import { DeviceProcess } from '../support/device-process.js';
import { pollUntil } from '../support/poll.js';
import { encodeBlock, decodeBlock, readUint, uintBuf } from '../../src/coap/options.js';
import { FwState, UpdateResult } from '../../src/firmware/results.js';

const STALL_MS = 1500;
const MAX_PACKAGE = 200_000;

/** Deterministic bytes (a different fill per seed). */
const fill = (n: number, seed: number): Buffer =>
  Buffer.from(Array.from({ length: n }, (_, i) => (i * 31 + seed * 7) & 0xff));

interface BlockOpts {
  token?: Buffer;
  size1?: number;
}

function block(
  srv: HostileServer,
  num: number,
  size: number,
  more: boolean,
  payload: Buffer,
  o: BlockOpts = {},
): Promise<DeviceResponse> {
  return srv.request({
    method: 'PUT',
    path: '/5/0/0',
    contentFormat: 42,
    payload,
    ...(o.token ? { token: o.token } : {}),
    options: [
      { name: 'Block1', value: encodeBlock({ num, more, size }) },
      ...(o.size1 !== undefined ? [{ name: 'Size1', value: uintBuf(o.size1) }] : []),
    ],
  });
}

const option = (r: DeviceResponse, name: string): Buffer | undefined =>
  r.packet.options.find((x) => x.name === name)?.value;

async function read(srv: HostileServer, path: string): Promise<number> {
  const r = await srv.request({ method: 'GET', path, accept: 0 });
  return Number(r.payload.toString());
}

const state = (srv: HostileServer): Promise<{ state: number; result: number }> =>
  Promise.all([read(srv, '/5/0/3'), read(srv, '/5/0/5')]).then(([s, r]) => ({ state: s, result: r }));

/** An empty package (Block1 NUM 0, M 0, no payload) resets object 5 to Idle, result 0. */
async function reset(srv: HostileServer): Promise<void> {
  const r = await block(srv, 0, 64, false, Buffer.alloc(0));
  if (r.code !== '2.04') throw new Error(`reset answered ${r.code}`);
}

let server: HostileServer;
let other: HostileServer;
let device: DeviceProcess;
let fwDir: string;

test.before(async () => {
  server = await HostileServer.start();
  other = await HostileServer.start();
  device = new DeviceProcess({
    server: server.uri,
    config: { firmware: { pushStallTimeoutMs: STALL_MS, maxPackageBytes: MAX_PACKAGE } },
  });
  fwDir = join(device.stateDir, 'firmware');
  await server.waitForRegister(30_000);
  other.device = server.device; // a second peer: the same device, from another UDP port
});

test.after.always(async () => {
  await device?.stop();
  await server?.close();
  await other?.close();
});

test.serial(
  'a block overlapping bytes already received (NUM 2 at SZX 64 after two 1024-byte blocks) → 4.08; the push ends, never Downloaded',
  async (t) => {
    await reset(server);
    t.is((await block(server, 0, 1024, true, fill(1024, 1))).code, '2.31');
    t.is((await block(server, 1, 1024, true, fill(1024, 2))).code, '2.31');
    const overlap = await block(server, 2, 64, true, fill(64, 3));
    t.is(overlap.code, '4.08');
    t.deepEqual(decodeBlock(option(overlap, 'Block1')), { num: 2, more: false, size: 64 });
    t.is(
      (await block(server, 3, 1024, false, fill(100, 4))).code,
      '4.08',
      'the rest of the broken transfer is refused too',
    );
    t.deepEqual(await state(server), { state: FwState.IDLE, result: UpdateResult.CONNECTION_LOST });
    t.false(existsSync(join(fwDir, 'package.bin')));
    t.false(existsSync(join(fwDir, 'package.part')));
  },
);

test.serial(
  'SZX may shrink mid-transfer when NUM × size is the byte count: 2 × 1024, then NUM 32 at 64 → Downloaded',
  async (t) => {
    await reset(server);
    const pkg = fill(2048 + 64 + 10, 5);
    t.is((await block(server, 0, 1024, true, pkg.subarray(0, 1024))).code, '2.31');
    t.is((await block(server, 1, 1024, true, pkg.subarray(1024, 2048))).code, '2.31');
    t.is((await block(server, 32, 64, true, pkg.subarray(2048, 2112))).code, '2.31');
    t.is((await block(server, 33, 64, false, pkg.subarray(2112))).code, '2.04');
    t.is((await state(server)).state, FwState.DOWNLOADED);
    t.deepEqual(readFileSync(join(fwDir, 'package.bin')), pkg);
  },
);

test.serial('a short non-final block → 4.00 and the push ends as a failed download', async (t) => {
  await reset(server);
  t.is((await block(server, 0, 64, true, fill(64, 6))).code, '2.31');
  t.is((await block(server, 1, 64, true, fill(30, 7))).code, '4.00');
  t.deepEqual(await state(server), { state: FwState.IDLE, result: UpdateResult.CONNECTION_LOST });
  t.false(existsSync(join(fwDir, 'package.part')));
});

test.serial(
  'an oversized block (payload > block size) → 4.13 with Size1; a package announced beyond maxPackageBytes → 4.13, result 2',
  async (t) => {
    await reset(server);
    t.is((await block(server, 0, 64, true, fill(64, 8))).code, '2.31');
    const big = await block(server, 1, 64, true, fill(100, 9));
    t.is(big.code, '4.13');
    t.is(readUint(option(big, 'Size1') ?? Buffer.alloc(0)), MAX_PACKAGE);
    t.deepEqual(await state(server), { state: FwState.IDLE, result: UpdateResult.CONNECTION_LOST });
    await reset(server);
    const tooLarge = await block(server, 0, 1024, true, fill(1024, 10), { size1: MAX_PACKAGE + 1 });
    t.is(tooLarge.code, '4.13');
    t.is(readUint(option(tooLarge, 'Size1') ?? Buffer.alloc(0)), MAX_PACKAGE);
    t.deepEqual(await state(server), { state: FwState.IDLE, result: UpdateResult.NOT_ENOUGH_FLASH });
    t.false(existsSync(join(fwDir, 'package.part')));
  },
);

test.serial(
  'a second transfer (another token, another peer) is refused with 5.03 + Max-Age and never merges into the first',
  async (t) => {
    await reset(server);
    const a = Buffer.from('aaaaaaaa');
    const b = Buffer.from('bbbbbbbb');
    const pkg = fill(256 * 3 + 40, 11);
    t.is((await block(server, 0, 256, true, pkg.subarray(0, 256), { token: a })).code, '2.31');
    t.is((await block(server, 1, 256, true, pkg.subarray(256, 512), { token: a })).code, '2.31');
    const second = await block(server, 0, 256, true, fill(256, 12), { token: b });
    t.is(second.code, '5.03');
    const maxAge = readUint(option(second, 'Max-Age') ?? Buffer.alloc(0));
    t.true(maxAge >= 1 && maxAge <= Math.ceil(STALL_MS / 1000), `Max-Age ${maxAge}`);
    t.is(
      (await block(server, 2, 256, true, fill(256, 13), { token: b })).code,
      '4.08',
      'a block of the refused transfer',
    );
    t.is((await block(other, 0, 256, true, fill(256, 14))).code, '5.03', 'a first block from another peer');
    t.is((await block(other, 2, 256, true, fill(256, 15))).code, '4.08', 'a later block from another peer');
    t.is((await block(server, 2, 256, true, pkg.subarray(512, 768), { token: a })).code, '2.31');
    t.is((await block(server, 3, 256, false, pkg.subarray(768), { token: a })).code, '2.04');
    t.is((await state(server)).state, FwState.DOWNLOADED);
    t.deepEqual(readFileSync(join(fwDir, 'package.bin')), pkg, "the first transfer's bytes only");
  },
);

test.serial(
  'an abandoned push ends after firmware.pushStallTimeoutMs: Idle, result 4, no partial file; a new push is then accepted',
  async (t) => {
    await reset(server);
    t.is((await block(server, 0, 64, true, fill(64, 16))).code, '2.31');
    t.is((await state(server)).state, FwState.DOWNLOADING);
    t.true(existsSync(join(fwDir, 'package.part')));
    const after = await pollUntil(
      () => state(server),
      (s) => s.state === FwState.IDLE,
      STALL_MS + 8000,
      200,
    );
    t.deepEqual(after, { state: FwState.IDLE, result: UpdateResult.CONNECTION_LOST });
    t.false(existsSync(join(fwDir, 'package.part')));
    t.true(device.logs().some((l) => l.code === 'FW_PUSH_STALLED'));
    t.is((await block(other, 0, 64, false, fill(20, 17))).code, '2.04', 'another peer may push now');
    t.is((await state(server)).state, FwState.DOWNLOADED);
  },
);
