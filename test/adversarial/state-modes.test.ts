// state-modes.test.ts: the real device under umask 022, with state left 0644/0755 by an older version: every file under
// the state dir ends 0600 and every folder 0700.
import * as fs from 'node:fs';
import * as path from 'node:path';
import test from 'ava';
import { HostileServer } from '../support/hostile-server.js';
import { DeviceProcess } from '../support/device-process.js';

/** Every entry under `root` (root included) with its permission bits. */
function modes(root: string): { path: string; dir: boolean; mode: number }[] {
  const out = [{ path: root, dir: true, mode: fs.statSync(root).mode & 0o777 }];
  for (const e of fs.readdirSync(root, { withFileTypes: true, recursive: true })) {
    const p = path.join(e.parentPath, e.name);
    out.push({ path: p, dir: e.isDirectory(), mode: fs.lstatSync(p).mode & 0o777 });
  }
  return out;
}

function laxState(stateDir: string): void {
  for (const d of ['meter', 'firmware', path.join('actors', 'old')])
    fs.mkdirSync(path.join(stateDir, d), { recursive: true, mode: 0o755 });
  fs.writeFileSync(path.join(stateDir, 'firmware', 'state.json'), JSON.stringify({ state: 0, result: 0 }), {
    mode: 0o644,
  });
  fs.writeFileSync(path.join(stateDir, 'actors', 'old', 'left.json'), '1', { mode: 0o666 });
  for (const p of [stateDir, path.join(stateDir, 'meter'), path.join(stateDir, 'actors')]) fs.chmodSync(p, 0o755);
}

test('under umask 022 every state file is 0600 and every state folder 0700, old lax ones included', async (t) => {
  const server = await HostileServer.start();
  const first = new DeviceProcess({ server: server.uri });
  await server.waitForRegister(30_000);
  await first.stop();
  laxState(first.stateDir);
  const device = new DeviceProcess({
    server: server.uri,
    stateDir: first.stateDir,
    umask: 0o022,
    config: {
      meter: {
        source: { kind: 'simulated', dailyM3: 0, leakLph: 36_000, tickMs: 50 },
        readingIntervalS: 1,
        fsyncIntervalS: 1,
      },
    },
  });
  try {
    await server.waitForRegister(30_000);
    // a reading stored and acknowledged: journal, queue, ack file, checkpoint and registration state all written by now
    await server.waitForRequest((r) => r.method === 'POST' && r.path === '/dp', 20_000, 'a Send');
    await device.waitForLog((l) => l.msg === 'reading stored', 10_000);
    const all = modes(device.stateDir);
    t.true(
      all.some((e) => e.path.endsWith('.journal')),
      'the journal is there',
    );
    t.true(
      all.some((e) => e.path.endsWith('readings.queue')),
      'the queue is there',
    );
    const wrong = all.filter((e) => e.mode !== (e.dir ? 0o700 : 0o600)).map((e) => `${e.mode.toString(8)} ${e.path}`);
    t.deepEqual(wrong, [], `entries with other modes:\n${wrong.join('\n')}`);
    t.truthy(await device.waitForLog((l) => l.code === 'STATE_MODES_FIXED', 1000));
  } finally {
    await device.stop();
    await server.close();
  }
});
