// durable-fs.ts: the one way state reaches the disk: private modes (files 0600, folders 0700, whatever the umask),
// atomic replace (temp + fsync + rename + folder fsync), fsync'd appends, and the start-up repair of modes under the
// state dir.
import * as fs from 'node:fs';
import { promises as fsp, constants as fsc } from 'node:fs';
import * as path from 'node:path';

/** Every state file: owner read/write only. */
export const FILE_MODE = 0o600;
/** Every state folder: owner only. */
export const DIR_MODE = 0o700;

/** The process umask that makes every file the process creates private (set by `run` before any actor starts). */
export const PRIVATE_UMASK = 0o077;

function tempName(file: string): string {
  return path.join(
    path.dirname(file),
    `.${path.basename(file)}.${process.pid}.${Math.random().toString(36).slice(2, 10)}.tmp`,
  );
}

/** True for a temp file left by a crash in the middle of an atomic write (the rename never happened). */
export function isTempLeftover(name: string): boolean {
  return name.startsWith('.') && name.endsWith('.tmp');
}

/** Creates `dir` (and missing parents) with mode 0700; an existing `dir` is set to 0700. */
export function ensureDirSync(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: DIR_MODE });
  fs.chmodSync(dir, DIR_MODE);
}

/** Async `ensureDirSync`. */
export async function ensureDir(dir: string): Promise<void> {
  await fsp.mkdir(dir, { recursive: true, mode: DIR_MODE });
  await fsp.chmod(dir, DIR_MODE);
}

/** Opens (creating if needed) a state file with mode 0600; an existing file is set to 0600. */
export function openPrivateSync(file: string, flags: string | number): number {
  const fd = fs.openSync(file, flags, FILE_MODE);
  try {
    fs.fchmodSync(fd, FILE_MODE);
  } catch (err) {
    fs.closeSync(fd);
    throw err;
  }
  return fd;
}

/** Async `openPrivateSync`. */
export async function openPrivate(file: string, flags: string | number): Promise<fsp.FileHandle> {
  const fh = await fsp.open(file, flags, FILE_MODE);
  try {
    await fh.chmod(FILE_MODE);
  } catch (err) {
    await fh.close();
    throw err;
  }
  return fh;
}

/** fsyncs a folder so a rename or unlink in it survives a power cut. */
export function fsyncDir(dir: string): void {
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** Writes every byte (writeSync may write less than asked). */
export function writeAllSync(fd: number, data: Uint8Array, position?: number): void {
  let off = 0;
  while (off < data.length) {
    const n = fs.writeSync(fd, data, off, data.length - off, position === undefined ? null : position + off);
    off += n;
  }
}

/** Appends and fsyncs; returns once the bytes are on stable storage. */
export function appendDurableSync(fd: number, data: Uint8Array): void {
  writeAllSync(fd, data);
  fs.fsyncSync(fd);
}

const TEMP_FLAGS = fsc.O_WRONLY | fsc.O_CREAT | fsc.O_EXCL;

/** Replaces `file` atomically (mode 0600): after a power cut it holds either the old or the new bytes, never a mix. */
export function atomicWriteFileSync(file: string, data: Uint8Array): void {
  const tmp = tempName(file);
  const fd = openPrivateSync(tmp, TEMP_FLAGS);
  try {
    writeAllSync(fd, data);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  try {
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
  fsyncDir(path.dirname(file));
}

/** Async `atomicWriteFileSync`. */
export async function atomicWriteFile(file: string, data: string | Uint8Array): Promise<void> {
  const tmp = tempName(file);
  const fh = await openPrivate(tmp, TEMP_FLAGS);
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    await fsp.rename(tmp, file);
  } catch (err) {
    await fsp.rm(tmp, { force: true });
    throw err;
  }
  const dh = await fsp.open(path.dirname(file), 'r');
  try {
    await dh.sync();
  } finally {
    await dh.close();
  }
}

/** Removes temp files a crash left in `dir` (never renamed, so garbage). */
export function removeTempLeftoversSync(dir: string): void {
  for (const name of fs.readdirSync(dir)) {
    if (isTempLeftover(name)) fs.rmSync(path.join(dir, name), { force: true });
  }
}

/**
 * Creates the state dir (0700) and sets every folder under it to 0700 and every file to 0600 (state written by an older
 * version, or by hand, under a laxer umask). Symbolic links are left alone. Returns the paths it changed.
 */
export function secureStateDirSync(root: string): string[] {
  ensureDirSync(root);
  const changed: string[] = [];
  const walk = (dir: string): void => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) {
        if ((fs.lstatSync(p).mode & 0o777) !== DIR_MODE) {
          fs.chmodSync(p, DIR_MODE);
          changed.push(p);
        }
        walk(p);
      } else if (e.isFile() && (fs.lstatSync(p).mode & 0o777) !== FILE_MODE) {
        fs.chmodSync(p, FILE_MODE);
        changed.push(p);
      }
    }
  };
  walk(root);
  return changed;
}
