// encode.test.ts: our CoAP serialiser against byte fixtures, against coap-packet's generate and parse on 2,000 seeded
// random messages, and its errors.
import test from 'ava';
import { generate, parse } from 'coap-packet';
import { encodeMessage, type OutgoingPacket } from '../../src/coap/encode.js';
import type { CodedError } from '../../src/errors.js';
import { mulberry32 } from '../../src/prng.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

test('fixture: CON GET /temperature, MID 0x7d34, no token (RFC 7252 example bytes)', (t) => {
  const b = encodeMessage({
    code: '0.01',
    messageId: 0x7d34,
    confirmable: true,
    options: [{ name: 'Uri-Path', value: Buffer.from('temperature') }],
  });
  t.is(hex(b), '40017d34bb74656d7065726174757265');
});

test('fixture: ACK 2.05 with token, Content-Format 0 (zero-length uint) and payload "22.3 C"', (t) => {
  const b = encodeMessage({
    code: '2.05',
    messageId: 0x7d34,
    ack: true,
    token: Buffer.from([0x71]),
    options: [{ name: 'Content-Format', value: Buffer.alloc(0) }],
    payload: Buffer.from('22.3 C'),
  });
  t.is(hex(b), '61457d3471c0ff32322e332043');
});

test('options are written in number order, repeated options keep their order, extended delta and length encodings', (t) => {
  const long = Buffer.alloc(300, 0x61);
  const b = encodeMessage({
    code: '0.02',
    messageId: 1,
    confirmable: true,
    token: Buffer.from([1, 2]),
    options: [
      { name: 'Uri-Query', value: Buffer.from('ep=x') },
      { name: 'Uri-Path', value: Buffer.from('rd') },
      { name: 'Uri-Path', value: Buffer.from('a') },
      { name: 'No-Response', value: Buffer.from([2]) },
      { name: 'Proxy-Uri', value: long },
    ],
  });
  const p = parse(b);
  t.deepEqual(
    p.options.map((o) => [o.name, o.value.length]),
    [
      ['Uri-Path', 2],
      ['Uri-Path', 1],
      ['Uri-Query', 4],
      ['Proxy-Uri', 300],
      ['No-Response', 1],
    ],
  );
  t.is(p.options[0].value.toString(), 'rd');
  t.is(p.options[1].value.toString(), 'a');
  // Proxy-Uri: delta 20 (1 ext byte), length 300 (2 ext bytes: 300 - 269 = 31)
  const at = b.indexOf(Buffer.from([0xde, 20 - 13, 0x00, 31]));
  t.true(at > 0, 'extended delta 13 + 2-byte extended length');
});

test('empty message: no token, options or payload even if given; type bits from confirmable / ack / reset', (t) => {
  t.is(
    hex(
      encodeMessage({ code: '0.00', messageId: 0x1234, ack: true, token: Buffer.from([9]), payload: Buffer.from('x') }),
    ),
    '60001234',
  );
  t.is(hex(encodeMessage({ code: '0.00', messageId: 0x1234, reset: true })), '70001234');
  t.is(hex(encodeMessage({ code: '0.00', messageId: 0x1234, confirmable: true })), '40001234');
  t.is(hex(encodeMessage({ code: '2.05', messageId: 1 })), '50450001', 'neither flag: NON');
});

test('bad input is refused with a code: long token, bad code, unknown option name, message ID out of range', (t) => {
  const codeOf = (f: () => unknown): string | undefined => (t.throws(f) as CodedError | undefined)?.code;
  t.is(
    codeOf(() => encodeMessage({ code: '2.05', token: Buffer.alloc(9) })),
    'COAP_BAD_TOKEN',
  );
  t.is(
    codeOf(() => encodeMessage({ code: '9.99' })),
    'COAP_BAD_CODE',
  );
  t.is(
    codeOf(() => encodeMessage({ code: '2.05', options: [{ name: 'Nope', value: Buffer.alloc(0) }] })),
    'COAP_BAD_OPTION',
  );
  t.is(
    codeOf(() => encodeMessage({ code: '2.05', messageId: 70_000 })),
    'COAP_BAD_MID',
  );
});

test('2,000 seeded random messages: byte-identical to coap-packet generate, and parse back to what was given', (t) => {
  const rnd = mulberry32(7252);
  const int = (n: number): number => Math.floor(rnd() * n);
  const bytes = (n: number): Buffer => Buffer.from(Array.from({ length: n }, () => int(256)));
  const names = [
    'If-Match',
    'Uri-Host',
    'ETag',
    'Observe',
    'Uri-Port',
    'Location-Path',
    'Uri-Path',
    'Content-Format',
    'Max-Age',
    'Uri-Query',
    'Accept',
    'Location-Query',
    'Block2',
    'Block1',
    'Size2',
    'Size1',
    'No-Response',
    '2048',
    '65000',
  ];
  const codes = [
    '0.01',
    '0.02',
    '0.03',
    '0.04',
    '0.05',
    '0.07',
    '2.01',
    '2.04',
    '2.05',
    '2.31',
    '4.00',
    '4.04',
    '4.13',
    '5.03',
  ];
  for (let i = 0; i < 2000; i++) {
    const options = Array.from({ length: int(7) }, () => {
      const sizes = [0, 1, 2, 12, 13, 14, 268, 269, 300];
      return { name: names[int(names.length)], value: bytes(sizes[int(sizes.length)]) };
    });
    const code = codes[int(codes.length)];
    const messageId = int(65536);
    const payload = rnd() < 0.3 ? Buffer.alloc(0) : bytes(int(600));
    const pkt: OutgoingPacket = {
      code,
      messageId,
      token: bytes(int(9)),
      options,
      payload,
      ...[{ confirmable: true }, { ack: true }, { reset: true }, {}][int(4)],
    };
    const ours = encodeMessage(pkt);
    // coap-packet sorts (and mutates) the options it is given: hand it a copy; its default max length is 1280
    const theirs = generate(
      { ...pkt, options: options.map((o) => ({ name: o.name, value: Buffer.from(o.value) })) } as Parameters<
        typeof generate
      >[0],
      1 << 20,
    );
    if (hex(ours) !== hex(theirs)) {
      t.fail(
        `message ${i}: ${JSON.stringify({ ...pkt, options: pkt.options?.map((o) => [o.name, o.value.length]) })}\nours   ${hex(ours)}\ntheirs ${hex(theirs)}`,
      );
      return;
    }
    const back = parse(ours);
    t.is(back.code, code);
    t.is(back.messageId, messageId);
    t.is(hex(back.payload), hex(payload));
  }
  t.pass();
});
