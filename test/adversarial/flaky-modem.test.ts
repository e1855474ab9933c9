// flaky-modem.test.ts: the real `run` process on an emulated serial modem (pty) that answers ERROR to AT+CGMM / ATI at
// boot: no reconnect storm while it cannot be identified, and once it answers, a recovery identifies it and the device
// registers over the modem's own socket.
import test from 'ava';
import { DeviceProcess, LEVEL } from '../support/device-process.js';
import { HostileServer } from '../support/hostile-server.js';
import { ModemEmulator } from '../support/modem-emulator.js';
import { ptyPair } from '../support/modem-emulator-pty.js';
import { quietPeriod } from '../support/poll.js';

test('modem not identified at boot (generic, no socket dialect): backed-off recoveries, then identified as nrf91 on recovery → Register over the modem socket', async (t) => {
  const pty = await ptyPair();
  const emu = await ModemEmulator.start(pty.a, 'nrf91');
  emu.fault = 'no-id';
  const server = await HostileServer.start();
  const device = new DeviceProcess({
    server: server.uri,
    config: {
      modem: {
        kind: 'serial',
        port: pty.b,
        apn: 'iot.test',
        dataPath: 'modem-socket',
        timeouts: {
          commandMs: 500,
          longCommandMs: 1000,
          attachMs: 3000,
          retryMs: 500,
          retryMaxMs: 4000,
          cfunCycleMs: 20,
          lossGraceMs: 300,
        },
      },
      client: { backoffInitialS: 1, backoffMaxS: 4, lteWaitS: 5 },
    },
  });
  try {
    await device.waitForLog((l) => /no UDP socket commands/.test(JSON.stringify(l)), 20_000);
    const start = Date.now();
    const cyclesBefore = emu.received.filter((c) => c === 'AT+CFUN=1').length;
    await quietPeriod(10_000, 'a rate: the CFUN cycles the recovery backoff lets through in 10 s of real time');
    const cycles = emu.received.filter((c) => c === 'AT+CFUN=1').length - cyclesBefore;
    const noSocket = device.logs().filter((l) => /no UDP socket commands/.test(JSON.stringify(l))).length;
    t.log(`in ${Date.now() - start} ms: ${cycles} CFUN cycles, ${noSocket} "no UDP socket commands" lines`);
    // without backoff: a CFUN cycle every ~0.35 s (105 failures in 37 s); with it the waits grow to the 4 s caps
    t.true(cycles <= 8, `${cycles} CFUN cycles in 10 s`);
    t.true(
      device
        .logsAtLeast(LEVEL.warn)
        .some(
          (l) =>
            l.msg ===
            'modem not identified (AT+CGMM and ATI failed): keeping this profile until a recovery identifies it',
        ),
    );
    t.true(
      device.logsAtLeast(LEVEL.warn).some((l) => l.msg === 'network.down'),
      'a lost link is a warning',
    );
    // the modem answers again: the next recovery identifies it, and the device registers through its socket
    emu.fault = 'none';
    const reg = await server.waitForRegister(30_000);
    t.true(reg.query.includes(`ep=${device.endpoint}`));
    t.true(device.logs().some((l) => l.msg === 'modem identified' && l.profile === 'nrf91'));
    t.true(
      emu.received.some((c) => c.startsWith('AT#XSENDTO=')),
      'sent through the nrf91 socket',
    );
  } finally {
    t.log(device.tail(15));
    await device.stop();
    await server.close();
    await emu.close();
    pty.close();
  }
});
