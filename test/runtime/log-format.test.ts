// log-format.test.ts: human log lines (one per entry, long values cut) and the JSON default, on the real device too.
import test from 'ava';
import { createSocket } from 'node:dgram';
import { prettyLine, VALUE_LIMIT } from '../../src/runtime/log-pretty.js';
import { DeviceProcess } from '../support/device-process.js';

const entry = (o: Record<string, unknown>): string =>
  JSON.stringify({ level: 30, time: Date.UTC(2026, 11, 6, 9, 1, 2, 345), pid: 1, thread: 'worker', ...o });

test('a pretty line: time, level, actor, message, then the other fields; pid/thread/time hidden', (t) => {
  const line = prettyLine(
    entry({ actor: 'client', mod: 'client', state: { registered: 'awake' }, networkFailures: 0, msg: 'client state' }),
  );
  t.is(line, '09:01:02.345 INFO  client       client state state={"registered":"awake"} networkFailures=0');
  t.regex(prettyLine(entry({ level: 40, mod: 'coap', msg: 'x' })), /^09:01:02\.345 WARN {2}coap {9}x$/);
});

test('a long value is cut near the limit; errors show their code and message; non-JSON passes unchanged', (t) => {
  const line = prettyLine(entry({ actor: 'client', msg: 'send', records: 'v'.repeat(2000) }));
  const field = line.slice(line.indexOf('records=') + 'records='.length);
  t.true(field.length <= VALUE_LIMIT, `${field.length} chars`);
  t.true(field.endsWith('…'));
  t.true(line.length < 200);
  t.regex(
    prettyLine(entry({ msg: 'failed', err: { type: 'CodedError', code: 'E_X', message: 'boom', stack: 'at …' } })),
    /err="E_X: boom"$/,
  );
  t.is(prettyLine('running 17 actors'), 'running 17 actors');
});

async function silentServer(): Promise<{ uri: string; close(): void }> {
  const sock = createSocket('udp4');
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
  return { uri: `coap://127.0.0.1:${sock.address().port}`, close: () => sock.close() };
}

test('the device: log.format pretty prints human lines (workers included), the default off a terminal stays JSON', async (t) => {
  const srv = await silentServer();
  const pretty = new DeviceProcess({ server: srv.uri, config: { log: { level: 'info', format: 'pretty' } } });
  const plain = new DeviceProcess({ server: srv.uri });
  try {
    const worker = await pretty.waitForLine((l) => / INFO {2}client {7}client state /.test(l));
    t.regex(worker, /^\d\d:\d\d:\d\d\.\d{3} INFO {2}client/);
    await pretty.waitForLine((l) => / WARN {2}coap {9}no answer from coap:\/\/127\.0\.0\.1:\d+/.test(l), 15_000);
    t.is(pretty.logs().length, 0, 'no JSON line');
    await plain.waitForLog((l) => l.msg === 'client state');
    t.false(
      plain.lines.some((l) => /^\d\d:\d\d:\d\d\.\d{3} INFO/.test(l)),
      'no human line',
    );
  } finally {
    await Promise.all([pretty.stop(), plain.stop()]);
    srv.close();
  }
});

test('the device: --log-format json|pretty is checked', async (t) => {
  const { applyRunOverrides } = await import('../../src/cli/args.js');
  const { defaultConfig } = await import('../../src/runtime/config.js');
  t.is(applyRunOverrides(defaultConfig(), { 'log-format': 'pretty' }).log.format, 'pretty');
  t.is(applyRunOverrides(defaultConfig(), { 'log-format': 'json' }).log.format, 'json');
  t.throws(() => applyRunOverrides(defaultConfig(), { 'log-format': 'xml' }), { message: /--log-format/ });
  t.is(defaultConfig().log.format, 'auto');
});
