// firmware.ts: object 5 Firmware Update: pull (coap, coaps, http, https) and push (streamed Block1) delivery, hosted by
// its object actor.
import {
  status,
  type ObjectDef,
  type ObjectRuntime,
  type ObjectSpec,
  type ResourceValue,
} from '../lwm2m/object-api.js';
import { parseFirmwareConfig } from '../firmware/config-schema.js';
import { FwProtocol, FwState, UpdateResult } from '../firmware/results.js';
import { FirmwareUpdater, type FwValues, type Scheme, type UpdaterDeps } from '../firmware/updater.js';
import { httpPuller, type FetchFn } from '../firmware/pull-http.js';
import { coapPuller, dtlsPullTransport, udpPullTransport, type TransportFactory } from '../firmware/pull-coap.js';
import type { Puller } from '../firmware/puller.js';
import { isBlock1ChunkMessage, type Block1ChunkReply } from '../messages/index.js';

/** Resource IDs of object 5. */
export const FW = {
  PACKAGE: 0,
  PACKAGE_URI: 1,
  UPDATE: 2,
  STATE: 3,
  UPDATE_RESULT: 5,
  PKG_NAME: 6,
  PKG_VERSION: 7,
  PROTOCOL_SUPPORT: 8,
  DELIVERY_METHOD: 9,
  CANCEL: 10,
  LAST_STATE_CHANGE: 12,
} as const;

export const firmwareDefinition: ObjectDef = {
  id: 5,
  name: 'Firmware Update',
  version: '1.2',
  lwm2mVersion: '1.1',
  multiple: false,
  mandatory: false,
  urn: 'urn:oma:lwm2m:oma:5:1.2',
  resources: [
    { id: FW.PACKAGE, name: 'Package', type: 'opaque', operations: 'W', mandatory: true },
    {
      id: FW.PACKAGE_URI,
      name: 'Package URI',
      type: 'string',
      operations: 'RW',
      mandatory: true,
      range: { min: 0, max: 255 },
    },
    { id: FW.UPDATE, name: 'Update', type: 'none', operations: 'E', mandatory: true },
    { id: FW.STATE, name: 'State', type: 'integer', operations: 'R', mandatory: true, range: { min: 0, max: 3 } },
    {
      id: FW.UPDATE_RESULT,
      name: 'Update Result',
      type: 'integer',
      operations: 'R',
      mandatory: true,
      range: { min: 0, max: 11 },
    },
    { id: FW.PKG_NAME, name: 'PkgName', type: 'string', operations: 'R', range: { min: 0, max: 255 } },
    { id: FW.PKG_VERSION, name: 'PkgVersion', type: 'string', operations: 'R', range: { min: 0, max: 255 } },
    {
      id: FW.PROTOCOL_SUPPORT,
      name: 'Firmware Update Protocol Support',
      type: 'integer',
      operations: 'R',
      multiple: true,
      range: { min: 0, max: 5 },
    },
    {
      id: FW.DELIVERY_METHOD,
      name: 'Firmware Update Delivery Method',
      type: 'integer',
      operations: 'R',
      mandatory: true,
      range: { min: 0, max: 2 },
    },
    { id: FW.CANCEL, name: 'Cancel', type: 'none', operations: 'E' },
    { id: FW.LAST_STATE_CHANGE, name: 'Last State Change Time', type: 'time', operations: 'R' },
  ],
};

/** What the host can inject (tests, or a runtime with its own transports). */
export interface FirmwareObjectOptions {
  /** Opens UDP transports for coap:// pulls (default: the coap area's UDP transport; null: coap not offered). */
  transport?: TransportFactory | null;
  /** Opens DTLS transports for coaps:// pulls (when different from `transport`). */
  secureTransport?: TransportFactory;
  fetch?: FetchFn;
  /** Free-disk probe (defaults to statfs). */
  freeBytes?: (dir: string) => Promise<number>;
  /** XState inspection (the object actor's inspector) and registration of the machine with the host. */
  inspect?: UpdaterDeps['inspect'];
  register?: UpdaterDeps['register'];
  /** Called once the updater runs (tests use it to drive and observe it). */
  onStart?: (u: FirmwareUpdater) => void;
}

function resultMap(v: FwValues): Map<number, ResourceValue> {
  return new Map<number, ResourceValue>([
    [FW.PACKAGE_URI, v.uri],
    [FW.STATE, v.state],
    [FW.UPDATE_RESULT, v.result],
    [FW.PKG_NAME, v.pkgName],
    [FW.PKG_VERSION, v.pkgVersion],
    [FW.LAST_STATE_CHANGE, v.changedAt],
  ]);
}

/** Resolves the firmware dir: `firmware.dir`, else `<stateDir>/firmware`. */
function sectionOf(raw: Readonly<Record<string, unknown>>): { section: unknown; stateDir: string | undefined } {
  // The object's config is either the firmware section itself or the whole config with a `firmware` key.
  const nested = raw.firmware;
  const stateDir = typeof raw.stateDir === 'string' ? raw.stateDir : undefined;
  return { section: typeof nested === 'object' && nested !== null ? nested : raw, stateDir };
}

export function createFirmwareObject(opts: FirmwareObjectOptions = {}): ObjectSpec {
  let updater: FirmwareUpdater | undefined;

  return {
    definition: firmwareDefinition,
    instances: {
      0: { 1: '', 3: FwState.IDLE, 5: UpdateResult.INITIAL, 6: '', 7: '', 9: 2, 12: 0 },
    },

    async start(rt: ObjectRuntime): Promise<void> {
      const { section, stateDir } = sectionOf(rt.config);
      const config = parseFirmwareConfig(section, stateDir);
      // Built per start: an object actor restarted in the same worker starts the same spec again.
      const pullers: Partial<Record<Scheme, Puller>> = {
        'http:': httpPuller(opts.fetch),
        'https:': httpPuller(opts.fetch),
      };
      const protocols: number[] = [FwProtocol.HTTP, FwProtocol.HTTPS];
      const udp = opts.transport === undefined ? udpPullTransport : opts.transport;
      if (udp !== null) {
        pullers['coap:'] = coapPuller({ transport: udp, blockSize: config.coapBlockSize });
        protocols.unshift(FwProtocol.COAP);
      }
      const secure =
        opts.secureTransport ??
        (config.coapsPskIdentity !== undefined && config.coapsPskKey !== undefined
          ? dtlsPullTransport(config.coapsPskIdentity, config.coapsPskKey)
          : undefined);
      if (secure !== undefined) {
        pullers['coaps:'] = coapPuller({ transport: secure, blockSize: config.coapBlockSize });
        protocols.splice(protocols.indexOf(FwProtocol.HTTP), 0, FwProtocol.COAPS);
      }
      rt.set(0, FW.PROTOCOL_SUPPORT, new Map(protocols.map((p, i) => [i, p])));
      updater = await FirmwareUpdater.start({
        config,
        log: rt.log,
        pullers,
        ...(opts.freeBytes ? { freeBytes: opts.freeBytes } : {}),
        ...(opts.inspect ? { inspect: opts.inspect } : {}),
        ...(opts.register ? { register: opts.register } : {}),
        onChange: (v) => {
          for (const [id, value] of resultMap(v)) rt.set(0, id, value);
        },
        emit: (to, msg) => rt.emit(to, { ...msg }),
      });
      for (const [id, value] of resultMap(updater.values())) rt.set(0, id, value);
      opts.onStart?.(updater);
    },

    async stop(): Promise<void> {
      const u = updater;
      updater = undefined;
      await u?.stop();
    },

    async write(t, value) {
      if (updater === undefined) return status('5.03', 'firmware update not started');
      if (t.resourceId === FW.PACKAGE_URI) {
        // decides only: the pull starts in apply, after the URI is stored (a State set here would be stored over)
        if (typeof value !== 'string') return status('4.00');
        return updater.acceptsUri(value) ? undefined : status('4.05', 'a download or update is in progress');
      }
      if (t.resourceId === FW.PACKAGE) {
        // A whole package in one Write (the endpoint reassembled it): handled like a one-block push.
        if (!(value instanceof Uint8Array)) return status('4.00');
        const a = await updater.push({ num: 0, size: value.byteLength, more: false, payload: value });
        // 2.04 as a Status so the runtime does not keep the package in memory.
        return a === '2.04' ? status('2.04') : status(a === '2.31' ? '2.04' : a);
      }
      return status('4.05');
    },

    apply(w) {
      const uri = w.changes.find((c) => c.instanceId === 0 && c.resourceId === FW.PACKAGE_URI)?.value;
      if (typeof uri !== 'string') return undefined;
      if (updater === undefined) return status('5.03', 'firmware update not started');
      return updater.writeUri(uri) ? undefined : status('4.05', 'a download or update is in progress');
    },

    execute(t) {
      if (updater === undefined) return status('5.03', 'firmware update not started');
      if (t.resourceId === FW.UPDATE) return updater.update() ? undefined : status('4.05', 'no package downloaded');
      if (t.resourceId === FW.CANCEL) return updater.cancel() ? undefined : status('4.05', 'nothing to cancel');
      return status('4.05');
    },

    async receive(msg) {
      if (msg.type !== 'object.write-block') return undefined;
      // the spec's receive is open (plugins share it): the block is checked before use
      if (!isBlock1ChunkMessage(msg)) return { code: '4.00' };
      const m = msg;
      if (updater === undefined) return { code: '5.03' };
      if (m.path.length !== 3 || m.path[0] !== firmwareDefinition.id || m.path[1] !== 0 || m.path[2] !== FW.PACKAGE)
        return { code: '4.05' };
      const reply: Block1ChunkReply = await updater.pushBlock({
        num: m.num,
        size: m.size,
        more: m.more,
        payload: m.payload,
        ...(m.total !== undefined ? { total: m.total } : {}),
        ...(m.source !== undefined ? { source: m.source } : {}),
        ...(m.token !== undefined ? { token: m.token } : {}),
      });
      return reply;
    },
  };
}

/**
 * The built-in object 5 as the object actor loads it (pulls over coap and http(s); coaps when firmware.coapsPsk* are
 * set).
 */
export default createFirmwareObject();
