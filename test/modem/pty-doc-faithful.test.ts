// pty-doc-faithful.test.ts: the profiles against the emulator answering as the manuals do: nRF91 without echo control,
// registration URCs only once enabled, SIM7080 activation reported late by +APP PDP, BG95 sockets as its TCP/IP note,
// +CEREG cell data in object 4.
import test from 'ava';
import { AtModemDriver } from '../../src/modem/at-driver.js';
import { rig, until, urcSeen } from './pty-helpers.js';

test('nrf91: ATE answers ERROR (no echo control): never sent, +CEREG=2 enabled, attaches and goes online', async (t) => {
  const r = await rig('nrf91', { profile: 'nrf91' });
  try {
    await until(() => r.out.some((m) => m.type === 'network.up'), 8000, 'network.up');
    t.false(
      r.emu.received.some((c) => /^ATE/.test(c)),
      'no ATE command sent to an nRF91',
    );
    t.true(r.emu.received.includes('AT+CEREG=2'));
    t.false(
      r.out.some((m) => m.type === 'network.error'),
      'no power-on failure',
    );
  } finally {
    await r.close();
  }
});

test('nrf91 auto-detected: the probing ATE0 fails (optional), init has no ATE0, online', async (t) => {
  const r = await rig('nrf91', { profile: 'auto' });
  try {
    await until(() => r.out.some((m) => m.type === 'network.up'), 8000, 'network.up');
    t.is(r.emu.received.filter((c) => c === 'ATE0').length, 1, 'only the probe before identification');
    t.false(r.out.some((m) => m.type === 'network.error'));
  } finally {
    await r.close();
  }
});

test('registration URCs off (+CEREG: 0,…): AT+CEREG? re-enables them, so a recovery that skipped init still attaches', async (t) => {
  // Power-on keeps failing (+CMEE rejected) until the modem behaves: recoveries cycle CFUN; init must run again.
  const r = await rig(
    'generic',
    { profile: 'generic', timeouts: { attachMs: 1500, retryMs: 50, retryMaxMs: 100 } },
    (emu) => {
      emu.answers.set('AT+CMEE=1', 'ERROR');
    },
  );
  try {
    await until(() => r.out.filter((m) => m.type === 'network.error').length >= 3, 8000, 'three power-on failures');
    r.emu.answers.clear();
    await until(() => r.out.some((m) => m.type === 'network.up'), 8000, 'network.up after recovery');
    t.true(r.emu.ceregN >= 2, 'registration URCs enabled');
  } finally {
    await r.close();
  }
});

test('nrf91: object 4 Cell ID and TAC come from the +CEREG URC when the cell query gives none', async (t) => {
  const r = await rig('nrf91', { profile: 'nrf91' }, (emu) => {
    emu.cell = { tac: '002F', ci: '0012BEEF' };
    emu.answers.set('AT%NCELLMEAS', 'ERROR');
  });
  try {
    await until(() => r.out.some((m) => m.type === 'connectivity.update'), 8000, 'connectivity.update');
    const upd = r.out.find((m) => m.type === 'connectivity.update');
    if (upd?.type !== 'connectivity.update') return t.fail();
    t.is(upd.values[8], 0x0012beef);
    t.is(upd.values[12], 0x002f);
  } finally {
    await r.close();
  }
});

test('sim7080: AT+CNACT=0,1 OK, +APP PDP: 0,ACTIVE later: waits for it, reads the address, opens its socket', async (t) => {
  const r = await rig('sim7080', { profile: 'sim7080', dataPath: 'modem-socket' }, (emu) => {
    emu.pdpActivateMs = 300;
  });
  try {
    await until(() => r.out.some((m) => m.type === 'network.up'), 8000, 'network.up');
    t.like(
      r.out.find((m) => m.type === 'network.up'),
      { type: 'network.up', ip: '10.0.0.7' },
    );
    t.like(
      await r.svc.receive({
        type: 'modem.socket.send',
        data: Uint8Array.of(1, 2),
        to: { address: '127.0.0.1', port: 9 },
      }),
      { ok: true },
    );
    t.false(
      r.emu.received.includes('AT+CFUN=0') &&
        r.emu.received.lastIndexOf('AT+CFUN=0') > r.emu.received.indexOf('AT+CNACT=0,1'),
      'no radio cycle',
    );
  } finally {
    await r.close();
  }
});

test('sim7080: activation never reported: PDP step times out (no socket on a dead context); +APP PDP: 0,DEACTIVE re-activates; +CASTATE: 0,0 forgets the socket', async (t) => {
  const r = await rig(
    'sim7080',
    { profile: 'sim7080', dataPath: 'modem-socket', timeouts: { longCommandMs: 400, retryMs: 50 } },
    (emu) => {
      emu.pdpActivateMs = undefined;
    },
  );
  try {
    await until(() => r.out.some((m) => m.type === 'network.error'), 5000, 'network.error');
    t.like(
      r.out.find((m) => m.type === 'network.error'),
      { code: 'AT_TIMEOUT' },
    );
    t.false(r.emu.received.some((c) => c.startsWith('AT+CAOPEN')));
    r.emu.pdpActivateMs = 20;
    await until(() => r.out.some((m) => m.type === 'network.up'), 8000, 'network.up');
    const to = { address: '127.0.0.1', port: 9 };
    await r.svc.receive({ type: 'modem.socket.send', data: Uint8Array.of(1), to });
    // the module closes the connection: the next send opens a new one, no AT+CACLOSE on the closed one
    const seen = urcSeen(r, /^\+CASTATE: 0,0/);
    r.emu.socketClosedByModule(0);
    await seen;
    await r.svc.receive({ type: 'modem.socket.send', data: Uint8Array.of(2), to });
    t.is(r.emu.received.filter((c) => c.startsWith('AT+CAOPEN')).length, 2);
    t.false(r.emu.received.some((c) => c.startsWith('AT+CACLOSE')));
    // the network takes the context down: network.down, then AT+CNACT again and up
    const ups = r.out.filter((m) => m.type === 'network.up').length;
    const acts = r.emu.received.filter((c) => c === 'AT+CNACT=0,1').length;
    r.emu.pdpDown();
    await until(() => r.out.filter((m) => m.type === 'network.up').length > ups, 5000, 'network.up again');
    t.true(r.out.some((m) => m.type === 'network.down' && m.reason === 'PDP context lost'));
    t.is(r.emu.received.filter((c) => c === 'AT+CNACT=0,1').length, acts + 1);
  } finally {
    await r.close();
  }
});

test('nrf91: %NCELLMEAS OK but its notification never comes (modem silent): the poll goes on without cell data, nothing crashes', async (t) => {
  // (ATE0 accepted here so that this test depends on the notification wait only.)
  const r = await rig('nrf91', { profile: 'nrf91', timeouts: { longCommandMs: 200, signalIntervalMs: 100 } }, (emu) => {
    emu.answers.set('ATE0', 'OK');
  });
  try {
    await until(() => r.out.some((m) => m.type === 'connectivity.update'), 8000, 'connectivity.update');
    // %NCELLMEAS goes unanswered (longer than the URC wait), then it is answered but never notified
    const sent = (): number => r.emu.received.filter((c) => c === 'AT%NCELLMEAS').length;
    const before = sent();
    r.emu.silent.add('AT%NCELLMEAS');
    await until(() => sent() >= before + 2, 8000, 'two unanswered %NCELLMEAS');
    r.emu.silent.clear();
    r.emu.answers.set('AT%NCELLMEAS', 'OK');
    const n = r.out.filter((m) => m.type === 'connectivity.update').length;
    await until(() => r.out.filter((m) => m.type === 'connectivity.update').length >= n + 2, 8000, 'two more polls');
    t.is(r.svc.actor()?.getSnapshot().status, 'active');
  } finally {
    await r.close();
  }
});

test('bg95: the emulator answers as the TCP/IP note (QIACT twice ERROR, QIOPEN result by URC, QISEND/QIRD on a closed connection ERROR); the profile opens, sends and reads in the documented forms', async (t) => {
  const r = await rig('bg95', { profile: 'bg95', dataPath: 'modem-socket' });
  try {
    await until(() => r.out.some((m) => m.type === 'network.up'), 8000, 'network.up');
    t.like(
      r.out.find((m) => m.type === 'network.up'),
      { type: 'network.up', ip: '10.0.0.6' },
    );
    const driver = r.svc.driver();
    if (!(driver instanceof AtModemDriver)) return t.fail('not an AT driver');
    const code = (cmd: string): Promise<string | undefined> =>
      driver.channel.command(cmd, { timeoutMs: 2000 }).then(
        () => undefined,
        (e: unknown) => (e as { code?: string }).code,
      );
    // documented rejections, before any socket is open
    t.is(await code('AT+QIACT=1'), 'AT_ERROR', 'context already active');
    t.is(await code('AT+QIRD=0'), 'AT_ERROR', 'no connection 0');
    t.is(await code('AT+QISEND=0,2,"127.0.0.1",9'), 'AT_ERROR', 'no connection 0');
    // the profile's socket: one UDP SERVICE connection, sends with the remote address
    t.like(
      await r.svc.receive({
        type: 'modem.socket.send',
        data: Uint8Array.of(0x0d, 0x0a, 0x3e),
        to: { address: '127.0.0.1', port: 9 },
      }),
      { ok: true },
    );
    t.true(r.emu.qiOpen.has(0));
    t.is(await code('AT+QISEND=0,2'), 'AT_ERROR', 'UDP SERVICE needs the remote address');
    t.is(await code('AT+QISEND=0,1461,"127.0.0.1",9'), 'AT_ERROR', 'longer than 1460');
    // a second open on the same connectID: OK, then +QIOPEN: 0,563
    const second = await driver.channel.commandThenUrc(
      'AT+QIOPEN=1,0,"UDP SERVICE","127.0.0.1",0,0,0',
      { timeoutMs: 2000 },
      { re: /^\+QIOPEN: 0,/, timeoutMs: 2000 },
    );
    t.is(second.line, '+QIOPEN: 0,563');
    t.true(
      r.emu.received.every(
        (c) =>
          !/^AT\+QI(OPEN|SEND|RD)/.test(c) ||
          /^AT\+QIOPEN=1,0,"UDP SERVICE","127\.0\.0\.1",0,0,0$|^AT\+QISEND=0,\d+,"127\.0\.0\.1",\d+$|^AT\+QIRD=0$/.test(
            c,
          ) ||
          ['AT+QISEND=0,2', 'AT+QISEND=0,1461,"127.0.0.1",9'].includes(c),
      ),
    );
  } finally {
    await r.close();
  }
});
