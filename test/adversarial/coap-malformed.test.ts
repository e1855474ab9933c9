// coap-malformed.test.ts: a seeded fuzz of malformed datagrams (RFC 7252 §3 format errors, reserved Block sizes, random
// mutations of valid requests) against the real device: never a 2.xx for a malformed one, a malformed CON gets RST, the
// device stays up and still answers a Read.
import test from 'ava';
import { generate } from 'coap-packet';
import { HostileServer } from '../support/hostile-server.js';
import { DeviceProcess } from '../support/device-process.js';
import { pollUntil } from '../support/poll.js';
import { mulberry32 } from '../../src/prng.js';

const PATHS = [['3', '0', '0'], ['3', '0'], ['3424', '0', '1'], ['4', '0'], ['1', '0', '1'], ['3']];

interface Case {
  kind: string;
  data: Buffer;
  mid: number;
  token: Buffer;
  con: boolean;
  expect: 'rst' | '4.00' | 'any';
}

function cases(seed: number, n: number, firstMid: number): Case[] {
  const rnd = mulberry32(seed);
  const int = (lo: number, hi: number): number => lo + Math.floor(rnd() * (hi - lo + 1));
  const bytes = (k: number): number[] => Array.from({ length: k }, () => int(0, 255));
  const out: Case[] = [];
  let mid = firstMid;
  for (let i = 0; i < n; i++) {
    const m = mid++ & 0xffff;
    const con = rnd() < 0.7;
    const token = Buffer.from([i >> 8, i & 0xff, ...bytes(int(0, 6))]); // unique: answers are matched by token too
    const path = PATHS[int(0, PATHS.length - 1)];
    const options = path.map((s) => ({ name: 'Uri-Path', value: Buffer.from(s) }));
    const valid = (extra: { name: string; value: Buffer }[] = []): Buffer =>
      generate({ code: '0.01', messageId: m, confirmable: con, token, options: [...options, ...extra] as never });
    const head = Buffer.from([0x40 | (con ? 0 : 0x10) | token.length, 0x01, m >> 8, m & 0xff, ...token]);
    const kind = [
      'token-beyond',
      'tkl-reserved',
      'option-past-end',
      'payload-marker',
      'option-above-65535',
      'nibble-15',
      'empty-uri-paths',
      'szx-7',
      'mutation',
    ][i % 9];
    let data: Buffer;
    let expect: Case['expect'] = 'rst';
    switch (kind) {
      case 'token-beyond': {
        const have = int(0, token.length - 1);
        data = Buffer.from([
          (head[0] & 0xf0) | int(have + 1, 8),
          head[1],
          head[2],
          head[3],
          ...token.subarray(0, have),
        ]);
        break;
      }
      case 'tkl-reserved':
        data = Buffer.from([(head[0] & 0xf0) | int(9, 15), head[1], head[2], head[3], ...bytes(int(0, 20))]);
        break;
      case 'option-past-end': {
        const len = int(1, 12);
        data = Buffer.concat([valid(), Buffer.from([len, ...bytes(int(0, len - 1))])]);
        break;
      }
      case 'payload-marker':
        data = Buffer.concat([valid(), Buffer.from([0xff])]);
        break;
      case 'option-above-65535':
        data = Buffer.concat([valid(), Buffer.from([0xe0 | int(0, 12), 0xff, int(0, 255), ...bytes(12)])]);
        break;
      case 'nibble-15':
        data = Buffer.concat([
          valid(),
          Buffer.from([rnd() < 0.5 ? 0xf0 | int(0, 12) : 0x0f | (int(0, 12) << 4), ...bytes(4)]),
        ]);
        break;
      case 'empty-uri-paths': {
        const k = int(65, 2000);
        data = Buffer.concat([
          head,
          Buffer.from([0xb0, ...new Array<number>(k - 1).fill(0x00)]),
          ...path.map((s) => Buffer.from([s.length, ...Buffer.from(s)])),
        ]);
        break;
      }
      case 'szx-7':
        data = valid([{ name: 'Block2', value: Buffer.from([(int(0, 15) << 4) | 0x07]) }]);
        expect = '4.00';
        break;
      default: {
        data = Buffer.from(valid());
        for (let f = int(1, 4); f > 0; f--) data[int(4 + token.length, data.length - 1)] = int(0, 255); // the token stays: answers are matched by it
        if (rnd() < 0.3) data = data.subarray(0, int(4 + token.length, data.length));
        expect = 'any';
      }
    }
    out.push({ kind, data, mid: m, token, con, expect });
  }
  return out;
}

test('3000 malformed datagrams: no 2.xx for any, RST for each malformed CON, 4.00 for Block SZX 7; the device stays up and answers a Read', async (t) => {
  const server = await HostileServer.start();
  const device = new DeviceProcess({ server: server.uri });
  try {
    await server.waitForRegister(30_000);
    t.is((await server.request({ method: 'GET', path: '/3/0/0', accept: 0 })).code, '2.05');
    const all = cases(20261206, 3000, 0x4000);
    const since = server.responses.length;
    for (let b = 0; b < all.length; b += 50) {
      const batch = all.slice(b, b + 50);
      for (const c of batch) server.sendRaw(c.data);
      // Paced by the answers (loopback drops nothing when the receive buffer is not flooded).
      const waitFor = new Set(batch.filter((c) => c.con && c.expect !== 'any').map((c) => c.mid));
      await pollUntil(
        async () => server.responses.slice(since).filter((r) => waitFor.has(r.packet.messageId)).length,
        (k) => k >= waitFor.size,
        5000,
        5,
      );
    }
    await pollUntil(
      async () => server.responses.length,
      () => false,
      300,
      50,
    ); // late answers (NON, separate)
    const got = server.responses.slice(since);
    // ACK and RST carry our message ID; a NON or CON answer has the device's own, so only its token ties it to a case.
    const byMid = new Map(got.filter((r) => r.packet.ack || r.packet.reset).map((r) => [r.packet.messageId, r]));
    const problems: string[] = [];
    for (const c of all) {
      if (c.expect === 'any') continue;
      const answers = got.filter((r) => byMid.get(c.mid) === r || (r.token.length > 0 && r.token.equals(c.token)));
      for (const a of answers)
        if (a.code.startsWith('2.'))
          problems.push(
            `${c.kind} ${c.data.toString('hex').slice(0, 40)} → ${a.code} (${a.packet.ack ? 'ACK' : 'NON/CON'} ${a.packet.messageId} ${a.token.toString('hex')})`,
          );
      if (!c.con) continue;
      const a = byMid.get(c.mid);
      const ok = c.expect === 'rst' ? a?.packet.reset === true : a?.code === c.expect;
      if (!ok)
        problems.push(
          `${c.kind} CON ${c.data.toString('hex').slice(0, 40)} → ${a ? (a.packet.reset ? 'RST' : a.code) : 'nothing'}, wanted ${c.expect}`,
        );
    }
    t.deepEqual(problems.slice(0, 10), [], `${problems.length} problems`);
    const read = await server.request({ method: 'GET', path: '/3/0/0', accept: 0 });
    t.is(read.code, '2.05');
    t.is(read.payload.toString(), 'lwm2m-meter');
    t.true(device.running);
    t.deepEqual(
      device
        .logs()
        .filter((l) => /crashed|gave up/.test(String(l.msg)))
        .map((l) => l.msg),
      [],
    );
  } finally {
    await device.stop();
    await server.close();
  }
});
