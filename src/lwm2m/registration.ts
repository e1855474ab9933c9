// registration.ts: Register / Update / De-register message parts (pure): queries, the object link payload, version
// fallback, location.
import { CodedError } from '../errors.js';
import { formatLinks, type Link } from './formats/link.js';
import type { ObjectDef } from './object-api.js';
import { ContentFormat } from './types.js';

export type Lwm2mVersion = '1.1' | '1.2';

/** What a Register carries in its query (LwM2M 1.2 Core §6.2.1). */
export interface RegistrationParams {
  endpoint: string;
  /** Lifetime in seconds. */
  lifetime: number;
  lwm2mVersion: Lwm2mVersion;
  /** Binding: 'U' (UDP), 'N' (non-IP) … */
  binding: string;
  /** Queue mode ('Q' query item, LwM2M 1.1+). */
  queueMode?: boolean;
  /** MSISDN for SMS binding, only when set. */
  sms?: string;
}

/** One object as registration lists it. */
export interface RegisteredObject {
  def: Pick<ObjectDef, 'id' | 'version'>;
  instances: readonly number[];
}

/** The Register query items: ep, lt, lwm2m, b, sms?, Q? (in this order). */
export function registerQuery(p: RegistrationParams): string[] {
  if (p.endpoint === '') throw new CodedError('REGISTRATION_INVALID', 'endpoint name is empty');
  const q = [`ep=${p.endpoint}`, `lt=${p.lifetime}`, `lwm2m=${p.lwm2mVersion}`, `b=${p.binding}`];
  if (p.sms !== undefined && p.sms !== '') q.push(`sms=${p.sms}`);
  if (p.queueMode) q.push('Q');
  return q;
}

/** The Update query: only what changed since the last Register/Update (lt, b, sms; Q is not repeated). */
export function updateQuery(prev: RegistrationParams, next: RegistrationParams): string[] {
  const q: string[] = [];
  if (prev.lifetime !== next.lifetime) q.push(`lt=${next.lifetime}`);
  if (prev.binding !== next.binding) q.push(`b=${next.binding}`);
  if ((prev.sms ?? '') !== (next.sms ?? '') && next.sms !== undefined) q.push(`sms=${next.sms}`);
  return q;
}

/**
 * The link payload: `</>;rt="oma.lwm2m";ct=110,</1>;ver=1.1,</1/0>,</3/0>,…`. Security (object 0) and OSCORE (21)
 * are never listed; an object without instances is listed by itself; versions only when not 1.0.
 */
export function objectLinks(
  objects: readonly RegisteredObject[],
  opts: { contentFormat?: number; rootPath?: string } = {},
): Link[] {
  const ct = opts.contentFormat ?? ContentFormat.SENML_CBOR;
  const root = opts.rootPath ?? '/';
  const links: Link[] = [{ target: root, params: { rt: 'oma.lwm2m', ct } }];
  const prefix = root === '/' ? '' : root.replace(/\/$/, '');
  for (const o of [...objects].sort((a, b) => a.def.id - b.def.id)) {
    if (o.def.id === 0 || o.def.id === 21) continue;
    const versioned = o.def.version !== undefined && o.def.version !== '1.0';
    const insts = [...o.instances].sort((a, b) => a - b);
    if (versioned || insts.length === 0)
      links.push({ target: `${prefix}/${o.def.id}`, params: versioned ? { ver: o.def.version! } : {} });
    for (const i of insts) links.push({ target: `${prefix}/${o.def.id}/${i}`, params: {} });
  }
  return links;
}

export function objectLinksPayload(
  objects: readonly RegisteredObject[],
  opts: { contentFormat?: number; rootPath?: string } = {},
): Uint8Array {
  return new Uint8Array(Buffer.from(formatLinks(objectLinks(objects, opts)), 'utf8'));
}

/** LwM2M version fallback: a 1.2 Register refused with 4.12 (Precondition Failed) or 4.00 is retried as 1.1. */
export function fallbackVersion(code: string, tried: Lwm2mVersion): Lwm2mVersion | undefined {
  if (tried === '1.2' && (code === '4.12' || code === '4.00')) return '1.1';
  return undefined;
}

/**
 * Checks a Register answer's Location-Path (e.g. ['rd', '5a3f']) and returns it; throws REGISTRATION_INVALID when
 * unusable.
 */
export function parseLocation(locationPath: readonly string[] | undefined): string[] {
  if (!locationPath || locationPath.length === 0)
    throw new CodedError('REGISTRATION_INVALID', 'Register answer has no Location-Path');
  for (const seg of locationPath) {
    if (seg === '' || seg === '.' || seg === '..' || seg.length > 255)
      throw new CodedError('REGISTRATION_INVALID', `Location-Path segment '${seg}' is not usable`);
  }
  return [...locationPath];
}

/** The Register request path: ['rd']. */
export const REGISTER_PATH: readonly string[] = ['rd'];
/** The Bootstrap-Request query: ep and, for 1.1+, pct (preferred content format). */
export function bootstrapQuery(endpoint: string, preferredFormat?: number): string[] {
  const q = [`ep=${endpoint}`];
  if (preferredFormat !== undefined) q.push(`pct=${preferredFormat}`);
  return q;
}
