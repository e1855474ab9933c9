// server.ts: the dev server's web page: node:http serving the static page, the JSON API and the SSE feed (loopback by
// default).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CodedError } from '../../errors.js';
import type { ObjectDef } from '../../lwm2m/object-api.js';
import { log as rootLog, type Logger } from '../../runtime/log.js';
import type { DevServer } from '../server.js';
import { WebApi, type Body } from './api.js';
import { WebPull } from './pull.js';
import { buildCatalog, pluginDefs } from './catalog.js';
import { typesFromDefs } from '../model.js';
import type { PluginsConfig } from '../../plugins/config-schema.js';
import { EventHub } from './events.js';
import { readStatic } from './static.js';

export interface WebOptions {
  /** Address to bind (default 127.0.0.1: reach it from elsewhere through an SSH tunnel). */
  host?: string;
  /** TCP port (default 8080; 0 = ephemeral). */
  port?: number;
  /** Object definitions beyond the built-ins (e.g. DDF files) that name objects and resources in the page. */
  defs?: readonly ObjectDef[];
  /**
   * Plugins whose object definitions name things in the page and decode their TLV (only objects the dev server's type
   * table lacks are added to it); default: the package's default-enabled plugins; false: none.
   */
  plugins?: Partial<PluginsConfig> | false;
  /** Largest firmware package accepted, bytes (default 32 MiB). */
  maxUploadBytes?: number;
  log?: Logger;
}

const MAX_JSON = 64 * 1024;

/** HTTP status for an error code: bad input 400, unknown things 404, device silent 504, other device trouble 502. */
function statusOf(code: string): number {
  if (
    code === 'WEB_BAD_REQUEST' ||
    code === 'WEB_BAD_VALUE' ||
    code.startsWith('FORMAT_') ||
    code.startsWith('PATH_') ||
    code.startsWith('ENCODE')
  )
    return 400;
  if (code === 'WEB_NOT_FOUND' || code === 'DEVSERVER_UNKNOWN_ENDPOINT') return 404;
  if (code === 'WEB_TOO_LARGE') return 413;
  if (code === 'DEVSERVER_TIMEOUT') return 504;
  if (code === 'DEVSERVER_CLOSED') return 503;
  return 502;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(text);
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let n = 0;
    req.on('data', (c: Buffer) => {
      n += c.length;
      if (n > limit) {
        reject(new CodedError('WEB_TOO_LARGE', `request body over ${limit} bytes`));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

async function jsonBody(req: IncomingMessage): Promise<Body> {
  const raw = (await readBody(req, MAX_JSON)).toString('utf8');
  if (raw.trim() === '') return {};
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch (err) {
    throw new CodedError('WEB_BAD_REQUEST', `body is not JSON: ${(err as Error).message}`);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw new CodedError('WEB_BAD_REQUEST', 'body must be a JSON object');
  return v as Body;
}

export class WebServer {
  private constructor(
    private readonly http: Server,
    private readonly api: WebApi,
    private readonly hub: EventHub,
    private readonly pull: WebPull,
  ) {}

  /** Serves the page for a running dev server; resolves once it listens. */
  static async start(dev: DevServer, o: WebOptions = {}): Promise<WebServer> {
    const log = (o.log ?? rootLog).child({ mod: 'devserver-web' });
    const hub = new EventHub(dev);
    const api = new WebApi(dev, hub);
    const pull = new WebPull(dev, hub);
    const fromPlugins = o.plugins === false ? [] : await pluginDefs(o.plugins, log);
    const unknown = fromPlugins.filter((d) => dev.types.info(d.id, d.resources[0]?.id ?? 0) === undefined);
    dev.types.add(typesFromDefs(unknown));
    const catalog = JSON.stringify(buildCatalog([...(o.defs ?? []), ...fromPlugins]));
    const maxUpload = o.maxUploadBytes ?? 32 * 1024 * 1024;
    const http = createServer((req, res) => {
      route(req, res).catch((err: unknown) => {
        const code = err instanceof CodedError ? err.code : 'WEB_INTERNAL';
        const status = err instanceof CodedError ? statusOf(code) : 500;
        if (status === 500) log.error({ err, url: req.url }, 'web request failed');
        if (!res.headersSent) send(res, status, { error: { code, message: (err as Error).message } });
        else res.end();
      });
    });
    const route = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
      const url = new URL(req.url ?? '/', 'http://page');
      const parts = url.pathname
        .split('/')
        .filter((x) => x !== '')
        .map((x) => decodeURIComponent(x));
      const method = req.method ?? 'GET';
      if (parts[0] !== 'api') {
        if (method !== 'GET' && method !== 'HEAD')
          throw new CodedError('WEB_NOT_FOUND', `${method} ${url.pathname}: not here`);
        const file = readStatic(parts.length === 0 ? 'index.html' : parts.join('/'));
        if (!file) throw new CodedError('WEB_NOT_FOUND', `${url.pathname}: no such file`);
        res.writeHead(200, { 'content-type': file.type, 'cache-control': 'no-cache' });
        res.end(method === 'HEAD' ? undefined : file.body);
        return;
      }
      const [, what, ep, op] = parts;
      if (what === 'events' && parts.length === 2 && method === 'GET') {
        hub.attach(res);
        return;
      }
      if (what === 'model' && parts.length === 2 && method === 'GET') {
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
        res.end(catalog);
        return;
      }
      if (what === 'clients' && parts.length === 2 && method === 'GET') {
        send(res, 200, api.clients());
        return;
      }
      if (what === 'clients' && parts.length === 3 && method === 'GET') {
        send(res, 200, api.client(ep));
        return;
      }
      if (what === 'clients' && parts.length === 4 && op === 'firmware-pull' && method === 'POST') {
        const data = await readBody(req, maxUpload);
        const q = url.searchParams;
        send(res, 200, await pull.pull(ep, q.get('name'), q.get('via'), Uint8Array.from(data)));
        return;
      }
      if (what === 'clients' && parts.length === 4 && op === 'firmware' && method === 'POST') {
        const data = await readBody(req, maxUpload);
        send(res, 200, await api.firmware(ep, url.searchParams.get('path'), Uint8Array.from(data)));
        return;
      }
      if (what === 'clients' && parts.length === 4 && method === 'POST') {
        send(res, 200, await api.run(ep, op, await jsonBody(req)));
        return;
      }
      throw new CodedError('WEB_NOT_FOUND', `${method} ${url.pathname}: no such API (see docs/devserver.md)`);
    };
    await new Promise<void>((resolve, reject) => {
      http.once('error', (err) =>
        reject(
          new CodedError(
            'DEVSERVER_WEB_BIND',
            `cannot bind ${o.host ?? '127.0.0.1'}:${o.port ?? 8080}: ${err.message}`,
            undefined,
            { cause: err },
          ),
        ),
      );
      http.listen(o.port ?? 8080, o.host ?? '127.0.0.1', () => resolve());
    });
    const host = o.host ?? '127.0.0.1';
    if (host !== '127.0.0.1' && host !== '::1' && host !== 'localhost') {
      log.warn(
        { code: 'DEVSERVER_WEB_EXPOSED', host },
        `web page bound to ${host}: it has no authentication, anyone who reaches it can write to and push firmware to the devices`,
      );
    }
    dev.once('closed', () => hub.close());
    return new WebServer(http, api, hub, pull);
  }

  get port(): number {
    return (this.http.address() as AddressInfo).port;
  }
  get address(): string {
    return (this.http.address() as AddressInfo).address;
  }
  /** http:// URL of the page (loopback address when bound to all interfaces). */
  get url(): string {
    const a = this.address === '0.0.0.0' ? '127.0.0.1' : this.address === '::' ? '::1' : this.address;
    return `http://${a.includes(':') ? `[${a}]` : a}:${this.port}/`;
  }

  async close(): Promise<void> {
    await this.api.close();
    await this.pull.close();
    this.hub.close();
    this.http.closeAllConnections();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }
}

/** Starts the web page for a dev server (see WebOptions). */
export function startWebServer(dev: DevServer, o: WebOptions = {}): Promise<WebServer> {
  return WebServer.start(dev, o);
}
