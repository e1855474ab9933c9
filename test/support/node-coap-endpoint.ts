// node-coap-endpoint.ts: a CoapEndpoint (server side) on node-coap, so socket-actor tests run over real UDP
// before/independently of src/coap.
import { createServer, type IncomingMessage, type OutgoingMessage, type Server } from 'coap';
import type {
  CoapEndpoint,
  CoapIncomingRequest,
  CoapRequestHandler,
  CoapResponse,
  ObserveRelation,
} from '../../src/coap/api.js';
import type { Transport } from '../../src/coap/transport.js';

const FORMATS: Record<string, number> = {
  'text/plain': 0,
  'application/link-format': 40,
  'application/octet-stream': 42,
  'application/cbor': 60,
  'application/senml+json': 110,
  'application/senml+cbor': 112,
  'application/vnd.oma.lwm2m+tlv': 11542,
  'application/vnd.oma.lwm2m+json': 11543,
  'application/vnd.oma.lwm2m+cbor': 11544,
};

/** node-coap hands some options already converted (numbers, format names), others as bytes. */
function uintOf(b: unknown): number {
  if (typeof b === 'number') return b;
  if (typeof b === 'string') return FORMATS[b.split(';')[0]] ?? -1;
  let n = 0;
  for (const x of b as Buffer) n = n * 256 + x;
  return n;
}

/** A transport that does nothing (the node-coap server owns the socket). */
export function nullTransport(): Transport {
  return {
    kind: 'udp',
    mtu: 1152,
    open: () => Promise.resolve(),
    send: () => Promise.resolve(),
    close: () => Promise.resolve(),
    onEvent: () => undefined,
  };
}

/** Starts a node-coap server on 127.0.0.1:0; `port()` tells where it listens once `ready` resolved. */
export function nodeCoapEndpoint(): { endpoint: CoapEndpoint; ready: Promise<number> } {
  let handler: CoapRequestHandler | undefined;
  const server: Server = createServer({ type: 'udp4' });
  let relSeq = 0;
  server.on('request', (req: IncomingMessage, res: OutgoingMessage) => {
    const opts = (req as unknown as { options: { name: string | number; value: Buffer | string | number }[] }).options;
    const path: string[] = [];
    const query: string[] = [];
    let contentFormat: number | undefined;
    let accept: number | undefined;
    let observe: number | undefined;
    for (const o of opts) {
      if (o.name === 'Uri-Path') path.push(o.value.toString());
      else if (o.name === 'Uri-Query') query.push(o.value.toString());
      else if (o.name === 'Content-Format') contentFormat = uintOf(o.value);
      else if (o.name === 'Accept') accept = uintOf(o.value);
      else if (o.name === 'Observe') observe = uintOf(o.value);
    }
    const r: CoapIncomingRequest = {
      method: req.method,
      path,
      query,
      payload: new Uint8Array(req.payload),
      token: new Uint8Array(0),
      from: { address: req.rsinfo.address, port: req.rsinfo.port },
      confirmable: true,
    };
    if (contentFormat !== undefined) r.contentFormat = contentFormat;
    if (accept !== undefined) r.accept = accept;
    if (observe !== undefined) r.observe = observe;
    let relation: ObserveRelation | undefined;
    const cancelListeners: ((reason: 'deregister') => void)[] = [];
    let open = true;
    const write = (x: CoapResponse): void => {
      res.code = x.code;
      if (x.contentFormat !== undefined) res.setOption('Content-Format', x.contentFormat);
      res.write(Buffer.from(x.payload ?? new Uint8Array(0)));
    };
    const ctx = {
      acceptObserve: (): ObserveRelation => {
        relation = {
          id: `rel-${++relSeq}`,
          token: new Uint8Array(0),
          peer: r.from,
          notify: (x) => {
            if (open) write(x);
            return Promise.resolve();
          },
          cancel: (final) => {
            if (!open) return;
            open = false;
            if (final) write(final);
            res.end();
          },
          onCancel: (l) => {
            cancelListeners.push(l);
          },
        };
        res.on('finish', () => {
          if (open) {
            open = false;
            for (const l of cancelListeners) l('deregister');
          }
        });
        return relation;
      },
    };
    void Promise.resolve(handler ? handler(r, ctx) : { code: '5.03' }).then((x) => {
      if (relation && x.code === '2.05' && open) {
        write(x);
        return;
      }
      res.code = x.code;
      if (x.contentFormat !== undefined) res.setOption('Content-Format', x.contentFormat);
      if (x.locationPath)
        res.setOption(
          'Location-Path',
          x.locationPath.map((s) => Buffer.from(s)),
        );
      res.end(Buffer.from(x.payload ?? new Uint8Array(0)));
    });
  });
  const ready = new Promise<number>((resolve) => {
    server.listen(0, '127.0.0.1', () =>
      resolve((server as unknown as { _sock: { address(): { port: number } } })._sock.address().port),
    );
  });
  const endpoint: CoapEndpoint = {
    request: () => Promise.reject(new Error('not used in these tests')),
    handle: (h) => {
      handler = h;
    },
    ping: () => Promise.resolve(false),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
      }),
  };
  return { endpoint, ready };
}
