// state-file.ts: the persisted update state (state, result, URI, package name/version) written atomically in the
// firmware dir.
import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { FwState, UpdateResult } from './results.js';
import type { FwRestore } from './machine.js';
import { atomicWriteFile, ensureDir } from '../runtime/durable-fs.js';

export interface PersistedFw extends FwRestore {
  /** Version running when the apply started (to tell after a restart whether it took effect). */
  fromVersion?: string;
  /** Last State Change Time (/5/0/12), seconds since epoch. */
  changedAt?: number;
}

/** Reads the state; a missing or unreadable file gives Idle with result 0. */
export async function readFwState(path: string): Promise<PersistedFw> {
  try {
    const o = JSON.parse(await readFile(path, 'utf8')) as Partial<PersistedFw>;
    const states: number[] = Object.values(FwState);
    const results: number[] = Object.values(UpdateResult);
    if (
      typeof o.state !== 'number' ||
      !states.includes(o.state) ||
      typeof o.result !== 'number' ||
      !results.includes(o.result)
    ) {
      throw new Error('bad state file');
    }
    return {
      state: o.state,
      result: o.result,
      uri: typeof o.uri === 'string' ? o.uri : '',
      pkgName: typeof o.pkgName === 'string' ? o.pkgName : '',
      pkgVersion: typeof o.pkgVersion === 'string' ? o.pkgVersion : '',
      ...(o.delivery === 'pull' || o.delivery === 'push' ? { delivery: o.delivery } : {}),
      ...(typeof o.fromVersion === 'string' ? { fromVersion: o.fromVersion } : {}),
      ...(typeof o.changedAt === 'number' ? { changedAt: o.changedAt } : {}),
    };
  } catch {
    return { state: FwState.IDLE, result: UpdateResult.INITIAL, uri: '', pkgName: '', pkgVersion: '' };
  }
}

/** Writes the state atomically (temp file, fsync, rename; file 0600, folder 0700). */
export async function writeFwState(path: string, s: PersistedFw): Promise<void> {
  await ensureDir(dirname(path));
  await atomicWriteFile(path, JSON.stringify(s));
}
