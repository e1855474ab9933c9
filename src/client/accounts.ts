// accounts.ts: server accounts from objects 0 (Security) and 1 (Server): selection, bootstrap consistency check, socket
// target.
import type { ServerTarget } from '../messages/index.js';
import type { LwRecord, LwValue } from '../lwm2m/types.js';

/** One Security instance (/0/x) joined with its Server instance (/1/y) by short server ID. */
export interface ServerAccount {
  securityInstance: number;
  serverInstance?: number;
  bootstrap: boolean;
  uri: string;
  /** 0 PSK, 1 RPK, 2 certificate, 3 NoSec, 4 certificate + EST. */
  securityMode: number;
  ssid: number;
  pskIdentity?: string;
  /** Base64 of the key bytes. Never logged. */
  pskKey?: string;
  holdOffS?: number;
  bootstrapAccountTimeoutS?: number;
  lifetime?: number;
  binding?: string;
  disableTimeoutS?: number;
}

type Inst = Map<number, LwValue>;

function byInstance(records: readonly LwRecord[], objectId: number): Map<number, Inst> {
  const out = new Map<number, Inst>();
  for (const r of records) {
    if (r.path[0] !== objectId || r.path.length < 3) continue;
    const iid = r.path[1];
    let m = out.get(iid);
    if (!m) out.set(iid, (m = new Map()));
    if (r.path.length === 3) m.set(r.path[2], r.value);
  }
  return out;
}

const num = (v: LwValue | undefined): number | undefined =>
  typeof v === 'number'
    ? v
    : typeof v === 'bigint'
      ? Number(v)
      : typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v))
        ? Number(v)
        : undefined;
const str = (v: LwValue | undefined): string | undefined =>
  typeof v === 'string' ? v : v instanceof Uint8Array ? Buffer.from(v).toString('utf8') : undefined;
const bytes = (v: LwValue | undefined): Uint8Array | undefined =>
  v instanceof Uint8Array ? v : typeof v === 'string' ? Buffer.from(v, 'utf8') : undefined;
const bool = (v: LwValue | undefined): boolean => v === true || v === 1 || v === 'true' || v === '1';

/** Short server IDs of the LwM2M (non-bootstrap) accounts that have a Server instance, in Security instance order. */
export function serverSsids(accounts: readonly ServerAccount[]): number[] {
  return [
    ...new Set(accounts.filter((a) => !a.bootstrap && a.ssid > 0 && a.serverInstance !== undefined).map((a) => a.ssid)),
  ];
}

/** Every Security instance, joined with the matching Server instance (bootstrap accounts have none). */
export function accountsFromRecords(records: readonly LwRecord[]): ServerAccount[] {
  const sec = byInstance(records, 0);
  const srv = byInstance(records, 1);
  const serverBySsid = new Map<number, [number, Inst]>();
  for (const [iid, m] of srv) {
    const ssid = num(m.get(0));
    if (ssid !== undefined) serverBySsid.set(ssid, [iid, m]);
  }
  const out: ServerAccount[] = [];
  for (const [iid, m] of [...sec].sort((a, b) => a[0] - b[0])) {
    const bootstrap = bool(m.get(1));
    const ssid = bootstrap ? 0 : (num(m.get(10)) ?? 0);
    const acc: ServerAccount = {
      securityInstance: iid,
      bootstrap,
      uri: str(m.get(0)) ?? '',
      securityMode: num(m.get(2)) ?? 3,
      ssid,
    };
    const ident = str(m.get(3));
    const key = bytes(m.get(5));
    if (ident !== undefined && ident !== '') acc.pskIdentity = ident;
    if (key !== undefined && key.length > 0) acc.pskKey = Buffer.from(key).toString('base64');
    const hold = num(m.get(11));
    if (hold !== undefined) acc.holdOffS = hold;
    const bsTimeout = num(m.get(12));
    if (bsTimeout !== undefined) acc.bootstrapAccountTimeoutS = bsTimeout;
    const s = bootstrap ? undefined : serverBySsid.get(ssid);
    if (s) {
      acc.serverInstance = s[0];
      const lt = num(s[1].get(1));
      if (lt !== undefined) acc.lifetime = lt;
      const b = str(s[1].get(7));
      if (b !== undefined) acc.binding = b;
      const dt = num(s[1].get(5));
      if (dt !== undefined) acc.disableTimeoutS = dt;
    }
    out.push(acc);
  }
  return out;
}

/** Why an account cannot be used, or undefined when it can. */
export function accountProblem(a: ServerAccount): string | undefined {
  let u: URL;
  try {
    u = new URL(a.uri);
  } catch {
    return `security instance ${a.securityInstance}: server URI "${a.uri}" is not a URI`;
  }
  if (u.protocol !== 'coap:' && u.protocol !== 'coaps:')
    return `security instance ${a.securityInstance}: unsupported scheme ${u.protocol}`;
  if (a.securityMode === 0) {
    if (!a.pskIdentity || !a.pskKey)
      return `security instance ${a.securityInstance}: PSK mode needs identity (/0/x/3) and key (/0/x/5)`;
    if (u.protocol !== 'coaps:') return `security instance ${a.securityInstance}: PSK mode needs a coaps:// URI`;
  } else if (a.securityMode === 3) {
    if (u.protocol !== 'coap:') return `security instance ${a.securityInstance}: NoSec mode needs a coap:// URI`;
  } else {
    return `security instance ${a.securityInstance}: security mode ${a.securityMode} is not supported (PSK or NoSec only)`;
  }
  if (!a.bootstrap) {
    if (a.ssid < 1 || a.ssid > 65534)
      return `security instance ${a.securityInstance}: short server ID ${a.ssid} out of range`;
    if (a.serverInstance === undefined)
      return `security instance ${a.securityInstance}: no Server instance with short server ID ${a.ssid}`;
  }
  return undefined;
}

/** The first usable LwM2M server account (lowest security instance), if any. */
export function selectServerAccount(accounts: readonly ServerAccount[]): ServerAccount | undefined {
  return accounts.find((a) => !a.bootstrap && accountProblem(a) === undefined);
}

export function selectBootstrapAccount(accounts: readonly ServerAccount[]): ServerAccount | undefined {
  return accounts.find((a) => a.bootstrap && accountProblem(a) === undefined);
}

/**
 * Bootstrap-Finish consistency (LwM2M 1.2 §6.1.7.8): at least one usable non-bootstrap account. Returns the problems
 * found, [] when consistent.
 */
export function bootstrapConsistency(accounts: readonly ServerAccount[]): string[] {
  if (selectServerAccount(accounts)) return [];
  const servers = accounts.filter((a) => !a.bootstrap);
  if (servers.length === 0) return ['no LwM2M server account (non-bootstrap Security instance)'];
  return servers.map((a) => accountProblem(a) ?? 'unusable');
}

/** Where the socket actor connects for an account. */
export function targetOf(a: ServerAccount): ServerTarget {
  const u = new URL(a.uri);
  const secure = u.protocol === 'coaps:';
  const host = u.hostname.startsWith('[') ? u.hostname.slice(1, -1) : u.hostname;
  const port = u.port === '' ? (secure ? 5684 : 5683) : Number(u.port);
  const t: ServerTarget = { ssid: a.ssid, uri: a.uri, host, port, security: a.securityMode === 0 ? 'psk' : 'nosec' };
  if (a.securityMode === 0) {
    if (a.pskIdentity !== undefined) t.pskIdentity = a.pskIdentity;
    if (a.pskKey !== undefined) t.pskKey = a.pskKey;
  }
  return t;
}

/** A loggable view of an account (no key, no identity). */
export function describeAccount(a: ServerAccount): { ssid: number; uri: string; mode: string; bootstrap: boolean } {
  return {
    ssid: a.ssid,
    uri: a.uri,
    mode: a.securityMode === 0 ? 'psk' : a.securityMode === 3 ? 'nosec' : String(a.securityMode),
    bootstrap: a.bootstrap,
  };
}
