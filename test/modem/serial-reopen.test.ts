// serial-reopen.test.ts: a bridge closed and opened again at once gets the port back (the old descriptor and its lock
// are released first).
import test from 'ava';
import { openSerialBridge } from '../../src/modem/serial-bridge.js';
import { ptyPair } from '../support/modem-emulator-pty.js';

test('close then reopen the same serial port at once: no "Cannot lock port"', async (t) => {
  const pty = await ptyPair();
  try {
    const first = await openSerialBridge({ path: pty.b, baudRate: 115200 });
    await first.close();
    const second = await openSerialBridge({ path: pty.b, baudRate: 115200 });
    await second.close();
    t.pass();
  } finally {
    pty.close();
  }
});
