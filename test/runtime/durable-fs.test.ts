// durable-fs.test.ts: the shared state write paths: atomic replace and opens are 0600 whatever the file had, folders
// 0700, the start-up repair of a lax state dir leaves symbolic links alone.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import test from 'ava';
import {
  atomicWriteFile,
  atomicWriteFileSync,
  ensureDirSync,
  openPrivateSync,
  removeTempLeftoversSync,
  secureStateDirSync,
} from '../../src/runtime/durable-fs.js';

const mode = (p: string): number => fs.lstatSync(p).mode & 0o777;

test('atomic writes and private opens give 0600 files, also over a 0644 one; folders 0700', async (t) => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'durable-fs-'));
  const dir = path.join(root, 'a', 'b');
  ensureDirSync(dir);
  t.is(mode(dir), 0o700);
  const f = path.join(dir, 'x.json');
  fs.writeFileSync(f, 'old', { mode: 0o644 });
  fs.chmodSync(f, 0o644);
  atomicWriteFileSync(f, Buffer.from('new'));
  t.is(mode(f), 0o600);
  t.is(fs.readFileSync(f, 'utf8'), 'new');
  const g = path.join(dir, 'y.json');
  await atomicWriteFile(g, 'async');
  t.is(mode(g), 0o600);
  const h = path.join(dir, 'z.log');
  fs.writeFileSync(h, '', { mode: 0o666 });
  fs.chmodSync(h, 0o666);
  fs.closeSync(openPrivateSync(h, 'a'));
  t.is(mode(h), 0o600);
  t.deepEqual(fs.readdirSync(dir).sort(), ['x.json', 'y.json', 'z.log'], 'no temp file left');
});

test('the start-up repair sets every file 0600 and folder 0700, reports them, leaves links alone; temp leftovers go', (t) => {
  const root = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'durable-fs-')), 'var');
  fs.mkdirSync(path.join(root, 'meter'), { recursive: true });
  fs.writeFileSync(path.join(root, 'meter', 'readings.queue'), 'q');
  fs.chmodSync(path.join(root, 'meter', 'readings.queue'), 0o644);
  fs.chmodSync(path.join(root, 'meter'), 0o755);
  fs.writeFileSync(path.join(root, 'ok.json'), '1', { mode: 0o600 });
  const outside = path.join(os.tmpdir(), `durable-fs-outside-${process.pid}`);
  fs.writeFileSync(outside, 'x', { mode: 0o644 });
  fs.chmodSync(outside, 0o644);
  fs.symlinkSync(outside, path.join(root, 'link'));
  const changed = secureStateDirSync(root);
  t.deepEqual(changed.sort(), [path.join(root, 'meter'), path.join(root, 'meter', 'readings.queue')]);
  t.is(mode(root), 0o700);
  t.is(mode(path.join(root, 'meter')), 0o700);
  t.is(mode(path.join(root, 'meter', 'readings.queue')), 0o600);
  t.is(mode(outside), 0o644, 'a link target outside is not touched');
  t.deepEqual(secureStateDirSync(root), [], 'nothing left to fix');
  fs.writeFileSync(path.join(root, '.x.json.1.abc.tmp'), '');
  removeTempLeftoversSync(root);
  t.false(fs.existsSync(path.join(root, '.x.json.1.abc.tmp')));
  fs.rmSync(outside);
});
