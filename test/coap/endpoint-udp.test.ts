// endpoint-udp.test.ts: two of our endpoints over loopback UDP: CON/NON request-response both ways, errors, ping,
// separate responses.
import test from 'ava';
import { closeNode, str, text, udpNode } from './support/pair.js';
import { quietPeriod, waitFor } from '../support/poll.js';

test('CON request/response both ways on one socket each', async (t) => {
  const a = await udpNode();
  const b = await udpNode();
  a.endpoint.handle((req) => ({
    code: '2.05',
    contentFormat: 0,
    payload: text(`a:${req.path.join('/')}?${req.query.join('&')}`),
  }));
  b.endpoint.handle((req) => ({
    code: '2.04',
    payload: text(`b:${req.method}:${str(req.payload)}:${req.contentFormat}`),
  }));
  const r1 = await b.endpoint.request(a.addr, { method: 'GET', path: ['3', '0', '1'], query: ['x=1', 'y'] });
  t.is(r1.code, '2.05');
  t.is(r1.contentFormat, 0);
  t.is(str(r1.payload), 'a:3/0/1?x=1&y');
  const r2 = await a.endpoint.request(b.addr, { method: 'PUT', path: ['1'], payload: text('hi'), contentFormat: 60 });
  t.is(r2.code, '2.04');
  t.is(str(r2.payload), 'b:PUT:hi:60');
  t.deepEqual(a.endpoint.stats().pendingExchanges, 0);
  await closeNode(a);
  await closeNode(b);
});

test('NON request gets a NON response; Location-Path and Max-Age travel', async (t) => {
  const a = await udpNode();
  const b = await udpNode();
  a.endpoint.handle((req) => ({
    code: '2.01',
    locationPath: ['rd', 'x7'],
    maxAge: 30,
    payload: text(String(req.confirmable)),
  }));
  const r = await b.endpoint.request(a.addr, { method: 'POST', path: ['rd'], query: ['ep=m1'], confirmable: false });
  t.is(r.code, '2.01');
  t.deepEqual(r.locationPath, ['rd', 'x7']);
  t.is(r.maxAge, 30);
  t.is(str(r.payload), 'false');
  await closeNode(a);
  await closeNode(b);
});

test('separate response when the handler is slow; handler errors become 5.00', async (t) => {
  const a = await udpNode({ params: { separateResponseAfterMs: 20 } });
  const b = await udpNode();
  a.endpoint.handle(async (req) => {
    if (req.path[0] === 'boom') throw new Error('boom');
    await quietPeriod(
      100,
      'a handler slower than separateResponseAfterMs (20 ms): the endpoint answers with an empty ACK first',
    );
    return { code: '2.05', payload: text('late') };
  });
  const r = await b.endpoint.request(a.addr, { method: 'GET', path: ['slow'] });
  t.is(r.code, '2.05');
  t.is(str(r.payload), 'late');
  const e = await b.endpoint.request(a.addr, { method: 'GET', path: ['boom'] });
  t.is(e.code, '5.00');
  await closeNode(a);
  await closeNode(b);
});

test('ping answers with RST; a silent peer times out with COAP_TIMEOUT', async (t) => {
  const a = await udpNode();
  const b = await udpNode({ params: { ackTimeoutMs: 10, maxRetransmit: 1 } });
  t.true(await b.endpoint.ping(a.addr));
  const silentAddr = a.addr;
  await closeNode(a);
  t.false(await b.endpoint.ping(silentAddr));
  const err = await t.throwsAsync(b.endpoint.request(silentAddr, { method: 'GET', path: ['x'] }));
  t.is((err as Error & { code?: string }).code, 'COAP_TIMEOUT');
  await closeNode(b);
});

test('no handler installed answers 5.00; close fails pending requests with SOCKET_CLOSED', async (t) => {
  const a = await udpNode();
  const b = await udpNode();
  const r = await b.endpoint.request(a.addr, { method: 'GET', path: ['x'] });
  t.is(r.code, '5.00');
  let arrived = false;
  a.endpoint.handle(() => {
    arrived = true;
    return new Promise(() => undefined);
  });
  const p = b.endpoint.request(a.addr, { method: 'GET', path: ['never'] });
  await waitFor(() => arrived, { what: 'the request at the peer' });
  await b.endpoint.close();
  const err = await t.throwsAsync(p);
  t.is((err as Error & { code?: string }).code, 'SOCKET_CLOSED');
  await closeNode(a);
  await b.transport.close();
});

test('a peer named by host name (localhost) is answered under that name', async (t) => {
  const a = await udpNode();
  const b = await udpNode();
  a.endpoint.handle(() => ({ code: '2.05', payload: text('ok') }));
  const r = await b.endpoint.request({ address: 'localhost', port: a.addr.port }, { method: 'GET', path: ['x'] });
  t.is(str(r.payload), 'ok');
  await closeNode(a);
  await closeNode(b);
});

test('IPv6 loopback', async (t) => {
  const { UdpTransport } = await import('../../src/coap/transports/udp.js');
  const { createEndpoint } = await import('../../src/coap/endpoint.js');
  const ta = new UdpTransport({ host: '::1' });
  const tb = new UdpTransport({ host: '::1' });
  try {
    await ta.open();
    await tb.open();
  } catch {
    t.pass('no IPv6 loopback here');
    return;
  }
  const a = createEndpoint(ta);
  const b = createEndpoint(tb);
  a.handle(() => ({ code: '2.05', payload: text('v6') }));
  const r = await b.request(ta.address(), { method: 'GET', path: ['x'] });
  t.is(str(r.payload), 'v6');
  await a.close();
  await b.close();
  await ta.close();
  await tb.close();
});
