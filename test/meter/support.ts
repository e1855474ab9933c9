// support.ts: helpers for meter tests: a fake client (Send sink), a simulated-clock meter service, stepping time.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SimulatedClock } from 'xstate';
import { CodedError } from '../../src/errors.js';
import type { LwRecord } from '../../src/lwm2m/types.js';
import { meterConfigSchema } from '../../src/meter/config-schema.js';
import type { PulseSource } from '../../src/meter/sources/source.js';
import { startMeterService, type MeterService } from '../../src/actors/meter.actor.js';
import type { ActorMessage } from '../../src/runtime/actor-api.js';

export const T0 = Date.UTC(2026, 0, 5, 0, 0, 0);

export const quietLog = { info() {}, warn() {}, error() {}, debug() {} };

/** The client actor as the meter sees it: Send is refused (NOT_REGISTERED) while offline, stored (2.04) when online. */
export class FakeClient {
  online = false;
  code = '2.04';
  sends: LwRecord[][] = [];
  refused = 0;
  request<R>(to: string, msg: ActorMessage): Promise<R> {
    if (to !== 'client' || msg.type !== 'lwm2m.send') return Promise.reject(new CodedError('ACTOR_UNAVAILABLE', to));
    if (!this.online) {
      this.refused++;
      return Promise.reject(new CodedError('NOT_REGISTERED', 'not registered'));
    }
    this.sends.push(msg.records as LwRecord[]);
    return Promise.resolve({ code: this.code } as R);
  }
  /** Every volume record (3424/0/1) the server stored, in arrival order. */
  volumes(): LwRecord[] {
    return this.code === '2.04' ? this.sends.flat().filter((r) => r.path[2] === 1) : [];
  }
}

export interface Rig {
  clock: SimulatedClock;
  client: FakeClient;
  service: MeterService;
  sent: ActorMessage[];
  dir: string;
}

export function startRig(
  config: Record<string, unknown>,
  opts: { dir?: string; createSource?: () => PulseSource; client?: FakeClient; clock?: SimulatedClock } = {},
): Rig {
  const clock = opts.clock ?? new SimulatedClock();
  if (!opts.clock) clock.set(T0);
  const dir = opts.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'meter-actor-'));
  const client = opts.client ?? new FakeClient();
  const sent: ActorMessage[] = [];
  const service = startMeterService({
    config: meterConfigSchema.parse(config),
    dir,
    clock,
    send: (_to, msg) => sent.push(msg),
    request: (to, msg) => client.request(to, msg),
    log: quietLog,
    ...(opts.createSource ? { createSource: opts.createSource } : {}),
  });
  live.add(service);
  return { clock, client, service, sent, dir };
}

/** Services started by startRig: settle() also waits for their queue's acknowledgements (fsync off the event loop). */
const live = new Set<MeterService>();

/** Advances simulated time in steps, letting promises settle after each step. */
export async function advance(clock: SimulatedClock, ms: number, stepMs: number): Promise<void> {
  const end = clock.now() + ms;
  while (clock.now() < end) {
    clock.set(Math.min(end, clock.now() + stepMs));
    await settle();
  }
}

/** Lets promises settle, and every live queue's acknowledgements finish, until a round changes nothing. */
export async function settle(): Promise<void> {
  for (let round = 0; round < 1000; round++) {
    const before = [...live]
      .map((s) => `${s.core.queue.size}/${s.core.queue.bytes}/${s.core.queue.lastAcknowledged?.seq}`)
      .join();
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
    await Promise.all([...live].map((s) => s.core.queue.idle()));
    const after = [...live]
      .map((s) => `${s.core.queue.size}/${s.core.queue.bytes}/${s.core.queue.lastAcknowledged?.seq}`)
      .join();
    if (before === after) return;
  }
}
