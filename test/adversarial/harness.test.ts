// harness.test.ts: the adversarial kit itself: the real `run` process registers with a hostile server, which reads from
// it and sends it raw bytes.
import test from 'ava';
import { HostileServer } from '../support/hostile-server.js';
import { DeviceProcess } from '../support/device-process.js';

test('the real device registers with the hostile server and answers its Read; an empty datagram changes nothing', async (t) => {
  const server = await HostileServer.start();
  const device = new DeviceProcess({ server: server.uri });
  try {
    const reg = await server.waitForRegister(30_000);
    t.true(reg.query.includes(`ep=${device.endpoint}`), reg.query.join('&'));
    const res = await server.request({ method: 'GET', path: '/3/0/0', accept: 0 });
    t.is(res.code, '2.05');
    t.is(res.payload.toString(), 'lwm2m-meter');
    server.sendRaw(Buffer.alloc(0));
    const again = await server.request({ method: 'GET', path: '/3/0/0', accept: 0 });
    t.is(again.code, '2.05');
    t.true(device.rssKiB() > 10_000);
    t.true(device.running);
  } finally {
    await device.stop();
    await server.close();
  }
});
