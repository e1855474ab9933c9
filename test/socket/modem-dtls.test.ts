// modem-dtls.test.ts: modem.dataPath modem-socket with a coaps:// server: the DTLS-PSK (CCM_8) session with
// libcoap's GnuTLS server runs through modem.socket.send / .rx messages, only ciphertext crosses the modem, and an idle
// re-handshake goes the same way.
import test from 'ava';
import { createSocket } from 'node:dgram';
import { InProcessActors } from '../support/in-process-actors.js';
import { socketActorModule } from '../../src/actors/socket.actor.js';
import type { CoapIncomingResponse } from '../../src/coap/api.js';
import { startLibcoapServer } from '../support/libcoap.js';
import { createEndpoint } from '../../src/coap/endpoint.js';
import { ModemDtlsTransport } from '../../src/modem/modem-dtls-transport.js';

const KEY = 'modemPSKsecret';

async function modemRig(t: {
  teardown(f: () => void): void;
}): Promise<{ actors: InProcessActors; sent: Buffer[]; received: Buffer[] }> {
  const actors = new InProcessActors({ modem: { dataPath: 'modem-socket' }, coap: { dtlsHandshakeTimeoutMs: 3000 } });
  // The modem's own UDP socket: what the module's IP stack does, here a loopback dgram socket.
  const modemUdp = createSocket('udp4');
  await new Promise<void>((r) => modemUdp.bind(0, '127.0.0.1', () => r()));
  const received: Buffer[] = [];
  modemUdp.on('message', (data, rinfo) => {
    received.push(Buffer.from(data));
    void actors.get('socket')?.receive({
      type: 'modem.socket.rx',
      data: new Uint8Array(data),
      from: { address: rinfo.address, port: rinfo.port },
    });
  });
  const sent: Buffer[] = [];
  actors.stub('modem', (m) => {
    if (m.type !== 'modem.socket.send') return undefined;
    const { data, to } = m as unknown as { data: Uint8Array; to: { address: string; port: number } };
    sent.push(Buffer.from(data));
    return new Promise<void>((resolve, reject) =>
      modemUdp.send(data, to.port, to.address, (err) => (err ? reject(err) : resolve())),
    );
  });
  t.teardown(() => modemUdp.close());
  await actors.start('socket', socketActorModule(), { objects: [] });
  return { actors, sent, received };
}

const target = (port: number, key: string) => ({
  ssid: 101,
  uri: `coaps://127.0.0.1:${port}`,
  host: '127.0.0.1',
  port,
  security: 'psk',
  pskIdentity: 'meter-1',
  pskKey: Buffer.from(key).toString('base64'),
});

test('coaps:// over the modem socket: handshake and GET through modem messages, nothing in clear on the modem', async (t) => {
  const srv = await startLibcoapServer('coap-server-gnutls', ['-k', KEY]);
  t.teardown(() => srv.stop());
  const { actors, sent, received } = await modemRig(t);
  const socket = actors.get('socket')!;
  // the server has bound its DTLS port (startLibcoapServer): the first open must succeed
  t.deepEqual(await socket.receive({ type: 'socket.open', server: target(srv.dtlsPort, KEY) }), { ok: true });
  const handshakeDatagrams = sent.length;
  t.true(handshakeDatagrams >= 3, `handshake flights went through the modem (${handshakeDatagrams})`);
  t.is(sent[0][0], 22, 'first datagram is a DTLS handshake record (content type 22)');

  const res = (await socket.receive({ type: 'coap.send', req: { method: 'GET', path: [] } })) as CoapIncomingResponse;
  t.is(res.code, '2.05');
  t.regex(Buffer.from(res.payload).toString(), /libcoap/i, "libcoap's banner, decrypted");
  t.true(sent.length > handshakeDatagrams, 'the request crossed the modem too');
  t.is(sent.at(-1)?.[0], 23, 'as a DTLS application-data record (content type 23)');
  t.true(received.length > 0);
  t.false(
    received.some((b) => b.includes(Buffer.from('libcoap'))),
    'the banner crossed the modem encrypted',
  );
  await actors.stopAll();
});

test('a wrong key over the modem socket: DTLS_HANDSHAKE_FAILED naming the server and the modem socket', async (t) => {
  const srv = await startLibcoapServer('coap-server-gnutls', ['-k', KEY]);
  const port = srv.port;
  t.teardown(() => srv.stop());
  const { actors } = await modemRig(t);
  const socket = actors.get('socket')!;
  // the right key works first, so the failure below is the key's fault
  t.deepEqual(await socket.receive({ type: 'socket.open', server: target(port + 1, KEY) }), { ok: true });
  await socket.receive({ type: 'socket.close' });
  const err = await t.throwsAsync(
    socket.receive({ type: 'socket.open', server: { ...target(port + 1, 'not-the-key') } }) as Promise<unknown>,
  );
  t.is((err as { code?: string } | undefined)?.code, 'DTLS_HANDSHAKE_FAILED');
  t.regex(err?.message ?? '', new RegExp(`127\\.0\\.0\\.1:${port + 1} \\(modem socket\\)`));
  await actors.stopAll();
});

test('modem DTLS after a long silence: the idle re-handshake goes through a new modem socket', async (t) => {
  const srv = await startLibcoapServer('coap-server-gnutls', ['-k', KEY]);
  const port = srv.port;
  t.teardown(() => srv.stop());
  // the modem's socket: closing it and sending again opens a new one on a new local port, as an AT socket does
  const up: Buffer[] = [];
  const localPorts = new Set<number>();
  const listeners: ((d: { data: Uint8Array; from: { address: string; port: number } }) => void)[] = [];
  let udp: ReturnType<typeof createSocket> | undefined;
  const socketNow = async (): Promise<ReturnType<typeof createSocket>> => {
    if (udp !== undefined) return udp;
    const s = createSocket('udp4');
    await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
    localPorts.add(s.address().port);
    s.on('message', (data, rinfo) => {
      for (const l of listeners) l({ data: new Uint8Array(data), from: { address: rinfo.address, port: rinfo.port } });
    });
    udp = s;
    return s;
  };
  t.teardown(() => udp?.close());
  const backend = {
    mtu: 1280,
    send: async (data: Uint8Array, to: { address: string; port: number }) => {
      const s = await socketNow();
      up.push(Buffer.from(data));
      await new Promise<void>((resolve, reject) =>
        s.send(data, to.port, to.address, (err) => (err ? reject(err) : resolve())),
      );
    },
    close: () => {
      const s = udp;
      udp = undefined;
      s?.close();
      return Promise.resolve();
    },
    onDatagram: (l: (d: { data: Uint8Array; from: { address: string; port: number } }) => void) => {
      listeners.push(l);
    },
    onError: () => undefined,
  };
  let now = 5_000_000;
  const server = { address: '127.0.0.1', port: port + 1 };
  const tr = new ModemDtlsTransport(backend, {
    server,
    pskIdentity: 'meter-1',
    pskKey: Buffer.from(KEY).toString('base64'),
    handshakeTimeoutMs: 2000,
    idleRehandshakeMs: 240_000,
    now: () => now,
  });
  await tr.open();
  const clientHellos = (): number => up.filter((b) => b[0] === 22 && b[13] === 1).length;
  const ep = createEndpoint(tr);
  t.is((await ep.request(server, { method: 'GET', path: [] })).code, '2.05');
  const hellos = clientHellos();
  now += 300_000;
  t.is((await ep.request(server, { method: 'GET', path: [] })).code, '2.05', 'answered after the new handshake');
  t.true(clientHellos() > hellos, 'a new ClientHello crossed the modem');
  t.is(localPorts.size, 2, 'from a new modem socket');
  await ep.close();
  await tr.close();
});
