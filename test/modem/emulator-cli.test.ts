// emulator-cli.test.ts: `lwm2m-meter modem-emulator` as a user runs it: prints a pty path, the real device registers
// through it (its datagrams bridged to host UDP), console faults (pdp-down, drop-socket, no-network) are recovered
// from.
import test from 'ava';
import { existsSync } from 'node:fs';
import { DeviceProcess, LEVEL } from '../support/device-process.js';
import { EmulatorProcess } from '../support/emulator-process.js';
import { HostileServer } from '../support/hostile-server.js';

test('modem-emulator CLI (bg95): a pty path, the device registers through it, pdp-down and drop-socket at the console are recovered from', async (t) => {
  const emu = await EmulatorProcess.start(['--profile', 'bg95', '--bind', '127.0.0.1']);
  t.true(existsSync(emu.path), `the printed path exists: ${emu.path}`);
  const server = await HostileServer.start();
  const device = new DeviceProcess({
    server: server.uri,
    config: {
      modem: {
        kind: 'serial',
        port: emu.path,
        profile: 'auto',
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
    await server.waitForRegister(20_000);
    const read = await server.request({ method: 'GET', path: '/3/0/0', accept: 0 });
    t.is(read.code, '2.05');

    // the network takes the data context down: network.down, re-activation, an Update, answering again
    let since = server.requests.length;
    t.regex(await emu.command('pdp-down'), /deactivated/);
    await device.waitForLog((l) => l.msg === 'network.down' && l.reason === 'PDP context lost', 10_000);
    await server.waitForRequest(
      (r) => server.requests.indexOf(r) >= since && r.method === 'POST' && r.path.startsWith('/rd'),
      20_000,
      'an Update after pdp-down',
    );
    t.is((await server.request({ method: 'GET', path: '/3/0/0', accept: 0 })).code, '2.05');

    // the module closes the connection: the next send reopens it and the answer goes out
    t.regex(await emu.command('drop-socket'), /closed by the module/);
    t.is((await server.request({ method: 'GET', path: '/3/0/0', accept: 0 })).code, '2.05');

    // registration lost past lossGrace, then back: network.down, then registered again
    since = server.requests.length;
    t.regex(await emu.command('no-network'), /gone/);
    await device.waitForLog((l) => l.msg === 'network.down' && l.reason === 'LTE registration lost', 10_000);
    t.regex(await emu.command('ok'), /healthy/);
    await server.waitForRequest(
      (r) => server.requests.indexOf(r) >= since && r.method === 'POST' && r.path.startsWith('/rd'),
      20_000,
      'an Update after the network came back',
    );
    t.is((await server.request({ method: 'GET', path: '/3/0/0', accept: 0 })).code, '2.05');
    t.deepEqual(
      device.logsAtLeast(LEVEL.error).map((l) => l.msg),
      [],
    );
  } finally {
    await device.stop();
    await server.close();
    const r = await emu.stop();
    t.is(r.code, 0, emu.lines.join('\n'));
  }
  t.false(existsSync(emu.path), 'the pty is gone with the emulator');
});

test('modem-emulator CLI: an unknown profile is refused with the profiles available', async (t) => {
  const emu = EmulatorProcess.start(['--profile', 'bg96'], 5000);
  await t.throwsAsync(emu, { message: /exited \(1\)[\s\S]*--profile must be one of bg95, nrf91, sim7080, generic/ });
});
