// params.ts: RFC 7252 §4.8 transmission parameters, per endpoint (NB-IoT links want longer ones).

export interface CoapParams {
  /** ACK_TIMEOUT in ms (RFC 7252 default 2000). */
  ackTimeoutMs: number;
  /** ACK_RANDOM_FACTOR (default 1.5). */
  ackRandomFactor: number;
  /** MAX_RETRANSMIT (default 4). */
  maxRetransmit: number;
  /** NSTART: outstanding CON requests per peer (default 1). */
  nstart: number;
  /** EXCHANGE_LIFETIME in ms: how long responses are cached for duplicate detection (default 247 s). */
  exchangeLifetimeMs: number;
  /** When a handler has not answered a CON request within this time, send an empty ACK and answer separately. */
  separateResponseAfterMs: number;
  /** Preferred block size for block-wise transfers (16..1024). */
  blockSize: number;
  /** A CON notification is forced at least every this many notifications (RFC 7641 §4.5). */
  notifyConEvery: number;
  /** A CON notification is forced when the last one is older than this (ms), so a dead peer is noticed. */
  notifyConMaxIntervalMs: number;
  /** Token length in bytes for our requests (1..8); bytes cost money on NB-IoT, collisions are checked. */
  tokenLength: number;
  /**
   * Limit on a reassembled Block1 body (4.13 beyond it); also the budget of all Block1 transfers in progress together
   * (5.03 beyond it).
   */
  maxBodyBytes: number;
  /**
   * Observe relations held at once (per endpoint = per server); an Observe beyond it gets a normal response without
   * Observe (RFC 7641 §4.1).
   */
  maxObservations: number;
  /**
   * Requests from peers in progress at once (handler running, or separate CON response awaiting its ACK); 5.03 beyond
   * it.
   */
  maxPendingRequests: number;
}

export const DEFAULT_PARAMS: CoapParams = {
  ackTimeoutMs: 2000,
  ackRandomFactor: 1.5,
  maxRetransmit: 4,
  nstart: 1,
  exchangeLifetimeMs: 247_000,
  separateResponseAfterMs: 1000,
  blockSize: 1024,
  notifyConEvery: 10,
  notifyConMaxIntervalMs: 24 * 3600 * 1000,
  tokenLength: 4,
  maxBodyBytes: 1024 * 1024,
  maxObservations: 64,
  maxPendingRequests: 64,
};

/** MAX_TRANSMIT_WAIT (RFC 7252 §4.8.2): the longest a CON exchange can take. */
export function maxTransmitWaitMs(p: CoapParams): number {
  return p.ackTimeoutMs * (2 ** (p.maxRetransmit + 1) - 1) * p.ackRandomFactor;
}
