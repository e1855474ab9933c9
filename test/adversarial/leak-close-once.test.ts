// leak-close-once.test.ts: the real device with the valve plugin: the meter detects a leak, the valve closes, and the
// server receives that report in exactly one Send.
import test from 'ava';
import { HostileServer, type DeviceRequest } from '../support/hostile-server.js';
import { DeviceProcess } from '../support/device-process.js';

const config = {
  meter: {
    source: { kind: 'simulated', dailyM3: 0, leakLph: 3600, tickMs: 50 },
    readingIntervalS: 1,
    leak: { suspectedAfterS: 1, detectedAfterS: 2, quietGapS: 60, nightMinFlowLph: 0 },
  },
  plugins: {
    enabled: ['valve'],
    config: {
      valve: {
        gpio: { kind: 'simulated', chip: 'relay', line: 5 },
        leakRule: { enabled: true, on: 'detected', pollMs: 200 },
      },
    },
  },
};

const isValveSend = (r: DeviceRequest): boolean =>
  r.method === 'POST' && r.path === '/dp' && r.packet.payload.includes('3306');

test('leak detected → valve closed → one Send of /3306/0/5850, not two', async (t) => {
  const server = await HostileServer.start();
  const device = new DeviceProcess({ server: server.uri, config });
  try {
    await server.waitForRegister(30_000);
    const opened = await server.request({
      method: 'PUT',
      path: '/3306/0/5850',
      contentFormat: 0,
      payload: Buffer.from('1'),
    });
    t.is(opened.code, '2.04');
    await device.waitForLog((l) => l.code === 'VALVE_LEAK_CLOSED', 20_000);
    const first = await server.waitForRequest(isValveSend, 10_000, 'the valve report');
    // a few more readings (one a second) and valve polls (every 200 ms) later, still one
    const readings = device.logs().filter((l) => l.msg === 'reading stored').length;
    await device.waitForLog(
      () => device.logs().filter((l) => l.msg === 'reading stored').length >= readings + 3,
      10_000,
    );
    const valveSends = server.requests.filter(isValveSend);
    t.is(valveSends.length, 1, `valve Sends at ${valveSends.map((r) => r.at - first.at).join(', ')} ms`);
  } finally {
    await device.stop();
    await server.close();
  }
});
