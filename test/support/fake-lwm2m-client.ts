// fake-lwm2m-client.ts: a tiny LwM2M "client" on node-coap for dev server tests: one socket both registers and answers
// the server (not to be confused with client-fakes.ts, the fake peers of the client actor).
import { Agent, createServer, type IncomingMessage, type OutgoingMessage, type Server } from 'coap';
import type { Socket } from 'node:dgram';

export interface SeenRequest {
  method: string;
  url: string;
  code: string;
  headers: Record<string, unknown>;
  payload: Buffer;
  from: { address: string; port: number };
  observe: unknown;
}

/** Answers a request; return false to leave it to the default (4.04). */
export type Handler = (req: IncomingMessage, res: OutgoingMessage) => boolean | void;

export interface ClientAnswer {
  code: string;
  location: string | undefined;
  payload: Buffer;
}

export class FakeClient {
  readonly seen: SeenRequest[] = [];
  /** Datagrams that reached the client's socket (blocks, ACKs, everything). */
  datagrams = 0;
  handler: Handler = () => false;
  private constructor(
    private readonly server: Server,
    private readonly agent: Agent,
    readonly port: number,
  ) {}

  static async start(): Promise<FakeClient> {
    const server = createServer({ type: 'udp4' });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const socket = server._sock as Socket;
    const agent = new Agent({ socket });
    const c = new FakeClient(server, agent, socket.address().port);
    socket.on('message', () => {
      c.datagrams++;
    });
    server.on('request', (req: IncomingMessage, res: OutgoingMessage) => {
      c.seen.push({
        method: req.method,
        url: req.url,
        code: req.code,
        headers: { ...req.headers },
        payload: req.payload,
        from: { address: req.rsinfo.address, port: req.rsinfo.port },
        observe: req.headers.Observe,
      });
      if (c.handler(req, res) === true) return;
      res.code = '4.04';
      res.end();
    });
    return c;
  }

  /** Sends a request from the client's one socket. */
  request(
    port: number,
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    pathname: string,
    query?: string,
    payload?: Buffer,
    contentFormat?: number,
  ): Promise<ClientAnswer> {
    return new Promise((resolve, reject) => {
      const req = this.agent.request({
        host: '127.0.0.1',
        port,
        method,
        pathname,
        ...(query !== undefined ? { query } : {}),
        ...(contentFormat !== undefined ? { contentFormat } : {}),
      });
      req.on('response', (res: IncomingMessage) => {
        const loc = (res._packet.options ?? []).filter((o) => o.name === 'Location-Path').map((o) => String(o.value));
        resolve({ code: res.code, location: loc.length > 0 ? '/' + loc.join('/') : undefined, payload: res.payload });
      });
      req.on('error', reject);
      req.on('timeout', reject);
      req.end(payload);
    });
  }

  async register(
    port: number,
    ep: string,
    links = '</1/0>,</3/0>',
    query = 'lt=60&lwm2m=1.1&b=U',
  ): Promise<ClientAnswer> {
    return this.request(port, 'POST', '/rd', `ep=${ep}&${query}`, Buffer.from(links), 40);
  }

  async close(): Promise<void> {
    this.agent.close();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
