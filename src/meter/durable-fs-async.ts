// durable-fs-async.ts: the durable writes the meter does while other actors share its thread: fsync on libuv's pool, not the event loop.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';

const write = promisify(fs.write);
const fsync = promisify(fs.fsync);
const open = promisify(fs.open);
const close = promisify(fs.close);
const rename = promisify(fs.rename);

async function writeAll(fd: number, data: Uint8Array): Promise<void> {
  let off = 0;
  while (off < data.length) {
    const { bytesWritten } = await write(fd, data, off, data.length - off, null);
    off += bytesWritten;
  }
}

/** Appends to an fd opened for appending and fsyncs; resolves once the bytes are on stable storage. */
export async function appendDurable(fd: number, data: Uint8Array): Promise<void> {
  await writeAll(fd, data);
  await fsync(fd);
}

/** Writes `data` to a fresh `file` and fsyncs it (no rename: the caller decides when it replaces anything). */
export async function writeFileDurable(file: string, data: Uint8Array): Promise<void> {
  const fd = await open(file, 'w');
  try {
    await writeAll(fd, data);
    await fsync(fd);
  } finally {
    await close(fd);
  }
}

/** Atomic replace off the event loop: temp + fsync + rename + directory fsync. */
export async function atomicWriteFile(file: string, data: Uint8Array): Promise<void> {
  const tmp = `${file}.tmp`;
  await writeFileDurable(tmp, data);
  await rename(tmp, file);
  const dfd = await open(path.dirname(file), 'r');
  try {
    await fsync(dfd);
  } finally {
    await close(dfd);
  }
}
