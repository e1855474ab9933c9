// dtls-wire.ts: the test DTLS server's wire formats (RFC 6347 §4.1 records, §4.2.2 handshake headers, RFC 5246 §7.4.1.2
// ClientHello), parsed strictly: a short or inconsistent input throws.

export const CONTENT = { changeCipherSpec: 20, alert: 21, handshake: 22, applicationData: 23 } as const;
export const HS = {
  clientHello: 1,
  serverHello: 2,
  helloVerifyRequest: 3,
  serverHelloDone: 14,
  clientKeyExchange: 16,
  finished: 20,
} as const;
export const ALERT = {
  closeNotify: 0,
  unexpectedMessage: 10,
  badRecordMac: 20,
  handshakeFailure: 40,
  illegalParameter: 47,
  decodeError: 50,
  decryptError: 51,
  unknownPskIdentity: 115,
} as const;
/** DTLS 1.2 on the wire. */
export const DTLS12 = 0xfefd;

export interface DtlsRecord {
  type: number;
  version: number;
  epoch: number;
  /** 48-bit sequence number (fits a JS number). */
  seq: number;
  /** epoch (2) + sequence number (6), as the AEAD nonce and additional data use them. */
  seq8: Buffer;
  fragment: Buffer;
}

export function seq8(epoch: number, seq: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeUInt16BE(epoch, 0);
  b.writeUIntBE(seq, 2, 6);
  return b;
}

/** Splits a datagram into records; throws on a truncated record. */
export function parseRecords(data: Buffer): DtlsRecord[] {
  const out: DtlsRecord[] = [];
  let o = 0;
  while (o < data.length) {
    if (data.length - o < 13) throw new Error('truncated record header');
    const len = data.readUInt16BE(o + 11);
    if (data.length - o - 13 < len) throw new Error('truncated record');
    out.push({
      type: data[o],
      version: data.readUInt16BE(o + 1),
      epoch: data.readUInt16BE(o + 3),
      seq: data.readUIntBE(o + 5, 6),
      seq8: Buffer.from(data.subarray(o + 3, o + 11)),
      fragment: Buffer.from(data.subarray(o + 13, o + 13 + len)),
    });
    o += 13 + len;
  }
  return out;
}

export function encodeRecord(type: number, epoch: number, seq: number, fragment: Buffer, version = DTLS12): Buffer {
  const h = Buffer.alloc(13);
  h[0] = type;
  h.writeUInt16BE(version, 1);
  seq8(epoch, seq).copy(h, 3);
  h.writeUInt16BE(fragment.length, 11);
  return Buffer.concat([h, fragment]);
}

export interface HandshakeFragment {
  msgType: number;
  length: number;
  messageSeq: number;
  offset: number;
  body: Buffer;
}

/** Splits a handshake record's fragment into handshake message fragments. */
export function parseHandshakeFragments(f: Buffer): HandshakeFragment[] {
  const out: HandshakeFragment[] = [];
  let o = 0;
  while (o < f.length) {
    if (f.length - o < 12) throw new Error('truncated handshake header');
    const length = f.readUIntBE(o + 1, 3);
    const offset = f.readUIntBE(o + 6, 3);
    const fragLen = f.readUIntBE(o + 9, 3);
    if (f.length - o - 12 < fragLen || offset + fragLen > length) throw new Error('bad handshake fragment');
    out.push({
      msgType: f[o],
      length,
      messageSeq: f.readUInt16BE(o + 4),
      offset,
      body: Buffer.from(f.subarray(o + 12, o + 12 + fragLen)),
    });
    o += 12 + fragLen;
  }
  return out;
}

/** A whole handshake message with its DTLS header (fragment offset 0, fragment length = length), as hashed and sent. */
export function encodeHandshake(msgType: number, messageSeq: number, body: Buffer): Buffer {
  const h = Buffer.alloc(12);
  h[0] = msgType;
  h.writeUIntBE(body.length, 1, 3);
  h.writeUInt16BE(messageSeq, 4);
  h.writeUIntBE(0, 6, 3);
  h.writeUIntBE(body.length, 9, 3);
  return Buffer.concat([h, body]);
}

/** A bounds-checked reader over a message body. */
export class Reader {
  private o = 0;
  constructor(private readonly b: Buffer) {}
  bytes(n: number): Buffer {
    if (this.o + n > this.b.length) throw new Error('truncated message');
    const v = this.b.subarray(this.o, this.o + n);
    this.o += n;
    return Buffer.from(v);
  }
  uint(n: number): number {
    return this.bytes(n).readUIntBE(0, n);
  }
  vector(lenBytes: number): Buffer {
    return this.bytes(this.uint(lenBytes));
  }
  get rest(): number {
    return this.b.length - this.o;
  }
}

export interface ClientHello {
  version: number;
  random: Buffer;
  sessionId: Buffer;
  cookie: Buffer;
  cipherSuites: number[];
  /** Extension types offered (RFC 5246 §7.4.1.4). */
  extensions: number[];
}

export function parseClientHello(body: Buffer): ClientHello {
  const r = new Reader(body);
  const version = r.uint(2);
  const random = r.bytes(32);
  const sessionId = r.vector(1);
  const cookie = r.vector(1);
  const suites = r.vector(2);
  const cipherSuites: number[] = [];
  for (let i = 0; i + 1 < suites.length; i += 2) cipherSuites.push(suites.readUInt16BE(i));
  r.vector(1); // compression methods
  const extensions: number[] = [];
  if (r.rest > 0) {
    const ext = new Reader(r.vector(2));
    while (ext.rest > 0) {
      extensions.push(ext.uint(2));
      ext.vector(2);
    }
  }
  return { version, random, sessionId, cookie, cipherSuites, extensions };
}
