// endpoint.ts: one node-coap server and one node-coap Agent sharing a single UDP socket (requests leave from the port
// that got the registration).
import { Agent, createServer, ObserveReadStream, type IncomingMessage, type OutgoingMessage, type Server } from 'coap';
import type { Socket } from 'node:dgram';
import type { AddressInfo } from 'node:net';
import { isIPv6 } from 'node:net';
import type { CoapMethod } from 'coap-packet';
import { CodedError } from '../errors.js';
import type { Peer } from './types.js';

export type RequestHandler = (req: IncomingMessage, res: OutgoingMessage) => void;

/** A request the server sends to a client. */
export interface OutRequest {
  method: CoapMethod;
  /** '/3/0/1' (or '/' for root). */
  pathname: string;
  query?: string;
  accept?: number;
  contentFormat?: number;
  payload?: Uint8Array;
  /** Observe option: 0 registers an observation, 1 cancels one (with the observation's token). */
  observe?: 0 | 1;
  /** Token to reuse (cancelling an observation); default: a fresh one. */
  token?: Buffer;
  confirmable?: boolean;
  /** Send the payload block-wise (RFC 7959 Block1) in blocks of this size (16..1024) when it is longer. */
  block1Size?: number;
  /** Block-wise writes: called after each Block1 block leaves with (bytes sent so far, total). */
  onProgress?: (sent: number, total: number) => void;
}

/** The part of node-coap's Block1 sender (OutgoingMessage.segmentedSender) that progress reports read. */
interface SegmentedSender {
  sendNext(): void;
  currentByte: number;
  totalLength: number;
}

/** Block size → SZX exponent (16 → 0 … 1024 → 6). */
export function szx(size: number): number {
  const e = Math.log2(size) - 4;
  if (!Number.isInteger(e) || e < 0 || e > 6)
    throw new CodedError('DEVSERVER_BLOCK_SIZE', `block size ${size} is not a power of two in 16..1024`);
  return e;
}

/** The raw answer: the first response (for an observation, a stream of the following ones too). */
export interface RawResponse {
  message: IncomingMessage;
  /** Present when Observe=0 was asked (node-coap makes a stream of every answer but a 4.04). */
  stream?: ObserveReadStream;
}

export class CoapEndpoint {
  /** Requests in flight: each entry fails its request (on close). */
  private readonly pending = new Set<(err: Error) => void>();
  private constructor(
    private readonly server: Server,
    private readonly agent: Agent,
    readonly address: string,
    readonly port: number,
    private readonly socket: Socket,
  ) {}

  /** Binds a node-coap server on host:port (0 = ephemeral) and an Agent on the same socket. */
  static async open(host: string, port: number, handler: RequestHandler): Promise<CoapEndpoint> {
    const server = createServer({ type: isIPv6(host) ? 'udp6' : 'udp4', reuseAddr: false });
    server.on('request', handler);
    await new Promise<void>((resolve, reject) => {
      const onError = (err: Error): void =>
        reject(
          new CodedError('DEVSERVER_BIND', `cannot bind ${host}:${port}: ${err.message}`, undefined, { cause: err }),
        );
      server.once('error', onError);
      server.listen(port, host, (err?: Error) => {
        server.off('error', onError);
        if (err) onError(err);
        else resolve();
      });
    });
    // The server's own socket, reused by the Agent: node-coap's server ignores responses, the Agent ignores requests.
    const socket = server._sock as Socket;
    const agent = new Agent({ socket });
    agent.on('error', () => undefined);
    server.on('error', () => undefined);
    const addr = socket.address();
    return new CoapEndpoint(server, agent, addr.address, addr.port, socket);
  }

  /** Sends a request to a peer and resolves with its answer; rejects with DEVSERVER_TIMEOUT after timeoutMs. */
  request(peer: Peer, r: OutRequest, timeoutMs: number): Promise<RawResponse> {
    return new Promise<RawResponse>((resolve, reject) => {
      const req = this.agent.request({
        host: peer.address,
        port: peer.port,
        method: r.method,
        pathname: r.pathname,
        ...(r.query !== undefined ? { query: r.query } : {}),
        ...(r.accept !== undefined ? { accept: r.accept } : {}),
        ...(r.contentFormat !== undefined ? { contentFormat: r.contentFormat } : {}),
        ...(r.observe !== undefined ? { observe: r.observe } : {}),
        ...(r.token !== undefined ? { token: r.token } : {}),
        confirmable: r.confirmable ?? true,
        ...(r.block1Size !== undefined && r.payload !== undefined && r.payload.length > r.block1Size
          ? { options: { Block1: Buffer.from([szx(r.block1Size)]) } }
          : {}),
      });
      let done = false;
      const expire = (): void => {
        if (done) return;
        done = true;
        this.pending.delete(cancel);
        this.agent.abort(req);
        reject(
          new CodedError(
            'DEVSERVER_TIMEOUT',
            `${r.method} ${r.pathname} to ${peer.address}:${peer.port}: no answer in ${timeoutMs} ms`,
          ),
        );
      };
      let timer = setTimeout(expire, timeoutMs);
      req.on('response', (res: IncomingMessage) => {
        if (done) return;
        done = true;
        this.pending.delete(cancel);
        clearTimeout(timer);
        resolve(res instanceof ObserveReadStream ? { message: res, stream: res } : { message: res });
      });
      const fail = (err: unknown): void => {
        if (done) return;
        done = true;
        this.pending.delete(cancel);
        clearTimeout(timer);
        reject(
          err instanceof CodedError
            ? err
            : new CodedError(
                'DEVSERVER_REQUEST',
                `${r.method} ${r.pathname}: ${err instanceof Error ? err.message : String(err)}`,
              ),
        );
      };
      const cancel = (err: Error): void => {
        if (done) return;
        this.agent.abort(req);
        fail(err);
      };
      this.pending.add(cancel);
      req.on('error', fail);
      req.on('timeout', () => fail(new Error('CoAP retransmissions exhausted')));
      req.end(r.payload !== undefined ? Buffer.from(r.payload) : undefined);
      // Block1: node-coap sends the blocks itself; each block acknowledged restarts the timeout (a long push over a
      // slow link is limited per block, not as a whole) and is reported.
      const seg = (req as unknown as { segmentedSender?: SegmentedSender }).segmentedSender;
      if (seg) {
        const sendNext = seg.sendNext.bind(seg);
        seg.sendNext = (): void => {
          sendNext();
          if (done) return;
          clearTimeout(timer);
          timer = setTimeout(expire, timeoutMs);
          r.onProgress?.(seg.currentByte, seg.totalLength);
        };
        r.onProgress?.(seg.currentByte, seg.totalLength);
      }
    });
  }

  /** The address the socket is bound to (for building coap:// URIs). */
  info(): AddressInfo {
    return this.socket.address();
  }

  async close(): Promise<void> {
    for (const cancel of [...this.pending]) cancel(new CodedError('DEVSERVER_CLOSED', 'dev server closed'));
    // With a borrowed socket the Agent never calls back from close(): abort its exchanges and move on.
    this.agent.close();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
