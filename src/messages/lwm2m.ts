// lwm2m.ts: messages to and from the LwM2M client actor (one per server): Send, Bootstrap-Finish, triggers,
// registration news, server settings.
import type { StateValue } from 'xstate';
import type { LwRecord, Path } from '../lwm2m/types.js';
import type { ServerTarget } from './socket.js';
import type { Ok } from './common.js';

/** socket → client, on every request from the server (the queue-mode timer restarts). */
export type ServerActivity = { type: 'lwm2m.server-activity'; ssid: number };
/** socket → client: Bootstrap-Finish (POST /bs) from the bootstrap server. Reply '2.04', or '4.06' with the reasons. */
export type BootstrapFinish = { type: 'lwm2m.bootstrap-finish' };
/** client → everyone (published): (re-)registered or updated: a good moment to send what is queued (meter). */
export type Registered = { type: 'lwm2m.registered'; ssid: number; location: string[] };
/**
 * anyone → client: LwM2M Send (POST /dp) of records (time-stamped or not) or of current values at paths. Reply: the
 * server's code (2.04 = stored). Rejects with NOT_REGISTERED, SEND_MUTED, QUEUE_FULL, CLIENT_STOPPED.
 */
export type SendRequest = { type: 'lwm2m.send'; records?: LwRecord[]; paths?: Path[] };
/**
 * object:N → every client (published): an object or instance appeared / disappeared: a registration Update with new
 * links.
 */
export type ObjectsChanged = { type: 'lwm2m.objects-changed' };
/** object:1 → clients: /1/x/8 Registration Update Trigger, /1/x/9 Bootstrap-Request Trigger, /1/x/4 Disable. */
export type ServerTrigger = {
  type: 'lwm2m.trigger';
  trigger: 'update' | 'bootstrap' | 'disable';
  ssid: number;
  disableTimeout?: number;
};
/**
 * primary client → main thread (RUNTIME_ADDRESS), whenever they change: its LwM2M server accounts; the main thread
 * starts a client/socket pair for each further one.
 */
export type ServerAccountsReport = { type: 'lwm2m.server-accounts'; primary: number; ssids: number[] };
/** anyone → client (diagnostics, tests): the lifecycle state. */
export type ClientState = { type: 'client.state' };
export type ClientStateReply = {
  state: StateValue;
  registered: boolean;
  networkFailures: number;
  lastError: string | null;
};

/**
 * modem → client: the RF is wanted by GNSS for up to `maxMs` (a modem that cannot run GNSS and LTE at once). Answered
 * once no exchange is in flight; from then on the client holds its Updates and Sends (none is lost: they go out after
 * the release, or when `maxMs` ran out). Rejects GNSS_RF_REFUSED when the registration needs the RF first.
 */
export type ClientRfHold = { type: 'client.rf-hold'; maxMs: number; reason: string };
/** modem → client: the RF is back to LTE; held Updates and Sends go out. */
export type ClientRfRelease = { type: 'client.rf-release' };

/** client, socket → object:1: every server's settings (live: a server may write them at any time). */
export type ServerSettingsRequest = { type: 'server.settings' };
export type ServerSettings = {
  ssid: number;
  lifetime: number;
  pmin: number;
  pmax: number;
  binding: string;
  storing: boolean;
  disableTimeout: number;
  muteSend: boolean;
};
/** anyone → object:0 (diagnostics, tests): the server targets its instances describe. */
export type SecurityTargets = { type: 'security.targets' };

export interface Lwm2mRequests {
  'lwm2m.send': { msg: SendRequest; reply: { code: string } };
  'lwm2m.bootstrap-finish': { msg: BootstrapFinish; reply: { code: string; message?: string } };
  'client.state': { msg: ClientState; reply: ClientStateReply };
  'client.rf-hold': { msg: ClientRfHold; reply: Ok };
  'client.rf-release': { msg: ClientRfRelease; reply: Ok };
  'server.settings': { msg: ServerSettingsRequest; reply: { servers: ServerSettings[] } };
  'security.targets': { msg: SecurityTargets; reply: { targets: ServerTarget[] } };
}

export interface Lwm2mEvents {
  /** A Send whose outcome nobody waits for (an object's rt.send). */
  'lwm2m.send': SendRequest;
  'lwm2m.server-activity': ServerActivity;
  'lwm2m.registered': Registered;
  'lwm2m.objects-changed': ObjectsChanged;
  'lwm2m.trigger': ServerTrigger;
  'lwm2m.server-accounts': ServerAccountsReport;
}

export function isServerAccountsReport(m: unknown): m is ServerAccountsReport {
  const r = m as Partial<ServerAccountsReport> | null;
  return (
    r !== null &&
    typeof r === 'object' &&
    r.type === 'lwm2m.server-accounts' &&
    typeof r.primary === 'number' &&
    Array.isArray(r.ssids) &&
    r.ssids.every((x) => Number.isInteger(x) && x > 0 && x < 65535)
  );
}
