// update-on-objects-changed-and-trigger.test.ts: objects-changed → Update with new links; /1/x/8 trigger → Update;
// /1/x/9 → bootstrap (Disable, /1/x/4, runs on the whole device: disable-device-level.test.ts).
import test from 'ava';
import { bootstrapAccount, kindOf, lwm2mServer, nosecAccount, registeredHarness } from '../support/client-fakes.js';

const records = [...nosecAccount(0, 'coap://10.0.0.1:5683', 1), ...bootstrapAccount(1, 'coap://10.0.0.9:5683')];

test('objects changed → Update carrying the link payload; trigger → Update without', async (t) => {
  const h = await registeredHarness({ records });
  await h.deliver({ type: 'lwm2m.objects-changed' });
  await h.flush();
  const up = h.requests.at(-1)?.req;
  t.is(h.count('update'), 1);
  t.is(up?.contentFormat, 40);
  t.true(
    Buffer.from(up?.payload ?? [])
      .toString()
      .includes('</3/0>'),
  );
  await h.deliver({ type: 'lwm2m.trigger', trigger: 'update', ssid: 1 });
  t.is(h.count('update'), 2);
  t.is(h.requests.at(-1)?.req.payload, undefined);
  t.true(h.isRegistered());
  await h.client.stop();
});

test('Bootstrap-Request Trigger → client-initiated bootstrap', async (t) => {
  const h = await registeredHarness({ records });
  await h.deliver({ type: 'lwm2m.trigger', trigger: 'bootstrap', ssid: 1 });
  await h.advance(1000);
  t.is(h.count('bootstrap'), 1);
  t.true(h.state().includes('bootstrapping'), h.state());
  await h.client.stop();
});

test('the server wrote a new lifetime (/1/x/1): the next Update carries lt= and the timer follows it', async (t) => {
  const h = await registeredHarness({ records: nosecAccount(0, 'coap://10.0.0.1:5683', 1, { lifetime: 300 }) });
  h.records = nosecAccount(0, 'coap://10.0.0.1:5683', 1, { lifetime: 1000 });
  await h.deliver({ type: 'lwm2m.trigger', trigger: 'update', ssid: 1 });
  t.deepEqual(h.requests.at(-1)?.req.query, ['lt=1000']);
  t.like(h.store.get('registration'), { lifetime: 1000 });
  await h.advance(800_000, 10_000);
  t.is(h.count('update'), 1, 'no Update before 90 % of the new lifetime');
  await h.advance(110_000, 10_000);
  t.is(h.count('update'), 2);
  t.is(h.requests.at(-1)?.req.query, undefined, 'nothing changed since: no query');
  await h.client.stop();
});

test("triggers for another server's /1 instance (ssid 2) are ignored: no Update, no Disable", async (t) => {
  const h = await registeredHarness({ records: [...records, ...nosecAccount(2, 'coap://10.0.0.2:5683', 2)] });
  await h.deliver({ type: 'lwm2m.trigger', trigger: 'update', ssid: 2 });
  await h.deliver({ type: 'lwm2m.trigger', trigger: 'disable', ssid: 2, disableTimeout: 120 });
  t.deepEqual(h.kinds(), ['register']);
  t.true(h.isRegistered());
  await h.deliver({ type: 'lwm2m.trigger', trigger: 'update', ssid: 1 });
  t.deepEqual(h.kinds(), ['register', 'update']);
  await h.client.stop();
});

test('objects changed while an Update is in flight → another Update with the links once it is answered (the change is not lost)', async (t) => {
  const behave = lwm2mServer();
  let holding = false;
  let release: (() => void) | undefined;
  const h = await registeredHarness({
    records,
    wire: async (req, server) => {
      if (holding && kindOf(req) === 'update')
        await new Promise<void>((r) => {
          release = r;
        });
      return { payload: new Uint8Array(), token: new Uint8Array([1]), ...behave(req, server) };
    },
  });
  holding = true;
  await h.deliver({ type: 'lwm2m.trigger', trigger: 'update', ssid: 1 });
  t.is(h.count('update'), 1, 'the triggered Update is in flight');
  await h.deliver({ type: 'lwm2m.objects-changed' });
  holding = false;
  release?.();
  await h.flush();
  await h.flush();
  t.is(h.count('update'), 2);
  t.true(
    Buffer.from(h.requests.at(-1)?.req.payload ?? [])
      .toString()
      .includes('</3/0>'),
    'the second Update carries the links',
  );
  t.true(h.isRegistered());
  await h.client.stop();
});
