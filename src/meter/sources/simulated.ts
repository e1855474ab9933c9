// simulated.ts: the simulated pulse source for `make run` and tests: a FlowProfile stepped on an injected clock.
import type { Clock } from '../../clock.js';
import { DemoFlow } from './demo-flow.js';
import { FlowProfile, type FlowProfileConfig } from './flow-profile.js';
import type { PulseSink, PulseSource } from './source.js';

export interface SimulatedSourceConfig extends FlowProfileConfig {
  tickMs: number;
}

export class SimulatedSource implements PulseSource {
  readonly kind = 'simulated';
  private readonly profile: FlowProfile | DemoFlow;
  private timer: unknown;
  private last = 0;
  private running = false;
  private shut = false;

  constructor(
    private readonly cfg: SimulatedSourceConfig,
    pulseRatio: number,
    private readonly clock: Clock,
  ) {
    this.profile = cfg.profile === 'demo' ? new DemoFlow(pulseRatio) : new FlowProfile(cfg, pulseRatio);
  }

  start(sink: PulseSink): Promise<void> {
    this.running = true;
    this.last = this.clock.now();
    const step = (): void => {
      if (!this.running) return;
      const now = this.clock.now();
      // a shut valve: the flow of this span is lost, not delivered later
      const n = this.shut ? 0 : this.profile.pulsesBetween(this.last, now);
      this.last = now;
      if (n > 0) sink.event({ kind: 'pulses', count: n, direction: 1 });
      this.timer = this.clock.setTimeout(step, this.cfg.tickMs);
    };
    this.timer = this.clock.setTimeout(step, this.cfg.tickMs);
    return Promise.resolve();
  }

  /** The supply valve is shut (no flow, no pulses) or open again. */
  setSupplyShut(shut: boolean): void {
    this.shut = shut;
  }

  stop(): Promise<void> {
    this.running = false;
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    return Promise.resolve();
  }
}
