// valve-harness.ts: runs the valve plugin's ObjectSpec in-process on an ObjectHost with the kit's simulated clock
// (SimTimers), a recorded emit/request, and the simulated GPIO chip.
import { ObjectHost } from '../../../src/lwm2m/object-host.js';
import type { ObjectSpec } from '../../../src/lwm2m/object-api.js';
import { SimTimers } from '../../support/sim-timers.js';

export const VALVE_MODULE = new URL('../../../../plugins/valve/valve-object.js', import.meta.url).href;

export interface ValveRig {
  host: ObjectHost;
  spec: ObjectSpec;
  clock: SimTimers;
  emitted: { to: string; msg: Record<string, unknown> }[];
  requests: { to: string; msg: Record<string, unknown> }[];
  logs: { level: string; o: unknown; msg?: string | undefined }[];
  /** Answers requests ('meter', 'client'); throw to simulate an unavailable peer. */
  answer: (to: string, msg: Record<string, unknown>) => unknown;
}

/** Starts the valve spec with this plugin config on a host; `answer` handles its requests. */
export async function startValve(config: Record<string, unknown>): Promise<ValveRig> {
  const mod = (await import(VALVE_MODULE)) as { createValveObject(): ObjectSpec };
  const clock = new SimTimers();
  const rig: ValveRig = {
    clock,
    emitted: [],
    requests: [],
    logs: [],
    answer: () => {
      throw Object.assign(new Error('no peer'), { code: 'ACTOR_UNAVAILABLE' });
    },
    host: undefined as unknown as ObjectHost,
    spec: undefined as unknown as ObjectSpec,
  };
  const lg = (level: string) => (o: unknown, msg?: string) => {
    rig.logs.push({ level, o, msg });
  };
  const spec = mod.createValveObject();
  rig.spec = spec;
  rig.host = new ObjectHost(spec, {
    emit: (to, msg) => {
      rig.emitted.push({ to, msg });
    },
    send: () => undefined,
    request: async <R>(to: string, msg: { type: string }) => {
      rig.requests.push({ to, msg });
      return rig.answer(to, msg) as R;
    },
    log: { info: lg('info'), warn: lg('warn'), error: lg('error'), debug: lg('debug') },
    config: config,
    clock,
  });
  await spec.start?.(rig.host.runtime);
  return rig;
}
