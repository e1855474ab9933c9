// fuzz.test.ts: random datagrams and random CoAP requests never crash the dev server; it keeps registering clients.
import test from 'ava';
import fc from 'fast-check';
import { createSocket } from 'node:dgram';
import { generate } from 'coap-packet';
import { startDevServer } from '../../src/devserver/server.js';
import { FakeClient } from '../support/fake-lwm2m-client.js';

test('random bytes and random requests to every route: no crash, still serving', async (t) => {
  const s = await startDevServer({ bootstrap: {}, requestTimeoutMs: 200 });
  const sock = createSocket('udp4');
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
  t.teardown(async () => {
    await s.close();
    sock.close();
  });
  const send = (b: Uint8Array): Promise<void> => new Promise((r) => sock.send(b, s.port, '127.0.0.1', () => r()));
  await fc.assert(
    fc.asyncProperty(fc.uint8Array({ maxLength: 64 }), async (bytes) => {
      await send(bytes);
    }),
    { numRuns: 200, seed: 42 },
  );
  const seg = fc.constantFrom('rd', 'dp', 'bs', 'x', '', '..', 'rd?', '%00');
  const query = fc.constantFrom('ep=a', 'ep=', 'lt=-1', 'lt=99999999999', 'lwm2m=9.9', 'b=', 'Q', '=', 'ep=a&ep=b');
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom('0.01', '0.02', '0.03', '0.04', '0.05', '0.07'),
      fc.array(seg, { maxLength: 3 }),
      fc.array(query, { maxLength: 3 }),
      fc.uint8Array({ maxLength: 40 }),
      fc.boolean(),
      fc.integer({ min: 0, max: 65535 }),
      async (code, path, q, payload, con, mid) => {
        const options = [
          ...path.map((p) => ({ name: 'Uri-Path' as const, value: Buffer.from(p) })),
          ...q.map((x) => ({ name: 'Uri-Query' as const, value: Buffer.from(x) })),
        ];
        await send(
          generate({
            code,
            confirmable: con,
            messageId: mid,
            token: Buffer.from([mid & 0xff]),
            options,
            payload: Buffer.from(payload),
          }),
        );
      },
    ),
    { numRuns: 300, seed: 7 },
  );
  // the junk went first on the loopback: the Register below is answered only if the server survived all of it
  const c = await FakeClient.start();
  t.teardown(() => c.close());
  t.is((await c.register(s.port, 'survivor')).code, '2.01');
});
