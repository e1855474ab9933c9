// pty-device.test.ts: the whole `lwm2m-meter run` process on an emulated serial modem (pty) per family, data through
// the modem's own socket: power-on → registered → Read /3/0/0 answered → a fault from the family's manual → registered
// again and answering.
import test from 'ava';
import { DeviceProcess, LEVEL } from '../support/device-process.js';
import { HostileServer } from '../support/hostile-server.js';
import { ModemEmulator, type EmulatedProfile } from '../support/modem-emulator.js';
import { ptyPair } from '../support/modem-emulator-pty.js';

/** The fault each family's manual documents, raised on the emulator; resolves once it is over. */
const FAULTS: Record<
  Exclude<EmulatedProfile, 'generic'>,
  { what: string; down: string; raise(emu: ModemEmulator, device: DeviceProcess): Promise<void> }
> = {
  // nRF91 AT Commands Reference "+CEREG" notification: <stat> 0, not registered (the network detached it), then
  // registered again.
  nrf91: {
    what: '+CEREG: 0 (deregistered) for longer than lossGraceMs, then +CEREG: 1',
    down: 'LTE registration lost',
    async raise(emu, device) {
      emu.setStat(0);
      await device.waitForLog((l) => l.msg === 'network.down' && l.reason === 'LTE registration lost', 10_000);
      emu.setStat(1);
    },
  },
  // BG95 TCP/IP Application Note V1.1 §2.4.5: the network deactivated context 1.
  bg95: {
    what: '+QIURC: "pdpdeact",1',
    down: 'PDP context lost',
    raise: async (emu) => {
      emu.pdpDown();
    },
  },
  // SIM7080 AT+CNACT: the app network went down.
  sim7080: {
    what: '+APP PDP: 0,DEACTIVE',
    down: 'PDP context lost',
    raise: async (emu) => {
      emu.pdpDown();
    },
  },
};

for (const profile of ['nrf91', 'bg95', 'sim7080'] as const) {
  test(`${profile}: the device process on the emulated modem registers, answers a Read of /3/0/0, survives ${FAULTS[profile].what} and is registered again`, async (t) => {
    const started = Date.now();
    const pty = await ptyPair();
    const emu = await ModemEmulator.start(pty.a, profile);
    const server = await HostileServer.start();
    const device = new DeviceProcess({
      server: server.uri,
      config: {
        modem: {
          kind: 'serial',
          port: pty.b,
          profile,
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
      const reg = await server.waitForRegister(20_000);
      t.true(reg.query.includes(`ep=${device.endpoint}`));
      const registeredAt = Date.now() - started;
      const read = await server.request({ method: 'GET', path: '/3/0/0', accept: 0 });
      t.is(read.code, '2.05');
      t.true(read.payload.length > 0, 'a manufacturer name');
      t.true(device.logs().some((l) => l.msg === 'network.up'));

      const since = server.requests.length;
      const downs = device.logs().filter((l) => l.msg === 'network.down').length;
      const at = emu.received.length;
      await FAULTS[profile].raise(emu, device);
      // the link went down and came back; the client refreshed its registration over it
      const update = await server.waitForRequest(
        (r) => server.requests.indexOf(r) >= since && r.method === 'POST' && r.path.startsWith('/rd'),
        20_000,
        'an Update or Register after the fault',
      );
      t.truthy(update);
      // the modem saw the fault for what it is and mended it (no send error, no client-asked recovery, no radio cycle)
      t.deepEqual(
        device
          .logs()
          .filter((l) => l.msg === 'network.down')
          .slice(downs)
          .map((l) => l.reason),
        [FAULTS[profile].down],
      );
      t.false(emu.received.slice(at).includes('AT+CFUN=0'), `no radio cycle: ${emu.received.slice(at).join(' | ')}`);
      // SIM7080: the connection went with the app network; AT+CACLOSE on it would answer ERROR
      if (profile === 'sim7080')
        t.false(
          emu.received.slice(at).some((c) => c.startsWith('AT+CACLOSE')),
          'no AT+CACLOSE on the closed connection',
        );
      const again = await server.request({ method: 'GET', path: '/3/0/0', accept: 0 });
      t.is(again.code, '2.05');
      t.deepEqual(again.payload, read.payload);
      t.false(
        device.logsAtLeast(LEVEL.error).length > 0,
        device
          .logsAtLeast(LEVEL.error)
          .map((l) => JSON.stringify(l))
          .join('\n'),
      );
      t.log(
        `${profile}: registered ${registeredAt} ms after start, registered again ${Date.now() - started} ms after start`,
      );
    } finally {
      await device.stop();
      await server.close();
      await emu.close();
      pty.close();
    }
  });
}
