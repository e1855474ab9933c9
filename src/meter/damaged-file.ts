// damaged-file.ts: keeps a copy of a damaged state file beside it (`<name>.damaged-<UTC time>`) for inspection.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FILE_MODE } from '../runtime/durable-fs.js';
import { fsyncDir } from './durable-fs.js';

/** Copies `file` to a new `<file>.damaged-<time>` (fsynced) and returns its path; the caller then repairs `file`. */
export function keepDamagedCopy(file: string, now = new Date()): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  let target = `${file}.damaged-${stamp}`;
  for (let n = 1; fs.existsSync(target); n++) target = `${file}.damaged-${stamp}-${n}`;
  fs.copyFileSync(file, target, fs.constants.COPYFILE_EXCL);
  fs.chmodSync(target, FILE_MODE);
  const fd = fs.openSync(target, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fsyncDir(path.dirname(file));
  return target;
}
