// device.ts: the real `lwm2m-meter run` configured as the ETS configurations ask (Configuration 3's Server values, the
// conformance plugin), pointed at the suite's strict servers.
import { DeviceProcess } from '../../support/device-process.js';
import { writeConformancePlugin } from './conformance-plugin.js';
import { StrictServer } from './strict-server.js';

/** ETS Configuration 3 (Server object), as the tests read it back. */
export const CONFIG3 = {
  ssid: 1,
  lifetime: 86400,
  pmin: 1,
  pmax: 10,
  disableTimeout: 86400,
  storing: false,
  binding: 'U',
} as const;

export const DEVICE_INFO = { manufacturer: 'Conformance Maker', model: 'ETS-1', serial: 'SN-0001' } as const;

let pluginDir: string | undefined;

export interface ConformanceDeviceOptions {
  /** client.servers entries (uri, ssid, bootstrap…). */
  servers: Record<string, unknown>[];
  /** Extra `client` keys. */
  client?: Record<string, unknown>;
  stateDir?: string;
  endpoint?: string;
}

/** Starts the device on the host network (no modem attach delay), with the conformance plugin and the ETS identity. */
export function startDevice(opts: ConformanceDeviceOptions): DeviceProcess {
  pluginDir ??= writeConformancePlugin();
  return new DeviceProcess({
    server: String(opts.servers[0]?.uri),
    ...(opts.stateDir !== undefined ? { stateDir: opts.stateDir } : {}),
    config: {
      ...(opts.endpoint !== undefined ? { endpoint: opts.endpoint } : {}),
      device: { ...DEVICE_INFO },
      plugins: { dirs: [pluginDir], builtinDir: false, enabled: ['conformance'] },
      client: {
        lwm2mVersion: '1.1',
        networkAtBoot: 'assume',
        reconnectDelayS: 0,
        backoffInitialS: 0.5,
        bootstrapSettleMs: 100,
        servers: opts.servers,
        ...opts.client,
      },
    },
  });
}

/** A Configuration 3 LwM2M server account for client.servers. */
export function dmServer(uri: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    uri,
    ssid: CONFIG3.ssid,
    lifetime: CONFIG3.lifetime,
    pmin: CONFIG3.pmin,
    pmax: CONFIG3.pmax,
    disableTimeoutS: CONFIG3.disableTimeout,
    notificationStoring: CONFIG3.storing,
    ...extra,
  };
}

/** A strict DM server and the device registered with it, shared by the serial cases of one test file. */
export async function startRegisteredDevice(): Promise<{ s: StrictServer; device: DeviceProcess }> {
  const s = await StrictServer.start();
  const device = startDevice({ servers: [dmServer(s.uri)] });
  await s.waitForRegister();
  return { s, device };
}

/** Stops what startRegisteredDevice started (either may be missing when start failed). */
export async function stopRegisteredDevice(shared: { s?: StrictServer; device?: DeviceProcess }): Promise<void> {
  await shared.device?.stop();
  await shared.s?.close();
}
