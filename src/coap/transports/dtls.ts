// dtls.ts: the DTLS 1.2 PSK client transport (node-dtls-client): TLS_PSK_WITH_AES_128_CCM_8 by default, binary keys,
// handshake timeout, re-handshake.
import { dtls } from 'node-dtls-client';
import { isIPv6 } from 'node:net';
import { CodedError } from '../../errors.js';
import { log as rootLog } from '../../runtime/log.js';
import type { PeerAddress, Transport, TransportEvent } from '../transport.js';

type CipherName = NonNullable<dtls.Options['ciphers']>[number];

export interface DtlsTransportOptions {
  /** Server host and port (coaps default 5684). */
  host: string;
  port?: number;
  /** PSK identity (sent as bytes of this string). */
  pskIdentity: string;
  /** PSK key: bytes, or a base64 string (the LwM2M Security object's Secret Key as configured). */
  pskKey: Uint8Array | string;
  /** Handshake timeout in ms (default 30000). */
  handshakeTimeoutMs?: number;
  /** Cipher suites to offer (default TLS_PSK_WITH_AES_128_CCM_8, LwM2M's mandatory one). */
  ciphers?: CipherName[];
  /** Local port (default: any). */
  listenPort?: number;
  /**
   * Handshake again before sending when nothing came from the server for this long (0 = never): without a DTLS
   * Connection ID a carrier NAT that expired in the meantime would make the server drop the old session's records.
   */
  idleRehandshakeMs?: number;
  /** Clock for the idle check (tests). */
  now?: () => number;
  /** Runs between dropping the old session and the new handshake (the modem path opens a new modem socket there). */
  beforeRehandshake?: () => Promise<void>;
}

const log = rootLog.child({ mod: 'dtls' });

export class DtlsTransport implements Transport {
  readonly kind = 'dtls' as const;
  /** 1152 minus the DTLS record overhead (13 header + 8 explicit nonce + 8 CCM_8 tag). */
  readonly mtu = 1152 - 29;
  private sock: dtls.Socket | undefined;
  private opening: Promise<void> | undefined;
  private readonly listeners: ((ev: TransportEvent) => void)[] = [];
  private readonly peer: PeerAddress;
  private lastHeard = 0;
  private renewing: Promise<void> | undefined;
  /** Completed handshakes (diagnostics, tests). */
  handshakes = 0;

  constructor(private readonly opts: DtlsTransportOptions) {
    this.peer = { address: opts.host, port: opts.port ?? 5684 };
  }

  private emit(ev: TransportEvent): void {
    for (const l of this.listeners) l(ev);
  }

  /** The server as CoAP messages name it (the endpoint's `to` for requests, the `from` of datagrams). */
  get server(): PeerAddress {
    return { ...this.peer };
  }

  open(): Promise<void> {
    if (this.sock !== undefined) return Promise.resolve();
    this.opening ??= this.handshake().finally(() => {
      this.opening = undefined;
    });
    return this.opening;
  }

  /** Drops the session and handshakes again (after a NAT rebinding or a server restart). */
  async rehandshake(): Promise<void> {
    this.dispose(false);
    await this.opts.beforeRehandshake?.();
    await this.open();
  }

  private handshake(): Promise<void> {
    const key =
      typeof this.opts.pskKey === 'string' ? Buffer.from(this.opts.pskKey, 'base64') : Buffer.from(this.opts.pskKey);
    const timeout = this.opts.handshakeTimeoutMs ?? 30_000;
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      let closed = false;
      const options: dtls.Options = {
        type: isIPv6(this.peer.address) ? 'udp6' : 'udp4',
        address: this.peer.address,
        port: this.peer.port,
        psk: { [this.opts.pskIdentity]: key },
        timeout,
        ciphers: this.opts.ciphers ?? ['TLS_PSK_WITH_AES_128_CCM_8'],
      };
      if (this.opts.listenPort !== undefined) options.listenPort = this.opts.listenPort;
      let s: dtls.Socket;
      try {
        s = dtls.createSocket(options);
      } catch (err) {
        reject(new CodedError('DTLS_HANDSHAKE_FAILED', (err as Error).message));
        return;
      }
      // Our own guard too: node-dtls-client's timeout covers the connection, not every stall.
      const guard = setTimeout(() => fail(new Error(`handshake timed out after ${timeout} ms`)), timeout + 1000);
      guard.unref();
      const fail = (err: Error): void => {
        if (settled) return;
        settled = true;
        clearTimeout(guard);
        const cause = handshakeCause(err, s, closed);
        try {
          s.close();
        } catch {
          /* already closed */
        }
        const e = new CodedError(
          'DTLS_HANDSHAKE_FAILED',
          `DTLS handshake with ${this.peer.address}:${this.peer.port} failed: ${cause.text}`,
          { cause: cause.kind },
        );
        this.emit({ type: 'error', code: e.code, message: e.message });
        reject(e);
      };
      s.on('connected', () => {
        if (settled) return;
        settled = true;
        clearTimeout(guard);
        this.sock = s;
        this.handshakes++;
        this.lastHeard = this.now();
        log.debug({ host: this.peer.address, port: this.peer.port }, 'DTLS session established');
        resolve();
      });
      s.on('error', (err: Error) => {
        if (!settled) return fail(err);
        if (this.sock !== s) return;
        this.dispose(false);
        this.emit({ type: 'error', code: 'NETWORK_ERROR', message: `DTLS: ${err.message}` });
      });
      s.on('close', () => {
        if (!settled) {
          closed = true;
          return fail(new Error('closed during handshake'));
        }
        if (this.sock !== s) return;
        this.sock = undefined;
        this.emit({ type: 'close' });
      });
      s.on('message', (msg: Buffer) => {
        if (this.sock !== s) return;
        this.lastHeard = this.now();
        this.emit({
          type: 'message',
          data: new Uint8Array(msg.buffer, msg.byteOffset, msg.byteLength),
          from: { ...this.peer },
        });
      });
    });
  }

  private now(): number {
    return (this.opts.now ?? Date.now)();
  }

  async send(data: Uint8Array, to: PeerAddress): Promise<void> {
    if (this.sock === undefined) throw new CodedError('SOCKET_CLOSED', 'DTLS session not open');
    if (to.port !== this.peer.port || to.address !== this.peer.address) {
      throw new CodedError(
        'NETWORK_ERROR',
        `DTLS session is with ${this.peer.address}:${this.peer.port}, not ${to.address}:${to.port}`,
      );
    }
    const idle = this.opts.idleRehandshakeMs ?? 0;
    if (idle > 0 && this.now() - this.lastHeard > idle) {
      this.renewing ??= (async () => {
        log.info(
          { host: this.peer.address, port: this.peer.port, idleMs: this.now() - this.lastHeard },
          'DTLS: handshake again after idle (NAT may have expired)',
        );
        await this.rehandshake();
      })().finally(() => {
        this.renewing = undefined;
      });
    }
    if (this.renewing !== undefined) await this.renewing;
    const s = this.sock;
    if (s === undefined) throw new CodedError('SOCKET_CLOSED', 'DTLS session not open');
    return new Promise((resolve, reject) => {
      s.send(Buffer.from(data.buffer, data.byteOffset, data.byteLength), (err) =>
        err ? reject(new CodedError('NETWORK_ERROR', err.message)) : resolve(),
      );
    });
  }

  private dispose(announce: boolean): void {
    const s = this.sock;
    this.sock = undefined;
    if (s === undefined) return;
    try {
      s.close();
    } catch {
      /* already closed */
    }
    if (announce) this.emit({ type: 'close' });
  }

  async close(): Promise<void> {
    this.dispose(true);
  }

  onEvent(listener: (ev: TransportEvent) => void): void {
    this.listeners.push(listener);
  }
}

/** Why a handshake failed, as far as the client can tell: what the log and the error name. */
export type HandshakeCause = 'alert' | 'closed' | 'key-rejected' | 'no-answer' | 'error';

/** TLS HandshakeType finished (RFC 5246 §7.4). */
const FINISHED = 20;

/**
 * True once our Finished is out and the server's is awaited: the server accepted the ClientHello and the identity
 * went out, so a failure from here on is the key (a server drops records it cannot decrypt, or alerts). Reads
 * node-dtls-client 2.0.3's handshake handler (not public API; absent → false).
 */
function awaitingServerFinished(s: dtls.Socket): boolean {
  const h = (s as unknown as { handshakeHandler?: { expectedResponses?: unknown } }).handshakeHandler;
  return Array.isArray(h?.expectedResponses) && h.expectedResponses.includes(FINISHED);
}

/** Names the likely cause of a failed handshake from node-dtls-client's error and how far the handshake got. */
export function handshakeCause(err: Error, s: dtls.Socket, closed: boolean): { kind: HandshakeCause; text: string } {
  const keyStage = awaitingServerFinished(s);
  const alert = /received fatal alert: (\w+)/.exec(err.message);
  if (alert)
    return {
      kind: 'alert',
      text: `the server sent a fatal alert (${alert[1] ?? 'unknown'}): PSK identity or key rejected`,
    };
  if (closed) {
    return {
      kind: 'closed',
      text: `the server ended the session with a close_notify alert${keyStage ? ' after our Finished: PSK key likely rejected' : ' during the handshake'}`,
    };
  }
  if (/timed out/.test(err.message)) {
    return keyStage
      ? {
          kind: 'key-rejected',
          text: `${err.message}: no Finished from the server after ours: PSK key likely rejected (a server drops records it cannot decrypt)`,
        }
      : { kind: 'no-answer', text: `${err.message}: no answer from the server` };
  }
  return { kind: 'error', text: err.message };
}

export function createDtlsTransport(opts: DtlsTransportOptions): DtlsTransport {
  return new DtlsTransport(opts);
}
