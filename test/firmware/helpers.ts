// helpers.ts: shared test fixtures for the firmware area: temp dirs, config, a recording logger, an updater factory.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseFirmwareConfig, type FirmwareConfig } from '../../src/firmware/config-schema.js';
import { FirmwareUpdater, type FwLog, type UpdaterDeps } from '../../src/firmware/updater.js';

export interface LogEntry {
  level: string;
  obj: unknown;
  msg: string | undefined;
}

export function recordingLog(): FwLog & { entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  const rec =
    (level: string) =>
    (o: object | string, msg?: string): void => {
      entries.push(typeof o === 'string' ? { level, obj: {}, msg: o } : { level, obj: o, msg });
    };
  return { entries, info: rec('info'), warn: rec('warn'), error: rec('error'), debug: rec('debug') };
}

export async function tempDir(t: { teardown(fn: () => Promise<void>): void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'fw-test-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

export function fwConfig(dir: string, extra: Record<string, unknown> = {}): FirmwareConfig {
  return parseFirmwareConfig({ dir: join(dir, 'fw'), retryDelayMs: 0, ...extra });
}

export interface Sent {
  to: string;
  msg: { type: string; [k: string]: unknown };
}

export async function makeUpdater(
  cfg: FirmwareConfig,
  deps: Partial<UpdaterDeps> = {},
): Promise<{ u: FirmwareUpdater; log: ReturnType<typeof recordingLog>; sent: Sent[] }> {
  const log = recordingLog();
  const sent: Sent[] = [];
  const u = await FirmwareUpdater.start({
    config: cfg,
    log,
    pullers: {},
    emit: (to, msg) => sent.push({ to, msg: msg }),
    ...deps,
  });
  return { u, log, sent };
}

/** Deterministic pseudo-random bytes. */
export function bytes(n: number, seed = 1): Buffer {
  const b = Buffer.alloc(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    b[i] = x & 0xff;
  }
  return b;
}
