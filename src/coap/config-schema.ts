// config-schema.ts: CoAP timing and transport settings (RFC 7252 transmission parameters).
import { z } from 'zod';
import { DEFAULT_PARAMS, type CoapParams } from './params.js';

const d = DEFAULT_PARAMS;

/**
 * Owned by the coap area; every key has a documented default. NB-IoT profiles want longer timeouts (e.g. ackTimeoutMs
 * 10000).
 */
export const coapConfigSchema = z
  .object({
    /** ACK_TIMEOUT: first retransmission after ackTimeoutMs × random(1..ackRandomFactor). */
    ackTimeoutMs: z.number().int().min(100).max(300_000).default(d.ackTimeoutMs),
    /** ACK_RANDOM_FACTOR (≥ 1). */
    ackRandomFactor: z.number().min(1).max(4).default(d.ackRandomFactor),
    /** MAX_RETRANSMIT: retransmissions before a CON exchange fails with COAP_TIMEOUT. */
    maxRetransmit: z.number().int().min(0).max(20).default(d.maxRetransmit),
    /** NSTART: outstanding requests per peer; the rest wait in order. */
    nstart: z.number().int().min(1).max(16).default(d.nstart),
    /**
     * EXCHANGE_LIFETIME: duplicate-detection cache and block-transfer state lifetime, and the wait for a separate
     * response.
     */
    exchangeLifetimeMs: z.number().int().min(1000).default(d.exchangeLifetimeMs),
    /**
     * A CON request whose handler has not answered in this time gets an empty ACK; the answer follows as a separate
     * CON.
     */
    separateResponseAfterMs: z.number().int().min(0).default(d.separateResponseAfterMs),
    /** Preferred block size for Block1/Block2 (16..1024, power of two; capped by the transport's MTU). */
    blockSize: z
      .union([
        z.literal(16),
        z.literal(32),
        z.literal(64),
        z.literal(128),
        z.literal(256),
        z.literal(512),
        z.literal(1024),
      ])
      .default(1024),
    /** Force a CON notification at least every N notifications (RFC 7641 §4.5). */
    notifyConEvery: z.number().int().min(1).default(d.notifyConEvery),
    /** …and when the last CON notification is older than this. */
    notifyConMaxIntervalMs: z.number().int().min(1000).default(d.notifyConMaxIntervalMs),
    /** Largest reassembled Block1 request body (4.13 with Size1 beyond it). */
    maxBodyBytes: z.number().int().min(1024).default(d.maxBodyBytes),
    /**
     * Observe relations held at once per server; an Observe beyond it is answered as a plain Read, without Observe (RFC
     * 7641 §4.1).
     */
    maxObservations: z.number().int().min(1).max(4096).default(d.maxObservations),
    /**
     * Requests from the server in progress at once (handler running, or separate CON response awaiting its ACK); 5.03
     * beyond it.
     */
    maxPendingRequests: z.number().int().min(1).max(4096).default(d.maxPendingRequests),
    /** Token length in bytes for our requests. */
    tokenLength: z.number().int().min(1).max(8).default(d.tokenLength),
    /** DTLS handshake timeout. */
    dtlsHandshakeTimeoutMs: z.number().int().min(1000).default(30_000),
    /**
     * Handshake again before sending after this long without a datagram from the server (0 = never; see docs/coap.md).
     */
    dtlsIdleRehandshakeS: z.number().int().min(0).default(0),
    /**
     * Before the socket closes (or re-opens, or sleeps in queue mode), answers still being sent get this long to leave.
     */
    closeDrainMs: z.number().int().min(0).max(60_000).default(5_000),
  })
  .strict()
  .default({
    ackTimeoutMs: d.ackTimeoutMs,
    ackRandomFactor: d.ackRandomFactor,
    maxRetransmit: d.maxRetransmit,
    nstart: d.nstart,
    exchangeLifetimeMs: d.exchangeLifetimeMs,
    separateResponseAfterMs: d.separateResponseAfterMs,
    blockSize: 1024,
    notifyConEvery: d.notifyConEvery,
    notifyConMaxIntervalMs: d.notifyConMaxIntervalMs,
    maxBodyBytes: d.maxBodyBytes,
    maxObservations: d.maxObservations,
    maxPendingRequests: d.maxPendingRequests,
    tokenLength: d.tokenLength,
    dtlsHandshakeTimeoutMs: 30_000,
    dtlsIdleRehandshakeS: 0,
    closeDrainMs: 5_000,
  });
export type CoapConfig = z.infer<typeof coapConfigSchema>;

/** The endpoint parameters of a validated config. */
export function paramsFromConfig(c: CoapConfig): CoapParams {
  const { dtlsHandshakeTimeoutMs: _h, dtlsIdleRehandshakeS: _i, closeDrainMs: _c, ...p } = c;
  return p;
}
