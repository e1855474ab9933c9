// pty-reset.test.ts: a hung modem (no answers at all): CFUN cycles time out, then the hardware reset line is pulsed and
// the modem comes back.
import test from 'ava';
import { rig, until } from './pty-helpers.js';

test('hung modem: CFUN recovery fails, hardware reset after cfunCyclesBeforeReset, back online', async (t) => {
  let resets = 0;
  const r = await rig(
    'bg95',
    {
      profile: 'bg95',
      cfunCyclesBeforeReset: 1,
      timeouts: { commandMs: 150, longCommandMs: 250, attachMs: 600, retryMs: 50, lossGraceMs: 100 },
    },
    undefined,
    (emu) => {
      resets++;
      emu.silent.clear();
      emu.stat = 0;
      return Promise.resolve();
    },
  );
  try {
    await until(() => r.out.some((m) => m.type === 'network.up'), 8000, 'network.up');
    r.emu.setStat(0);
    r.emu.silent.add('AT*');
    await until(() => r.out.filter((m) => m.type === 'network.up').length === 2, 10_000, 'network.up after reset');
    t.is(resets, 1);
    t.true(r.out.some((m) => m.type === 'network.down'));
    t.true(r.out.some((m) => m.type === 'network.error' && m.code === 'AT_TIMEOUT'));
  } finally {
    await r.close();
  }
});
