// socket.actor.ts: the socket actor, an adapter: its statechart (src/socket/machine.ts) drives open/close/pause/resume,
// this file does the transport work, coap.send, and hands the server's requests to the router.
import { createActor, fromPromise, type SnapshotFrom } from 'xstate';
import { defineActor, type ActorContext, type ActorInstance, type ActorModule } from '../runtime/actor-api.js';
import { unhandled } from '../runtime/dispatch.js';
import type { CoapEndpoint } from '../coap/api.js';
import type { PeerAddress, Transport } from '../coap/transport.js';
import { CodedError, fromWireError, toWireError, type WireError } from '../errors.js';
import {
  ActorNames,
  type Accepted,
  type CoapSend,
  type ServerTarget,
  type SocketOpen,
  type SocketPause,
} from '../messages/index.js';
import { SocketRouter } from '../socket/router.js';
import { socketPersistence } from '../socket/persistence.js';
import { createEndpoint } from '../coap/endpoint.js';
import { createUdpTransport } from '../coap/transports/udp.js';
import type { CoapParams } from '../coap/params.js';
import { coapConfigSchema, paramsFromConfig } from '../coap/config-schema.js';
import { AtSocketTransport, remoteModemBackend } from '../modem/at-socket-transport.js';
import { firmwareBlockSink, tapBlock1, type BlockSink } from '../firmware/block1-tap.js';
import { socketMachine, type ConnectInput, type DisconnectInput } from '../socket/machine.js';

export { socketMachine } from '../socket/machine.js';

/** The messages the socket actor takes (the host refuses others before `receive`). */
export const SOCKET_ACCEPTS = [
  'socket.open',
  'socket.close',
  'socket.pause',
  'socket.resume',
  'socket.state',
  'socket.address',
  'coap.send',
  'coap.ping',
  'acl.invalidate',
  'object.notify',
  'object.started',
  'modem.socket.rx',
  'modem.socket.error',
] as const;
export type SocketInbound = Accepted<typeof SOCKET_ACCEPTS>;

/** Creates the transport for a server target (UDP for nosec, DTLS for psk). */
export type TransportFactory = (server: ServerTarget) => Transport | Promise<Transport>;
/** Creates a CoAP endpoint on an opened transport. */
export type EndpointFactory = (transport: Transport) => CoapEndpoint | Promise<CoapEndpoint>;

export interface SocketActorOptions {
  transport?: TransportFactory;
  endpoint?: EndpointFactory;
}

/** DTLS settings from the coap config section. */
interface DtlsSettings {
  handshakeTimeoutMs: number;
  idleRehandshakeMs: number;
}

/** Identity and key of a PSK server (a target without them cannot handshake). */
function pskOf(server: ServerTarget): { pskIdentity: string; pskKey: string } {
  if (server.pskIdentity === undefined || server.pskKey === undefined)
    throw new CodedError('DTLS_HANDSHAKE_FAILED', 'psk server without identity or key');
  return { pskIdentity: server.pskIdentity, pskKey: server.pskKey };
}

/**
 * The host's own IP stack: UDP for NoSec, DTLS-PSK for psk (node-dtls-client, ~13 MiB RSS, is loaded only when a psk
 * server is used).
 */
async function hostTransport(server: ServerTarget, dtls: DtlsSettings): Promise<Transport> {
  if (server.security === 'psk') {
    const psk = pskOf(server);
    const { createDtlsTransport } = await import('../coap/transports/dtls.js');
    return createDtlsTransport({ host: server.host, port: server.port, ...psk, ...dtls });
  }
  return createUdpTransport({ host: server.host.includes(':') ? '::' : '0.0.0.0', port: 0 });
}

/**
 * The transport the config asks for: the host's stack, or the modem's own UDP socket over AT commands (modem.dataPath:
 * modem-socket).
 */
function configuredTransport(
  ctx: ActorContext,
  deliverTo: (b: ReturnType<typeof remoteModemBackend>) => void,
  dtls: DtlsSettings,
): TransportFactory {
  const modem = ctx.fullConfig.modem as { dataPath?: unknown } | undefined;
  if (modem?.dataPath !== 'modem-socket') return (server) => hostTransport(server, dtls);
  return async (server) => {
    const backend = remoteModemBackend((m) => ctx.request(ActorNames.modem, m));
    deliverTo(backend);
    if (server.security !== 'psk') return new AtSocketTransport(backend);
    const psk = pskOf(server);
    // node-dtls-client speaks node:dgram only: it talks to a loopback relay that carries its records through the modem
    // socket.
    const { ModemDtlsTransport } = await import('../modem/modem-dtls-transport.js');
    return new ModemDtlsTransport(backend, { server: { address: server.host, port: server.port }, ...psk, ...dtls });
  };
}

function defaultEndpoint(transport: Transport, params: Partial<CoapParams> | undefined): CoapEndpoint {
  return createEndpoint(transport, params ? { params } : {});
}

export async function createSocketActor(
  ctx: ActorContext,
  opts: SocketActorOptions = {},
): Promise<ActorInstance<SocketInbound>> {
  const coapConfig = coapConfigSchema.parse(ctx.fullConfig.coap ?? {});
  const coapParams = paramsFromConfig(coapConfig);
  /** The modem-socket backend currently in use: 'modem.socket.rx' / '.error' messages from the modem actor go to it. */
  let modemBackend: ReturnType<typeof remoteModemBackend> | undefined;
  const makeTransport =
    opts.transport ??
    configuredTransport(
      ctx,
      (b) => {
        modemBackend = b;
      },
      {
        handshakeTimeoutMs: coapConfig.dtlsHandshakeTimeoutMs,
        idleRehandshakeMs: coapConfig.dtlsIdleRehandshakeS * 1000,
      },
    );
  const makeEndpoint = opts.endpoint ?? ((t: Transport) => defaultEndpoint(t, coapParams));
  const log = ctx.log.child({ mod: 'socket' });
  /** The client actor this socket serves (option `client`; 'client:<ssid>' for a further LwM2M server). */
  const clientName =
    typeof ctx.config.client === 'string' && ctx.config.client !== '' ? ctx.config.client : ActorNames.client;
  let server: ServerTarget | undefined;
  let peer: PeerAddress | undefined;
  let transport: Transport | undefined;
  /** The transport before any wrapping (for its local address). */
  let rawTransport: Transport | undefined;
  let endpoint: CoapEndpoint | undefined;
  let generation = 0;
  // The actor's config is fixed for its life: the object list is read once (the router asks for it on every request).
  const objectList: readonly number[] = Array.isArray(ctx.config.objects)
    ? ctx.config.objects.filter((x): x is number => typeof x === 'number')
    : [0, 1, 3];
  const objectIds = (): readonly number[] => objectList;
  // Observe relations are journalled in the store: an Update after a restart resumes them, a new Register drops them.
  const persistence = socketPersistence(ctx, {
    server: () => server,
    endpoint: () => endpoint,
    observations: () => router.observations,
    objects: objectIds,
  });
  await persistence.load();
  const router = new SocketRouter(ctx, {
    objects: objectIds,
    ssid: () => server?.ssid ?? 0,
    peer: () => peer,
    journal: persistence.journal,
    client: clientName,
  });

  /**
   * Closes endpoint and transport; `drain`: answers still being sent get coap.closeDrainMs to leave first (not when the
   * link is down).
   */
  const teardown = async (drain: boolean): Promise<void> => {
    generation++;
    router.observations.cancelAll();
    const ep = endpoint;
    const tr = transport;
    endpoint = undefined;
    transport = undefined;
    if (drain) await ep?.drain?.(coapConfig.closeDrainMs).catch(() => undefined);
    try {
      await ep?.close();
    } catch {
      /* closing anyway */
    }
    try {
      await tr?.close();
    } catch {
      /* closing anyway */
    }
  };

  const networkError = (w: WireError): void => {
    ctx.publish({ type: 'network.error', code: w.code, message: w.message, source: 'socket', socket: ctx.name });
  };

  /** The machine's `connect`: closes what was open, then opens the transport and the endpoint to `target`. */
  const connect = async (target: ServerTarget): Promise<void> => {
    await teardown(true);
    server = target;
    // Objects 1/2 may have changed while the socket was elsewhere (bootstrap server, another server): read the ACL
    // table again.
    router.acl.invalidate();
    peer = { address: target.host, port: target.port };
    const gen = generation;
    try {
      // Firmware push: Block1 writes to /5/0/0 go block by block to object:5 (streamed to disk, never reassembled).
      const raw = await makeTransport(target);
      rawTransport = raw;
      const sink = firmwareBlockSink(ctx, () => server?.ssid ?? 0, clientName);
      // The tapped blocks pass the router's gate too (session, Access Control) before they reach object 5.
      const gated: BlockSink = async (b) => {
        const refused = await router.admitWrite({
          path: b.path,
          from: b.from,
          payload: b.payload,
          ...(b.contentFormat !== undefined ? { contentFormat: b.contentFormat } : {}),
        });
        return refused !== undefined ? { code: refused } : sink(b);
      };
      const tr = objectIds().includes(5) ? tapBlock1(raw, gated) : raw;
      tr.onEvent((ev) => {
        if (gen !== generation) return;
        if (ev.type === 'error' || ev.type === 'close') {
          const code = ev.type === 'error' ? ev.code : 'NETWORK_ERROR';
          const message = ev.type === 'error' ? ev.message : 'transport closed';
          log.warn({ code }, message);
          life.send({ type: 'socket.fail', error: { code, message } });
        }
      });
      await tr.open();
      const ep = await makeEndpoint(tr);
      ep.handle((req, hctx) => router.handle(req, hctx));
      if (gen !== generation) {
        await ep.close();
        await tr.close();
        throw new CodedError('SOCKET_CLOSED', 'closed while opening');
      }
      transport = tr;
      endpoint = ep;
      log.info({ uri: target.uri, ssid: target.ssid }, 'socket open');
    } catch (err) {
      const w = toWireError(err);
      throw err instanceof CodedError
        ? err
        : new CodedError(w.code === 'INTERNAL' ? 'NETWORK_ERROR' : w.code, w.message);
    }
  };

  const life = createActor(
    socketMachine.provide({
      actors: {
        connect: fromPromise<void, ConnectInput>(({ input }) => connect(input.server)),
        disconnect: fromPromise<void, DisconnectInput>(({ input }) => teardown(input.drain)),
      },
      actions: {
        reportNetworkError: (_args, p: { error: WireError | undefined }) => {
          if (p.error) networkError(p.error);
        },
      },
    }),
  );
  ctx.inspect?.(life);
  life.start();
  type Snap = SnapshotFrom<typeof socketMachine>;

  /** Waits for the first snapshot (the current one included) for which `done` is true. */
  const until = (done: (s: Snap) => boolean): Promise<Snap> => {
    const now = life.getSnapshot();
    if (done(now)) return Promise.resolve(now);
    return new Promise((resolve) => {
      const sub = life.subscribe((s) => {
        if (!done(s)) return;
        sub.unsubscribe();
        resolve(s);
      });
    });
  };

  /**
   * The outcome of open attempt `attempt`: open → ok; failed → its error; closed, paused or superseded → SOCKET_CLOSED.
   * `latest` (resume): a newer attempt's outcome is the answer too — a resume arrives as a message, and its
   * rejection would fail the actor just because the client opened again meanwhile.
   */
  const opened = async (attempt: number, latest = false): Promise<{ ok: true }> => {
    const s = await until((x) => (!latest && x.context.attempt !== attempt) || x.value !== 'opening');
    if (s.context.attempt !== attempt && !latest)
      throw new CodedError('SOCKET_CLOSED', 'closed while opening (a newer open took over)');
    if (s.value === 'open') return { ok: true };
    if (s.value === 'failed' && s.context.error) throw fromWireError(s.context.error);
    throw new CodedError('SOCKET_CLOSED', 'closed while opening');
  };

  /** Close and pause answer once closing is over (the drain and close done). */
  const closed = async (): Promise<{ ok: true }> => {
    await until((x) => x.value !== 'closing');
    return { ok: true };
  };

  const onSocketOpen = (m: SocketOpen): Promise<{ ok: true }> => {
    life.send({ type: 'socket.open', server: m.server });
    return opened(life.getSnapshot().context.attempt);
  };

  const onSocketPause = (m: SocketPause): Promise<{ ok: true }> => {
    // LTE is down (or queue mode sleeps): stop retransmissions by closing the endpoint (answers drain first in
    // queue mode only: the link is up); resume re-opens to the same server.
    life.send({ type: 'socket.pause', drain: m.reason === 'queue-mode' });
    return closed();
  };

  const onSocketResume = (): Promise<{ ok: true }> => {
    const s = life.getSnapshot();
    if (!s.context.server) return Promise.reject(new CodedError('SOCKET_CLOSED', 'nothing to resume'));
    // Already open (the client resumes before every Update, paused or not): re-opening would drop the endpoint
    // under the request that follows. Opening: the attempt under way is the answer.
    if (s.value === 'open') return Promise.resolve({ ok: true });
    if (s.value !== 'opening') life.send({ type: 'socket.resume' });
    return opened(life.getSnapshot().context.attempt, true);
  };

  const onCoapSend = async (m: CoapSend): Promise<unknown> => {
    if (!endpoint || !peer || life.getSnapshot().value !== 'open')
      throw new CodedError('SOCKET_CLOSED', 'socket is not open');
    const gen = generation;
    try {
      const res = await endpoint.request(peer, m.req);
      if (gen === generation) await persistence.afterExchange(m.req, res.code);
      return res;
    } catch (err) {
      const w = toWireError(err);
      if (gen === generation && w.code === 'NETWORK_ERROR') life.send({ type: 'socket.fail', error: w });
      throw err;
    }
  };

  return {
    receive(msg: SocketInbound): unknown {
      switch (msg.type) {
        case 'socket.open':
          return onSocketOpen(msg);
        case 'socket.close':
          life.send({ type: 'socket.close' });
          return closed();
        case 'socket.pause':
          return onSocketPause(msg);
        case 'socket.resume':
          return onSocketResume();
        case 'socket.state':
          return { state: life.getSnapshot().value };
        case 'socket.address': {
          // Local address of the transport, when it can tell (UDP): diagnostics and benchmarks.
          const tr: (Transport & { address?: () => PeerAddress }) | undefined = transport ? rawTransport : undefined;
          return tr && typeof tr.address === 'function' ? tr.address() : undefined;
        }
        case 'coap.send':
          return onCoapSend(msg);
        case 'coap.ping':
          if (!endpoint || !peer) return Promise.reject(new CodedError('SOCKET_CLOSED', 'socket is not open'));
          return endpoint.ping(peer);
        case 'acl.invalidate':
          // objects 1 or 2 changed on the device side: the next request reads the Access Control table again
          router.acl.invalidate();
          return { ok: true };
        case 'object.notify':
          router.observations.notify(msg);
          return undefined;
        case 'object.started':
          return persistence.reattach(msg.objectId).then(() => ({ ok: true }));
        case 'modem.socket.rx':
        case 'modem.socket.error':
          modemBackend?.deliver(msg);
          return undefined;
        default:
          return unhandled('socket', msg);
      }
    },
    async stop(): Promise<void> {
      await teardown(true);
      await persistence.flushed();
      life.stop();
    },
  };
}

export function socketActorModule(opts: SocketActorOptions = {}): ActorModule {
  // object.started is published by object actors: every socket (one per LwM2M server) re-attaches its live relations.
  return defineActor({
    machine: socketMachine,
    subscribes: ['object.started'],
    accepts: SOCKET_ACCEPTS,
    create: (ctx) => createSocketActor(ctx, opts),
  });
}

export default socketActorModule();
