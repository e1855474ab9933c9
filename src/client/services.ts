// services.ts: what the client's invoked services do, as messages to its peers (socket, modem, object:N, store); no
// sockets or timers here.
import type { CoapIncomingResponse, CoapOutgoingRequest } from '../coap/api.js';
import { CodedError } from '../errors.js';
import { encode, untypedContext } from '../lwm2m/formats/index.js';
import { parseLinks } from '../lwm2m/formats/link.js';
import { pathFromSegments } from '../lwm2m/path.js';
import {
  bootstrapQuery,
  fallbackVersion,
  objectLinksPayload,
  parseLocation,
  registerQuery,
  REGISTER_PATH,
  updateQuery,
  type Lwm2mVersion,
  type RegisteredObject,
} from '../lwm2m/registration.js';
import { ContentFormat, type LwRecord, type Path } from '../lwm2m/types.js';
import { ActorNames, type AnyEvent, type AnyRequest, type ReplyOf } from '../messages/index.js';
import { accountsFromRecords, targetOf, type ServerAccount } from './accounts.js';
import type { ResolvedClientConfig } from './config-schema.js';
import { parsePersisted, REGISTRATION_KEY, type PersistedRegistration } from './persisted.js';
import { statusError } from './failure.js';

/** The slice of the actor context the services use, typed by the message map (tests can fake exactly this). */
export interface ClientIo {
  request<M extends AnyRequest>(to: string, msg: M, opts?: { timeoutMs?: number }): Promise<ReplyOf<M['type']>>;
  send(to: string, msg: AnyEvent): void;
  store: {
    read<T = unknown>(key: string): Promise<T | undefined>;
    write(key: string, value: unknown): Promise<void>;
    remove(key: string): Promise<void>;
  };
  /** Wall clock in epoch ms (registration time stamps). */
  now(): number;
}

/** A Send request waiting in the client's buffer. */
export interface SendItem {
  records?: LwRecord[];
  paths?: Path[];
}

/**
 * CoAP exchanges can take up to EXCHANGE_LIFETIME (~247 s) with retransmissions; the socket answers COAP_TIMEOUT
 * itself.
 */
const COAP_TIMEOUT_MS = 300_000;
const MODEM_TIMEOUT_MS = 300_000;

const ok2 = (code: string): boolean => code.startsWith('2.');

/** What a Registration Update refreshes in the stored registration (the firmware's /5/0/5 codes are `UpdateResult`). */
export interface RegistrationRefresh {
  refreshedAt: number;
  lifetime: number;
  binding: string;
}

export interface RegisterResult {
  location: string[];
  lifetime: number;
  binding: string;
  lwm2mVersion: Lwm2mVersion;
  refreshedAt: number;
}

/**
 * Binding and queue mode for an account: object 1's /1/x/7 wins over config; 'Q' there or `queueMode` means queue mode.
 */
export function bindingOf(account: ServerAccount, cfg: ResolvedClientConfig): { binding: string; queueMode: boolean } {
  const raw = account.binding ?? cfg.binding;
  const queueMode = raw.includes('Q') || cfg.queueMode;
  const binding = raw.replace(/Q/g, '') || 'U';
  return { binding, queueMode };
}

export function lifetimeOf(account: ServerAccount, cfg: ResolvedClientConfig): number {
  return account.lifetime !== undefined && account.lifetime > 0 ? account.lifetime : cfg.lifetime;
}

/** `socket`: the socket actor this client talks through ('socket', or 'socket:<ssid>' for a further LwM2M server). */
export function makeClientServices(io: ClientIo, cfg: ResolvedClientConfig, socket = 'socket') {
  const coap = (req: CoapOutgoingRequest): Promise<CoapIncomingResponse> =>
    io.request(socket, { type: 'coap.send', req }, { timeoutMs: COAP_TIMEOUT_MS });

  /** Reads objects 0 and 1 from their actors (Bootstrap semantics: object 0 is not readable by servers). */
  async function loadAccounts(): Promise<ServerAccount[]> {
    const records: LwRecord[] = [];
    for (const oid of [0, 1]) {
      try {
        const r = await io.request(ActorNames.object(oid), {
          type: 'object.request',
          op: 'read-records',
          path: [oid],
          paths: [[oid]],
          serverId: 0,
          bootstrap: true,
        });
        if (ok2(r.code) && r.records) records.push(...r.records);
      } catch {
        // an object actor that is not there means no accounts from it
      }
    }
    return accountsFromRecords(records);
  }

  async function loadRegistration(): Promise<PersistedRegistration | undefined> {
    try {
      return parsePersisted(await io.store.read(REGISTRATION_KEY));
    } catch {
      return undefined;
    }
  }

  async function saveRegistration(reg: PersistedRegistration | undefined): Promise<void> {
    if (reg) await io.store.write(REGISTRATION_KEY, reg);
    else await io.store.remove(REGISTRATION_KEY);
  }

  /** Instances (and version) of each configured object, via Discover on object:N. */
  async function registeredObjects(): Promise<RegisteredObject[]> {
    const out: RegisteredObject[] = [];
    for (const oid of cfg.objects) {
      if (oid === 0 || oid === 21) continue;
      try {
        const r = await io.request(ActorNames.object(oid), { type: 'object.request', op: 'discover', path: [oid] });
        if (!ok2(r.code)) continue;
        const links = parseLinks(Buffer.from(r.payload ?? new Uint8Array()).toString('utf8'));
        const instances = new Set<number>();
        let version: string | undefined;
        for (const l of links) {
          const p = pathFromSegments(l.target.split('/').filter((s) => s !== ''));
          if (p.length === 1 && p[0] === oid && l.params.ver !== undefined) version = String(l.params.ver);
          if (p.length === 2 && p[0] === oid) instances.add(p[1]);
        }
        out.push({ def: version === undefined ? { id: oid } : { id: oid, version }, instances: [...instances] });
      } catch {
        // object actor absent: not registered
      }
    }
    return out;
  }

  async function linksPayload(): Promise<Uint8Array> {
    return objectLinksPayload(await registeredObjects(), { contentFormat: cfg.preferredFormat });
  }

  async function openSocket(account: ServerAccount): Promise<void> {
    await io.request(socket, { type: 'socket.open', server: targetOf(account) }, { timeoutMs: COAP_TIMEOUT_MS });
  }

  async function register(account: ServerAccount, version: Lwm2mVersion): Promise<RegisterResult> {
    const { binding, queueMode } = bindingOf(account, cfg);
    const lifetime = lifetimeOf(account, cfg);
    const query = registerQuery({ endpoint: cfg.endpoint, lifetime, lwm2mVersion: version, binding, queueMode });
    const res = await coap({
      method: 'POST',
      path: [...REGISTER_PATH],
      query,
      contentFormat: ContentFormat.LINK,
      payload: await linksPayload(),
    });
    if (res.code !== '2.01') {
      const fb = fallbackVersion(res.code, version);
      throw new CodedError(
        'LWM2M_STATUS',
        `Register answered ${res.code}`,
        fb ? { status: res.code, fallback: fb } : { status: res.code },
      );
    }
    return {
      location: parseLocation(res.locationPath),
      lifetime,
      binding: queueMode ? `${binding}Q` : binding,
      lwm2mVersion: version,
      refreshedAt: io.now(),
    };
  }

  /**
   * Registration Update. Object 1 is read again: a lifetime or binding the server wrote since (/1/x/1, /1/x/7) goes
   * into the query (lt=, b=) and into the stored registration.
   */
  async function update(reg: PersistedRegistration, withLinks: boolean): Promise<RegistrationRefresh> {
    const current = (await loadAccounts()).find((a) => !a.bootstrap && a.ssid === reg.ssid && a.uri === reg.serverUri);
    const prevB = { binding: reg.binding.replace(/Q/g, '') || 'U', queueMode: reg.binding.includes('Q') };
    const nextB = current ? bindingOf(current, cfg) : prevB;
    const lifetime = current ? lifetimeOf(current, cfg) : reg.lifetime;
    const query = updateQuery(
      {
        endpoint: cfg.endpoint,
        lifetime: reg.lifetime,
        lwm2mVersion: reg.lwm2mVersion,
        binding: prevB.binding,
        queueMode: prevB.queueMode,
      },
      {
        endpoint: cfg.endpoint,
        lifetime,
        lwm2mVersion: reg.lwm2mVersion,
        binding: nextB.binding,
        queueMode: nextB.queueMode,
      },
    );
    const req: CoapOutgoingRequest = { method: 'POST', path: [...reg.location] };
    if (query.length > 0) req.query = query;
    if (withLinks) {
      req.contentFormat = ContentFormat.LINK;
      req.payload = await linksPayload();
    }
    const res = await coap(req);
    if (!ok2(res.code)) throw statusError('Update', res.code);
    return { refreshedAt: io.now(), lifetime, binding: nextB.queueMode ? `${nextB.binding}Q` : nextB.binding };
  }

  async function deregister(reg: PersistedRegistration): Promise<void> {
    const res = await coap({ method: 'DELETE', path: [...reg.location] });
    if (!ok2(res.code) && res.code !== '4.04') throw statusError('De-register', res.code);
  }

  async function bootstrapRequest(): Promise<void> {
    const res = await coap({ method: 'POST', path: ['bs'], query: bootstrapQuery(cfg.endpoint, cfg.preferredFormat) });
    if (!ok2(res.code)) throw statusError('Bootstrap-Request', res.code);
  }

  /**
   * Whether the network is up now (the modem may have published network.up before this actor started).
   * No modem actor: the host's own network, taken as up. No answer: unknown (wait for network.up).
   */
  async function networkStatus(): Promise<boolean | undefined> {
    try {
      const r = await io.request(ActorNames.modem, { type: 'modem.status' }, { timeoutMs: 5000 });
      return r.up === true;
    } catch (err) {
      return err instanceof CodedError && err.code === 'ACTOR_UNAVAILABLE' ? true : undefined;
    }
  }

  async function reconnectModem(): Promise<void> {
    await io.request(ActorNames.modem, { type: 'modem.reconnect' }, { timeoutMs: MODEM_TIMEOUT_MS });
  }

  /** Current values at paths, read from the owning object actors. */
  async function readPaths(paths: readonly Path[]): Promise<LwRecord[]> {
    const out: LwRecord[] = [];
    const byObject = new Map<number, Path[]>();
    for (const p of paths) byObject.set(p[0], [...(byObject.get(p[0]) ?? []), p]);
    for (const [oid, ps] of byObject) {
      const r = await io.request(ActorNames.object(oid), {
        type: 'object.request',
        op: 'read-records',
        path: [oid],
        paths: ps.map((p) => [...p]),
      });
      if (ok2(r.code) && r.records) out.push(...r.records);
    }
    return out;
  }

  /** LwM2M Send (POST /dp) of one item; resolves with the server's code. */
  async function sendOne(item: SendItem): Promise<string> {
    const records = [...(item.records ?? []), ...(item.paths ? await readPaths(item.paths) : [])];
    const payload = encode(cfg.sendFormat, records, untypedContext([]));
    const res = await coap({ method: 'POST', path: ['dp'], contentFormat: cfg.sendFormat, payload });
    return res.code;
  }

  return {
    loadAccounts,
    loadRegistration,
    saveRegistration,
    networkStatus,
    openSocket,
    register,
    update,
    deregister,
    bootstrapRequest,
    reconnectModem,
    sendOne,
  };
}
export type ClientServices = ReturnType<typeof makeClientServices>;
