// dtls-psk-server.ts: a DTLS 1.2 PSK server for tests, written from the RFCs (6347, 5246, 4279, 6655) on Node's crypto:
// stateless cookie exchange, per-peer sessions, AES-128-CCM(_8), behind a datagram-socket-like API so a CoAP server
// runs on it unchanged.
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { EventEmitter } from 'node:events';
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { expandKeys, finishedData, masterSecret, open, pskPremaster, seal, type CcmKey } from './dtls-crypto.js';
import {
  ALERT,
  CONTENT,
  DTLS12,
  HS,
  Reader,
  encodeHandshake,
  encodeRecord,
  parseClientHello,
  parseHandshakeFragments,
  parseRecords,
  seq8,
  type ClientHello,
  type DtlsRecord,
  type HandshakeFragment,
} from './dtls-wire.js';
import type { DatagramTransport } from './datagram-transport.js';
import { ReplayWindow } from './dtls-replay.js';

/** The cipher suites this server accepts, in its order of preference (RFC 6655). */
export const SUITES = { TLS_PSK_WITH_AES_128_CCM_8: 0xc0a8, TLS_PSK_WITH_AES_128_CCM: 0xc0a4 } as const;
export type Suite = (typeof SUITES)[keyof typeof SUITES];
const TAG_LENGTH: Record<Suite, 8 | 16> = {
  [SUITES.TLS_PSK_WITH_AES_128_CCM_8]: 8,
  [SUITES.TLS_PSK_WITH_AES_128_CCM]: 16,
};
/**
 * renegotiation_info (RFC 5746) and its signalling suite: echoed empty so clients that insist on it (OpenSSL 3)
 * connect.
 */
const EXT_RENEGOTIATION_INFO = 0xff01;
const SCSV_RENEGOTIATION = 0x00ff;

export interface DtlsPskServerOptions {
  /** The key for a PSK identity (RFC 4279 psk_identity, decoded as UTF-8); undefined for an unknown identity. */
  psk: (identity: string) => Buffer | undefined;
  host?: string;
  port?: number;
  /** Suites to accept, preferred first (default: CCM_8, then CCM). */
  suites?: Suite[];
}

interface Session {
  peer: { address: string; port: number };
  open: boolean;
  hello: ClientHello;
  suite: Suite;
  serverRandom: Buffer;
  /** Handshake messages as hashed (RFC 6347 §4.2.6: from the ClientHello with the cookie on). */
  transcript: Buffer[];
  nextReceiveSeq: number;
  nextSendSeq: number;
  /** Next record sequence number per write epoch. */
  writeSeq: [number, number];
  writeEpoch: 0 | 1;
  master?: Buffer;
  keys?: { client: CcmKey; server: CcmKey };
  readEpoch: 0 | 1;
  identity?: string;
  /** The last flight sent, datagram by datagram, for retransmission when the client repeats its flight. */
  lastFlight: Buffer[];
  /** Handshake messages being reassembled, by message_seq. */
  partial: Map<number, { msgType: number; body: Buffer; have: boolean[] }>;
  /** Anti-replay window for epoch 1. */
  replay: ReplayWindow;
}

export class DtlsPskServer extends EventEmitter implements DatagramTransport {
  /** Completed handshakes, in order. */
  readonly established: { peer: string; identity: string; suite: Suite }[] = [];
  /** Handshakes refused or broken off, with why. */
  readonly failures: { peer: string; reason: string }[] = [];
  private readonly sessions = new Map<string, Session>();
  private readonly cookieSecret = randomBytes(32);
  private readonly suites: Suite[];
  readonly scheme = 'coaps';

  private constructor(
    private readonly sock: Socket,
    private readonly opts: DtlsPskServerOptions,
  ) {
    super();
    this.suites = opts.suites ?? [SUITES.TLS_PSK_WITH_AES_128_CCM_8, SUITES.TLS_PSK_WITH_AES_128_CCM];
    sock.on('message', (data, from) => {
      try {
        this.onDatagram(data, { address: from.address, port: from.port });
      } catch (e) {
        this.fail(
          { address: from.address, port: from.port },
          `malformed datagram dropped: ${(e as Error).message}`,
          undefined,
        );
      }
    });
  }

  static async start(opts: DtlsPskServerOptions): Promise<DtlsPskServer> {
    const sock = createSocket('udp4');
    await new Promise<void>((resolve) => sock.bind(opts.port ?? 0, opts.host ?? '127.0.0.1', resolve));
    return new DtlsPskServer(sock, opts);
  }

  address(): { address: string; port: number } {
    return this.sock.address();
  }

  /** Sends application data to a peer with an open session (dropped, with a failure noted, when there is none). */
  send(msg: Buffer, port: number, address: string): void {
    const s = this.sessions.get(`${address}:${port}`);
    if (!s?.open) {
      this.failures.push({
        peer: `${address}:${port}`,
        reason: 'application data for a peer without a session dropped',
      });
      return;
    }
    this.sock.send(this.record(s, CONTENT.applicationData, msg), port, address);
  }

  close(cb?: () => void): void {
    this.sessions.clear();
    this.sock.close(cb);
  }

  /** Whether a peer has an established session now. */
  hasSession(address: string, port: number): boolean {
    return this.sessions.get(`${address}:${port}`)?.open === true;
  }

  /** Peers with session state (open or mid-handshake): none is kept before a client returns the cookie. */
  get sessionCount(): number {
    return this.sessions.size;
  }

  private onDatagram(data: Buffer, peer: { address: string; port: number }): void {
    for (const rec of parseRecords(data)) {
      if ((rec.version & 0xff00) !== 0xfe00) continue; // not DTLS
      if (rec.epoch === 0) this.onPlainRecord(rec, peer);
      else this.onProtectedRecord(rec, peer);
    }
  }

  private onPlainRecord(rec: DtlsRecord, peer: { address: string; port: number }): void {
    const key = `${peer.address}:${peer.port}`;
    const s = this.sessions.get(key);
    if (rec.type === CONTENT.handshake) {
      for (const f of parseHandshakeFragments(rec.fragment)) {
        if (f.msgType === HS.clientHello) this.onClientHello(f, rec, peer);
        else if (s && !s.open) this.onHandshakeFragment(s, f);
      }
    } else if (rec.type === CONTENT.changeCipherSpec) {
      if (s && !s.open && s.keys && rec.fragment.length === 1 && rec.fragment[0] === 1) s.readEpoch = 1;
    } else if (rec.type === CONTENT.alert && s && !s.open) {
      this.onAlert(s, rec.fragment);
    }
  }

  private onProtectedRecord(rec: DtlsRecord, peer: { address: string; port: number }): void {
    const s = this.sessions.get(`${peer.address}:${peer.port}`);
    if (!s?.keys || s.readEpoch !== 1 || rec.epoch !== 1) return;
    if (s.replay.seen(rec.seq)) return;
    const plain = open(s.keys.client, rec.seq8, rec.type, rec.version, rec.fragment);
    if (plain === undefined) {
      // a record that does not authenticate: during the handshake it is the client's Finished under the wrong key
      if (!s.open) this.abort(s, ALERT.badRecordMac, "the client's Finished does not decrypt (wrong PSK)");
      return;
    }
    s.replay.mark(rec.seq);
    if (rec.type === CONTENT.applicationData) {
      if (s.open)
        this.emit('message', plain, {
          address: peer.address,
          port: peer.port,
          family: 'IPv4',
          size: plain.length,
        } satisfies RemoteInfo);
    } else if (rec.type === CONTENT.handshake) {
      for (const f of parseHandshakeFragments(plain)) this.onHandshakeFragment(s, f);
    } else if (rec.type === CONTENT.alert) {
      this.onAlert(s, plain);
    }
  }

  private onAlert(s: Session, body: Buffer): void {
    const [level, desc] = [body[0], body[1]];
    if (level === 2 || desc === ALERT.closeNotify) {
      this.sessions.delete(`${s.peer.address}:${s.peer.port}`);
      if (!s.open)
        this.failures.push({ peer: `${s.peer.address}:${s.peer.port}`, reason: `the client sent alert ${desc}` });
    }
  }

  private cookie(hello: ClientHello, peer: { address: string; port: number }): Buffer {
    const h = createHmac('sha256', this.cookieSecret);
    h.update(`${peer.address}:${peer.port}`);
    h.update(hello.random);
    h.update(hello.sessionId);
    h.update(Buffer.from(hello.cipherSuites.flatMap((c) => [c >> 8, c & 0xff])));
    return h.digest().subarray(0, 16);
  }

  private onClientHello(f: HandshakeFragment, rec: DtlsRecord, peer: { address: string; port: number }): void {
    if (f.offset !== 0 || f.body.length !== f.length) return; // a fragmented ClientHello: the client sends it whole again
    const hello = parseClientHello(f.body);
    const key = `${peer.address}:${peer.port}`;
    const existing = this.sessions.get(key);
    const expected = this.cookie(hello, peer);
    if (hello.cookie.length !== expected.length || !timingSafeEqual(hello.cookie, expected)) {
      // RFC 6347 §4.2.1: stateless HelloVerifyRequest, version DTLS 1.0, the ClientHello's record sequence number
      const body = Buffer.concat([Buffer.from([0xfe, 0xff, expected.length]), expected]);
      this.sock.send(
        encodeRecord(CONTENT.handshake, 0, rec.seq, encodeHandshake(HS.helloVerifyRequest, f.messageSeq, body)),
        peer.port,
        peer.address,
      );
      return;
    }
    if (existing && !existing.open && existing.hello.random.equals(hello.random)) {
      this.retransmit(existing); // the client repeated its ClientHello: our flight got lost
      return;
    }
    const suite = this.suites.find((c) => hello.cipherSuites.includes(c));
    const s: Session = {
      peer,
      open: false,
      hello,
      suite: suite ?? SUITES.TLS_PSK_WITH_AES_128_CCM_8,
      serverRandom: randomBytes(32),
      transcript: [encodeHandshake(HS.clientHello, f.messageSeq, f.body)],
      nextReceiveSeq: f.messageSeq + 1,
      nextSendSeq: f.messageSeq,
      writeSeq: [1, 0],
      writeEpoch: 0,
      readEpoch: 0,
      lastFlight: [],
      partial: new Map(),
      replay: new ReplayWindow(),
    };
    this.sessions.set(key, s); // a valid new ClientHello replaces an older session of this peer (RFC 6347 §4.2.8)
    if (suite === undefined) {
      this.abort(
        s,
        ALERT.handshakeFailure,
        `no common cipher suite (offered ${hello.cipherSuites.map((c) => c.toString(16)).join(',')})`,
      );
      return;
    }
    const renegotiation =
      hello.extensions.includes(EXT_RENEGOTIATION_INFO) || hello.cipherSuites.includes(SCSV_RENEGOTIATION);
    const ext = renegotiation ? Buffer.from([0x00, 0x05, 0xff, 0x01, 0x00, 0x01, 0x00]) : Buffer.alloc(0);
    const serverHello = Buffer.concat([
      Buffer.from([0xfe, 0xfd]),
      s.serverRandom,
      Buffer.from([0, suite >> 8, suite & 0xff, 0]),
      ext,
    ]);
    const sh = this.handshakeMessage(s, HS.serverHello, serverHello);
    const done = this.handshakeMessage(s, HS.serverHelloDone, Buffer.alloc(0));
    this.flight(s, [Buffer.concat([this.record(s, CONTENT.handshake, sh), this.record(s, CONTENT.handshake, done)])]);
  }

  /**
   * Adds a fragment to its message; processes every complete message in order; a repeated old message retransmits our
   * last flight.
   */
  private onHandshakeFragment(s: Session, f: HandshakeFragment): void {
    if (f.messageSeq < s.nextReceiveSeq) {
      if (f.offset === 0) this.retransmit(s);
      return;
    }
    let p = s.partial.get(f.messageSeq);
    if (!p) {
      p = { msgType: f.msgType, body: Buffer.alloc(f.length), have: new Array<boolean>(f.length).fill(false) };
      s.partial.set(f.messageSeq, p);
    }
    if (p.msgType !== f.msgType || p.body.length !== f.length) return;
    f.body.copy(p.body, f.offset);
    p.have.fill(true, f.offset, f.offset + f.body.length);
    for (
      let next = s.partial.get(s.nextReceiveSeq);
      next && next.have.every(Boolean);
      next = s.partial.get(s.nextReceiveSeq)
    ) {
      s.partial.delete(s.nextReceiveSeq);
      const seq = s.nextReceiveSeq++;
      this.onHandshakeMessage(s, next.msgType, seq, next.body);
      if (this.sessions.get(`${s.peer.address}:${s.peer.port}`) !== s) return;
    }
  }

  private onHandshakeMessage(s: Session, msgType: number, messageSeq: number, body: Buffer): void {
    if (msgType === HS.clientKeyExchange && !s.keys) {
      const identity = new Reader(body).vector(2).toString('utf8');
      const psk = this.opts.psk(identity);
      if (psk === undefined) {
        this.abort(s, ALERT.unknownPskIdentity, `unknown PSK identity '${identity}'`);
        return;
      }
      s.identity = identity;
      s.transcript.push(encodeHandshake(msgType, messageSeq, body));
      s.master = masterSecret(pskPremaster(psk), s.hello.random, s.serverRandom);
      s.keys = expandKeys(s.master, s.hello.random, s.serverRandom, TAG_LENGTH[s.suite]);
    } else if (msgType === HS.finished && s.master && s.readEpoch === 1) {
      const expected = finishedData(s.master, 'client', s.transcript);
      if (body.length !== expected.length || !timingSafeEqual(body, expected)) {
        this.abort(s, ALERT.decryptError, "the client's Finished verify_data is wrong");
        return;
      }
      s.transcript.push(encodeHandshake(msgType, messageSeq, body));
      const ccs = this.record(s, CONTENT.changeCipherSpec, Buffer.from([1]));
      s.writeEpoch = 1;
      const fin = this.handshakeMessage(s, HS.finished, finishedData(s.master, 'server', s.transcript));
      this.flight(s, [Buffer.concat([ccs, this.record(s, CONTENT.handshake, fin)])]);
      s.open = true;
      this.established.push({ peer: `${s.peer.address}:${s.peer.port}`, identity: s.identity ?? '', suite: s.suite });
      this.emit('session', s.peer, s.identity);
    } else {
      this.abort(s, ALERT.unexpectedMessage, `unexpected handshake message ${msgType}`);
    }
  }

  /** A handshake message of ours: numbered, added to the transcript. */
  private handshakeMessage(s: Session, msgType: number, body: Buffer): Buffer {
    const m = encodeHandshake(msgType, s.nextSendSeq++, body);
    s.transcript.push(m);
    return m;
  }

  /** One record in the session's current write epoch (protected in epoch 1). */
  private record(s: Session, type: number, fragment: Buffer): Buffer {
    const epoch = s.writeEpoch;
    const seq = s.writeSeq[epoch]++;
    if (epoch === 0) return encodeRecord(type, 0, seq, fragment);
    return encodeRecord(type, 1, seq, seal(s.keys!.server, seq8(1, seq), type, DTLS12, fragment));
  }

  private flight(s: Session, datagrams: Buffer[]): void {
    s.lastFlight = datagrams;
    for (const d of datagrams) this.sock.send(d, s.peer.port, s.peer.address);
  }

  private retransmit(s: Session): void {
    for (const d of s.lastFlight) this.sock.send(d, s.peer.port, s.peer.address);
  }

  /** A fatal alert in the clear (the client cannot read our epoch 1 yet), and the session is gone. */
  private abort(s: Session, alert: number, reason: string): void {
    this.sock.send(
      encodeRecord(CONTENT.alert, 0, s.writeSeq[0]++, Buffer.from([2, alert])),
      s.peer.port,
      s.peer.address,
    );
    this.fail(s.peer, reason, s);
  }

  private fail(peer: { address: string; port: number }, reason: string, s: Session | undefined): void {
    const key = `${peer.address}:${peer.port}`;
    if (s && this.sessions.get(key) === s) this.sessions.delete(key);
    this.failures.push({ peer: key, reason });
    this.emit('failure', peer, reason);
  }
}
