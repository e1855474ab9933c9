// dtls-libcoap.test.ts: our endpoint as DTLS-PSK client (AES_128_CCM_8) GETs from libcoap's GnuTLS and OpenSSL servers;
// a wrong key fails the handshake with a code.
import test from 'ava';
import { createEndpoint } from '../../src/coap/endpoint.js';
import { createDtlsTransport, DtlsTransport } from '../../src/coap/transports/dtls.js';
import type { TransportEvent } from '../../src/coap/transport.js';
import { startLibcoapServer } from '../support/libcoap.js';
import { str } from './support/pair.js';

const KEY = 'secretPSK';

/** Opens the transport (the server has bound its DTLS port already: startLibcoapServer waits for that). */
async function opened(tr: DtlsTransport): Promise<DtlsTransport> {
  await tr.open();
  return tr;
}

for (const bin of ['coap-server-gnutls', 'coap-server-openssl']) {
  test(`PSK CCM_8 handshake and GET against ${bin}`, async (t) => {
    const srv = await startLibcoapServer(bin, ['-k', KEY, '-h', 'CoAP']);
    try {
      const tr = await opened(
        createDtlsTransport({
          host: '127.0.0.1',
          port: srv.dtlsPort,
          pskIdentity: 'meter-1',
          pskKey: Buffer.from(KEY).toString('base64'),
          handshakeTimeoutMs: 3000,
        }),
      );
      const ep = createEndpoint(tr);
      const res = await ep.request(tr.server, { method: 'GET', path: [] });
      t.is(res.code, '2.05');
      t.regex(str(res.payload), /libcoap/i);
      const time = await ep.request(tr.server, { method: 'GET', path: ['time'] });
      t.is(time.code, '2.05');
      t.true(await ep.ping(tr.server));
      // Re-handshake on demand, then the session works again.
      await tr.rehandshake();
      const again = await ep.request(tr.server, { method: 'GET', path: [] });
      t.is(again.code, '2.05');
      await ep.close();
      await tr.close();
    } finally {
      await srv.stop();
    }
  });
}

test('a wrong key fails with DTLS_HANDSHAKE_FAILED (rejection and transport event)', async (t) => {
  const srv = await startLibcoapServer('coap-server-gnutls', ['-k', KEY]);
  const port = srv.port;
  try {
    // A handshake with the right key first, so the failure below is the key's fault.
    const ok = await opened(
      createDtlsTransport({
        host: '127.0.0.1',
        port: port + 1,
        pskIdentity: 'x',
        pskKey: Buffer.from(KEY),
        handshakeTimeoutMs: 3000,
      }),
    );
    await ok.close();
    const tr = createDtlsTransport({
      host: '127.0.0.1',
      port: port + 1,
      pskIdentity: 'x',
      pskKey: Buffer.from([1, 2, 3, 0xff, 0]),
      handshakeTimeoutMs: 2000,
    });
    const events: TransportEvent[] = [];
    tr.onEvent((e) => events.push(e));
    const err = await t.throwsAsync(tr.open());
    t.is((err as Error & { code?: string }).code, 'DTLS_HANDSHAKE_FAILED');
    t.true(events.some((e) => e.type === 'error' && e.code === 'DTLS_HANDSHAKE_FAILED'));
  } finally {
    await srv.stop();
  }
});

test('idle re-handshake: after idleRehandshakeMs without a datagram from the server, the next send handshakes first (simulated clock)', async (t) => {
  const srv = await startLibcoapServer('coap-server-gnutls', ['-k', KEY]);
  try {
    let now = 1_000_000;
    const tr = await opened(
      createDtlsTransport({
        host: '127.0.0.1',
        port: srv.dtlsPort,
        pskIdentity: 'meter-1',
        pskKey: Buffer.from(KEY).toString('base64'),
        handshakeTimeoutMs: 3000,
        idleRehandshakeMs: 240_000,
        now: () => now,
      }),
    );
    const ep = createEndpoint(tr);
    t.is((await ep.request(tr.server, { method: 'GET', path: [] })).code, '2.05');
    const first = tr.handshakes;
    now += 200_000; // an answer came 200 s ago: still fresh
    t.is((await ep.request(tr.server, { method: 'GET', path: [] })).code, '2.05');
    t.is(tr.handshakes, first, 'no handshake within the idle time');
    now += 241_000; // silence longer than the idle time: the NAT may have forgotten us
    t.is((await ep.request(tr.server, { method: 'GET', path: [] })).code, '2.05');
    t.is(tr.handshakes, first + 1, 'one new handshake before the request');
    t.is((await ep.request(tr.server, { method: 'GET', path: [] })).code, '2.05');
    t.is(tr.handshakes, first + 1);
    await ep.close();
    await tr.close();
  } finally {
    await srv.stop();
  }
});
