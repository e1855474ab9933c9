// dtls-crypto.ts: the test DTLS server's cryptography, from the RFCs: the TLS 1.2 PRF (RFC 5246 §5), the PSK premaster
// secret (RFC 4279 §2), key expansion and AES-CCM record protection (RFC 6655, RFC 5116 nonce).
import { createCipheriv, createDecipheriv, createHash, createHmac } from 'node:crypto';

/** TLS 1.2 PRF with SHA-256: P_SHA256(secret, label + seed) cut to `length` bytes. */
export function prf(secret: Buffer, label: string, seed: Buffer, length: number): Buffer {
  const labelSeed = Buffer.concat([Buffer.from(label, 'ascii'), seed]);
  const out: Buffer[] = [];
  let a = labelSeed;
  let have = 0;
  while (have < length) {
    a = createHmac('sha256', secret).update(a).digest();
    const block = createHmac('sha256', secret)
      .update(Buffer.concat([a, labelSeed]))
      .digest();
    out.push(block);
    have += block.length;
  }
  return Buffer.concat(out).subarray(0, length);
}

/** RFC 4279 §2: uint16 N, N zero bytes, uint16 N, the PSK. */
export function pskPremaster(psk: Buffer): Buffer {
  const n = Buffer.alloc(2);
  n.writeUInt16BE(psk.length);
  return Buffer.concat([n, Buffer.alloc(psk.length), n, psk]);
}

export function masterSecret(premaster: Buffer, clientRandom: Buffer, serverRandom: Buffer): Buffer {
  return prf(premaster, 'master secret', Buffer.concat([clientRandom, serverRandom]), 48);
}

/** verify_data of a Finished message (12 bytes) over the handshake messages so far. */
export function finishedData(master: Buffer, who: 'client' | 'server', handshakeMessages: Buffer[]): Buffer {
  const hash = createHash('sha256');
  for (const m of handshakeMessages) hash.update(m);
  return prf(master, `${who} finished`, hash.digest(), 12);
}

/** An AES-128-CCM (RFC 6655) cipher state for one direction of one epoch. */
export interface CcmKey {
  key: Buffer;
  /** The 4-byte implicit part of the nonce (client_write_IV / server_write_IV). */
  salt: Buffer;
  tagLength: 8 | 16;
}

/** RFC 5246 §6.3 key block for an AEAD suite without MAC keys: client key, server key, client IV, server IV. */
export function expandKeys(
  master: Buffer,
  clientRandom: Buffer,
  serverRandom: Buffer,
  tagLength: 8 | 16,
): { client: CcmKey; server: CcmKey } {
  const kb = prf(master, 'key expansion', Buffer.concat([serverRandom, clientRandom]), 2 * 16 + 2 * 4);
  return {
    client: { key: kb.subarray(0, 16), salt: kb.subarray(32, 36), tagLength },
    server: { key: kb.subarray(16, 32), salt: kb.subarray(36, 40), tagLength },
  };
}

/** Additional data of a DTLS AEAD record: epoch + sequence number (8), type, version, plaintext length. */
function aad(seq8: Buffer, type: number, version: number, length: number): Buffer {
  const b = Buffer.alloc(13);
  seq8.copy(b, 0);
  b[8] = type;
  b.writeUInt16BE(version, 9);
  b.writeUInt16BE(length, 11);
  return b;
}

/** Protects a record's plaintext: explicit nonce (the epoch and sequence number) + ciphertext + tag. */
export function seal(k: CcmKey, seq8: Buffer, type: number, version: number, plaintext: Buffer): Buffer {
  const nonce = Buffer.concat([k.salt, seq8]);
  const c = createCipheriv('aes-128-ccm', k.key, nonce, { authTagLength: k.tagLength });
  c.setAAD(aad(seq8, type, version, plaintext.length), { plaintextLength: plaintext.length });
  const body = Buffer.concat([c.update(plaintext), c.final()]);
  return Buffer.concat([seq8, body, c.getAuthTag()]);
}

/** Opens a protected record's fragment; undefined when it does not authenticate. */
export function open(k: CcmKey, seq8: Buffer, type: number, version: number, fragment: Buffer): Buffer | undefined {
  if (fragment.length < 8 + k.tagLength) return undefined;
  const nonce = Buffer.concat([k.salt, fragment.subarray(0, 8)]);
  const body = fragment.subarray(8, fragment.length - k.tagLength);
  const tag = fragment.subarray(fragment.length - k.tagLength);
  try {
    const d = createDecipheriv('aes-128-ccm', k.key, nonce, { authTagLength: k.tagLength });
    d.setAuthTag(tag);
    d.setAAD(aad(seq8, type, version, body.length), { plaintextLength: body.length });
    const out = d.update(body);
    d.final();
    return out;
  } catch {
    return undefined;
  }
}
