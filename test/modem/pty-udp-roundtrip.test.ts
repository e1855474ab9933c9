// pty-udp-roundtrip.test.ts: a CoAP-sized binary datagram through the modem's own socket (AT over pty) to a real
// loopback UDP echo server and back.
import test from 'ava';
import { createSocket } from 'node:dgram';
import { AtModemDriver } from '../../src/modem/at-driver.js';
import { AtSocketTransport } from '../../src/modem/at-socket-transport.js';
import { AtUdpSocket } from '../../src/modem/at-udp-socket.js';
import type { TransportEvent } from '../../src/coap/transport.js';
import { rig, until } from './pty-helpers.js';

for (const profile of ['nrf91', 'bg95', 'sim7080'] as const) {
  test(`${profile}: UDP round trip through the modem socket`, async (t) => {
    const echo = createSocket('udp4');
    echo.on('message', (msg, rinfo) =>
      echo.send(Buffer.concat([Buffer.from('echo:'), msg]), rinfo.port, rinfo.address),
    );
    await new Promise<void>((r) => echo.bind(0, '127.0.0.1', () => r()));
    const port = echo.address().port;
    const r = await rig(profile, { profile, dataPath: 'modem-socket' });
    try {
      await until(() => r.out.some((m) => m.type === 'network.up'), 8000, 'network.up');
      const driver = r.svc.driver();
      if (!(driver instanceof AtModemDriver)) return t.fail('not an AT driver');
      const transport = new AtSocketTransport(new AtUdpSocket(driver));
      const got: TransportEvent[] = [];
      transport.onEvent((ev) => got.push(ev));
      await transport.open();
      // A CoAP CON GET with bytes that must survive: CR, LF, NUL, '>' and 0xFF.
      const payload = Uint8Array.from([
        0x40, 0x01, 0x12, 0x34, 0x0d, 0x0a, 0x00, 0x3e, 0x20, 0xff, 0x0d, 0x0a, 0x4f, 0x4b,
      ]);
      await transport.send(payload, { address: '127.0.0.1', port });
      await until(() => got.some((e) => e.type === 'message'), 5000, 'echoed datagram');
      const ev = got.find((e) => e.type === 'message');
      if (ev?.type !== 'message') return t.fail();
      t.deepEqual(Buffer.from(ev.data), Buffer.concat([Buffer.from('echo:'), Buffer.from(payload)]));
      t.is(ev.from.port, port);
      t.is(ev.from.address, '127.0.0.1');
      await transport.send(Uint8Array.of(1, 2, 3), { address: '127.0.0.1', port });
      await until(() => got.filter((e) => e.type === 'message').length === 2, 5000, 'second datagram');
      await transport.close();
      t.true(got.some((e) => e.type === 'close'));
      if (profile === 'nrf91') {
        // Serial Modem add-on v1.0.1 forms only: handle first, hex string mode (1) both ways, #XCLOSE.
        const socketCmds = r.emu.received.filter((c) => /^AT#X(SOCKET|SENDTO|RECVFROM|APOLL|CLOSE)/.test(c));
        t.true(
          socketCmds.every((c) =>
            /^AT#XSOCKET=1,2,0$|^AT#XSENDTO=0,1,0,"127\.0\.0\.1",\d+,"[0-9A-Fa-f]+"$|^AT#XRECVFROM=0,1,64,1$|^AT#XAPOLL=,1,1$|^AT#XCLOSE=0$/.test(
              c,
            ),
          ),
          socketCmds.join(' | '),
        );
      }
      if (profile === 'bg95') {
        // BG95 TCP/IP Application Note V1.1: UDP SERVICE on connectID 0, QISEND with the remote address, QIRD, QICLOSE.
        const socketCmds = r.emu.received.filter((c) => /^AT\+QI(OPEN|SEND|RD|CLOSE)/.test(c));
        t.true(
          socketCmds.every((c) =>
            /^AT\+QIOPEN=1,0,"UDP SERVICE","127\.0\.0\.1",0,0,0$|^AT\+QISEND=0,\d+,"127\.0\.0\.1",\d+$|^AT\+QIRD=0$|^AT\+QICLOSE=0$/.test(
              c,
            ),
          ),
          socketCmds.join(' | '),
        );
        t.is(socketCmds.filter((c) => c.startsWith('AT+QISEND')).length, 2);
      }
    } finally {
      await r.close();
      echo.close();
    }
  });
}

test('nrf91 emulator: the older SLM socket forms answer ERROR, as in Serial Modem v1.0.1', async (t) => {
  const r = await rig('nrf91', { profile: 'nrf91', dataPath: 'modem-socket' });
  try {
    await until(() => r.out.some((m) => m.type === 'network.up'), 8000, 'network.up');
    const driver = r.svc.driver();
    if (!(driver instanceof AtModemDriver)) return t.fail('not an AT driver');
    for (const cmd of [
      'AT#XSENDTO="127.0.0.1",5683,0,"4001"',
      'AT#XSENDTO="127.0.0.1",5683',
      'AT#XRECVFROM=1,64',
      'AT#XAPOLL=1,1',
      'AT#XSOCKET=0',
    ]) {
      const err = await driver.channel.command(cmd, { timeoutMs: 2000 }).then(
        () => undefined,
        (e: unknown) => e as { code?: string },
      );
      t.is(err?.code, 'AT_ERROR', cmd);
    }
  } finally {
    await r.close();
  }
});
