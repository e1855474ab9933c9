// api.ts: the web page's JSON operations on one client (read, write, execute, observe, cancel, discover, create,
// delete, attributes, firmware push) over the dev-server library.
import { CodedError } from '../../errors.js';
import { formatPath } from '../../lwm2m/path.js';
import { ContentFormat, type LwRecord } from '../../lwm2m/types.js';
import type { Observation } from '../observation.js';
import type { DevServer } from '../server.js';
import type { EventHub } from './events.js';
import { parseValue, pathArg, registrationJson, resultJson } from './json.js';

export type Body = Record<string, unknown>;

const FORMATS = new Set<number>(Object.values(ContentFormat));

function formatArg(v: unknown): { format?: number } {
  if (v === undefined || v === null || v === '') return {};
  const n = Number(v);
  if (!Number.isInteger(n) || !FORMATS.has(n))
    throw new CodedError('WEB_BAD_REQUEST', `format ${JSON.stringify(v)} is not a content format this server knows`);
  return { format: n };
}

/** The page's operations; observations started from the page are kept here until cancelled or ended. */
export class WebApi {
  private readonly observations = new Map<string, Observation>();

  constructor(
    private readonly server: DevServer,
    private readonly hub: EventHub,
  ) {}

  private registration(ep: string): void {
    if (!this.server.registrations.has(ep))
      throw new CodedError('DEVSERVER_UNKNOWN_ENDPOINT', `endpoint ${ep} is not registered`);
  }

  observing(ep: string): string[] {
    return [...this.observations.values()]
      .filter((o) => o.endpoint === ep && o.active)
      .map((o) => formatPath(o.paths[0]));
  }

  clients(): Record<string, unknown>[] {
    return [...this.server.registrations.values()].map((r) => registrationJson(r, this.observing(r.endpoint)));
  }

  client(ep: string): Record<string, unknown> {
    const r = this.server.registrations.get(ep);
    if (!r) throw new CodedError('DEVSERVER_UNKNOWN_ENDPOINT', `endpoint ${ep} is not registered`);
    return registrationJson(r, this.observing(ep));
  }

  /** Runs one operation; device answers (2.xx or not) come back as results, transport failures as CodedErrors. */
  async run(ep: string, op: string, b: Body): Promise<Record<string, unknown>> {
    const s = this.server;
    const fmt = formatArg(b.format);
    switch (op) {
      case 'read': {
        const p = pathArg(b.path);
        this.registration(ep);
        return resultJson(await s.read(ep, p, fmt));
      }
      case 'discover': {
        const p = pathArg(b.path);
        this.registration(ep);
        return resultJson(await s.discover(ep, p));
      }
      case 'delete': {
        const p = pathArg(b.path);
        this.registration(ep);
        return resultJson(await s.delete(ep, p));
      }
      case 'execute': {
        const p = pathArg(b.path);
        if (b.args !== undefined && typeof b.args !== 'string')
          throw new CodedError('WEB_BAD_REQUEST', 'args must be a string');
        this.registration(ep);
        return resultJson(await s.execute(ep, p, b.args));
      }
      case 'write': {
        const p = pathArg(b.path);
        if (p.length < 3) throw new CodedError('WEB_BAD_REQUEST', 'write wants a resource path (/obj/inst/res)');
        const info = s.types.info(p[0], p[2]);
        const value = parseValue(b.value, info?.[0]);
        this.registration(ep);
        return resultJson(await s.write(ep, p, value, { ...fmt, partial: b.partial === true }));
      }
      case 'create': {
        const p = pathArg(b.path);
        if (p.length !== 1 && p.length !== 2)
          throw new CodedError('WEB_BAD_REQUEST', 'create wants an object path (/obj)');
        if (!Array.isArray(b.records))
          throw new CodedError('WEB_BAD_REQUEST', 'records must be a list of { path, value }');
        const records: LwRecord[] = (b.records as Body[]).map((r) => {
          const rp = pathArg(r.path, 'record path');
          return { path: rp, value: parseValue(r.value, rp.length >= 3 ? s.types.info(rp[0], rp[2])?.[0] : undefined) };
        });
        this.registration(ep);
        return resultJson(await s.create(ep, p, records, fmt));
      }
      case 'attributes': {
        const p = pathArg(b.path);
        const a = b.attributes;
        if (typeof a !== 'object' || a === null || Array.isArray(a))
          throw new CodedError('WEB_BAD_REQUEST', 'attributes must be an object, e.g. { "pmin": 1 }');
        for (const [k, v] of Object.entries(a)) {
          if (!/^[a-z]{2,5}$/.test(k))
            throw new CodedError('WEB_BAD_REQUEST', `attribute '${k}' is not an attribute name`);
          if (v !== null && typeof v !== 'number' && typeof v !== 'string')
            throw new CodedError('WEB_BAD_REQUEST', `attribute ${k}: number, string or null`);
        }
        this.registration(ep);
        return resultJson(await s.writeAttributes(ep, p, a as Record<string, number | string | null>));
      }
      case 'observe':
        return this.observe(ep, b, fmt);
      case 'cancel': {
        const p = pathArg(b.path);
        const key = `${ep} ${formatPath(p)}`;
        const obs = this.observations.get(key);
        if (!obs) throw new CodedError('WEB_NOT_FOUND', `no observation of ${formatPath(p)} on ${ep} from this page`);
        this.observations.delete(key);
        await obs.cancel();
        return { code: 'cancelled', ok: true };
      }
      default:
        throw new CodedError(
          'WEB_NOT_FOUND',
          `no operation '${op}' (read, write, execute, observe, cancel, discover, create, delete, attributes)`,
        );
    }
  }

  private async observe(ep: string, b: Body, fmt: { format?: number }): Promise<Record<string, unknown>> {
    const p = pathArg(b.path);
    this.registration(ep);
    const key = `${ep} ${formatPath(p)}`;
    const old = this.observations.get(key);
    if (old?.active) await old.cancel(); // one observation per path and client from the page
    const obs = await this.server.observe(ep, p, fmt);
    const result = resultJson(obs.result);
    if (obs.active) {
      this.observations.set(key, obs);
      obs.once('end', () => {
        if (this.observations.get(key) === obs) this.observations.delete(key);
        this.hub.publish({ type: 'observe-end', endpoint: ep, path: formatPath(p) });
      });
    }
    return { ...result, observing: obs.active };
  }

  /** Pushes a package block-wise (Block1) to a resource (default /5/0/0), reporting progress as 'firmware' events. */
  async firmware(ep: string, pathText: string | null, data: Uint8Array): Promise<Record<string, unknown>> {
    const p = pathArg(pathText ?? '/5/0/0');
    if (p.length !== 3) throw new CodedError('WEB_BAD_REQUEST', 'firmware push wants a resource path, e.g. /5/0/0');
    if (data.length === 0) throw new CodedError('WEB_BAD_REQUEST', 'the package is empty');
    this.registration(ep);
    const path = formatPath(p);
    let last = -1;
    const progress = (sent: number, total: number): void => {
      if (sent === last) return;
      last = sent;
      this.hub.publish({ type: 'firmware', endpoint: ep, path, sent, total });
    };
    try {
      const r = await this.server.write(ep, p, data, { format: ContentFormat.OPAQUE, onProgress: progress });
      this.hub.publish({
        type: 'firmware',
        endpoint: ep,
        path,
        sent: r.code.startsWith('2.') ? data.length : last,
        total: data.length,
        done: true,
        code: r.code,
      });
      return { ...resultJson(r), bytes: data.length };
    } catch (err) {
      this.hub.publish({
        type: 'firmware',
        endpoint: ep,
        path,
        sent: Math.max(last, 0),
        total: data.length,
        done: true,
        error: (err as Error).message,
      });
      throw err;
    }
  }

  async close(): Promise<void> {
    const all = [...this.observations.values()];
    this.observations.clear();
    await Promise.all(all.map((o) => o.cancel().catch(() => undefined)));
  }
}
