// pty-data-lost.test.ts: the modem closes the socket or loses the data context on its own (BG95 +QIURC: "closed" /
// "pdpdeact", SIM7080 +CASTATE / +APP PDP: DEACTIVE, nRF91 +CGEV: NW PDN DEACT 0): the link goes down and up again, the
// next send reopens the socket as each manual says.
import test from 'ava';
import { createSocket, type Socket } from 'node:dgram';
import { rig, until, urcSeen, type Rig } from './pty-helpers.js';

/** A UDP sink on loopback counting the datagrams the emulated modem relays. */
async function sink(): Promise<{ s: Socket; port: number; got: Buffer[] }> {
  const s = createSocket('udp4');
  const got: Buffer[] = [];
  s.on('message', (m) => got.push(m));
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  return { s, port: s.address().port, got };
}

const count = (r: Rig, re: RegExp): number => r.emu.received.filter((c) => re.test(c)).length;

test('bg95: +QIURC: "closed",0 → the connection is released with AT+QICLOSE=0 (§2.4.1: "closing" until then) and opened again; the send goes out', async (t) => {
  const u = await sink();
  const r = await rig('bg95', { profile: 'bg95', dataPath: 'modem-socket' });
  try {
    await until(() => r.out.some((m) => m.type === 'network.up'), 8000, 'network.up');
    const to = { address: '127.0.0.1', port: u.port };
    t.like(await r.svc.receive({ type: 'modem.socket.send', data: Uint8Array.of(1), to }), { ok: true });
    const seen = urcSeen(r, /^\+QIURC: "closed",0/);
    r.emu.socketClosedByModule(0);
    await seen;
    t.true(r.emu.qiClosing.has(0));
    const at = r.emu.received.length;
    t.like(await r.svc.receive({ type: 'modem.socket.send', data: Uint8Array.of(2), to }), { ok: true });
    const after = r.emu.received.slice(at);
    const close = after.indexOf('AT+QICLOSE=0');
    const open = after.findIndex((c) => c.startsWith('AT+QIOPEN='));
    t.true(close >= 0 && open > close, `QICLOSE before QIOPEN: ${after.join(' | ')}`);
    await until(() => u.got.length === 2, 2000, 'both datagrams relayed');
    t.false(
      r.out.some((m) => m.type === 'network.down'),
      'a closed socket is not a lost link',
    );
  } finally {
    await r.close();
    u.s.close();
  }
});

for (const profile of ['bg95', 'sim7080', 'nrf91'] as const) {
  const urc = { bg95: '+QIURC: "pdpdeact",1', sim7080: '+APP PDP: 0,DEACTIVE', nrf91: '+CGEV: NW PDN DEACT 0' }[
    profile
  ];
  test(`${profile}: ${urc} while online → network.down "PDP context lost", the context activated again (no radio cycle), network.up; the next send reopens the socket`, async (t) => {
    const u = await sink();
    const r = await rig(profile, { profile, dataPath: 'modem-socket' });
    try {
      await until(() => r.out.some((m) => m.type === 'network.up'), 8000, 'network.up');
      const to = { address: '127.0.0.1', port: u.port };
      t.like(await r.svc.receive({ type: 'modem.socket.send', data: Uint8Array.of(1), to }), { ok: true });
      // nRF91: CID 0 cannot be activated by command (+CGACT); the device reads its address again until it has one.
      const activate = { bg95: /^AT\+QIACT=1$/, sim7080: /^AT\+CNACT=0,1$/, nrf91: /^AT\+CGPADDR=0$/ }[profile];
      const acts = count(r, activate);
      const cfun = count(r, /^AT\+CFUN=0$/);
      const ups = r.out.filter((m) => m.type === 'network.up').length;
      r.emu.pdpDown();
      await until(() => r.out.filter((m) => m.type === 'network.up').length > ups, 5000, 'network.up again');
      t.like(r.out.filter((m) => m.type === 'network.down').at(-1), {
        type: 'network.down',
        reason: 'PDP context lost',
      });
      if (profile === 'nrf91') t.true(count(r, activate) > acts, 'address read again');
      else t.is(count(r, activate), acts + 1, 'activated once more');
      t.is(count(r, /^AT\+CFUN=0$/), cfun, 'no radio cycle');
      const at = r.emu.received.length;
      t.like(await r.svc.receive({ type: 'modem.socket.send', data: Uint8Array.of(2), to }), { ok: true });
      const after = r.emu.received.slice(at);
      if (profile === 'bg95') {
        // its connection went "closing" with the context: released, then opened again
        t.deepEqual(
          after.filter((c) => /^AT\+QI(CLOSE|OPEN)/.test(c)).map((c) => c.slice(0, 10)),
          ['AT+QICLOSE', 'AT+QIOPEN='],
        );
      } else if (profile === 'nrf91') {
        // the SM socket is the modem's own: it stays open across the bearer's loss; the datagram goes out on it
        t.true(after.some((c) => c.startsWith('AT#XSENDTO=')));
      } else {
        // the connection went with the app network: opened again, no AT+CACLOSE on it
        t.is(after.filter((c) => c.startsWith('AT+CAOPEN')).length, 1);
        t.false(after.some((c) => c.startsWith('AT+CACLOSE')));
      }
      await until(() => u.got.length === 2, 2000, 'both datagrams relayed');
    } finally {
      await r.close();
      u.s.close();
    }
  });
}
