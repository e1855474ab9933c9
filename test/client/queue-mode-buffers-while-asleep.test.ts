// queue-mode-buffers-while-asleep.test.ts: binding UQ: asleep after the awake time; Sends made while asleep go out
// after wake (Update first), in order, none lost.
import test from 'ava';
import { decode, untypedContext } from '../../src/lwm2m/formats/index.js';
import { ContentFormat } from '../../src/lwm2m/types.js';
import { nosecAccount, registeredHarness } from '../support/client-fakes.js';

test('queue mode: items produced while asleep arrive after wake, in order, none lost', async (t) => {
  const h = await registeredHarness({
    records: nosecAccount(0, 'coap://10.0.0.1:5683', 1, { lifetime: 3600, binding: 'UQ' }),
    config: { queueAwakeS: 30 },
  });
  t.deepEqual(h.requests[0].req.query?.slice(-2), ['b=U', 'Q'], 'Register announces queue mode');

  // server traffic keeps the client awake
  await h.advance(20_000);
  await h.deliver({ type: 'lwm2m.server-activity', ssid: 1 });
  await h.advance(20_000);
  t.true(h.client.actor.getSnapshot().matches({ connected: { registered: 'awake' } }));
  await h.advance(11_000);
  t.true(h.client.actor.getSnapshot().matches({ connected: { registered: 'asleep' } }), h.state());
  t.true(h.messages.some((m) => m.msg.type === 'socket.pause' && m.msg.reason === 'queue-mode'));

  const before = h.requests.length;
  const replies: Promise<{ code: string }>[] = [];
  for (let v = 1; v <= 6; v++) {
    replies.push(
      h.client.receive({
        type: 'lwm2m.send',
        records: [{ path: [3424, 0, 1], value: v, time: 1_767_225_600 + v }],
      }) as Promise<{ code: string }>,
    );
  }
  await h.advance(1000);
  const after = h.requests.slice(before);
  t.deepEqual(
    after.map((r) => r.req.path.join('/')),
    ['rd/r1', 'dp', 'dp', 'dp', 'dp', 'dp', 'dp'],
    'Update first, then the buffered Sends',
  );
  const values = after
    .slice(1)
    .map((r) => decode(ContentFormat.SENML_CBOR, r.req.payload ?? new Uint8Array(), untypedContext([]))[0].value);
  t.deepEqual(values, [1, 2, 3, 4, 5, 6]);
  t.deepEqual(await Promise.all(replies), Array(6).fill({ code: '2.04' }));
  t.is(h.client.actor.getSnapshot().context.buffer.length, 0);

  // awake again after the exchange, asleep after the awake time
  t.true(h.client.actor.getSnapshot().matches({ connected: { registered: 'awake' } }));
  await h.advance(31_000);
  t.true(h.client.actor.getSnapshot().matches({ connected: { registered: 'asleep' } }));
  await h.client.stop();
});

test('queue mode: a network error while flushing keeps the unsent items, which go out after recovery', async (t) => {
  const h = await registeredHarness({
    records: nosecAccount(0, 'coap://10.0.0.1:5683', 1, { lifetime: 3600, binding: 'UQ' }),
    config: { queueAwakeS: 30 },
  });
  await h.advance(31_000);
  const base = h.requests.length;
  // Update ok, first dp ok, the second dp fails on the radio
  const replies = [1, 2, 3].map(
    (v) =>
      h.client.receive({ type: 'lwm2m.send', records: [{ path: [3424, 0, 1], value: v }] }) as Promise<{
        code: string;
      }>,
  );
  let n = 0;
  const orig = h.server;
  h.server = (req, s) => {
    if (req.path[0] === 'dp' && ++n === 2) throw Object.assign(new Error('radio'), { code: 'NETWORK_ERROR' });
    return orig(req, s);
  };
  await h.advance(5000);
  t.true(h.isRegistered(), h.state());
  t.is(h.modemReconnects, 1);
  const dps = h.requests
    .slice(base)
    .filter((r) => r.req.path[0] === 'dp')
    .map((r) => decode(ContentFormat.SENML_CBOR, r.req.payload ?? new Uint8Array(), untypedContext([]))[0].value);
  t.deepEqual(dps, [1, 2, 2, 3], 'item 2 is retried after the recovery, order kept');
  t.deepEqual(await Promise.all(replies), Array(3).fill({ code: '2.04' }));
  await h.client.stop();
});
