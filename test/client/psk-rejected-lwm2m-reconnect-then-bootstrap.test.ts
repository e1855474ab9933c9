// psk-rejected-lwm2m-reconnect-then-bootstrap.test.ts: a wrong PSK against libcoap's DTLS server (real socket actor)
// names the cause and is a registration failure: LwM2M reconnect with growing backoff, no LTE reconnect, then
// bootstrap.
import test from 'ava';
import { SimulatedClock } from 'xstate';
import { createClientActor } from '../../src/actors/client.actor.js';
import { createDtlsTransport } from '../../src/coap/transports/dtls.js';
import { socketActorModule } from '../../src/actors/socket.actor.js';
import type { ActorMessage, ActorModule } from '../../src/runtime/actor-api.js';
import { startLibcoapServer } from '../support/libcoap.js';
import { bootstrapAccount, pskAccount } from '../support/client-fakes.js';
import { HostileServer } from '../support/hostile-server.js';
import { InProcessActors } from '../support/in-process-actors.js';
import { pollUntil } from '../support/poll.js';
import { flush } from '../support/sim-timers.js';

const KEY = 'secretPSK';

test('wrong PSK: DTLS_HANDSHAKE_FAILED naming the key, lwm2mReconnect with growing backoff (networkFailures 0, no modem.reconnect), then bootstrap', async (t) => {
  const srv = await startLibcoapServer('coap-server-gnutls', ['-k', KEY]);
  const port = srv.port;
  // the server is up once a handshake with the right key works (so the failures below are the key's)
  await pollUntil(
    async () => {
      const tr = createDtlsTransport({
        host: '127.0.0.1',
        port: port + 1,
        pskIdentity: 'meter-1',
        pskKey: Buffer.from(KEY),
        handshakeTimeoutMs: 1000,
      });
      return tr.open().then(
        () => tr.close().then(() => true),
        () => false,
      );
    },
    (ok) => ok,
    10_000,
    100,
  );
  const bs = await HostileServer.start();
  const actors = new InProcessActors({ coap: { dtlsHandshakeTimeoutMs: 1000 } });
  const clock = new SimulatedClock();
  const records = [
    ...pskAccount(0, `coaps://127.0.0.1:${port + 1}`, 101, 'meter-1', new Uint8Array(Buffer.from('not-the-key'))),
    ...bootstrapAccount(1, bs.uri),
  ];
  let modemReconnects = 0;
  actors.stub('modem', (m) => {
    if (m.type === 'modem.reconnect') modemReconnects++;
    return { up: true, ok: true };
  });
  for (const oid of [0, 1]) {
    actors.stub(`object:${oid}`, (m) =>
      m.op === 'read-records' ? { code: '2.05', records: records.filter((r) => r.path[0] === oid) } : { code: '4.04' },
    );
  }
  // The real socket actor, with the simulated time of each socket.open noted.
  const opens: { at: number; uri: string }[] = [];
  const real = socketActorModule();
  const socketModule: ActorModule = {
    ...real,
    async create(ctx) {
      const inst = await real.create(ctx);
      return {
        ...inst,
        receive(msg: ActorMessage) {
          if (msg.type === 'socket.open')
            opens.push({ at: clock.now(), uri: String((msg.server as { uri: string }).uri) });
          return inst.receive(msg);
        },
        stop: () => inst.stop(),
      };
    },
  };
  try {
    await actors.start('socket', socketModule, { objects: [] });
    const clientModule: ActorModule = {
      subscribes: ['network.*'],
      create: (ctx) =>
        createClientActor(ctx, {
          clock,
          config: { networkAtBoot: 'wait', backoffInitialS: 10, backoffFactor: 2, maxRegisterFailures: 3 },
        }),
    };
    await actors.start('client', clientModule);
    const client = actors.get('client') as ReturnType<typeof createClientActor>;
    const snap = () => client.actor.getSnapshot();
    const failedOpens = (n: number) =>
      pollUntil(
        async () => snap(),
        (s) => s.matches({ connected: { online: 'lwm2mReconnect' } }) && s.context.registerFailures >= n,
        15_000,
      );

    await failedOpens(1);
    t.true(snap().matches({ connected: { online: 'lwm2mReconnect' } }), JSON.stringify(snap().value));
    t.is(snap().context.networkFailures, 0, 'not counted as a network failure');
    t.regex(snap().context.lastError ?? '', /^DTLS_HANDSHAKE_FAILED: .*PSK (identity or )?key (likely )?rejected/);
    const published = actors.captured.filter((c) => c.kind === 'publish' && c.msg.type === 'network.error');
    t.true(
      published.some((c) => /PSK (identity or )?key (likely )?rejected/.test(String(c.msg.message))),
      'the socket names the cause too',
    );

    clock.increment(10_000); // first backoff
    await failedOpens(2);
    clock.increment(9_000);
    await flush(); // a due backoff timer would have asked the socket to open by now (in-process messages, no I/O)
    t.is(opens.length, 2, 'the second backoff is longer than the first');
    clock.increment(11_000);
    // the third refusal reaches maxRegisterFailures: bootstrap
    await pollUntil(
      async () => snap(),
      (s) => s.matches({ connected: { online: 'bootstrapping' } }),
      15_000,
    );
    t.true(snap().matches({ connected: { online: 'bootstrapping' } }), JSON.stringify(snap().value));
    clock.increment(1000);
    const req = await bs.waitForRequest((r) => r.path === '/bs', 15_000, 'Bootstrap-Request');
    t.is(req.method, 'POST');
    t.deepEqual(
      opens.slice(0, 3).map((o) => o.at),
      [0, 10_000, 30_000],
    );
    t.is(opens.at(-1)?.uri, bs.uri);
    t.is(modemReconnects, 0, 'no LTE reconnect for a rejected key');
    t.is(snap().context.networkFailures, 0);
  } finally {
    await actors.stopAll();
    await bs.close();
    await srv.stop();
  }
});
