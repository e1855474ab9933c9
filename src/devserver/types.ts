// types.ts: the dev server's public data types: registrations, operation results, behaviour overrides, events.
import type { Link } from '../lwm2m/formats/link.js';
import type { LwRecord, Path } from '../lwm2m/types.js';
import type { FileBlockEvent } from './file-resource.js';

/** A UDP peer (the client's source address as the server saw it). */
export interface Peer {
  address: string;
  port: number;
}

/** One client registration (OMA LwM2M 1.2 Transport §, Registration Interface). */
export interface Registration {
  endpoint: string;
  /** Registration id, the last segment of the location. */
  id: string;
  /** Location path returned to the client, e.g. '/rd/5a3f'. */
  location: string;
  /** Lifetime in seconds (lt, default 86400). */
  lifetime: number;
  /** Binding mode (b, default 'U'). */
  binding: string;
  /** LwM2M enabler version (lwm2m, default '1.0'). */
  lwm2mVersion: string;
  /** Queue mode: 'Q' query parameter (1.1+) or 'UQ' binding (1.0). */
  queueMode: boolean;
  sms?: string;
  /** The registration payload, parsed (CoRE link format). */
  links: Link[];
  /** Alternate root path from a `</lw>;rt="oma.lwm2m"` link ('' when none or '/'); requests are sent under it. */
  rootPath: string;
  /** Content formats from the root link's ct= parameter (empty when absent). */
  contentFormats: number[];
  /** The client's source address: requests go there, from the socket that got the registration. */
  peer: Peer;
  /** Milliseconds since epoch (injected clock). */
  registeredAt: number;
  lastUpdate: number;
  /** Last time any request came from this client (queue mode: it is awake for queueAwakeMs after). */
  lastSeen: number;
}

/** The answer to a server→client operation, decoded with the codecs where possible. */
export interface OpResult {
  /** CoAP response code, 'c.dd' (e.g. '2.05'). */
  code: string;
  contentFormat?: number;
  payload: Uint8Array;
  /** Decoded records (Read, Observe, Read-Composite answers with a supported content format). */
  records?: LwRecord[];
  /** Parsed links (Discover answers). */
  links?: Link[];
  /** Location-Path of a Create answer, e.g. '/5/1'. */
  location?: string;
  /** Why decoding failed (the payload is still there). */
  decodeError?: string;
}

/** What the server does with one kind of incoming request instead of its normal answer. */
export type Behaviour = { code: string } | { drop: true };

/** The kinds of incoming requests the server counts and can be told to answer differently. */
export type RequestKind = 'register' | 'update' | 'deregister' | 'send' | 'bootstrap-request' | 'file' | 'other';

/**
 * Answer to an unsupported lwm2m= version. The Transport spec (Table 6.7-2) lists 4.12 Precondition Failed (Leshan's
 * server checks it too); 4.00 is what servers without the check answer to anything odd.
 */
export type VersionRejectCode = '4.00' | '4.12';

export interface RegistrationOptions {
  /** Accepted lwm2m= versions (default 1.0, 1.1, 1.2). */
  acceptVersions?: readonly string[];
  /** Answer for an unaccepted version (default '4.12', per the spec). */
  versionRejectCode?: VersionRejectCode;
  /** Endpoints answered 4.03 Forbidden on Register. */
  rejectEndpoints?: readonly string[];
}

/** Emitted on 'send': a Send (POST /dp) decoded into records. */
export interface SendEvent {
  endpoint: string | undefined;
  peer: Peer;
  contentFormat: number | undefined;
  records: LwRecord[];
  payload: Uint8Array;
  decodeError?: string;
}

/** Emitted on 'notify': one notification of an observation. */
export interface NotifyEvent {
  endpoint: string;
  /** The observed path, or the paths of a composite observation. */
  paths: Path[];
  /** Observe option value (sequence number) when present. */
  observe: number | undefined;
  result: OpResult;
}

/** Emitted on 'bootstrap-finish'. */
export interface BootstrapFinishEvent {
  endpoint: string;
  /** The client's answer to Bootstrap-Finish, or undefined when the sequence failed before it. */
  code: string | undefined;
  /** Every step and its answer, in order, e.g. ['DELETE /', '2.02']. */
  steps: [string, string][];
  /** The client's Bootstrap-Discover answer (when `discover` is on). */
  discovered?: Link[];
  /** The client's Bootstrap-Read answer of /1 (when `read` is on and it decoded). */
  read?: LwRecord[];
  error?: string;
}

export interface DevServerEvents {
  register: [Registration];
  update: [Registration];
  deregister: [Registration];
  /** A registration whose lifetime ran out without an Update (found by sweepExpired()). */
  expire: [Registration];
  send: [SendEvent];
  notify: [NotifyEvent];
  'bootstrap-request': [{ endpoint: string; peer: Peer }];
  'bootstrap-finish': [BootstrapFinishEvent];
  /** A request for a file served with serveFile() (GET /fw/<name>), as answered. */
  'file-block': [FileBlockEvent];
  /** The server has closed. */
  closed: [];
}
