// at-channel-mock.test.ts: framer and one-in-flight AT transactions over @serialport/binding-mock (via
// SerialPortMock.binding: the ESM and CJS copies differ).
import test from 'ava';
import { SerialPortMock } from 'serialport';
import { AtChannel } from '../../src/modem/at-channel.js';
import { AtFramer, type FrameEvent } from '../../src/modem/framer.js';
import { streamLink } from '../../src/modem/serial-link.js';
import { flush, SimTimers, settle } from '../support/sim-timers.js';

let n = 0;
async function mockPort(): Promise<SerialPortMock> {
  const path = `/dev/MOCK${++n}`;
  SerialPortMock.binding.createPort(path, { echo: false, record: true });
  const port = new SerialPortMock({ path, baudRate: 115200 });
  await new Promise<void>((r) => port.on('open', () => r()));
  return port;
}
/** Lets the mock port's writes and data events (queued on the event loop) run. */
const tick = (): Promise<void> => flush();
const written = (p: SerialPortMock): string => p.port?.recording.toString('latin1') ?? '';

test('framer: lines split across chunks, garbage dropped, prompt and binary', (t) => {
  const evs: FrameEvent[] = [];
  const f = new AtFramer(
    [
      { re: /^\+QIRD: (\d+)/, mode: 'after-line' },
      { re: /^\+CARECV: (\d+),/, mode: 'inline' },
    ],
    (e) => evs.push(e),
  );
  f.push(Buffer.from('\xff\x00\r\n+CE'));
  f.push(Buffer.from('REG: 1\r'));
  f.push(Buffer.from('\nO'));
  f.push(Buffer.from('K\r\n'));
  f.push(Buffer.from('+QIRD: 4,"10.0.0.1",5683\r'));
  f.push(Buffer.from('\n\r\n\x00'));
  f.push(Buffer.from('\x01\r\r\nOK\r\n'));
  f.push(Buffer.from('+CARECV: 3,a\r\nb\r\nOK\r\n'));
  f.expectPrompt = true;
  f.push(Buffer.from('\r\n> '));
  t.deepEqual(evs.slice(0, 2), [
    { kind: 'line', text: '+CEREG: 1' },
    { kind: 'line', text: 'OK' },
  ]);
  const d = evs[2];
  t.is(d?.kind, 'data');
  if (d?.kind === 'data') {
    t.is(d.header, '+QIRD: 4,"10.0.0.1",5683');
    t.deepEqual([...d.data], [0x0d, 0x0a, 0x00, 0x01]);
  }
  t.deepEqual(evs[3], { kind: 'line', text: 'OK' });
  const c = evs[4];
  t.is(c?.kind, 'data');
  if (c?.kind === 'data') t.is(Buffer.from(c.data).toString(), 'a\r\n');
  t.deepEqual(evs.slice(5), [{ kind: 'line', text: 'b' }, { kind: 'line', text: 'OK' }, { kind: 'prompt' }]);
});

test('one command in flight; URC mid-response routed apart; CME text; timeout frees the queue', async (t) => {
  const port = await mockPort();
  const timers = new SimTimers();
  const ch = new AtChannel(streamLink(port), { timers, defaultTimeoutMs: 1000 });
  const urcs: string[] = [];
  ch.onUrc((l) => urcs.push(l));
  const a = ch.command('AT+CESQ', { expect: '+CESQ:' });
  const b = ch.command('AT+CPIN?', { expect: '+CPIN:' });
  await tick();
  t.is(written(port), 'AT+CESQ\r', 'second command waits for the first');
  port.port?.emitData('\r\n+CESQ: 99,99,255,255,20,');
  port.port?.emitData('50\r\n+CEREG: 5,"1A2D","01A2D001",7\r\n\r\nOK\r\n');
  const ra = await a;
  t.deepEqual(ra.lines, ['+CESQ: 99,99,255,255,20,50']);
  t.deepEqual(urcs, ['+CEREG: 5,"1A2D","01A2D001",7']);
  await tick();
  t.is(written(port), 'AT+CESQ\rAT+CPIN?\r');
  port.port?.emitData('\r\n+CME ERROR: 10\r\n');
  const e = await t.throwsAsync(b);
  t.is((e as Error & { code: string }).code, 'AT_CME_ERROR');
  t.regex(e?.message ?? '', /SIM not inserted/);

  const c = ch.command('AT+COPS=0', { timeoutMs: 3000 });
  const d = ch.command('AT');
  await tick();
  await timers.advance(2999);
  t.true(ch.busy);
  await timers.advance(1);
  const te = await t.throwsAsync(c);
  t.is((te as Error & { code: string }).code, 'AT_TIMEOUT');
  await tick();
  port.port?.emitData('OK\r\n');
  t.is((await d).final, 'OK');
  port.port?.emitData('ERROR\r\n'); // a stray final with nothing in flight is dropped, not a crash
  await tick();
  t.false(ch.busy);
  ch.close();
});

test('prompt line: payload written only after the DOWNLOAD line (SIM7080 AT+CFSWFILE), not on a "> "', async (t) => {
  const port = await mockPort();
  const timers = new SimTimers();
  const ch = new AtChannel(streamLink(port), { timers });
  const p = ch.command('AT+CFSWFILE=3,"Xtra3.bin",0,3,10000', {
    payload: Uint8Array.of(7, 8, 9),
    promptLine: 'DOWNLOAD',
  });
  await tick();
  port.port?.emitData('\r\n> ');
  await tick();
  t.is(written(port), 'AT+CFSWFILE=3,"Xtra3.bin",0,3,10000\r', 'a "> " is not this command\'s prompt');
  port.port?.emitData('\r\nDOWNLOAD\r\n');
  await tick();
  t.deepEqual([...(port.port?.recording ?? Buffer.alloc(0)).subarray(-3)], [7, 8, 9]);
  port.port?.emitData('\r\nOK\r\n');
  t.deepEqual((await p).lines, ['>'], 'DOWNLOAD is not an information line');
  await settle();
  ch.close();
});

test('prompt: payload written only after "> "; ERROR answer rejects with AT_ERROR', async (t) => {
  const port = await mockPort();
  const timers = new SimTimers();
  const ch = new AtChannel(streamLink(port), { timers, okFinals: ['SEND OK'], errorFinals: ['SEND FAIL'] });
  const p = ch.command('AT+QISEND=0,3', { payload: Uint8Array.of(1, 2, 3) });
  await tick();
  t.is(written(port), 'AT+QISEND=0,3\r');
  port.port?.emitData('\r\n> ');
  await tick();
  t.deepEqual([...(port.port?.recording ?? Buffer.alloc(0)).subarray(-3)], [1, 2, 3]);
  port.port?.emitData('\r\nSEND OK\r\n');
  t.is((await p).final, 'SEND OK');
  const q = ch.command('AT+FOO');
  await tick();
  port.port?.emitData('\r\nERROR\r\n');
  await t.throwsAsync(q, { message: /AT\+FOO: ERROR/ });
  await settle();
  ch.close();
});

test('payload after an intermediate line (AT+QFUPL CONNECT): written only on that line, then the final result', async (t) => {
  const port = await mockPort();
  const ch = new AtChannel(streamLink(port), { timers: new SimTimers(), defaultTimeoutMs: 1000 });
  const cmd = 'AT+QFUPL="UFS:a",3,5';
  const up = ch.command(cmd, { payload: Uint8Array.of(0x3e, 0x0d, 0x0a), promptLine: 'CONNECT', expect: '+QFUPL:' });
  await tick();
  port.port?.emitData('\r\n> \r\n'); // not the prompt for this command: a line
  await tick();
  t.is(written(port), `${cmd}\r`, 'nothing written before CONNECT');
  port.port?.emitData('\r\nCONNECT\r\n');
  await tick();
  t.is(written(port), `${cmd}\r>\r\n`);
  port.port?.emitData('\r\n+QFUPL: 3,3e0d\r\n\r\nOK\r\n');
  const r = await up;
  t.deepEqual(r.lines, ['>', '+QFUPL: 3,3e0d']);
  const refused = ch.command('AT+QFUPL="UFS:a",3,5', { payload: Uint8Array.of(1, 2, 3), promptLine: 'CONNECT' });
  await tick();
  port.port?.emitData('\r\n+CME ERROR: 407\r\n');
  await t.throwsAsync(refused, { message: /407/ });
  t.is(written(port), `${cmd}\r>\r\n${cmd}\r`, 'no payload after an error');
  ch.close();
});
