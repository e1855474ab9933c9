// apply.ts: runs the configured apply command with the package path as its last argument; exit 0 means applied.
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { FirmwareError, UpdateResult } from './results.js';

export interface ApplyOptions {
  command: string;
  args: readonly string[];
  timeoutMs: number;
  /** Receives each line the command prints (for the log). */
  onOutput?: (line: string, stream: 'stdout' | 'stderr') => void;
}

/** Runs the command; resolves on exit 0, rejects with a FirmwareError (result 8) otherwise. */
export function runApply(pkgPath: string, o: ApplyOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    let child;
    try {
      child = spawn(o.command, [...o.args, pkgPath], { stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (err) {
      reject(
        new FirmwareError(
          UpdateResult.UPDATE_FAILED,
          'FW_APPLY_SPAWN',
          `cannot run ${o.command}: ${(err as Error).message}`,
          { cause: err },
        ),
      );
      return;
    }
    const lines =
      (stream: 'stdout' | 'stderr') =>
      (b: Buffer): void => {
        for (const l of b.toString('utf8').split('\n')) if (l.trim() !== '') o.onOutput?.(l, stream);
      };
    child.stdout.on('data', lines('stdout'));
    child.stderr.on('data', lines('stderr'));
    const timer = setTimeout(() => child.kill('SIGKILL'), o.timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(
        new FirmwareError(UpdateResult.UPDATE_FAILED, 'FW_APPLY_SPAWN', `cannot run ${o.command}: ${err.message}`, {
          cause: err,
        }),
      );
    });
    child.on('close', (code, sig) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else
        reject(
          new FirmwareError(
            UpdateResult.UPDATE_FAILED,
            'FW_APPLY_FAILED',
            `${o.command} exited with ${code ?? sig ?? 'unknown'}`,
          ),
        );
    });
  });
}

/** The version of the running app from its package.json (what object 3 shows by default). */
export async function packageVersion(): Promise<string> {
  try {
    const pkg = JSON.parse(await readFile(new URL('../../../package.json', import.meta.url), 'utf8')) as {
      version?: unknown;
    };
    return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
  } catch {
    return '0.0.0';
  }
}

/** The running firmware version: the version file's first line, or the fallback. */
export async function readVersion(versionFile: string | undefined, fallback: string): Promise<string> {
  if (versionFile === undefined) return fallback;
  try {
    const v = (await readFile(versionFile, 'utf8')).split('\n')[0]?.trim() ?? '';
    return v === '' ? fallback : v;
  } catch {
    return fallback;
  }
}
