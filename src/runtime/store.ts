// store.ts: durable key/value store in the state directory (one JSON file per key, atomic writes, 0600 files, 0700
// dir).
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { CodedError } from '../errors.js';
import type { ActorStore } from './actor-api.js';
import { atomicWriteFile, ensureDir, isTempLeftover } from './durable-fs.js';

const KEY_RE = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

/** Maps a key to a file name; rejects keys that could escape the directory. */
export function keyFile(key: string): string {
  if (!KEY_RE.test(key) || key.includes('..')) {
    throw new CodedError('STORE_BAD_KEY', `store: bad key ${JSON.stringify(key)} (letters, digits, . _ : - only)`);
  }
  return key.replace(/:/g, '~') + '.json';
}

/** A durable store rooted at a directory; writes to the same key are serialised, so the last write wins. */
export class FileStore implements ActorStore {
  readonly dir: string;
  private ready: Promise<void> | undefined;
  private readonly chains = new Map<string, Promise<void>>();

  constructor(dir: string) {
    this.dir = dir;
  }

  private ensureDir(): Promise<void> {
    this.ready ??= (async () => {
      await ensureDir(this.dir);
      // Leftover temp files from a crash mid-write are garbage: the rename never happened.
      for (const name of await fsp.readdir(this.dir)) {
        if (isTempLeftover(name)) await fsp.rm(join(this.dir, name), { force: true });
      }
    })();
    return this.ready;
  }

  async read<T = unknown>(key: string): Promise<T | undefined> {
    const file = join(this.dir, keyFile(key));
    await this.chains.get(key);
    let text: string;
    try {
      text = await fsp.readFile(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new CodedError('STORE_IO', `store: cannot read ${key}: ${(err as Error).message}`);
    }
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new CodedError('STORE_CORRUPT', `store: ${key} is not valid JSON (${file})`);
    }
  }

  write(key: string, value: unknown): Promise<void> {
    const file = keyFile(key);
    const text = JSON.stringify(value === undefined ? null : value);
    return this.chain(key, async () => {
      await this.ensureDir();
      await atomicWriteFile(join(this.dir, file), text);
    });
  }

  remove(key: string): Promise<void> {
    const file = keyFile(key);
    return this.chain(key, async () => {
      await this.ensureDir();
      await fsp.rm(join(this.dir, file), { force: true });
    });
  }

  /** Resolves when every write started so far has reached the disk. */
  async flush(): Promise<void> {
    await Promise.allSettled([...this.chains.values()]);
  }

  private chain(key: string, op: () => Promise<void>): Promise<void> {
    const prev = this.chains.get(key) ?? Promise.resolve();
    const next = prev.catch(() => undefined).then(op);
    const tail = next.catch(() => undefined);
    this.chains.set(key, tail);
    void tail.then(() => {
      if (this.chains.get(key) === tail) this.chains.delete(key);
    });
    return next;
  }
}
