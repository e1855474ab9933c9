// hostile-server.ts: an LwM2M server written for adversarial tests on a raw UDP socket (coap-packet codec): it answers
// the device's Register / Update / Send / Bootstrap, then sends it any request or any bytes.
import { createSocket, type RemoteInfo } from 'node:dgram';
import { randomBytes } from 'node:crypto';
import { generate, parse, type CoapMethod, type ParsedPacket } from 'coap-packet';
import { waitUntilFound } from './poll.js';
import type { DatagramTransport } from './datagram-transport.js';

/** A request the device sent to this server, with the device's address. */
export interface DeviceRequest {
  packet: ParsedPacket;
  method: string;
  path: string;
  query: string[];
  from: { address: string; port: number };
  at: number;
}

/** A response (or any non-request datagram) the device sent. */
export interface DeviceResponse {
  packet: ParsedPacket;
  code: string;
  token: Buffer;
  payload: Buffer;
  /** Observe sequence number, when the option is present. */
  observe?: number;
  contentFormat?: number;
  from: { address: string; port: number };
}

export interface HostileRequest {
  method: CoapMethod;
  /** '/3/0/0' style; '' or '/' for the root. */
  path: string;
  query?: string[];
  contentFormat?: number;
  accept?: number;
  /** 0 registers, 1 cancels. */
  observe?: 0 | 1;
  payload?: Buffer;
  token?: Buffer;
  /** CON by default. */
  confirmable?: boolean;
  /** Extra raw options (numbers or coap-packet names). */
  options?: { name: string | number; value: Buffer }[];
  timeoutMs?: number;
}

type Answer = (
  req: DeviceRequest,
) => { code: string; options?: { name: string; value: Buffer }[]; payload?: Buffer } | undefined;

function uint(n: number): Buffer {
  if (n === 0) return Buffer.alloc(0);
  const b: number[] = [];
  while (n > 0) {
    b.unshift(n & 0xff);
    n = Math.floor(n / 256);
  }
  return Buffer.from(b);
}

function readUint(b: Buffer): number {
  let n = 0;
  for (const x of b) n = n * 256 + x;
  return n;
}

function optionValues(p: ParsedPacket, name: string | number): Buffer[] {
  return p.options.filter((o) => o.name === name).map((o) => o.value);
}

const METHOD_CODES = new Set([
  '0.01',
  '0.02',
  '0.03',
  '0.04',
  '0.05',
  '0.06',
  '0.07',
  'GET',
  'POST',
  'PUT',
  'DELETE',
  'FETCH',
  'PATCH',
  'iPATCH',
]);
const METHOD_NAMES: Record<string, string> = {
  '0.01': 'GET',
  '0.02': 'POST',
  '0.03': 'PUT',
  '0.04': 'DELETE',
  '0.05': 'FETCH',
  '0.06': 'PATCH',
  '0.07': 'iPATCH',
};

export class HostileServer {
  readonly requests: DeviceRequest[] = [];
  readonly responses: DeviceResponse[] = [];
  /** Every datagram from the device, raw. */
  readonly datagrams: { data: Buffer; from: RemoteInfo }[] = [];
  /** The device's address, learnt from its last Register / Update / Bootstrap-Request. */
  device: { address: string; port: number } | undefined;
  private readonly waiters = new Set<() => void>();
  private mid = Math.floor(Math.random() * 0xffff);
  private regSeq = 0;
  private answer: Answer | undefined;
  private readonly rejected = new Set<string>();

  private constructor(private readonly sock: DatagramTransport) {
    sock.on('message', (data, from) => this.onDatagram(data, from));
  }

  /** On a fresh loopback UDP socket, or on the given transport (e.g. a DtlsPskServer: the same server over DTLS). */
  static async start(opts: { transport?: DatagramTransport } = {}): Promise<HostileServer> {
    if (opts.transport) return new HostileServer(opts.transport);
    const sock = createSocket('udp4');
    await new Promise<void>((resolve) => sock.bind(0, '127.0.0.1', resolve));
    return new HostileServer(sock);
  }

  get port(): number {
    return this.sock.address().port;
  }

  get uri(): string {
    return `${this.sock.scheme ?? 'coap'}://127.0.0.1:${this.port}`;
  }

  /**
   * From now on, every CON or NON message with this token (a notification) is answered with RST: the observer forgot it
   * (RFC 7641 §3.6).
   */
  rejectToken(token: Buffer): void {
    this.rejected.add(token.toString('hex'));
  }

  /** Overrides the default answers (return undefined to fall back to them). */
  onRequest(answer: Answer | undefined): void {
    this.answer = answer;
  }

  private onDatagram(data: Buffer, from: RemoteInfo): void {
    this.datagrams.push({ data, from });
    let p: ParsedPacket;
    try {
      p = parse(data);
    } catch {
      this.wake();
      return;
    }
    const addr = { address: from.address, port: from.port };
    if (METHOD_CODES.has(p.code)) {
      const path =
        '/' +
        optionValues(p, 'Uri-Path')
          .map((v) => v.toString())
          .join('/');
      const req: DeviceRequest = {
        packet: p,
        method: METHOD_NAMES[p.code] ?? p.code,
        path,
        query: optionValues(p, 'Uri-Query').map((v) => v.toString()),
        from: addr,
        at: Date.now(),
      };
      this.requests.push(req);
      this.reply(req);
    } else {
      const obs = optionValues(p, 'Observe')[0];
      const cf = optionValues(p, 'Content-Format')[0];
      this.responses.push({
        packet: p,
        code: p.code,
        token: p.token,
        payload: p.payload,
        from: addr,
        ...(obs !== undefined ? { observe: readUint(obs) } : {}),
        ...(cf !== undefined ? { contentFormat: readUint(cf) } : {}),
      });
      // a CON response (separate response, CON notification) is acknowledged, or rejected with RST (the token was
      // refused)
      if (this.rejected.has(p.token.toString('hex')) && !p.ack) {
        this.sock.send(
          generate({ messageId: p.messageId, reset: true, code: '0.00', token: Buffer.alloc(0) }),
          from.port,
          from.address,
        );
      } else if (p.confirmable)
        this.sock.send(
          generate({ messageId: p.messageId, ack: true, code: '0.00', token: Buffer.alloc(0) }),
          from.port,
          from.address,
        );
    }
    this.wake();
  }

  private reply(req: DeviceRequest): void {
    const custom = this.answer?.(req);
    let code = '4.04';
    let options: { name: string; value: Buffer }[] = [];
    let payload: Buffer = Buffer.alloc(0);
    if (custom) {
      code = custom.code;
      options = custom.options ?? [];
      payload = custom.payload ?? payload;
    } else if (req.method === 'POST' && req.path === '/rd') {
      this.device = req.from;
      code = '2.01';
      options = [
        { name: 'Location-Path', value: Buffer.from('rd') },
        { name: 'Location-Path', value: Buffer.from(`h${++this.regSeq}`) },
      ];
    } else if (req.method === 'POST' && req.path.startsWith('/rd/')) {
      this.device = req.from;
      code = '2.04';
    } else if (req.method === 'DELETE' && req.path.startsWith('/rd/')) {
      code = '2.02';
    } else if (req.method === 'POST' && req.path === '/dp') {
      code = '2.04';
    } else if (req.method === 'POST' && req.path === '/bs') {
      this.device = req.from;
      code = '2.04';
    }
    if (!req.packet.confirmable && custom === undefined) return;
    const res = req.packet.confirmable
      ? {
          messageId: req.packet.messageId,
          ack: true,
          code,
          token: req.packet.token,
          options: options as never,
          payload,
        }
      : {
          messageId: this.nextMid(),
          confirmable: false,
          code,
          token: req.packet.token,
          options: options as never,
          payload,
        };
    this.sock.send(generate(res), req.from.port, req.from.address);
  }

  private nextMid(): number {
    this.mid = (this.mid + 1) & 0xffff;
    return this.mid;
  }

  private wake(): void {
    for (const w of [...this.waiters]) w();
  }

  /**
   * Resolves with the first item of list() from index `from` that matches, already there or arriving within timeoutMs.
   */
  private waitIn<T>(list: () => T[], pred: (x: T) => boolean, timeoutMs: number, what: string, from = 0): Promise<T> {
    // Scans only what arrived since the last look: thousands of requests in flight stay linear.
    let seen = from;
    const scan = (): T | undefined => {
      const l = list();
      for (; seen < l.length; seen++) if (pred(l[seen])) return l[seen];
      return undefined;
    };
    return waitUntilFound(
      this.waiters,
      scan,
      timeoutMs,
      () =>
        new Error(
          `hostile server: timed out waiting for ${what} (${this.requests.length} requests, ${this.responses.length} responses seen)`,
        ),
    );
  }

  waitForRequest(pred: (r: DeviceRequest) => boolean, timeoutMs = 20_000, what = 'a request'): Promise<DeviceRequest> {
    return this.waitIn(() => this.requests, pred, timeoutMs, what);
  }

  /** The device's next Register from now on (or an earlier one when `since` is 0). */
  async waitForRegister(timeoutMs = 30_000, since = this.requests.length): Promise<DeviceRequest> {
    return this.waitIn(
      () => this.requests,
      (r) => r.method === 'POST' && r.path === '/rd',
      timeoutMs,
      'a Register',
      since,
    );
  }

  waitForResponse(
    pred: (r: DeviceResponse) => boolean,
    timeoutMs = 10_000,
    what = 'a response',
  ): Promise<DeviceResponse> {
    return this.waitIn(() => this.responses, pred, timeoutMs, what);
  }

  /** Like waitForResponse, looking only at responses from index `since` on. */
  waitForResponseSince(
    since: number,
    pred: (r: DeviceResponse) => boolean,
    timeoutMs = 10_000,
    what = 'a response',
  ): Promise<DeviceResponse> {
    return this.waitIn(() => this.responses, pred, timeoutMs, what, since);
  }

  private target(): { address: string; port: number } {
    if (!this.device) throw new Error('hostile server: the device has not registered yet');
    return this.device;
  }

  /** Sends a datagram as is to the device. */
  sendRaw(data: Buffer): void {
    const to = this.target();
    this.sock.send(data, to.port, to.address);
  }

  /** Encodes a request (coap-packet) without sending it; token and message ID are filled in. */
  encode(req: HostileRequest): { data: Buffer; token: Buffer; messageId: number } {
    const token = req.token ?? randomBytes(4);
    const messageId = this.nextMid();
    const options: { name: string | number; value: Buffer }[] = [];
    if (req.observe !== undefined) options.push({ name: 'Observe', value: uint(req.observe) });
    for (const seg of req.path.split('/').filter((s) => s !== ''))
      options.push({ name: 'Uri-Path', value: Buffer.from(seg) });
    if (req.contentFormat !== undefined) options.push({ name: 'Content-Format', value: uint(req.contentFormat) });
    for (const q of req.query ?? []) options.push({ name: 'Uri-Query', value: Buffer.from(q) });
    if (req.accept !== undefined) options.push({ name: 'Accept', value: uint(req.accept) });
    options.push(...(req.options ?? []));
    const payload = req.payload ?? Buffer.alloc(0);
    // coap-packet refuses datagrams over 1280 bytes; a hostile server sends them anyway (marker 0xff, then the
    // payload).
    const big = payload.length > 1024;
    const head = generate({
      messageId,
      token,
      code: req.method,
      confirmable: req.confirmable ?? true,
      options: options,
      payload: big ? Buffer.alloc(0) : payload,
    });
    const data = big ? Buffer.concat([head, Buffer.from([0xff]), payload]) : head;
    return { data, token, messageId };
  }

  /** Sends a request and resolves with its response (piggybacked, or separate by token). */
  async request(req: HostileRequest): Promise<DeviceResponse> {
    const { data, token } = this.encode(req);
    const since = this.responses.length;
    this.sendRaw(data);
    return this.waitForResponseSince(
      since,
      (r) => r.token.equals(token) && r.code !== '0.00',
      req.timeoutMs ?? 10_000,
      `the response to ${req.method} ${req.path}`,
    );
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.sock.close(() => resolve()));
  }
}
