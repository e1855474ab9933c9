// strict-server.ts: the conformance suite's LwM2M (and bootstrap) server: the adversarial kit's raw-UDP server
// (coap-packet) plus the checks an ETS run makes on every message: codes, message types, option sets, content formats,
// payloads decoded by the suite's own decoders.
import type { ExecutionContext } from 'ava';
import {
  HostileServer,
  type DeviceRequest,
  type DeviceResponse,
  type HostileRequest,
} from '../../support/hostile-server.js';
import type { DatagramTransport } from '../../support/datagram-transport.js';
import { decodeTlv, type Tlv } from './tlv.js';
import { decodeSenmlCbor, decodeSenmlJson, type SenmlRecord } from './senml.js';
import { parseLinks, type Link } from './link-format.js';

/** Content-Format numbers (LwM2M 1.1 Core Table 7.3-1). */
export const CF = {
  text: 0,
  linkFormat: 40,
  opaque: 42,
  cbor: 60,
  senmlJson: 110,
  senmlCbor: 112,
  tlv: 11542,
  json: 11543,
  lwm2mCbor: 11544,
} as const;

/** Options a response from an LwM2M client may carry (RFC 7252, 7641, 7959; Location-Path for Create). */
const RESPONSE_OPTIONS = new Set([
  'Content-Format',
  'Observe',
  'Block1',
  'Block2',
  'Size1',
  'Size2',
  'Location-Path',
  'ETag',
  'Max-Age',
]);
/** Response codes a client may answer with (RFC 7252 §12.1.2, RFC 7959, RFC 8132). */
const RESPONSE_CODES = new Set([
  '2.01',
  '2.02',
  '2.03',
  '2.04',
  '2.05',
  '2.31',
  '4.00',
  '4.01',
  '4.02',
  '4.03',
  '4.04',
  '4.05',
  '4.06',
  '4.08',
  '4.12',
  '4.13',
  '4.15',
  '4.22',
  '5.00',
  '5.01',
  '5.03',
]);

export interface Registration {
  request: DeviceRequest;
  params: Record<string, string>;
  links: Link[];
}

/** A checked response with its payload decoded by content format. */
export interface Answer extends DeviceResponse {
  text?: string;
  tlv?: Tlv[];
  senml?: SenmlRecord[];
  links?: Link[];
}

function queryParams(q: string[]): Record<string, string> {
  return Object.fromEntries(
    q.map((p) => {
      const i = p.indexOf('=');
      return i < 0 ? [p, ''] : [p.slice(0, i), p.slice(i + 1)];
    }),
  );
}

export class StrictServer {
  /** Everything the strict checks found wrong, in order (a test asserts it stays empty). */
  readonly violations: string[] = [];

  private constructor(readonly raw: HostileServer) {}

  /** On plain UDP, or on the given transport (a DtlsPskServer for coaps). */
  static async start(opts: { transport?: DatagramTransport } = {}): Promise<StrictServer> {
    return new StrictServer(await HostileServer.start(opts));
  }

  get uri(): string {
    return this.raw.uri;
  }

  /**
   * Register requests received so far, each checked (Core §6.2.1: POST /rd, ep, lt, lwm2m, b, Content-Format 40 links).
   */
  registrations(): Registration[] {
    return this.raw.requests.filter((r) => r.method === 'POST' && r.path === '/rd').map((r) => this.checkRegister(r));
  }

  /** Update requests (POST to the location the Register got) received so far. */
  updates(since = 0): DeviceRequest[] {
    return this.raw.requests.slice(since).filter((r) => r.method === 'POST' && /^\/rd\/h\d+$/.test(r.path));
  }

  private checkRegister(r: DeviceRequest): Registration {
    const params = queryParams(r.query);
    for (const k of ['ep', 'lwm2m']) if (!(k in params)) this.violation(`Register without ${k}`);
    for (const k of Object.keys(params))
      if (!['ep', 'lt', 'lwm2m', 'b', 'sms', 'Q'].includes(k)) this.violation(`Register with unknown parameter ${k}`);
    const cf = r.packet.options.find((o) => o.name === 'Content-Format');
    if (!cf || cf.value.readUIntBE(0, cf.value.length || 1) !== CF.linkFormat)
      this.violation('Register payload is not Content-Format 40');
    let links: Link[] = [];
    try {
      links = parseLinks(r.packet.payload.toString());
    } catch (e) {
      this.violation(`Register links: ${(e as Error).message}`);
    }
    if (links.some((l) => l.target === '/0' || l.target.startsWith('/0/')))
      this.violation('Register lists the Security object');
    return { request: r, params, links };
  }

  /** The next Register from now on, checked. */
  async waitForRegister(timeoutMs = 20_000): Promise<Registration> {
    return this.checkRegister(
      await this.waitForRequest((r) => r.method === 'POST' && r.path === '/rd', timeoutMs, 'a Register'),
    );
  }

  async waitForRequest(
    pred: (r: DeviceRequest) => boolean,
    timeoutMs = 20_000,
    what = 'a request',
    since = this.raw.requests.length,
  ): Promise<DeviceRequest> {
    try {
      return await this.raw.waitForRequest((r) => this.raw.requests.indexOf(r) >= since && pred(r), timeoutMs, what);
    } catch (e) {
      const seen = this.raw.requests.slice(since).map((r) => `${r.method} ${r.path}?${r.query.join('&')}`);
      throw new Error(`${(e as Error).message}; requests since: ${seen.join(', ') || 'none'}`, { cause: e });
    }
  }

  private violation(what: string): void {
    this.violations.push(what);
  }

  /** Sends a request, checks the response strictly (message layer, code, options, format) and decodes the payload. */
  async call(req: HostileRequest): Promise<Answer> {
    const { data, token, messageId } = this.raw.encode(req);
    const since = this.raw.responses.length;
    this.raw.sendRaw(data);
    const res = await this.raw.waitForResponse(
      (r) => this.raw.responses.indexOf(r) >= since && r.token.equals(token) && r.code !== '0.00',
      req.timeoutMs ?? 10_000,
      `the response to ${req.method} ${req.path}`,
    );
    const what = `${req.method} ${req.path}${req.query ? '?' + req.query.join('&') : ''} → ${res.code}`;
    const p = res.packet;
    if ((req.confirmable ?? true) && p.ack && p.messageId !== messageId)
      this.violation(`${what}: ACK with message ID ${p.messageId}, sent ${messageId}`);
    if (p.reset) this.violation(`${what}: answered with RST`);
    if (!RESPONSE_CODES.has(res.code)) this.violation(`${what}: ${res.code} is no response code`);
    for (const o of p.options)
      if (!RESPONSE_OPTIONS.has(String(o.name))) this.violation(`${what}: unexpected option ${String(o.name)}`);
    if (res.code === '2.05' && res.contentFormat === undefined) this.violation(`${what}: 2.05 without Content-Format`);
    if (res.code === '2.05' && req.accept !== undefined && res.contentFormat !== req.accept)
      this.violation(`${what}: Content-Format ${res.contentFormat}, asked for ${req.accept}`);
    if (
      !res.code.startsWith('2.') &&
      res.payload.length > 0 &&
      res.contentFormat !== undefined &&
      res.contentFormat !== CF.text
    )
      this.violation(`${what}: error payload in Content-Format ${res.contentFormat}`);
    return this.decode(res, what);
  }

  /** Decodes a response's payload by its Content-Format (a decoding failure is a violation). */
  decode(res: DeviceResponse, what = `${res.code} response`): Answer {
    const answer: Answer = { ...res };
    if (res.code.startsWith('2.') && res.payload.length > 0) {
      try {
        switch (res.contentFormat) {
          case CF.text:
            answer.text = res.payload.toString('utf8');
            break;
          case CF.tlv:
            answer.tlv = decodeTlv(res.payload);
            break;
          case CF.senmlJson:
            answer.senml = decodeSenmlJson(res.payload);
            break;
          case CF.senmlCbor:
            answer.senml = decodeSenmlCbor(res.payload);
            break;
          case CF.linkFormat:
            answer.links = parseLinks(res.payload.toString());
            break;
          default:
            break;
        }
      } catch (e) {
        this.violation(
          `${what}: payload in Content-Format ${res.contentFormat} does not decode: ${(e as Error).message}`,
        );
      }
    }
    return answer;
  }

  /** The next notification (a response with Observe) on this token after response index `since`, decoded. */
  async notification(
    token: Buffer,
    since: number,
    timeoutMs = 10_000,
  ): Promise<Answer & { index: number; at: number }> {
    const res = await this.raw.waitForResponse(
      (r) => this.raw.responses.indexOf(r) >= since && r.token.equals(token) && r.observe !== undefined,
      timeoutMs,
      'a notification',
    );
    if (res.code !== '2.05') this.violation(`notification ${res.code}`);
    return { ...this.decode(res, 'notification'), index: this.raw.responses.indexOf(res), at: Date.now() };
  }

  /** Fails the test with the list when a strict check was violated (call at the end of each case). */
  assertClean(t: ExecutionContext, since = 0): void {
    t.deepEqual(this.violations.slice(since), [], 'strict server checks');
  }

  close(): Promise<void> {
    return this.raw.close();
  }
}
