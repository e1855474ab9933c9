// serial-bridge.test.ts: the main-thread serial bridge: real pty opened by openSerialBridge, bytes over a MessagePort,
// AT channel on the far end.
import test from 'ava';
import { backgroundClock } from '../../src/clock.js';
import { AtChannel } from '../../src/modem/at-channel.js';
import { portLink } from '../../src/modem/port-link.js';
import { openSerialBridge } from '../../src/modem/serial-bridge.js';
import { ModemEmulator } from '../support/modem-emulator.js';
import { ptyPair } from '../support/modem-emulator-pty.js';
import { waitFor } from '../support/poll.js';

test('bridge forwards commands, responses and URCs; closing the actor side closes the port', async (t) => {
  const pty = await ptyPair();
  const emu = await ModemEmulator.start(pty.a, 'generic');
  const bridge = await openSerialBridge({ path: pty.b, baudRate: 115200 });
  const link = portLink(bridge.port);
  const ch = new AtChannel(link, { timers: backgroundClock, defaultTimeoutMs: 2000 });
  const urcs: string[] = [];
  ch.onUrc((l) => urcs.push(l));
  try {
    const r = await ch.command('AT+CPIN?', { expect: '+CPIN:' });
    t.deepEqual(r.lines, ['+CPIN: READY']);
    await ch.command('AT+CEREG=2'); // registration URCs are off until enabled (TS 27.007 §10.1.22)
    emu.setStat(1);
    await waitFor(() => urcs.length > 0, { timeoutMs: 2000, what: 'the +CEREG URC' });
    t.deepEqual(urcs, ['+CEREG: 1,"1A2D","01A2D001",7']);
  } finally {
    ch.close();
    await t.throwsAsync(ch.command('AT'), { message: /closed/ });
    await emu.close();
    pty.close();
  }
});

test('openSerialBridge on a missing device rejects with SERIAL_OPEN_FAILED', async (t) => {
  const e = await t.throwsAsync(openSerialBridge({ path: '/nonexistent/ttyX', baudRate: 115200 }));
  t.is((e as Error & { code: string }).code, 'SERIAL_OPEN_FAILED');
});
