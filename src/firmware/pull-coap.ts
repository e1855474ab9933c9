// pull-coap.ts: coap(s):// package download through the CoAP endpoint's streamed Block2 download, each block written to
// disk as it arrives; resumes at the next block.
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { createEndpoint } from '../coap/endpoint.js';
import type { CoapParams } from '../coap/params.js';
import type { Clock } from '../clock.js';
import { createUdpTransport } from '../coap/transports/udp.js';
import type { PeerAddress, Transport } from '../coap/transport.js';
import { FirmwareError, UpdateResult } from './results.js';
import type { Puller } from './puller.js';

/** Opens a transport for a package URI (UDP for coap://, DTLS-PSK for coaps://). */
export type TransportFactory = (uri: URL, peer: PeerAddress) => Transport | Promise<Transport>;

export interface CoapPullOptions {
  transport: TransportFactory;
  blockSize: number;
  params?: Partial<CoapParams>;
  timers?: Clock;
}

async function resolvePeer(uri: URL): Promise<PeerAddress> {
  const host = uri.hostname.replace(/^\[|\]$/g, '');
  const port = uri.port === '' ? (uri.protocol === 'coaps:' ? 5684 : 5683) : Number(uri.port);
  if (isIP(host) !== 0) return { address: host, port };
  try {
    return { address: (await lookup(host)).address, port };
  } catch (err) {
    // An unknown name is a bad URI; a resolver that cannot be reached is a lost connection (retried).
    const notFound = (err as { code?: unknown }).code === 'ENOTFOUND';
    throw new FirmwareError(
      notFound ? UpdateResult.INVALID_URI : UpdateResult.CONNECTION_LOST,
      'FW_COAP_HOST',
      `cannot resolve ${host}`,
      { cause: err },
    );
  }
}

function uriPath(uri: URL): string[] {
  return uri.pathname
    .split('/')
    .filter((s) => s !== '')
    .map((s) => decodeURIComponent(s));
}

function uriQuery(uri: URL): string[] {
  return uri.search
    .replace(/^\?/, '')
    .split('&')
    .filter((s) => s !== '')
    .map((s) => decodeURIComponent(s));
}

function failFor(code: string, uri: URL): FirmwareError {
  if (code === '4.04' || code === '4.00' || code === '4.02')
    return new FirmwareError(UpdateResult.INVALID_URI, 'FW_COAP_NOT_FOUND', `GET ${uri.href}: ${code}`);
  if (code === '4.06' || code === '4.15')
    return new FirmwareError(UpdateResult.UNSUPPORTED_TYPE, 'FW_COAP_TYPE', `GET ${uri.href}: ${code}`);
  if (code === '4.13')
    return new FirmwareError(UpdateResult.NOT_ENOUGH_FLASH, 'FW_COAP_TOO_LARGE', `GET ${uri.href}: ${code}`);
  return new FirmwareError(UpdateResult.CONNECTION_LOST, 'FW_COAP_STATUS', `GET ${uri.href}: ${code}`);
}

/** The validator saved for a CoAP partial download: the ETag of its blocks. */
function etagValidator(etag: Uint8Array | undefined): string | undefined {
  return etag === undefined ? undefined : `coap-etag:${Buffer.from(etag).toString('hex')}`;
}

/** Thrown from onBlock when a resume finds the package changed (another ETag): the download starts again at block 0. */
class PackageChanged extends Error {}

/**
 * A CoAP puller through the project's CoAP endpoint: GET with Block2 from block floor(bytes on disk / size), each
 * block written as it arrives. An error answer keeps the blocks received (a retry resumes after them) and its
 * diagnostic payload never reaches the package. The ETag of the blocks is kept as the validator: a resume whose
 * first block carries another ETag (the package was replaced) starts again from block 0.
 */
export function coapPuller(o: CoapPullOptions): Puller {
  return async (uri, sink, ctx) => {
    const peer = await resolvePeer(uri);
    let t: Transport;
    try {
      t = await o.transport(uri, peer);
      await t.open();
    } catch (err) {
      throw new FirmwareError(
        UpdateResult.CONNECTION_LOST,
        'FW_COAP_OPEN',
        `cannot open ${uri.protocol} transport: ${(err as Error).message}`,
        { cause: err },
      );
    }
    const ep = createEndpoint(t, {
      ...(o.params ? { params: o.params } : {}),
      ...(o.timers ? { timers: o.timers } : {}),
    });
    const size = o.blockSize;
    let announced = false;
    const onAbort = (): void => void ep.close();
    ctx.signal.addEventListener('abort', onAbort);
    const fetchFrom = async (start: number): Promise<void> => {
      await sink.truncate(start * size);
      let first = true;
      const last = await ep.download(
        peer,
        { method: 'GET', path: uriPath(uri), query: uriQuery(uri), blockSize: size, block2Start: start },
        async (payload, info) => {
          if (ctx.signal.aborted) throw new FirmwareError(UpdateResult.CANCELLED, 'FW_ABORTED', 'download aborted');
          if (first) {
            first = false;
            const tag = etagValidator(info.etag);
            if (start > 0 && ctx.validator?.startsWith('coap-etag:') === true && tag !== ctx.validator)
              throw new PackageChanged();
            ctx.setValidator(tag);
          }
          if (!announced && info.total !== undefined) {
            announced = true;
            await ctx.total(info.total);
          }
          const offset = info.num * info.size;
          if (offset > sink.bytes)
            throw new FirmwareError(
              UpdateResult.CONNECTION_LOST,
              'FW_COAP_BLOCK',
              `block at ${offset} leaves a gap after ${sink.bytes}`,
            );
          await sink.write(offset, payload);
          ctx.progress(offset + payload.byteLength);
        },
      );
      // a resume at the end (every block on disk, the finish cut off by a restart) asks for a block past the end,
      // which the server refuses (4.02 Bad Option, RFC 7959 §2.2): the last block again ends the transfer
      if (last.code === '4.02' && first && start > 0) return fetchFrom(start - 1);
      if (last.code !== '2.05') throw failFor(last.code, uri);
    };
    try {
      try {
        await fetchFrom(Math.floor(sink.bytes / size));
      } catch (err) {
        if (!(err instanceof PackageChanged)) throw err;
        ctx.setValidator(undefined);
        await fetchFrom(0);
      }
    } catch (err) {
      if (err instanceof FirmwareError) throw err;
      const code = (err as { code?: unknown }).code;
      throw new FirmwareError(
        UpdateResult.CONNECTION_LOST,
        typeof code === 'string' ? code : 'FW_COAP_FAILED',
        `${uri.href}: ${(err as Error).message}`,
        { cause: err },
      );
    } finally {
      ctx.signal.removeEventListener('abort', onAbort);
      await ep.close().catch(() => undefined);
      await t.close().catch(() => undefined);
    }
  };
}

/** The default transport for coap:// pulls: the coap area's UDP transport on an ephemeral port. */
export const udpPullTransport: TransportFactory = (_uri, peer) =>
  createUdpTransport({ host: isIP(peer.address) === 6 ? '::' : '0.0.0.0', port: 0 });

/** Transport for coaps:// pulls: the coap area's DTLS-PSK transport with the firmware section's own credentials.
 *  Loaded on first use: node-dtls-client costs ~13 MiB RSS, and most devices never pull over coaps. */
export function dtlsPullTransport(pskIdentity: string, pskKey: string): TransportFactory {
  return async (_uri, peer) => {
    const { createDtlsTransport } = await import('../coap/transports/dtls.js');
    return createDtlsTransport({ host: peer.address, port: peer.port, pskIdentity, pskKey });
  };
}
