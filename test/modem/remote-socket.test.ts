// remote-socket.test.ts: the cross-thread modem-socket path: remoteModemBackend → modem.socket.* requests → modem
// service → pty → UDP echo, and back as modem.socket.rx.
import test from 'ava';
import { createSocket } from 'node:dgram';
import { AtSocketTransport, remoteModemBackend } from '../../src/modem/at-socket-transport.js';
import { dispatch } from '../../src/runtime/dispatch.js';
import type { TransportEvent } from '../../src/coap/transport.js';
import { rig, until } from './pty-helpers.js';

test('socket actor side talks to the modem service by messages (BG95)', async (t) => {
  const echo = createSocket('udp4');
  echo.on('message', (msg, rinfo) => echo.send(msg, rinfo.port, rinfo.address));
  await new Promise<void>((r) => echo.bind(0, '127.0.0.1', () => r()));
  const port = echo.address().port;
  const r = await rig('bg95', { profile: 'bg95', dataPath: 'modem-socket' });
  try {
    await until(() => r.out.some((m) => m.type === 'network.up'), 8000, 'network.up');
    const be = remoteModemBackend((m) => Promise.resolve(r.svc.receive(m)));
    const tr = new AtSocketTransport(be);
    const got: TransportEvent[] = [];
    tr.onEvent((e) => got.push(e));
    await tr.open();
    await tr.send(Uint8Array.of(0x50, 0x02, 0x00, 0x01, 0xff), { address: '127.0.0.1', port });
    await until(() => r.delivered.length > 0, 5000, 'modem.socket.rx');
    be.deliver(r.delivered[0]);
    const ev = got.find((e) => e.type === 'message');
    if (ev?.type !== 'message') return t.fail();
    t.deepEqual([...ev.data], [0x50, 0x02, 0x00, 0x01, 0xff]);
    await t.throwsAsync(
      Promise.resolve().then(() =>
        dispatch({ name: 'modem', instance: r.svc, accepts: undefined }, { type: 'modem.socket.send', data: 'x' }),
      ),
      { message: /needs data/ },
    );
    await tr.close();
  } finally {
    await r.close();
    echo.close();
  }
});
