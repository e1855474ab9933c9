// apply.test.ts: Execute /5/0/2 runs the apply command; failure → result 8 with the old version; success (also across a
// restart) → result 1 and the new version.
import test from 'ava';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildLwfwPackage } from '../../src/firmware/integrity.js';
import { FwState, UpdateResult } from '../../src/firmware/results.js';
import type { FirmwareUpdater } from '../../src/firmware/updater.js';
import { bytes, fwConfig, makeUpdater, tempDir } from './helpers.js';
import { waitFor } from '../support/poll.js';

async function script(dir: string, name: string, body: string): Promise<string> {
  const p = join(dir, name);
  await writeFile(p, `#!/bin/sh\n${body}\n`);
  await chmod(p, 0o755);
  return p;
}

async function download(u: FirmwareUpdater, version: string): Promise<void> {
  const pkg = buildLwfwPackage(bytes(1000), { name: 'meter', version });
  // The whole package in one Write (no Block1): its "block" is the package itself.
  await u.push({ num: 0, size: pkg.length, more: false, payload: pkg });
  await u.waitFor((x) => x.state === FwState.DOWNLOADED);
}

test('a failing apply script leaves the old version running and reports 8 (state back to Downloaded)', async (t) => {
  const dir = await tempDir(t);
  const versionFile = join(dir, 'version');
  await writeFile(versionFile, '1.0.0\n');
  const apply = await script(dir, 'apply.sh', 'echo "unpacking $1"; echo "disk full" >&2; exit 3');
  const { u, sent, log } = await makeUpdater(fwConfig(dir, { applyCommand: apply, versionFile }));
  t.is(u.version, '1.0.0');
  await download(u, '2.0.0');
  t.false(u.writeUri('coap://x/y'), 'a new URI is refused while Downloaded');
  t.true(u.update());
  t.is(u.values().state, FwState.UPDATING);
  const v = await u.waitFor((x) => x.state !== FwState.UPDATING);
  t.is(v.state, FwState.DOWNLOADED);
  t.is(v.result, UpdateResult.UPDATE_FAILED);
  t.is(u.version, '1.0.0');
  t.deepEqual(
    sent.filter((s) => s.to === 'client').map((s) => s.msg.type),
    ['firmware.updating', 'firmware.done'],
  );
  t.like(sent.find((s) => s.msg.type === 'firmware.done')?.msg, { result: 8, success: false, version: '1.0.0' });
  t.true(log.entries.some((e) => (e.obj as { line?: string }).line === 'disk full'));
  await u.stop();
});

test('a succeeding apply script: result 1, Idle, new version sent to object 3', async (t) => {
  const dir = await tempDir(t);
  const versionFile = join(dir, 'version');
  await writeFile(versionFile, '1.0.0\n');
  const apply = await script(dir, 'apply.sh', `test -s "$1" || exit 9\necho 2.0.0 > ${versionFile}`);
  const { u, sent } = await makeUpdater(fwConfig(dir, { applyCommand: apply, versionFile }));
  await download(u, '2.0.0');
  u.update();
  const v = await u.waitFor((x) => x.state !== FwState.UPDATING);
  t.is(v.state, FwState.IDLE);
  t.is(v.result, UpdateResult.SUCCESS);
  t.is(u.version, '2.0.0');
  t.like(sent.filter((s) => s.to === 'object:3').at(-1)?.msg, { type: 'firmware.version', version: '2.0.0' });
  t.like(sent.find((s) => s.msg.type === 'firmware.done')?.msg, { result: 1, success: true });
  await u.stop();
});

test('an apply that restarts the process is reported after the restart: 1 when the version changed, 8 when not', async (t) => {
  const dir = await tempDir(t);
  const versionFile = join(dir, 'version');
  await writeFile(versionFile, '1.0.0\n');
  // The script "restarts the unit": it never returns before the process goes away.
  const apply = await script(dir, 'apply.sh', `echo 2.0.0 > ${versionFile}\nsleep 1`);
  const cfg = fwConfig(dir, { applyCommand: apply, versionFile });
  const a = await makeUpdater(cfg);
  await download(a.u, '2.0.0');
  a.u.update();
  await a.u.waitFor((x) => x.state === FwState.UPDATING);
  const persisted = JSON.parse(await readFile(join(cfg.dir, 'state.json'), 'utf8')) as {
    state: number;
    fromVersion: string;
  };
  t.is(persisted.state, FwState.UPDATING);
  t.is(persisted.fromVersion, '1.0.0');
  await waitFor(async () => (await readFile(versionFile, 'utf8')).trim() === '2.0.0', {
    timeoutMs: 2000,
    what: 'the apply script to write 2.0.0',
  });
  await a.u.stop(); // the process dies
  const b = await makeUpdater(cfg);
  t.is(b.u.values().state, FwState.IDLE);
  t.is(b.u.values().result, UpdateResult.SUCCESS);
  t.is(b.u.version, '2.0.0');
  t.like(b.sent.find((s) => s.msg.type === 'firmware.done')?.msg, { result: 1, success: true, version: '2.0.0' });
  await b.u.stop();

  // Same again, but the new version never came up (the old one restarted): 8, Downloaded.
  const apply2 = await script(dir, 'apply2.sh', 'sleep 1');
  const cfg2 = { ...cfg, applyCommand: apply2 };
  const c = await makeUpdater(cfg2);
  await download(c.u, '3.0.0');
  c.u.update();
  await c.u.waitFor((x) => x.state === FwState.UPDATING);
  await c.u.stop();
  const d = await makeUpdater(cfg2);
  t.is(d.u.values().state, FwState.DOWNLOADED);
  t.is(d.u.values().result, UpdateResult.UPDATE_FAILED);
  t.is(d.u.version, '2.0.0');
  t.like(d.sent.find((s) => s.msg.type === 'firmware.done')?.msg, { result: 8, success: false });
  await d.u.stop();
});

test('Execute without an apply command configured → 8', async (t) => {
  const dir = await tempDir(t);
  const { u } = await makeUpdater(fwConfig(dir));
  t.false(u.update(), 'Execute in Idle is refused');
  await download(u, '2');
  u.update();
  t.is((await u.waitFor((x) => x.state !== FwState.UPDATING)).result, UpdateResult.UPDATE_FAILED);
  await u.stop();
});
