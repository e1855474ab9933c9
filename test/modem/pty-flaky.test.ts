// pty-flaky.test.ts: a flaky modem on a real pty: ERROR to AT+CGMM / ATI at boot (identified again on recovery), +CME
// ERROR or silence while registered and idle (the link is declared down and recovered), warnings at warn.
import test from 'ava';
import { rig, until } from './pty-helpers.js';

interface Line {
  level: 'debug' | 'info' | 'warn';
  o: object;
  msg: string | undefined;
}
function captureLog(): {
  lines: Line[];
  log: { debug(o: object, m?: string): void; info(o: object, m?: string): void; warn(o: object, m?: string): void };
} {
  const lines: Line[] = [];
  return {
    lines,
    log: {
      debug: (o, msg) => lines.push({ level: 'debug', o, msg }),
      info: (o, msg) => lines.push({ level: 'info', o, msg }),
      warn: (o, msg) => lines.push({ level: 'warn', o, msg }),
    },
  };
}

test('AT+CGMM and ATI answer ERROR at boot → generic profile (warned); once the modem works, a recovery identifies it (nrf91) and its socket works', async (t) => {
  const cap = captureLog();
  const r = await rig(
    'nrf91',
    { dataPath: 'modem-socket' },
    (emu) => {
      emu.fault = 'no-id';
    },
    undefined,
    cap.log,
  );
  try {
    await until(() => r.out.some((m) => m.type === 'network.up'), 8000, 'network.up');
    const driver = r.svc.driver() as { profile: { name: string } } | undefined;
    t.is(driver?.profile.name, 'generic');
    t.true(
      cap.lines.some((l) => l.level === 'warn' && /not identified/.test(l.msg ?? '')),
      'the failed identification is a warning',
    );
    await t.throwsAsync(Promise.resolve(r.svc.receive({ type: 'modem.socket.open' })), {
      message: /profile generic has no UDP socket commands/,
    });
    // the modem recovers; the client's LTE reconnect (modem.reconnect) cycles the link
    r.emu.fault = 'none';
    const sent = r.emu.received.length;
    t.deepEqual(await r.svc.receive({ type: 'modem.reconnect' }), { ok: true });
    t.is(driver?.profile.name, 'nrf91', 'identified again on recovery');
    const after = r.emu.received.slice(sent);
    t.true(after.includes('AT+CGMM'));
    t.true(
      after.some((c) => c.startsWith('AT%XSYSTEMMODE=')),
      'the radio is set up again with the nrf91 profile',
    );
    t.like(await r.svc.receive({ type: 'modem.socket.open' }), { ok: true });
  } finally {
    await r.close();
  }
});

for (const fault of ['cme', 'silent'] as const) {
  test(`registered and idle, the modem ${fault === 'cme' ? 'answers +CME ERROR' : 'goes silent'}: maxPollFailures failed polls → network.down + network.error, then recovery → network.up`, async (t) => {
    const cap = captureLog();
    const r = await rig(
      'bg95',
      {
        profile: 'bg95',
        maxPollFailures: 3,
        timeouts: { commandMs: 250, longCommandMs: 500, signalIntervalMs: 300, retryMs: 100, retryMaxMs: 400 },
      },
      undefined,
      undefined,
      cap.log,
    );
    try {
      await until(() => r.out.some((m) => m.type === 'network.up'), 8000, 'network.up');
      await until(() => r.out.some((m) => m.type === 'connectivity.update'), 3000, 'a good poll');
      r.emu.fault = fault;
      await until(() => r.out.some((m) => m.type === 'network.down'), 10_000, 'network.down');
      t.deepEqual(
        r.out.find((m) => m.type === 'network.down'),
        { type: 'network.down', reason: 'modem failure' },
      );
      const err = r.out.find((m) => m.type === 'network.error');
      t.like(err, { code: fault === 'cme' ? 'AT_CME_ERROR' : 'AT_TIMEOUT', source: 'modem' });
      const warned = cap.lines.filter((l) => l.level === 'warn' && l.msg === 'modem: signal poll failed');
      t.is(warned.length, 3, 'each failed poll is a warning');
      r.emu.fault = 'none';
      await until(() => r.out.filter((m) => m.type === 'network.up').length === 2, 10_000, 'network.up after recovery');
      t.pass();
    } finally {
      await r.close();
    }
  });
}
