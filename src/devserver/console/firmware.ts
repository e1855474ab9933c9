// firmware.ts: `fw push` (the file to /5/0/0, Block1), `fw pull` (the file served over CoAP or HTTP, its URI written
// to /5/0/1, followed to Downloaded) and the Update (Execute /5/0/2, followed to its result).
import { readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { CodedError } from '../../errors.js';
import { ContentFormat } from '../../lwm2m/types.js';
import type { FileBlockEvent } from '../file-resource.js';
import type { OpResult, Registration } from '../types.js';
import type { ConsoleContext } from './context.js';
import { resultLines } from './printer.js';

/** Object 5 states (/5/0/3) and Update Results (/5/0/5) as the console names them. */
const STATE = ['Idle', 'Downloading', 'Downloaded', 'Updating'];
const RESULT = [
  'initial',
  'success',
  'not enough flash',
  'out of RAM',
  'connection lost',
  'integrity check failed',
  'unsupported package type',
  'invalid URI',
  'update failed',
  'unsupported protocol',
  'cancelled',
];
/** How often the firmware state is read while the device downloads or updates. */
const POLL_MS = 250;

function readPackage(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    throw new CodedError('CONSOLE_FILE', `${file}: ${(err as Error).message}`);
  }
}

export interface PullOptions {
  /** Transport the device pulls over, 'coap' or 'http'; default: coap when /5/0/8 lists it (0), else http. */
  via?: string;
}

/** What /5/0 says now: State and Update Result (undefined when the read failed or lacked them). */
async function firmwareState(ctx: ConsoleContext, ep: string): Promise<{ state?: number; result?: number }> {
  const r = await ctx.server.read(ep, [5, 0]);
  const value = (res: number): number | undefined => {
    const v = r.records?.find((x) => x.path.length === 3 && x.path[2] === res)?.value;
    return typeof v === 'number' ? v : undefined;
  };
  if (!r.code.startsWith('2.')) return {};
  const out: { state?: number; result?: number } = {};
  const state = value(3);
  const result = value(5);
  if (state !== undefined) out.state = state;
  if (result !== undefined) out.result = result;
  return out;
}

function named(list: string[], n: number | undefined): string {
  return n === undefined ? '?' : `${n} (${list[n] ?? 'unknown'})`;
}

type FwNow = { state?: number; result?: number };

/**
 * Reads /5/0; a read still waiting when the device registers again (an Update restarts its socket on a new port) is
 * given up: 'registered'. A read that fails gives {} (no movement).
 */
async function readOrRegister(ctx: ConsoleContext, ep: string): Promise<FwNow | 'registered'> {
  let onReg: ((r: Registration) => void) | undefined;
  const registered = new Promise<'registered'>((resolve) => {
    onReg = (r) => {
      if (r.endpoint === ep) resolve('registered');
    };
    ctx.server.on('register', onReg);
    ctx.server.on('update', onReg);
  });
  try {
    return await Promise.race([firmwareState(ctx, ep).catch((): FwNow => ({})), registered]);
  } finally {
    if (onReg) {
      ctx.server.off('register', onReg);
      ctx.server.off('update', onReg);
    }
  }
}

/**
 * Reads /5/0 every POLL_MS until `done` says the wait is over; gives up when nothing moved (no state change and no
 * `activity()` tick) for waitMs. Reads that fail (the device's socket re-opening during an Update) are retried.
 * `trusted` says from when a read tells the new story (a read just after a write can still show the state before it).
 */
async function followState(
  ctx: ConsoleContext,
  ep: string,
  activity: () => number,
  trusted: (s: FwNow) => boolean,
  done: (s: FwNow) => boolean,
): Promise<FwNow> {
  let last = '';
  let moved = Date.now();
  let seen = activity();
  for (;;) {
    const s = await readOrRegister(ctx, ep);
    if (s === 'registered') {
      moved = Date.now();
      continue;
    }
    const key = `${s.state}/${s.result}`;
    if (s.state !== undefined && trusted(s)) {
      if (key !== last) {
        ctx.out(`state ${named(STATE, s.state)}, result ${named(RESULT, s.result)}`);
        last = key;
        moved = Date.now();
      }
      if (done(s)) return s;
    }
    const a = activity();
    if (a !== seen) {
      seen = a;
      moved = Date.now();
    }
    if (Date.now() - moved > ctx.waitMs)
      throw new CodedError(
        'CONSOLE_FW_TIMEOUT',
        `nothing moved for ${Math.round(ctx.waitMs / 1000)} s (state ${named(STATE, s.state)})`,
      );
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

/** Executes /5/0/2 and waits until the device leaves Updating; ok when the Update Result is 1 (success). */
export async function firmwareUpdate(ctx: ConsoleContext, ep: string): Promise<boolean> {
  const r = await ctx.server.execute(ep, [5, 0, 2]);
  ctx.out(`update: ${r.code}`);
  if (!r.code.startsWith('2.')) return false;
  let updating = false;
  const s = await followState(
    ctx,
    ep,
    () => 0,
    (x) => (updating ||= x.state === 3 || x.result !== 0),
    (x) => x.state !== 3 && x.result !== 0,
  );
  return s.result === 1;
}

/** Writes the file to /5/0/0 as opaque, block-wise (Block1) past the block size, progress per acknowledged block. */
export async function firmwarePush(ctx: ConsoleContext, ep: string, file: string): Promise<OpResult> {
  const data = readPackage(file);
  const label = `push ${basename(file)}`;
  ctx.progress(label, 0, data.length);
  const t0 = Date.now();
  let reported = 0;
  const onProgress = (sent: number, total: number): void => {
    reported = sent;
    ctx.progress(label, sent, total);
  };
  const r = await ctx.server.write(ep, '/5/0/0', data, { format: ContentFormat.OPAQUE, onProgress });
  if (r.code.startsWith('2.') && reported < data.length) ctx.progress(label, data.length, data.length); // one block: no Block1 reports
  ctx.out(`${data.length} bytes in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return r;
}

/** The transport of a pull: asked for, else coap when the device lists it in /5/0/8 (0), else http. */
async function pullVia(ctx: ConsoleContext, ep: string, via: string | undefined): Promise<'coap' | 'http'> {
  if (via === 'coap' || via === 'http') return via;
  if (via !== undefined) throw new CodedError('CONSOLE_SYNTAX', `--via wants coap or http, got '${via}'`);
  try {
    const r = await ctx.server.read(ep, [5, 0, 8]);
    return r.code.startsWith('2.') && (r.records ?? []).some((x) => x.value === 0) ? 'coap' : 'http';
  } catch {
    return 'http';
  }
}

/**
 * Serves the file over CoAP (the dev server's socket, GET /fw/<name> with Block2) or HTTP, writes its URI to /5/0/1
 * (the answer printed) and follows the download: a bar (percent lines in script mode) over the bytes served, the
 * device's State until Downloaded. Resolves true then; false when the write was refused or the device went back to
 * Idle with a failure result (printed, named).
 */
export async function firmwarePull(
  ctx: ConsoleContext,
  ep: string,
  file: string,
  o: PullOptions = {},
): Promise<boolean> {
  let size: number;
  try {
    size = statSync(file).size;
  } catch (err) {
    throw new CodedError('CONSOLE_FILE', `${file}: ${(err as Error).message}`);
  }
  const via = await pullVia(ctx, ep, o.via);
  const before = await firmwareState(ctx, ep);
  if (before.state === 3) throw new CodedError('CONSOLE_FW_BUSY', 'the device is updating');
  if (before.state === 1 || before.state === 2) {
    // a package held or in progress keeps the device from taking a new URI: an empty URI resets it first
    ctx.out(`resetting the device's firmware state (${named(STATE, before.state)})`);
    await ctx.server.write(ep, '/5/0/1', '');
  }
  const host = new URL(ctx.server.uri.replace(/^coaps?:/, 'http:')).hostname.replace(/^\[|\]$/g, '');
  const name = basename(file);
  let served = 0;
  let asked = 0;
  const label = `pull ${name}`;
  const onBytes = (end: number, of: string): void => {
    if (of !== name) return;
    asked++;
    if (end <= served) return;
    served = end;
    if (served < size) ctx.progress(label, served, size);
  };
  const onBlock = (e: FileBlockEvent): void => onBytes(e.end, e.name);
  let uri: string;
  try {
    uri = via === 'coap' ? ctx.server.serveFile(file, { name, host }) : await ctx.packages.url(file, host);
  } catch (err) {
    throw new CodedError('CONSOLE_FILE', `${file}: ${(err as Error).message}`);
  }
  ctx.server.on('file-block', onBlock);
  ctx.packages.on('bytes', onBytes);
  try {
    ctx.out(`serving ${file} (${size} bytes) at ${uri}`);
    const t0 = Date.now();
    const w = await ctx.server.write(ep, '/5/0/1', uri);
    for (const l of resultLines(ctx.server.types, w)) ctx.out(l);
    if (!w.code.startsWith('2.')) return false;
    ctx.progress(label, 0, size);
    // a read can still show the state from before the write: reads count once the device asked for the file (or
    // said Downloading), Downloaded once the last byte went out
    let started = false;
    const s = await followState(
      ctx,
      ep,
      () => asked,
      (x) => (started ||= asked > 0 || x.state === 1),
      (x) => (x.state === 2 && served >= size) || (x.state === 0 && (x.result ?? 0) !== 0),
    );
    if (s.state !== 2) {
      ctx.out(`download failed: result ${named(RESULT, s.result)}`);
      return false;
    }
    ctx.progress(label, size, size);
    ctx.out(`downloaded: ${size} bytes in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    return true;
  } finally {
    ctx.server.off('file-block', onBlock);
    ctx.packages.off('bytes', onBytes);
  }
}
