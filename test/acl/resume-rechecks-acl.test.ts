// resume-rechecks-acl.test.ts: an observation stored before a restart is resumed by the Update only if Access Control
// still lets its server read the path; revoked meanwhile → the observer gets the refusal (4.04: hidden) and nothing is
// resumed.
import test from 'ava';
import { createSocket } from 'node:dgram';
import { generate, parse } from 'coap-packet';
import { InProcessActors } from '../support/in-process-actors.js';
import { SimTimers, settle } from '../support/sim-timers.js';
import { objectActorModule } from '../../src/actors/object.actor.js';
import { socketActorModule } from '../../src/actors/socket.actor.js';
import { createUdpTransport, type UdpTransport } from '../../src/coap/transports/udp.js';
import { createServerObject } from '../../src/objects/server.js';
import { createAccessControlObject } from '../../src/objects/access-control.js';
import { createDeviceObject } from '../../src/objects/device.js';
import { aclEntriesFromRecords } from '../../src/lwm2m/acl.js';
import { ContentFormat, type LwRecord } from '../../src/lwm2m/types.js';
import type { CoapIncomingResponse } from '../../src/coap/api.js';
import { stubServer } from '../actors/persist-helpers.js';
import { waitFor } from '../support/poll.js';

for (const revoked of [false, true]) {
  test(`server 102 observed /3/0/0, restart, ${revoked ? 'read revoked meanwhile: the observer gets what a new Observe would (4.04), not resumed' : 'ACL unchanged: resumed'}`, async (t) => {
    const srv = await stubServer();
    const actors = new InProcessActors({
      client: {
        servers: [
          { uri: 'coap://a.example:5683', ssid: 101 },
          { uri: 'coap://b.example:5683', ssid: 102 },
        ],
      },
      device: { manufacturer: 'ACME' },
    });
    const timers = new SimTimers();
    const observer = createSocket('udp4');
    t.teardown(async () => {
      observer.close();
      await actors.stopAll();
      await new Promise<void>((r) => srv.server.close(() => r()));
    });
    await actors.start('object:1', objectActorModule({ spec: createServerObject(), timers }));
    await actors.start('object:2', objectActorModule({ spec: createAccessControlObject(), timers }));
    const startObject3 = () =>
      actors.start('object:3', objectActorModule({ spec: createDeviceObject({ version: '1.0.0' }), timers }));
    await startObject3();
    let transport: UdpTransport | undefined;
    const target = {
      ssid: 102,
      uri: `coap://127.0.0.1:${srv.port}`,
      host: '127.0.0.1',
      port: srv.port,
      security: 'nosec',
    };
    const startSocket = async (): Promise<number> => {
      await actors.start(
        'socket',
        socketActorModule({ transport: () => (transport = createUdpTransport({ host: '127.0.0.1', port: 0 })) }),
        { objects: [1, 2, 3] },
      );
      await actors.get('socket')!.receive({ type: 'socket.open', server: target });
      return transport!.address().port;
    };
    const coap = async (req: Record<string, unknown>): Promise<string> => {
      const r = (await actors.get('socket')!.receive({ type: 'coap.send', req })) as CoapIncomingResponse;
      await settle();
      return r.code;
    };
    let port = await startSocket();
    t.is(
      await coap({
        method: 'POST',
        path: ['rd'],
        query: ['ep=acl-1'],
        contentFormat: 40,
        payload: new Uint8Array(Buffer.from('</3/0>')),
      }),
      '2.01',
    );

    // the observer (server 102's side) keeps its socket: every message on token 0707 is recorded
    const got: string[] = [];
    observer.on('message', (b) => {
      const p = parse(b);
      if (p.token.toString('hex') === '0707') got.push(p.code);
      if (p.confirmable)
        observer.send(generate({ messageId: p.messageId, code: '0.00', ack: true }), port, '127.0.0.1');
    });
    await new Promise<void>((r) => observer.bind(0, '127.0.0.1', () => r()));
    observer.send(
      generate({
        messageId: 77,
        token: Buffer.from([7, 7]),
        code: 'GET',
        confirmable: true,
        options: [
          { name: 'Observe', value: Buffer.alloc(0) },
          ...['3', '0', '0'].map((s) => ({ name: 'Uri-Path' as const, value: Buffer.from(s) })),
        ],
      }),
      port,
      '127.0.0.1',
    );
    await waitFor(() => got.length > 0, { timeoutMs: 2000, what: 'the observe answer' });
    t.deepEqual(got, ['2.05'], 'observation accepted: 102 may read /3/0 (seeded entry 0 = R)');

    // the process dies: socket and object 3 restart with their stores
    await actors.get('socket')!.stop();
    await actors.get('object:3')!.stop();
    await startObject3();
    if (revoked) {
      // meanwhile the ACL of /3/0 loses its default entry (0 = R): server 102 has no right on it any more
      const recs =
        (
          (await actors
            .get('object:2')!
            .receive({ type: 'object.request', op: 'read-records', path: [2], paths: [[2]] })) as {
            records?: LwRecord[];
          }
        ).records ?? [];
      const entry = aclEntriesFromRecords(recs).find((e) => e.objectId === 3 && e.objectInstanceId === 0);
      if (entry === undefined) {
        t.fail('no seeded ACL instance for /3/0');
        return;
      }
      const w = (await actors.get('object:2')!.receive({
        type: 'object.request',
        op: 'write',
        path: [2, entry.instanceId, 2],
        bootstrap: true,
        format: ContentFormat.SENML_JSON,
        payload: new Uint8Array(Buffer.from(JSON.stringify([{ n: `/2/${entry.instanceId}/2/101`, v: 1 }]))),
      })) as { code: string };
      t.is(w.code, '2.04');
    }
    port = await startSocket();
    t.is(await coap({ method: 'POST', path: ['rd', 'abc'] }), '2.04', 'the Update resumes the registration');
    await waitFor(() => got.length >= 2, { timeoutMs: 2000, what: "the resumed relation's notification" });
    const observed = ((await actors.get('object:3')!.receive({ type: 'object.observations' })) as { ids: string[] })
      .ids;
    if (revoked) {
      t.deepEqual(
        got,
        ['2.05', '4.04'],
        'no right at all hides the instance, as for a new request: the observer is told it is gone',
      );
      t.deepEqual(observed, [], 'object 3 observes nothing');
    } else {
      t.deepEqual(got, ['2.05', '2.05'], 'current value on the old token after the Update');
      t.is(observed.length, 1);
    }
  });
}
