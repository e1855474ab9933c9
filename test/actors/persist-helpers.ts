// persist-helpers.ts: a stub LwM2M server (node-coap), the socket actor on the real endpoint + UDP, object:3424 on a
// simulated clock, and restarts that keep the actors' stores.
import { Agent, createServer, request, type IncomingMessage, type OutgoingMessage, type Server } from 'coap';
import { InProcessActors } from '../support/in-process-actors.js';
import { SimTimers, settle } from '../support/sim-timers.js';
import { objectActorModule } from '../../src/actors/object.actor.js';
import { socketActorModule } from '../../src/actors/socket.actor.js';
import { createUdpTransport } from '../../src/coap/transports/udp.js';
import type { CoapIncomingResponse } from '../../src/coap/api.js';
import type { PeerAddress, Transport } from '../../src/coap/transport.js';
import { waterMeterObject } from '../../src/objects/water-meter.js';
import type { MeterSnapshot } from '../../src/meter/meter-core.js';
import { waitFor } from '../support/poll.js';

/**
 * node-coap as the LwM2M server's registration interface: Register → 2.01 /rd/abc, Update → 2.04, De-register → 2.02.
 */
export async function stubServer(): Promise<{ server: Server; port: number; seen: string[] }> {
  const seen: string[] = [];
  const server = createServer({ type: 'udp4' });
  server.on('request', (req: IncomingMessage, res: OutgoingMessage) => {
    seen.push(`${req.method} ${req.url}`);
    if (req.method === 'POST' && req.url.startsWith('/rd?')) {
      res.code = '2.01';
      res.setOption('Location-Path', [Buffer.from('rd'), Buffer.from('abc')]);
    } else res.code = req.method === 'DELETE' ? '2.02' : '2.04';
    res.end();
  });
  const port = await new Promise<number>((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve((server as unknown as { _sock: { address(): { port: number } } })._sock.address().port),
    ),
  );
  return { server, port, seen };
}

export function snapshot(volumeM3: number, time = 1): MeterSnapshot {
  return {
    volumeM3,
    pulses: Math.round(volumeM3 * 1000),
    pulseRatio: 1000,
    meterType: 'cold water',
    minFlow: 0,
    maxFlow: 0,
    time,
    flags: { leakSuspected: false, leakDetected: false, backflow: false, blocked: false },
  };
}

/**
 * The device side: object:3424 (simulated clock) and the socket actor; `restart` stops both and starts them again with
 * their stores.
 */
export async function device(serverPort: number) {
  const timers = new SimTimers();
  const actors = new InProcessActors();
  const target = {
    ssid: 101,
    uri: `coap://127.0.0.1:${serverPort}`,
    host: '127.0.0.1',
    port: serverPort,
    security: 'nosec' as const,
  };
  const startObject = () => actors.start('object:3424', objectActorModule({ spec: waterMeterObject, timers }));
  const startSocket = async (): Promise<number> => {
    await actors.start(
      'socket',
      socketActorModule({ transport: (): Transport => createUdpTransport({ host: '127.0.0.1', port: 0 }) }),
      { objects: [3424] },
    );
    await actors.get('socket')!.receive({ type: 'socket.open', server: target });
    return ((await actors.get('socket')!.receive({ type: 'socket.address' })) as PeerAddress).port;
  };
  await startObject();
  let port = await startSocket();
  const send = async (req: Record<string, unknown>): Promise<CoapIncomingResponse> => {
    const r = (await actors.get('socket')!.receive({ type: 'coap.send', req })) as CoapIncomingResponse;
    await settle();
    return r;
  };
  const d = {
    timers,
    actors,
    get port(): number {
      return port;
    },
    register: () =>
      send({
        method: 'POST',
        path: ['rd'],
        query: ['ep=meter-1', 'lt=300'],
        contentFormat: 40,
        payload: new Uint8Array(Buffer.from('</3424/0>')),
      }),
    update: () => send({ method: 'POST', path: ['rd', 'abc'] }),
    reading: async (v: number): Promise<void> => {
      await actors.get('object:3424')!.receiveOther!({ type: 'meter.reading', snapshot: snapshot(v) });
      await settle();
    },
    /** Restarts only the object actor (as the supervisor would), keeping its store. */
    restartObject: async (): Promise<void> => {
      await actors.get('object:3424')!.stop();
      await startObject();
    },
    /**
     * Stops socket and object actors (no De-register: the process is killed) and starts them again on a new UDP port.
     */
    restartAll: async (): Promise<void> => {
      await actors.stopAll();
      await startObject();
      port = await startSocket();
    },
  };
  return d;
}

/** node-coap client as the LwM2M server's management side. */
export function managementClient() {
  const agent = new Agent({ type: 'udp4' });
  const call = (
    port: number,
    method: 'GET' | 'PUT',
    pathname: string,
    o: { query?: string; accept?: number } = {},
  ): Promise<IncomingMessage> =>
    new Promise((resolve, reject) => {
      const req = request({ hostname: '127.0.0.1', port, method, pathname, query: o.query ?? '', agent });
      if (o.accept !== undefined) req.setOption('Accept', o.accept);
      req.on('response', resolve);
      req.on('error', reject);
      req.end();
    });
  const observe = (
    port: number,
    pathname: string,
  ): Promise<{ values: number[]; res: IncomingMessage; token: Buffer; close(): void }> =>
    new Promise((resolve, reject) => {
      const req = request({ hostname: '127.0.0.1', port, method: 'GET', pathname, observe: true, agent });
      req.on('response', (res: IncomingMessage) => {
        // node-coap's observe stream emits the first response as data too
        const values: number[] = [];
        res.on('data', (chunk: Buffer) => values.push(Number(chunk.toString())));
        const close = (): void => (res as unknown as { close(eager?: boolean): void }).close(false);
        resolve({
          values,
          res,
          close,
          token: Buffer.from((req as unknown as { _packet: { token: Buffer } })._packet.token),
        });
      });
      req.on('error', reject);
      req.end();
    });
  return { agent, call, observe };
}

/** Waits (real time, bounded) until `cond` holds: UDP loopback delivery (the kit's waitFor; throws at the bound). */
export function until(cond: () => boolean, ms = 2000): Promise<void> {
  return waitFor(cond, { timeoutMs: ms, what: 'UDP loopback delivery' });
}

/** Stops everything when the test ends, passed or failed (so a failure does not leave sockets open). */
export function cleanupAfter(
  t: { teardown(fn: () => Promise<void> | void): void },
  d: { actors: InProcessActors },
  mc: { agent: Agent },
  srv: { server: Server },
): void {
  t.teardown(async () => {
    await d.actors.stopAll();
    mc.agent.close();
    await new Promise<void>((r) => srv.server.close(() => r()));
  });
}
