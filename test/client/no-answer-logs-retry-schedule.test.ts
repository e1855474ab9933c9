// no-answer-logs-retry-schedule.test.ts: with a server that never answers, the real device says at warn what it waits
// for.
import test from 'ava';
import { createSocket } from 'node:dgram';
import { DeviceProcess, LEVEL } from '../support/device-process.js';
import { pollUntil } from '../support/poll.js';

test('a silent server: the device logs each retransmission with the URI, the attempt and the next wait', async (t) => {
  const sock = createSocket('udp4'); // takes datagrams, answers none
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
  let datagrams = 0;
  sock.on('message', () => {
    datagrams++;
  });
  const port = sock.address().port;
  const dev = new DeviceProcess({ server: `coap://127.0.0.1:${port}` });
  try {
    const second = await dev.waitForLog((l) => l.code === 'COAP_NO_ANSWER' && l.attempt === 2, 15_000);
    t.is(second.level, LEVEL.warn);
    t.regex(
      String(second.msg),
      new RegExp(
        `no answer from coap://127\\.0\\.0\\.1:${port} in \\d+\\.\\d s; retrying now, attempt 2 of 5, next wait \\d+\\.\\d s`,
      ),
    );
    const third = await dev.waitForLog((l) => l.code === 'COAP_NO_ANSWER' && l.attempt === 3, 15_000);
    t.true(Number(third.nextWaitMs) >= 2 * Number(second.nextWaitMs) - 1, 'the wait doubles');
    // The warn line is written just before the retransmission leaves: wait for the datagram itself.
    await pollUntil(
      async () => datagrams,
      (n) => n >= 3,
      5_000,
    ).catch(() => undefined);
    t.true(datagrams >= 3, 'each logged attempt left the device');
  } finally {
    await dev.stop();
    sock.close();
  }
});
