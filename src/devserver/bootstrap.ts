// bootstrap.ts: bootstrap server configuration, the Security (/0) and Server (/1) instances it writes, and the OMA
// sequence.
import { CodedError } from '../errors.js';
import { encode } from '../lwm2m/formats/index.js';
import { formatPath } from '../lwm2m/path.js';
import { ContentFormat, type LwRecord, type Path } from '../lwm2m/types.js';
import type { TypeRegistry } from './model.js';
import type { BootstrapFinishEvent, OpResult } from './types.js';

/** One LwM2M server account to provision: a Security instance and a Server instance. */
export interface ServerAccount {
  /** LwM2M server URI; default: this dev server's registration endpoint (coap://address:port). Required for PSK. */
  serverUri?: string;
  /** Default 'nosec'. */
  securityMode?: 'nosec' | 'psk';
  pskIdentity?: string;
  /** Pre-shared key: hex string or bytes. */
  psk?: string | Uint8Array;
  /** Default 1 (first account), 2, 3 … */
  shortServerId?: number;
  /** Registration lifetime in seconds (default 300). */
  lifetime?: number;
  /** Default 'U'. */
  binding?: string;
  defaultMinPeriod?: number;
  defaultMaxPeriod?: number;
  /** Notification Storing When Disabled or Offline (default true). */
  notificationStoring?: boolean;
  /** Security object instance id (default: first free id from 1, or after what Bootstrap-Discover showed). */
  securityInstanceId?: number;
  /** Server object instance id (default 0, 1, … in account order). */
  serverInstanceId?: number;
}

export interface BootstrapConfig {
  /** Own port for the bootstrap server (0 = ephemeral); absent: /bs is served on the registration socket. */
  port?: number;
  /** Accounts for endpoints without their own entry (default: one NoSec account at this dev server). */
  default?: ServerAccount[];
  /** Accounts per endpoint name. An empty list means: refuse to bootstrap this endpoint (4.00). */
  endpoints?: Record<string, ServerAccount[]>;
  /** Send Bootstrap-Discover (GET / link-format) first (default false). */
  discover?: boolean;
  /** Send Bootstrap-Read of /1 before deleting (LwM2M 1.1+, default false). */
  read?: boolean;
  /** Bootstrap-Delete '/' before writing (default true). */
  deleteAll?: boolean;
  /** Content format of Bootstrap-Write (default TLV, every LwM2M version reads it). */
  format?: number;
  /** Time each bootstrap request may take, ms (default 10000). */
  requestTimeoutMs?: number;
}

const SECURITY_MODE = { psk: 0, nosec: 3 } as const;

function keyBytes(psk: string | Uint8Array | undefined): Uint8Array {
  if (psk === undefined) return new Uint8Array(0);
  if (psk instanceof Uint8Array) return psk;
  if (!/^([0-9a-fA-F]{2})*$/.test(psk))
    throw new CodedError('BOOTSTRAP_CONFIG', 'psk must be an even-length hex string');
  return Uint8Array.from(Buffer.from(psk, 'hex'));
}

/** Checks an account list; throws BOOTSTRAP_CONFIG naming the problem. */
export function validateAccounts(accounts: readonly ServerAccount[], where: string): void {
  accounts.forEach((a, i) => {
    if ((a.securityMode ?? 'nosec') === 'psk') {
      if (a.serverUri === undefined)
        throw new CodedError('BOOTSTRAP_CONFIG', `${where}[${i}]: a PSK account needs serverUri (coaps://…)`);
      if (a.pskIdentity === undefined || a.psk === undefined)
        throw new CodedError('BOOTSTRAP_CONFIG', `${where}[${i}]: a PSK account needs pskIdentity and psk`);
      keyBytes(a.psk);
    }
  });
}

/** A resolved account: every id and the URI fixed. */
export interface PlannedAccount {
  securityInstanceId: number;
  serverInstanceId: number;
  security: LwRecord[];
  server: LwRecord[];
}

/** Resolves ids and defaults, building the /0 and /1 instance records. usedSecurityIds: instances the client keeps. */
export function planAccounts(
  accounts: readonly ServerAccount[],
  ownUri: string,
  usedSecurityIds: ReadonlySet<number> = new Set([0]),
): PlannedAccount[] {
  const used = new Set(usedSecurityIds);
  let nextSec = 1;
  return accounts.map((a, i) => {
    let sid = a.securityInstanceId;
    if (sid === undefined) {
      while (used.has(nextSec)) nextSec++;
      sid = nextSec;
    }
    used.add(sid);
    const srv = a.serverInstanceId ?? i;
    const ssid = a.shortServerId ?? i + 1;
    const mode = a.securityMode ?? 'nosec';
    const s = (r: number, value: LwRecord['value']): LwRecord => ({ path: [0, sid, r], value });
    const v = (r: number, value: LwRecord['value']): LwRecord => ({ path: [1, srv, r], value });
    const security = [
      s(0, a.serverUri ?? ownUri),
      s(1, false),
      s(2, SECURITY_MODE[mode]),
      s(3, mode === 'psk' ? Uint8Array.from(Buffer.from(a.pskIdentity ?? '', 'utf8')) : new Uint8Array(0)),
      s(4, new Uint8Array(0)),
      s(5, mode === 'psk' ? keyBytes(a.psk) : new Uint8Array(0)),
      s(10, ssid),
    ];
    const server = [v(0, ssid), v(1, a.lifetime ?? 300)];
    if (a.defaultMinPeriod !== undefined) server.push(v(2, a.defaultMinPeriod));
    if (a.defaultMaxPeriod !== undefined) server.push(v(3, a.defaultMaxPeriod));
    server.push(v(6, a.notificationStoring ?? true), v(7, a.binding ?? 'U'));
    return { securityInstanceId: sid, serverInstanceId: srv, security, server };
  });
}

/** What the sequence needs from the server: one request to the client at a time. */
export type BootstrapSend = (
  method: 'GET' | 'PUT' | 'DELETE' | 'POST',
  pathname: string,
  opts: { accept?: number; contentFormat?: number; payload?: Uint8Array },
) => Promise<OpResult>;

/** Security instance ids present in a Bootstrap-Discover answer ('</0/0>,</0/3>,…'). */
function securityIdsOf(result: OpResult): Set<number> {
  const ids = new Set<number>();
  for (const l of result.links ?? []) {
    const m = /^\/0\/(\d+)$/.exec(l.target);
    if (m) ids.add(Number(m[1]));
  }
  return ids;
}

/**
 * Runs the OMA bootstrap sequence against one client: [Discover], [Read /1], Delete '/', Write /0/x and /1/x, Finish.
 * Stops at the first failing step; the event lists every step and its answer.
 */
export async function runBootstrap(
  endpoint: string,
  accounts: readonly ServerAccount[],
  cfg: BootstrapConfig,
  ownUri: string,
  types: TypeRegistry,
  send: BootstrapSend,
): Promise<BootstrapFinishEvent> {
  const steps: [string, string][] = [];
  const event: BootstrapFinishEvent = { endpoint, code: undefined, steps };
  const format = cfg.format ?? ContentFormat.TLV;
  const step = async (
    label: string,
    method: 'GET' | 'PUT' | 'DELETE' | 'POST',
    pathname: string,
    opts: Parameters<BootstrapSend>[2],
    ok: (code: string) => boolean,
  ): Promise<OpResult | undefined> => {
    const res = await send(method, pathname, opts);
    steps.push([label, res.code]);
    if (!ok(res.code)) {
      event.error = `${label} answered ${res.code}`;
      return undefined;
    }
    return res;
  };
  const success = (c: string): boolean => c.startsWith('2.');
  try {
    let keep = new Set<number>([0]);
    if (cfg.discover === true) {
      const res = await step('DISCOVER /', 'GET', '/', { accept: ContentFormat.LINK }, success);
      if (!res) return event;
      if (res.links) event.discovered = res.links;
      const ids = securityIdsOf(res);
      if (ids.size > 0 && cfg.deleteAll === false) keep = ids;
    }
    if (cfg.read === true) {
      const res = await step('READ /1', 'GET', '/1', { accept: ContentFormat.SENML_CBOR }, () => true);
      if (res?.records) event.read = res.records;
    }
    if (cfg.deleteAll !== false && !(await step('DELETE /', 'DELETE', '/', {}, success))) return event;
    for (const p of planAccounts(accounts, ownUri, keep)) {
      const sp: Path = [0, p.securityInstanceId];
      const vp: Path = [1, p.serverInstanceId];
      if (
        !(await step(
          `WRITE /0/${p.securityInstanceId}`,
          'PUT',
          formatPath(sp),
          { contentFormat: format, payload: encode(format, p.security, types.context(sp)) },
          success,
        ))
      )
        return event;
      if (
        !(await step(
          `WRITE /1/${p.serverInstanceId}`,
          'PUT',
          formatPath(vp),
          { contentFormat: format, payload: encode(format, p.server, types.context(vp)) },
          success,
        ))
      )
        return event;
    }
    const fin = await send('POST', '/bs', { payload: new Uint8Array(0) });
    steps.push(['FINISH', fin.code]);
    event.code = fin.code;
    if (!success(fin.code)) event.error = `Bootstrap-Finish answered ${fin.code}`;
  } catch (err) {
    event.error = err instanceof Error ? err.message : String(err);
  }
  return event;
}
