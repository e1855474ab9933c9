// api.ts: the CoAP endpoint's public shapes: requests, responses, and the client+server endpoint interface used by
// actors.
import type { PeerAddress } from './transport.js';

export type CoapMethod = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'FETCH' | 'PATCH' | 'iPATCH';

/** A request as the endpoint hands it to a server-side handler, after block-wise reassembly (Block1). */
export interface CoapIncomingRequest {
  method: CoapMethod;
  /** Uri-Path segments, decoded. */
  path: string[];
  /** Uri-Query items, decoded ('ep=name', 'lt=300' …). */
  query: string[];
  contentFormat?: number;
  accept?: number;
  /** Observe option value when present (0 = register, 1 = deregister). */
  observe?: number;
  payload: Uint8Array;
  token: Uint8Array;
  from: PeerAddress;
  confirmable: boolean;
}

/** A response code as 'c.dd' ('2.05', '4.04' …). */
export type CoapCode = string;

export interface CoapResponse {
  code: CoapCode;
  contentFormat?: number;
  payload?: Uint8Array;
  /** Location-Path segments (Register's answer: ['rd', 'abc']). */
  locationPath?: string[];
  /** Max-Age in seconds. */
  maxAge?: number;
}

/** A response as a client-side request receives it (after Block2 reassembly). */
export interface CoapIncomingResponse extends CoapResponse {
  payload: Uint8Array;
  token: Uint8Array;
  observe?: number;
}

export interface CoapOutgoingRequest {
  method: CoapMethod;
  path: string[];
  query?: string[];
  contentFormat?: number;
  accept?: number;
  payload?: Uint8Array;
  observe?: number;
  /** Confirmable (default true). */
  confirmable?: boolean;
  /** Preferred block size for Block1 uploads / Block2 downloads (16..1024). */
  blockSize?: number;
  /** GET/FETCH Block2 download starting at this block number of `blockSize` (resuming an interrupted download). */
  block2Start?: number;
}

/** A server-side Observe relation created by a handler accepting an Observe=0 GET. */
export interface ObserveRelation {
  readonly id: string;
  readonly token: Uint8Array;
  readonly peer: PeerAddress;
  /** Sends a notification (sequence numbers are the endpoint's job); confirmable chooses CON or NON. */
  notify(res: CoapResponse, opts?: { confirmable?: boolean }): Promise<void>;
  /** Ends the relation from the server side (final notification with an error code, if given). */
  cancel(final?: CoapResponse): void;
  /** Called when the peer cancels (GET Observe=1, RST to a notification, or CON notification timeout). */
  onCancel(listener: (reason: 'deregister' | 'reset' | 'timeout' | 'replaced') => void): void;
  /** The Observe sequence number last used (registration response or notification), for persisting a relation. */
  currentSeq?(): number;
}

/** A relation to re-create after a restart (RFC 7641 keeps it valid while the observer keeps its token). */
export interface RestoredObserve {
  token: Uint8Array;
  peer: PeerAddress;
  /** Uri-Path of the observed resource (its Block2 follow-ups use it). */
  path: string[];
  accept?: number;
  /** The sequence number last sent: notifications continue above it, so the observer takes them as fresh. */
  lastSeq: number;
}

/** Server-side handler. Return a response; to accept an Observe registration call ctx.acceptObserve(). */
export type CoapRequestHandler = (
  req: CoapIncomingRequest,
  ctx: { acceptObserve(): ObserveRelation },
) => CoapResponse | Promise<CoapResponse>;

/** One CoAP endpoint on one transport: a client and a server on the same socket, as LwM2M needs. */
export interface CoapEndpoint {
  /**
   * Sends a request to the peer; resolves with the final response (Block2 reassembled), rejects with a CodedError
   * (COAP_TIMEOUT, COAP_RESET, NETWORK_ERROR).
   */
  request(to: PeerAddress, req: CoapOutgoingRequest): Promise<CoapIncomingResponse>;
  /** Installs the server-side handler. */
  handle(handler: CoapRequestHandler): void;
  /**
   * Re-creates an Observe relation of an earlier endpoint (same token and peer) — optional: endpoints without it cannot
   * resume observations.
   */
  restoreObserve?(o: RestoredObserve): ObserveRelation;
  /**
   * Resolves once every request received so far is answered and its response sent (a separate CON response
   * acknowledged or given up), or after maxMs — called before close() so the answer to the request that caused
   * the close still leaves. Optional: endpoints without it close at once.
   */
  drain?(maxMs: number): Promise<void>;
  /** CoAP ping (empty CON); resolves true on RST. */
  ping(to: PeerAddress): Promise<boolean>;
  close(): Promise<void>;
}
