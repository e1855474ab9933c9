// session.test.ts: the session gate every server request passes: DM sessions never reach /0 or Bootstrap-Finish;
// bootstrap sessions take the bootstrap interface from the bootstrap server's address only.
import test from 'ava';
import { compositeRefusal, fromServer, sessionRefusal } from '../../src/socket/session.js';
import type { CoapIncomingRequest } from '../../src/coap/api.js';
import { pathFromSegments } from '../../src/lwm2m/path.js';

const server = { address: '192.0.2.1', port: 5683 };
const req = (
  method: CoapIncomingRequest['method'],
  path: string,
  o: Partial<CoapIncomingRequest> = {},
): CoapIncomingRequest => ({
  method,
  path: path.split('/').filter(Boolean),
  query: [],
  payload: new Uint8Array(0),
  token: new Uint8Array(0),
  from: server,
  confirmable: true,
  ...o,
});
const check = (r: CoapIncomingRequest, bootstrap: boolean): string | undefined => {
  let p: number[] | undefined;
  try {
    p = [...pathFromSegments(r.path)];
  } catch {
    p = undefined;
  }
  return sessionRefusal(r, p, { bootstrap, peer: server })?.code;
};
const body = { contentFormat: 110, payload: new Uint8Array([0x5b, 0x5d]) };

test('DM session: every operation on /0 and Bootstrap-Finish → 4.01; other objects pass', (t) => {
  for (const r of [
    req('GET', '/0'),
    req('GET', '/0/0/5'),
    req('GET', '/0', { accept: 40 }),
    req('GET', '/0/0/0', { observe: 0 }),
    req('GET', '/0/0/0', { observe: 1 }),
    req('PUT', '/0/0', body),
    req('PUT', '/0/0', { query: ['pmin=1'] }),
    req('POST', '/0', body),
    req('POST', '/0/0', body),
    req('POST', '/0/0/0'),
    req('DELETE', '/0/0'),
    req('POST', '/bs'),
  ])
    t.is(check(r, false), '4.01', `${r.method} /${r.path.join('/')}`);
  for (const r of [
    req('GET', '/3/0/0'),
    req('PUT', '/1/0/1', body),
    req('DELETE', '/3424/1'),
    req('FETCH', '/', body),
    req('GET', '/', { accept: 40 }),
  ]) {
    t.is(check(r, false), undefined, `${r.method} /${r.path.join('/')}`);
  }
  t.is(
    compositeRefusal(
      [
        [3, 0, 0],
        [0, 0],
      ],
      { bootstrap: false },
    )?.code,
    '4.01',
  );
  t.is(compositeRefusal([[3, 0, 0], [1]], { bootstrap: false }), undefined);
  t.is(compositeRefusal([[0, 0]], { bootstrap: true }), undefined);
});

test("bootstrap session: the bootstrap interface from the server's address; other operations 4.05; other senders 4.01", (t) => {
  for (const r of [
    req('GET', '/', { accept: 40 }),
    req('GET', '/1'),
    req('PUT', '/0/1', body),
    req('DELETE', '/'),
    req('DELETE', '/0/1'),
    req('POST', '/bs'),
  ]) {
    t.is(check(r, true), undefined, `${r.method} /${r.path.join('/')}`);
  }
  for (const r of [
    req('GET', '/3/0/0', { observe: 0 }),
    req('PUT', '/3/0', { query: ['pmin=1'] }),
    req('POST', '/3/0/4'),
    req('POST', '/1', body),
    req('FETCH', '/', body),
    req('iPATCH', '/', body),
  ]) {
    t.is(check(r, true), '4.05', `${r.method} /${r.path.join('/')}`);
  }
  const stranger = { address: '198.51.100.7', port: 5683 };
  for (const r of [
    req('PUT', '/0/1', { ...body, from: stranger }),
    req('POST', '/bs', { from: stranger }),
    req('DELETE', '/', { from: { ...server, port: 5684 } }),
  ]) {
    t.is(check(r, true), '4.01', `${r.method} /${r.path.join('/')} from ${r.from.address}:${r.from.port}`);
  }
});

test('sender match: same address and port; a host name matches any address on its port (modems report addresses)', (t) => {
  t.true(fromServer(server, server));
  t.false(fromServer({ ...server, port: 1 }, server));
  t.false(fromServer({ address: '192.0.2.2', port: 5683 }, server));
  t.true(fromServer({ address: 'bs.example', port: 5683 }, { address: 'bs.example', port: 5683 }));
  t.true(fromServer({ address: '192.0.2.9', port: 5683 }, { address: 'bs.example', port: 5683 }));
  t.false(fromServer({ address: 'other.example', port: 5683 }, { address: 'bs.example', port: 5683 }));
});
