// format-check.test.ts: RFC 7252 §3 format errors are rejected before decoding (dropped, RST for a CON), invalid
// options get 4.02, Block SZX 7 gets 4.00, and nothing malformed reaches the handler.
import test from 'ava';
import { generate } from 'coap-packet';
import { createEndpoint } from '../../src/coap/endpoint.js';
import { formatError, MAX_OPTIONS } from '../../src/coap/format-check.js';
import { tryParse } from '../../src/coap/message.js';
import { FakeTransport } from './support/fake.js';
import { flush, SimTimers } from '../support/sim-timers.js';

const peer = { address: '10.0.0.2', port: 5683 };
/** CON GET mid 0x1234, token 0xAB, Uri-Path '3' (the shape the malformed cases below start from). */
const hdr = (tkl = 1): number[] => [0x40 | tkl, 0x01, 0x12, 0x34];

const malformed: [string, number[]][] = [
  ['token length beyond the datagram', [...hdr(8), 0xab, 0xcd]],
  ['token length 9', [...hdr(9), 1, 2, 3, 4, 5, 6, 7, 8, 9]],
  ['option length past the end', [...hdr(), 0xab, 0xb5, 0x33]],
  ['option extended length past the end', [...hdr(), 0xab, 0xbd]],
  ['option extended delta past the end', [...hdr(), 0xab, 0xe0, 0x01]],
  ['payload marker with no payload', [...hdr(), 0xab, 0xb1, 0x33, 0xff]],
  ['option number above 65535', [...hdr(), 0xab, 0xe0, 0xff, 0xff, 0xe0, 0xff, 0xff]],
  ['option delta nibble 15', [...hdr(), 0xab, 0xf1, 0x33]],
  ['option length nibble 15', [...hdr(), 0xab, 0xbf, 0x33]],
  ['empty message with a token', [0x41, 0x00, 0x12, 0x34, 0xab]],
  ['thousands of empty Uri-Path options', [...hdr(), 0xab, 0xb1, 0x33, ...new Array<number>(2000).fill(0x00)]],
  ['short header', [0x40, 0x01, 0x12]],
];

for (const [what, bytes] of malformed) {
  test(`format error: ${what} → rejected, a CON gets RST, the handler is never called`, async (t) => {
    const data = Buffer.from(bytes);
    t.truthy(formatError(data), what);
    t.is(tryParse(data), undefined);
    const timers = new SimTimers();
    const tr = new FakeTransport(() => timers.now());
    const ep = createEndpoint(tr, { timers });
    let called = 0;
    ep.handle(() => {
      called++;
      return { code: '2.05' };
    });
    tr.deliver(data, peer);
    await flush();
    t.is(called, 0);
    const out = tr.packets();
    if (data.length >= 4) {
      t.is(out.length, 1);
      t.true(out[0].reset);
      t.is(out[0].messageId, 0x1234);
    } else {
      t.is(out.length, 0);
    }
    await ep.close();
  });
}

test('well-formed datagrams pass the check (coap-packet output, empty messages, exactly MAX_OPTIONS options)', (t) => {
  t.is(
    formatError(
      generate({
        code: '0.01',
        messageId: 1,
        token: Buffer.from([1, 2, 3, 4, 5, 6, 7, 8]),
        options: [
          { name: 'Uri-Path', value: Buffer.from('3') },
          { name: 'Size1', value: Buffer.from([1, 0]) },
        ],
        payload: Buffer.from('x'),
      }),
    ),
    undefined,
  );
  t.is(formatError(generate({ code: '0.00', messageId: 1, confirmable: true })), undefined);
  t.is(formatError(Buffer.from([...hdr(0), 0xd1, 0xff - 13, 0x01])), undefined); // option 242 (extended delta), length 1
  t.is(formatError(Buffer.from([...hdr(0), 0xb0, ...new Array<number>(MAX_OPTIONS - 1).fill(0)])), undefined);
  t.truthy(formatError(Buffer.from([...hdr(0), 0xb0, ...new Array<number>(MAX_OPTIONS).fill(0)])));
});

async function answer(options: { name: string | number; value: Buffer }[]): Promise<{ code: string; called: number }> {
  const timers = new SimTimers();
  const tr = new FakeTransport(() => timers.now());
  const ep = createEndpoint(tr, { timers });
  let called = 0;
  ep.handle((req) => {
    called++;
    return { code: '2.05', payload: Buffer.from(String(req.observe ?? '-')) };
  });
  tr.deliver(
    generate({
      code: '0.01',
      messageId: 7,
      confirmable: true,
      token: Buffer.from([1]),
      options: [{ name: 'Uri-Path', value: Buffer.from('3') }, ...options] as never,
    }),
    peer,
  );
  await flush();
  const p = tr.packets()[0];
  await ep.close();
  return { code: p.code, called };
}

test('invalid critical options get 4.02 (length out of range, non-repeatable repeated); Block SZX 7 gets 4.00; no 2.xx', async (t) => {
  t.deepEqual(await answer([{ name: 'Accept', value: Buffer.from([0, 0, 0]) }]), { code: '4.02', called: 0 });
  t.deepEqual(
    await answer([
      { name: 'Accept', value: Buffer.from([0]) },
      { name: 'Accept', value: Buffer.from([1]) },
    ]),
    { code: '4.02', called: 0 },
  );
  t.deepEqual(await answer([{ name: 'Block2', value: Buffer.from([1, 2, 3, 4]) }]), { code: '4.02', called: 0 });
  t.deepEqual(await answer([{ name: 'Uri-Host', value: Buffer.alloc(0) }]), { code: '4.02', called: 0 });
  t.deepEqual(await answer([{ name: 'Block2', value: Buffer.from([0x07]) }]), { code: '4.00', called: 0 });
  t.deepEqual(await answer([{ name: 'Block1', value: Buffer.from([0x1f]) }]), { code: '4.00', called: 0 });
});

test('an invalid elective option is ignored (Observe with 4 bytes: a plain GET)', async (t) => {
  const timers = new SimTimers();
  const tr = new FakeTransport(() => timers.now());
  const ep = createEndpoint(tr, { timers });
  const seen: (number | undefined)[] = [];
  ep.handle((req) => {
    seen.push(req.observe);
    return { code: '2.05' };
  });
  tr.deliver(
    generate({
      code: '0.01',
      messageId: 7,
      confirmable: true,
      token: Buffer.from([1]),
      options: [
        { name: 'Observe', value: Buffer.from([0, 0, 0, 0]) },
        { name: 'Uri-Path', value: Buffer.from('3') },
      ],
    }),
    peer,
  );
  await flush();
  t.deepEqual(seen, [undefined]);
  await ep.close();
});
