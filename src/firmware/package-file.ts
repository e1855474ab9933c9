// package-file.ts: the package on disk while it arrives: positional writes, size limit, free-disk check, finalise.
import { rename, rm, stat, statfs, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { FirmwareError, UpdateResult } from './results.js';
import { ensureDir, openPrivate } from '../runtime/durable-fs.js';

export interface PackagePaths {
  /** The package while it downloads. */
  part: string;
  /** The complete, checked package handed to the apply command. */
  done: string;
  /** The persisted update state (JSON). */
  state: string;
}

export function packagePaths(dir: string): PackagePaths {
  return { part: join(dir, 'package.part'), done: join(dir, 'package.bin'), state: join(dir, 'state.json') };
}

/** Free bytes on the file system holding `dir` (for unprivileged users). */
export async function freeBytes(dir: string): Promise<number> {
  const s = await statfs(dir);
  return Number(s.bavail) * Number(s.bsize);
}

export interface SinkLimits {
  maxPackageBytes: number;
  reserveBytes: number;
  /** Injectable for tests (defaults to statfs). */
  freeBytes?: (dir: string) => Promise<number>;
}

/** Writes the arriving package into `part`; never holds more than one chunk in memory. */
export class PackageSink {
  private fh: FileHandle | undefined;
  private size = 0;
  private checkedUpTo = 0;
  private constructor(
    private readonly dir: string,
    readonly paths: PackagePaths,
    private readonly limits: SinkLimits,
  ) {}

  /** Opens the partial file; `resume` keeps what is there (its size is `bytes`), otherwise it starts empty. */
  static async open(dir: string, limits: SinkLimits, resume: boolean): Promise<PackageSink> {
    await ensureDir(dir);
    const s = new PackageSink(dir, packagePaths(dir), limits);
    s.fh = await openPrivate(s.paths.part, resume ? 'a+' : 'w+');
    if (resume) s.size = (await s.fh.stat()).size;
    s.checkedUpTo = s.size;
    return s;
  }

  /** Bytes on disk so far (where a resume continues). */
  get bytes(): number {
    return this.size;
  }

  /** Checks a size announced up front (Content-Length, Size2, Size1) against the limit and the free disk. */
  async expect(total: number): Promise<void> {
    if (total > this.limits.maxPackageBytes) {
      throw new FirmwareError(
        UpdateResult.NOT_ENOUGH_FLASH,
        'FW_TOO_LARGE',
        `package is ${total} bytes, limit ${this.limits.maxPackageBytes}`,
      );
    }
    await this.checkDisk(Math.max(0, total - this.size));
  }

  private async checkDisk(more: number): Promise<void> {
    const free = await (this.limits.freeBytes ?? freeBytes)(this.dir);
    if (free - more < this.limits.reserveBytes) {
      throw new FirmwareError(
        UpdateResult.NOT_ENOUGH_FLASH,
        'FW_NO_SPACE',
        `${free} bytes free, ${more} more needed plus ${this.limits.reserveBytes} reserve`,
      );
    }
  }

  /** Writes a chunk at `offset` (a repeated block overwrites; a gap is refused). */
  async write(offset: number, data: Uint8Array): Promise<void> {
    if (this.fh === undefined)
      throw new FirmwareError(UpdateResult.CONNECTION_LOST, 'FW_SINK_CLOSED', 'package file is closed');
    if (offset > this.size)
      throw new FirmwareError(
        UpdateResult.CONNECTION_LOST,
        'FW_GAP',
        `chunk at ${offset} leaves a gap after ${this.size}`,
      );
    const end = offset + data.byteLength;
    if (end > this.limits.maxPackageBytes) {
      throw new FirmwareError(
        UpdateResult.NOT_ENOUGH_FLASH,
        'FW_TOO_LARGE',
        `package exceeds ${this.limits.maxPackageBytes} bytes`,
      );
    }
    // Look at the disk once per MiB written, not per block.
    if (end - this.checkedUpTo >= 1024 * 1024) {
      await this.checkDisk(end - this.size);
      this.checkedUpTo = end;
    }
    let done = 0;
    while (done < data.byteLength) {
      const { bytesWritten } = await this.fh.write(data, done, data.byteLength - done, offset + done);
      done += bytesWritten;
    }
    if (end > this.size) this.size = end;
  }

  /** Cuts the file to `bytes` (a new transfer from block 0, or a resume point that must be rewritten). */
  async truncate(bytes: number): Promise<void> {
    if (this.fh === undefined) return;
    await this.fh.truncate(bytes);
    this.size = Math.min(this.size, bytes);
  }

  /** Flushes and closes; the file stays as `part`. */
  async close(): Promise<void> {
    const fh = this.fh;
    this.fh = undefined;
    if (fh !== undefined) {
      await fh.sync();
      await fh.close();
    }
  }

  /** Closes and moves `part` to `done`. */
  async finish(): Promise<string> {
    await this.close();
    await rename(this.paths.part, this.paths.done);
    return this.paths.done;
  }
}

/** Size of the partial download on disk (0 when none). */
export async function partialBytes(dir: string): Promise<number> {
  try {
    return (await stat(packagePaths(dir).part)).size;
  } catch {
    return 0;
  }
}

/** Removes the partial and the complete package. */
export async function removePackage(dir: string): Promise<void> {
  const p = packagePaths(dir);
  await rm(p.part, { force: true });
  await rm(p.done, { force: true });
}
