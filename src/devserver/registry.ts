// registry.ts: the registration store (endpoint ⇄ registration id ⇄ peer), and parsing of Register/Update query
// parameters.
import { randomBytes } from 'node:crypto';
import { CodedError } from '../errors.js';
import type { Link } from '../lwm2m/formats/link.js';
import type { Peer, Registration } from './types.js';

/** Register / Update query parameters (OMA LwM2M 1.2 Transport, Registration Interface). */
export interface RegisterParams {
  ep?: string;
  lt?: number;
  lwm2m?: string;
  b?: string;
  q?: boolean;
  sms?: string;
}

/** Parses 'ep=x&lt=60&lwm2m=1.1&b=U&Q' (raw CoAP Uri-Query values, no percent-decoding). Throws REGISTER_PARAM. */
export function parseRegisterQuery(query: string): RegisterParams {
  const out: RegisterParams = {};
  for (const part of query.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const key = eq < 0 ? part : part.slice(0, eq);
    const value = eq < 0 ? undefined : part.slice(eq + 1);
    switch (key) {
      case 'ep':
        out.ep = value ?? '';
        break;
      case 'lt': {
        if (value === undefined || !/^\d{1,10}$/.test(value))
          throw new CodedError('REGISTER_PARAM', `lt=${value ?? ''} is not a number of seconds`);
        out.lt = Number(value);
        break;
      }
      case 'lwm2m':
        out.lwm2m = value ?? '';
        break;
      case 'b':
        out.b = value ?? '';
        break;
      case 'Q':
        out.q = true;
        break;
      case 'sms':
        out.sms = value ?? '';
        break;
      default:
        break; // unknown parameters are ignored (forward compatibility)
    }
  }
  return out;
}

/** The alternate root path and ct= formats of a registration payload (its `rt="oma.lwm2m"` link). */
export function rootOf(links: readonly Link[]): { rootPath: string; contentFormats: number[] } {
  const root = links.find((l) => l.params.rt === 'oma.lwm2m');
  if (!root) return { rootPath: '', contentFormats: [] };
  const ct = root.params.ct;
  const contentFormats =
    ct === undefined || ct === true
      ? []
      : String(ct)
          .replace(/"/g, '')
          .split(/\s+/)
          .filter((x) => /^\d+$/.test(x))
          .map(Number);
  const rootPath = root.target.replace(/\/+$/, '');
  return { rootPath, contentFormats };
}

/** Splits a request URL ('/rd/x?ep=a') into path segments and the raw query. */
export function splitUrl(url: string): { segments: string[]; query: string } {
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  return { segments: path.split('/').filter((s) => s !== ''), query: q < 0 ? '' : url.slice(q + 1) };
}

export class Registry {
  private readonly byEndpoint = new Map<string, Registration>();
  private readonly byId = new Map<string, string>();

  constructor(private readonly now: () => number) {}

  /** Adds a registration (replacing any previous one of the same endpoint, as Leshan does). */
  register(ep: string, p: RegisterParams, links: Link[], peer: Peer): Registration {
    const old = this.byEndpoint.get(ep);
    if (old) this.byId.delete(old.id);
    let id = randomBytes(5).toString('hex');
    while (this.byId.has(id)) id = randomBytes(5).toString('hex');
    const t = this.now();
    const b = p.b ?? 'U';
    const reg: Registration = {
      endpoint: ep,
      id,
      location: `/rd/${id}`,
      lifetime: p.lt ?? 86400,
      binding: b,
      lwm2mVersion: p.lwm2m ?? '1.0',
      queueMode: p.q === true || b.includes('Q'),
      links,
      ...rootOf(links),
      peer: { ...peer },
      registeredAt: t,
      lastUpdate: t,
      lastSeen: t,
    };
    if (p.sms !== undefined) reg.sms = p.sms;
    this.byEndpoint.set(ep, reg);
    this.byId.set(id, ep);
    return reg;
  }

  /** Applies an Update; undefined when the id is unknown or the registration has expired (then it is removed). */
  update(id: string, p: RegisterParams, links: Link[] | undefined, peer: Peer): Registration | undefined {
    const reg = this.byRegistrationId(id);
    if (!reg) return undefined;
    if (this.expired(reg)) {
      this.remove(id);
      return undefined;
    }
    if (p.lt !== undefined) reg.lifetime = p.lt;
    if (p.b !== undefined) reg.binding = p.b;
    if (p.q !== undefined) reg.queueMode = p.q;
    if (p.sms !== undefined) reg.sms = p.sms;
    if (links !== undefined) Object.assign(reg, { links }, rootOf(links));
    reg.peer = { ...peer };
    reg.lastUpdate = this.now();
    reg.lastSeen = reg.lastUpdate;
    return reg;
  }

  remove(id: string): Registration | undefined {
    const reg = this.byRegistrationId(id);
    if (!reg) return undefined;
    this.byId.delete(id);
    this.byEndpoint.delete(reg.endpoint);
    return reg;
  }

  /** Drops an endpoint's registration silently (its next Update gets 4.04). */
  forget(ep: string): boolean {
    const reg = this.byEndpoint.get(ep);
    if (!reg) return false;
    this.remove(reg.id);
    return true;
  }

  expired(reg: Registration): boolean {
    return this.now() > reg.lastUpdate + reg.lifetime * 1000;
  }

  /** Removes every registration whose lifetime ran out; returns them. */
  sweep(): Registration[] {
    const gone = [...this.byEndpoint.values()].filter((r) => this.expired(r));
    for (const r of gone) this.remove(r.id);
    return gone;
  }

  get(ep: string): Registration | undefined {
    return this.byEndpoint.get(ep);
  }

  byRegistrationId(id: string): Registration | undefined {
    const ep = this.byId.get(id);
    return ep === undefined ? undefined : this.byEndpoint.get(ep);
  }

  byPeer(peer: Peer): Registration | undefined {
    for (const reg of this.byEndpoint.values())
      if (reg.peer.address === peer.address && reg.peer.port === peer.port) return reg;
    return undefined;
  }

  /** Live view: endpoint → registration. */
  all(): ReadonlyMap<string, Registration> {
    return this.byEndpoint;
  }
}
