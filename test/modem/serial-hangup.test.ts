// serial-hangup.test.ts: the serial device hangs up (the pty's other end goes away, as a USB modem re-enumerating
// does): the link closes with a reason instead of spinning in bindings-cpp's end-of-file re-read.
import test from 'ava';
import { closeSync, mkdtempSync, openSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSerialLink } from '../../src/modem/serial-link.js';
import { readOrHangUp } from '../../src/modem/serial-binding.js';
import { ptyPair } from '../support/modem-emulator-pty.js';
import { settledWithin } from '../support/poll.js';

test('socat dies under an open port: the link reports its close within 3 s', async (t) => {
  const pty = await ptyPair();
  const link = await openSerialLink({ path: pty.b, baudRate: 115200 });
  const onClose = link.onClose?.bind(link);
  if (onClose === undefined) {
    t.fail('the serial link reports no close');
    return;
  }
  const closed = new Promise<string>((resolve) => onClose(resolve));
  t.teardown(() => link.close());
  pty.close();
  const reason = await settledWithin(closed, 3000, 'still open after 3 s');
  t.regex(reason, /hung up|port closed|port error/);
});

test('readOrHangUp: data passes, end of file becomes a disconnect error', async (t) => {
  const f = join(mkdtempSync(join(tmpdir(), 'hangup-')), 'x');
  writeFileSync(f, 'AT');
  const fd = openSync(f, 'r');
  t.teardown(() => closeSync(fd));
  const buf = Buffer.alloc(8);
  t.is((await readOrHangUp(fd, buf, 0, 8, null)).bytesRead, 2);
  const err = await t.throwsAsync(readOrHangUp(fd, buf, 0, 8, null));
  t.like(err, { code: 'EIO', errno: -1 });
});
