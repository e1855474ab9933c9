// durable-fs-async.ts: the meter's durable writes while other actors share its thread: fsync on libuv's pool, not the
// event loop (files 0600 like every state file).
import * as fs from 'node:fs';
import { promisify } from 'node:util';
import { openPrivate } from '../runtime/durable-fs.js';

export { atomicWriteFile } from '../runtime/durable-fs.js';

const write = promisify(fs.write);
const fsync = promisify(fs.fsync);

/** Appends to an fd opened for appending and fsyncs; resolves once the bytes are on stable storage. */
export async function appendDurable(fd: number, data: Uint8Array): Promise<void> {
  let off = 0;
  while (off < data.length) {
    const { bytesWritten } = await write(fd, data, off, data.length - off, null);
    off += bytesWritten;
  }
  await fsync(fd);
}

/** Writes `data` to a fresh private `file` and fsyncs it (no rename: the caller decides when it replaces anything). */
export async function writeFileDurable(file: string, data: Uint8Array): Promise<void> {
  const fh = await openPrivate(file, 'w');
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
}
