// store.test.ts: the file store: round trip, modes, bad keys, and no torn file after SIGKILL mid-write.
import test from 'ava';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FileStore } from '../../src/runtime/store.js';

const writer = fileURLToPath(new URL('./fixtures/store-writer.js', import.meta.url));

test('write, read, remove with 0600 files in a 0700 dir', async (t) => {
  const dir = join(mkdtempSync(join(tmpdir(), 'store-')), 'state');
  const store = new FileStore(dir);
  t.is(await store.read('a'), undefined);
  await store.write('object:3', { v: 1 });
  await store.write('object:3', { v: 2 });
  t.deepEqual(await store.read('object:3'), { v: 2 });
  t.is(statSync(dir).mode & 0o777, 0o700);
  for (const f of readdirSync(dir)) t.is(statSync(join(dir, f)).mode & 0o777, 0o600);
  await store.remove('object:3');
  t.is(await store.read('object:3'), undefined);
});

test('bad keys are rejected with STORE_BAD_KEY', async (t) => {
  const store = new FileStore(mkdtempSync(join(tmpdir(), 'store-')));
  t.throws(() => store.write('../etc/passwd', 1), { code: 'STORE_BAD_KEY' } as never);
  await t.throwsAsync(store.read('a/b'), { code: 'STORE_BAD_KEY' } as never);
});

function killMidWrite(dir: string, afterRounds: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [writer, dir], { stdio: ['ignore', 'pipe', 'inherit'] });
    let buf = '';
    child.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      const lines = buf.trim().split('\n');
      if (Number(lines[lines.length - 1]) >= afterRounds) child.kill('SIGKILL');
    });
    child.on('error', reject);
    child.on('exit', () => resolve());
  });
}

test('SIGKILL in the middle of a write loop never leaves a torn or empty file', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'store-kill-'));
  for (let i = 0; i < 12; i++) {
    await killMidWrite(dir, 3 + (i % 5));
    const text = readFileSync(join(dir, 'meter~total.json'), 'utf8');
    const parsed = JSON.parse(text) as { round: number; pad: string };
    t.true(parsed.round >= 1);
    t.is(parsed.pad.length, 20_000);
    const store = new FileStore(dir);
    t.is(((await store.read('meter:total')) as { round: number }).round, parsed.round);
  }
});
