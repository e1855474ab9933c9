// dtls-psk-server.test.ts: the test DTLS-PSK server against independent DTLS stacks (libcoap's OpenSSL and GnuTLS
// clients): handshake, a CoAP GET answered by the hostile server running on it, wrong key / unknown identity refused,
// stateless cookie.
import test from 'ava';
import { createSocket } from 'node:dgram';
import { randomBytes } from 'node:crypto';
import { DtlsPskServer, SUITES, type Suite } from './dtls-psk-server.js';
import { HostileServer } from './hostile-server.js';
import { runClient } from './libcoap.js';
import { UdpRelay } from './udp-relay.js';
import { ReplayWindow } from './dtls-replay.js';
import { CONTENT, HS, encodeHandshake, encodeRecord, parseHandshakeFragments, parseRecords } from './dtls-wire.js';

const IDENTITY = 'meter-1';
const KEY = 'secretPSK';
const CLIENTS = ['coap-client-openssl', 'coap-client-gnutls'] as const;

async function serve(suites?: Suite[]): Promise<{ dtls: DtlsPskServer; coap: HostileServer }> {
  const dtls = await DtlsPskServer.start({
    psk: (id) => (id === IDENTITY ? Buffer.from(KEY) : undefined),
    ...(suites ? { suites } : {}),
  });
  const coap = await HostileServer.start({ transport: dtls });
  coap.onRequest((r) =>
    r.method === 'GET' ? { code: '2.05', payload: Buffer.from(`answer for ${r.path}`) } : undefined,
  );
  return { dtls, coap };
}

/** One libcoap GET over coaps; stdout carries the payload on success. */
function get(bin: string, port: number, key: string, identity = IDENTITY): Promise<string> {
  return runClient(bin, ['-B', '5', '-k', key, '-u', identity, `coaps://127.0.0.1:${port}/meter/value`]).then(
    (r) => r.stdout + r.stderr,
  );
}

for (const [name, suite] of Object.entries(SUITES)) {
  test(`${name}: the OpenSSL and GnuTLS clients handshake and get a CoAP answer through the server`, async (t) => {
    const { dtls, coap } = await serve([suite]);
    try {
      const out = await Promise.all(CLIENTS.map((c) => get(c, dtls.address().port, KEY)));
      for (const [i, o] of out.entries())
        t.true(o.includes('answer for /meter/value'), `${CLIENTS[i]}:\n${o.slice(-2000)}`);
      t.is(dtls.established.length, 2);
      t.true(dtls.established.every((e) => e.identity === IDENTITY && e.suite === suite));
      t.is(coap.requests.filter((r) => r.method === 'GET' && r.path === '/meter/value').length, 2);
      t.deepEqual(dtls.failures, []);
    } finally {
      await coap.close();
    }
  });
}

test("a wrong key fails the handshake (bad_record_mac on the client's Finished) and no request gets through", async (t) => {
  const { dtls, coap } = await serve();
  try {
    const out = await Promise.all(CLIENTS.map((c) => get(c, dtls.address().port, 'not-the-key')));
    for (const o of out) t.false(o.includes('answer for'));
    t.is(dtls.established.length, 0);
    t.is(dtls.failures.filter((f) => /wrong PSK/.test(f.reason)).length, 2);
    t.regex(out[0], /bad record mac/i, 'OpenSSL reports the alert');
    t.is(coap.requests.length, 0);
    t.is(dtls.sessionCount, 0);
  } finally {
    await coap.close();
  }
});

test('an unknown identity gets the unknown_psk_identity alert', async (t) => {
  const { dtls, coap } = await serve();
  try {
    const out = await get('coap-client-openssl', dtls.address().port, KEY, 'stranger');
    t.false(out.includes('answer for'));
    t.regex(out, /unknown psk identity/i);
    t.deepEqual(
      dtls.failures.map((f) => f.reason),
      ["unknown PSK identity 'stranger'"],
    );
  } finally {
    await coap.close();
  }
});

test('a ClientHello without cookie gets a HelloVerifyRequest and leaves no state; garbage is dropped; no common suite → handshake_failure', async (t) => {
  const { dtls, coap } = await serve();
  const sock = createSocket('udp4');
  try {
    await new Promise<void>((r) => sock.bind(0, '127.0.0.1', r));
    const next = (): Promise<Buffer> => new Promise<Buffer>((r) => sock.once('message', (m) => r(m)));
    // offers TLS_RSA_WITH_AES_128_CBC_SHA only
    const hello = (cookie: Buffer): Buffer =>
      Buffer.concat([
        Buffer.from([0xfe, 0xfd]),
        random,
        Buffer.from([0, cookie.length]),
        cookie,
        Buffer.from([0, 2, 0x00, 0x2f, 1, 0]),
      ]);
    const random = randomBytes(32);
    let reply = next();
    sock.send(Buffer.from([1, 2, 3]), dtls.address().port, '127.0.0.1');
    sock.send(
      encodeRecord(CONTENT.handshake, 0, 7, encodeHandshake(HS.clientHello, 0, hello(Buffer.alloc(0)))),
      dtls.address().port,
      '127.0.0.1',
    );
    const [rec] = parseRecords(await reply);
    t.is(rec?.seq, 7, 'HelloVerifyRequest echoes the record sequence number');
    const [hvr] = parseHandshakeFragments(rec.fragment);
    t.is(hvr?.msgType, HS.helloVerifyRequest);
    t.is(hvr?.body[2], 16, 'a 16-byte cookie');
    t.is(dtls.sessionCount, 0);
    t.true(dtls.failures.some((f) => /malformed/.test(f.reason)));
    reply = next();
    sock.send(
      encodeRecord(CONTENT.handshake, 0, 8, encodeHandshake(HS.clientHello, 1, hello(hvr.body.subarray(3)))),
      dtls.address().port,
      '127.0.0.1',
    );
    const [alert] = parseRecords(await reply);
    t.is(alert?.type, CONTENT.alert);
    t.deepEqual([...alert.fragment], [2, 40], 'fatal handshake_failure');
    t.regex(dtls.failures.at(-1)?.reason ?? '', /no common cipher suite/);
    t.is(dtls.sessionCount, 0);
  } finally {
    sock.close();
    await coap.close();
  }
});

test('a Finished over a transcript the server saw differently gets decrypt_error (identity rewritten on the way, same key)', async (t) => {
  const dtls = await DtlsPskServer.start({
    psk: (id) => (id === IDENTITY || id === 'meter-2' ? Buffer.from(KEY) : undefined),
  });
  const coap = await HostileServer.start({ transport: dtls });
  const relay = await UdpRelay.start(dtls.address().port, {
    toServer: (d) => {
      const i = d.indexOf(Buffer.from(IDENTITY));
      return [i < 0 ? d : Buffer.concat([d.subarray(0, i), Buffer.from('meter-2'), d.subarray(i + IDENTITY.length)])];
    },
  });
  try {
    const out = await get('coap-client-openssl', relay.port, KEY);
    t.false(out.includes('answer for'));
    t.regex(out, /decrypt error/i);
    t.deepEqual(
      dtls.failures.map((f) => f.reason),
      ["the client's Finished verify_data is wrong"],
    );
  } finally {
    relay.close();
    await coap.close();
  }
});

test('a replayed application record is dropped: each CoAP request reaches the server once', async (t) => {
  const { dtls, coap } = await serve();
  let doubled = 0;
  const relay = await UdpRelay.start(dtls.address().port, {
    toServer: (d) => {
      if (d[0] !== CONTENT.applicationData) return [d];
      doubled++;
      return [d, d];
    },
  });
  try {
    const out = await get('coap-client-gnutls', relay.port, KEY);
    t.true(out.includes('answer for /meter/value'));
    t.true(doubled >= 1);
    t.is(coap.requests.length, 1, 'the copy was not delivered');
  } finally {
    relay.close();
    await coap.close();
  }
});

/** The handshake message types carried by a datagram's plaintext (epoch 0) records. */
function handshakeTypes(d: Buffer): number[] {
  try {
    return parseRecords(d)
      .filter((r) => r.epoch === 0 && r.type === CONTENT.handshake)
      .flatMap((r) => parseHandshakeFragments(r.fragment).map((f) => f.msgType));
  } catch {
    return [];
  }
}

for (const client of CLIENTS) {
  test(`${client}: lost server flights are sent again when the client repeats its flight`, async (t) => {
    const { dtls, coap } = await serve();
    let droppedHello = false;
    let droppedFinished = false;
    const relay = await UdpRelay.start(dtls.address().port, {
      toClient: (d) => {
        const types = handshakeTypes(d);
        if (!droppedHello && types.includes(HS.serverHello)) {
          droppedHello = true;
          return [];
        }
        const ccs = parseRecords(d).some((r) => r.type === CONTENT.changeCipherSpec);
        if (!droppedFinished && ccs) {
          droppedFinished = true;
          return [];
        }
        return [d];
      },
    });
    try {
      const out = await get(client, relay.port, KEY);
      t.true(out.includes('answer for /meter/value'), out.slice(-1500));
      t.true(droppedHello && droppedFinished);
      t.is(dtls.established.length, 1);
    } finally {
      relay.close();
      await coap.close();
    }
  });

  test(`${client}: a ClientKeyExchange split into fragments arriving in reverse order is reassembled`, async (t) => {
    const { dtls, coap } = await serve();
    let split = 0;
    const relay = await UdpRelay.start(dtls.address().port, {
      toServer: (d) => {
        const recs = parseRecords(d);
        const out: Buffer[] = [];
        for (const r of recs) {
          const frags = r.epoch === 0 && r.type === CONTENT.handshake ? parseHandshakeFragments(r.fragment) : [];
          const cke = frags.length === 1 && frags[0].msgType === HS.clientKeyExchange ? frags[0] : undefined;
          if (!cke) {
            out.push(encodeRecord(r.type, r.epoch, r.seq, r.fragment, r.version));
            continue;
          }
          split++;
          const cut = Math.floor(cke.body.length / 2);
          const parts = [
            { offset: cut, body: cke.body.subarray(cut) },
            { offset: 0, body: cke.body.subarray(0, cut) },
          ];
          for (const p of parts)
            out.push(
              encodeRecord(
                r.type,
                0,
                r.seq,
                fragment(cke.msgType, cke.length, cke.messageSeq, p.offset, p.body),
                r.version,
              ),
            );
        }
        return out; // one record per datagram: each fragment travels alone
      },
    });
    try {
      const out = await get(client, relay.port, KEY);
      t.true(out.includes('answer for /meter/value'), out.slice(-1500));
      t.true(split >= 1);
      t.is(dtls.established.length, 1);
    } finally {
      relay.close();
      await coap.close();
    }
  });
}

/** A handshake fragment with its DTLS header. */
function fragment(msgType: number, length: number, messageSeq: number, offset: number, body: Buffer): Buffer {
  const h = Buffer.alloc(12);
  h[0] = msgType;
  h.writeUIntBE(length, 1, 3);
  h.writeUInt16BE(messageSeq, 4);
  h.writeUIntBE(offset, 6, 3);
  h.writeUIntBE(body.length, 9, 3);
  return Buffer.concat([h, body]);
}

test('ReplayWindow: a duplicate or a record older than the 64-record window is refused, a late one inside it taken once', (t) => {
  const w = new ReplayWindow();
  for (const s of [0, 1, 5]) {
    t.false(w.seen(s));
    w.mark(s);
  }
  t.true(w.seen(5));
  t.false(w.seen(3), 'late but inside the window');
  w.mark(3);
  t.true(w.seen(3));
  w.mark(100);
  t.true(w.seen(36), 'left of the window');
  t.false(w.seen(37));
});
