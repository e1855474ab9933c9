// support.ts: Access Control test rig: object actors 1, 2, 3, 3442 and the socket actor (own CoAP endpoint, UDP port 0)
// in-process, a node-coap client acting as whichever server (by ssid) the socket is opened to.
import { createSocket } from 'node:dgram';
import { Agent, request, type IncomingMessage, type OutgoingMessage } from 'coap';
import { generate, parse } from 'coap-packet';
import type { CoapMethod } from '../../src/coap/api.js';
import { InProcessActors } from '../support/in-process-actors.js';
import { createUdpTransport, type UdpTransport } from '../../src/coap/transports/udp.js';
import { SimTimers } from '../support/sim-timers.js';
import { objectActorModule } from '../../src/actors/object.actor.js';
import { socketActorModule } from '../../src/actors/socket.actor.js';
import { createServerObject } from '../../src/objects/server.js';
import { createAccessControlObject } from '../../src/objects/access-control.js';
import { createDeviceObject } from '../../src/objects/device.js';
import { testObject } from '../lwm2m/fixture-object.js';
import { ContentFormat, type LwRecord } from '../../src/lwm2m/types.js';
import { decode, untypedContext } from '../../src/lwm2m/formats/index.js';
import { aclEntriesFromRecords, type AclEntry } from '../../src/lwm2m/acl.js';

export interface Reply {
  code: string;
  text: string;
  payload: Buffer;
  location: string[];
}
export type Call = ((
  method: CoapMethod,
  path: string,
  o?: { accept?: number; format?: number; payload?: Buffer | string },
) => Promise<Reply>) & {
  /**
   * GET with Observe 0 from a raw UDP socket (node-coap's server side answers every Observe request with 2.05): the
   * response code.
   */
  observe(path: string): Promise<string>;
};

/**
 * Starts the rig with these server accounts (ssids) in object 1; `as(ssid)` (re)opens the socket as that server (0 =
 * bootstrap server).
 */
export async function aclRig(ssids: readonly number[]) {
  const servers = ssids.map((ssid, i) => ({ uri: `coap://server${i}.example:5683`, ssid }));
  const actors = new InProcessActors({ client: { servers }, device: { manufacturer: 'ACME' } });
  actors.stub('client', (m) => (m.type === 'lwm2m.bootstrap-finish' ? { code: '2.04' } : undefined));
  const timers = new SimTimers();
  await actors.start('object:1', objectActorModule({ spec: createServerObject(), timers }));
  await actors.start('object:2', objectActorModule({ spec: createAccessControlObject(), timers }));
  await actors.start('object:3', objectActorModule({ spec: createDeviceObject({ version: '1.0.0' }), timers }));
  await actors.start('object:3442', objectActorModule({ spec: testObject(), timers }));
  let transport: UdpTransport | undefined;
  // The project's own CoAP endpoint on a loopback UDP transport (port 0); node-coap is the server side's client.
  await actors.start(
    'socket',
    socketActorModule({ transport: () => (transport = createUdpTransport({ host: '127.0.0.1', port: 0 })) }),
    { objects: [1, 2, 3, 3442] },
  );
  // The agent sends from the address the socket is opened to: the bootstrap interface is honoured from there only.
  const agentSocket = createSocket('udp4');
  await new Promise<void>((resolve) => agentSocket.bind(0, '127.0.0.1', resolve));
  const agent = new Agent({ socket: agentSocket });
  const serverPort = agentSocket.address().port;

  const as = async (ssid: number): Promise<Call> => {
    await actors.get('socket')!.receive({
      type: 'socket.open',
      server: { ssid, uri: `coap://127.0.0.1:${serverPort}`, host: '127.0.0.1', port: serverPort, security: 'nosec' },
    });
    const p = transport!.address().port;
    const observe = (path: string): Promise<string> =>
      new Promise((resolve) => {
        const sock = createSocket('udp4');
        sock.on('message', (buf) => {
          sock.close();
          resolve(parse(buf).code);
        });
        sock.bind(0, '127.0.0.1', () => {
          sock.send(
            generate({
              messageId: 77,
              token: Buffer.from([7, 7]),
              code: 'GET',
              confirmable: true,
              options: [
                { name: 'Observe', value: Buffer.alloc(0) },
                ...path
                  .split('/')
                  .filter(Boolean)
                  .map((s) => ({ name: 'Uri-Path' as const, value: Buffer.from(s) })),
              ],
            }),
            p,
            '127.0.0.1',
          );
        });
      });
    const call = (
      method: CoapMethod,
      path: string,
      o: { accept?: number; format?: number; payload?: Buffer | string } = {},
    ): Promise<Reply> =>
      new Promise((resolve, reject) => {
        const req: OutgoingMessage = request({
          hostname: '127.0.0.1',
          port: p,
          method,
          pathname: path,
          agent,
          confirmable: true,
        });
        if (o.accept !== undefined) req.setOption('Accept', o.accept);
        if (o.format !== undefined) req.setOption('Content-Format', o.format);
        req.on('response', (res: IncomingMessage) => {
          const loc = (res as unknown as { options: { name: string; value: Buffer }[] }).options
            .filter((x) => x.name === 'Location-Path')
            .map((x) => x.value.toString());
          resolve({ code: res.code, text: res.payload.toString(), payload: res.payload, location: loc });
        });
        req.on('error', reject);
        req.end(o.payload);
      });
    return Object.assign(call, { observe });
  };

  /** Object 2 as the device sees it (local read, no ACL). */
  const aclEntries = async (): Promise<AclEntry[]> => {
    const r = (await actors
      .get('object:2')!
      .receive({ type: 'object.request', op: 'read-records', path: [2], paths: [[2]] })) as { records?: LwRecord[] };
    return aclEntriesFromRecords(r.records ?? []);
  };

  const close = async (): Promise<void> => {
    await actors.get('socket')!.receive({ type: 'socket.close' });
    await actors.stopAll();
    agent.close();
    try {
      agentSocket.close();
    } catch {
      /* the agent closed it */
    }
  };
  return { actors, as, aclEntries, close };
}

/** Instance ids present in a SenML JSON object-level read. */
export function instancesIn(r: Reply): number[] {
  const recs = decode(ContentFormat.SENML_JSON, new Uint8Array(r.payload), untypedContext([]));
  return [...new Set(recs.map((x) => x.path[1]))].sort((a, b) => a - b);
}

export const senml = (recs: object[]): string => JSON.stringify(recs);
