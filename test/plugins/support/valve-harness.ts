// valve-harness.ts: runs the valve plugin's ObjectSpec in-process on an ObjectHost with a manual clock, a recorded emit/request, and the simulated GPIO chip.
import { ObjectHost } from '../../../src/lwm2m/object-host.js';
import type { ObjectSpec } from '../../../src/lwm2m/object-api.js';

export interface ManualClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(h: unknown): void;
  /** Moves time on, firing due timers in order, and lets their promises settle. */
  advance(ms: number): Promise<void>;
}

export function manualClock(): ManualClock {
  let t = 0;
  let seq = 0;
  const timers = new Map<number, { at: number; fn: () => void }>();
  const settle = async (): Promise<void> => { for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r)); };
  return {
    now: () => t,
    setTimeout: (fn, ms) => { timers.set(++seq, { at: t + ms, fn }); return seq; },
    clearTimeout: (h) => { timers.delete(h as number); },
    async advance(ms) {
      const end = t + ms;
      await settle();
      for (;;) {
        const due = [...timers.entries()].filter(([, x]) => x.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
        if (!due) break;
        timers.delete(due[0]);
        t = due[1].at;
        due[1].fn();
        await settle();
      }
      t = end;
    },
  };
}

export const VALVE_MODULE = new URL('../../../../plugins/valve/valve-object.js', import.meta.url).href;

export interface ValveRig {
  host: ObjectHost;
  spec: ObjectSpec;
  clock: ManualClock;
  emitted: { to: string; msg: Record<string, unknown> }[];
  requests: { to: string; msg: Record<string, unknown> }[];
  logs: { level: string; o: unknown; msg?: string }[];
  /** Answers requests ('meter', 'client'); throw to simulate an unavailable peer. */
  answer: (to: string, msg: Record<string, unknown>) => unknown;
}

/** Starts the valve spec with this plugin config on a host; `answer` handles its requests. */
export async function startValve(config: Record<string, unknown>): Promise<ValveRig> {
  const mod = (await import(VALVE_MODULE)) as { createValveObject(): ObjectSpec };
  const clock = manualClock();
  const rig: ValveRig = {
    clock, emitted: [], requests: [], logs: [],
    answer: () => { throw Object.assign(new Error('no peer'), { code: 'ACTOR_UNAVAILABLE' }); },
    host: undefined as unknown as ObjectHost,
    spec: undefined as unknown as ObjectSpec,
  };
  const lg = (level: string) => (o: unknown, msg?: string) => { rig.logs.push({ level, o, msg }); };
  const spec = mod.createValveObject();
  rig.spec = spec;
  rig.host = new ObjectHost(spec, {
    emit: (to, msg) => { rig.emitted.push({ to, msg }); },
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
