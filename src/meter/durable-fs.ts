// durable-fs.ts: the meter's only ways to make bytes durable: atomic replace (temp + fsync + rename + dir fsync) and fsync'd appends.
import * as fs from 'node:fs';
import * as path from 'node:path';

/** fsyncs a directory so a rename or unlink in it survives a power cut. */
export function fsyncDir(dir: string): void {
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** Replaces `file` atomically: after a power cut it holds either the old or the new bytes, never a mix. */
export function atomicWriteFileSync(file: string, data: Uint8Array): void {
  const tmp = `${file}.tmp`;
  const fd = fs.openSync(tmp, 'w');
  try {
    writeAllSync(fd, data);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
  fsyncDir(path.dirname(file));
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
