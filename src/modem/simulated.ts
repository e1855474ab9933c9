// simulated.ts: the simulated modem for `make run` without hardware: attaches after a delay, drifting signal, scripted
// outages; host IP stack as data path.
import type { Clock } from '../clock.js';
import type { ModemConfig } from './config-schema.js';
import type { CellMeasurements, DataInfo, DriverEvent, ModemDriver, PowerOnInfo, RadioSnapshot } from './driver.js';
import type { NeighbourCell } from './profiles/types.js';
import type { Registration } from './parse.js';
import { mulberry32 as prng } from '../prng.js';
import { CodedError } from '../errors.js';
import { Sky } from './emulator/sky.js';
import { decodeNrfCloudAgnss } from './gnss/nrf-cloud-agnss.js';
import type { GnssAssistanceFormat, GnssFix, GnssNeed, GnssOptions, RfSharing } from './gnss/types.js';

/**
 * The simulated modem's neighbour cells: a fixed, plausible set (same EARFCN as the serving cell, and one
 * inter-frequency).
 */
export const SIMULATED_NEIGHBOURS: readonly NeighbourCell[] = [
  { pci: 332, earfcn: 6300, rsrpDbm: -101, rsrqDb: -12, timeDiff: 0 },
  { pci: 97, earfcn: 6300, rsrpDbm: -108, rsrqDb: -15, timeDiff: 0 },
  { pci: 412, earfcn: 1350, rsrpDbm: -112, rsrqDb: -17, timeDiff: 0 },
];

export class SimulatedModem implements ModemDriver {
  readonly kind = 'simulated' as const;
  readonly canHardReset = false;
  private readonly listeners: ((ev: DriverEvent) => void)[] = [];
  private stat = 0;
  private rsrp: number;
  private readonly rand: () => number;
  private readonly handles = new Set<unknown>();
  private started = false;
  /** The simulated GNSS sky on the modem's clock (an nRF91-like receiver: LTE idle time, nRF Cloud A-GNSS). */
  readonly sky: Sky;

  constructor(
    private readonly cfg: ModemConfig,
    private readonly timers: Clock,
  ) {
    this.rsrp = cfg.simulated.rsrpDbm;
    this.rand = prng(cfg.simulated.seed);
    this.sky = new Sky(() => timers.now());
  }

  onEvent(listener: (ev: DriverEvent) => void): void {
    this.listeners.push(listener);
  }

  private setStat(stat: number): void {
    this.stat = stat;
    const reg: Registration =
      stat === 1 ? { stat, tac: '1A2D', ci: '01A2D001', act: this.cfg.mode === 'nb-iot' ? 9 : 7 } : { stat };
    for (const l of this.listeners) l({ type: 'modem.reg', reg });
  }

  private later(ms: number, fn: () => void): void {
    const h = this.timers.setTimeout(() => {
      this.handles.delete(h);
      fn();
    }, ms);
    this.handles.add(h);
  }

  powerOn(): Promise<PowerOnInfo> {
    return Promise.resolve({ model: 'simulated', profile: 'simulated' });
  }

  simReady(): Promise<void> {
    return Promise.resolve();
  }

  configureRadio(): Promise<void> {
    this.setStat(2);
    this.later(this.cfg.simulated.attachDelayMs, () => this.setStat(1));
    if (!this.started) {
      this.started = true;
      for (const o of this.cfg.simulated.outages) {
        this.later(o.atMs, () => this.setStat(2));
        this.later(o.atMs + o.durationMs, () => this.setStat(1));
      }
    }
    return Promise.resolve();
  }

  registration(): Promise<Registration> {
    return Promise.resolve({ stat: this.stat });
  }

  activateData(): Promise<DataInfo> {
    return Promise.resolve({ ips: ['127.0.0.1'], apn: this.cfg.apn || 'simulated' });
  }

  readRadio(): Promise<RadioSnapshot> {
    // Random walk of ±3 dB, kept within -120 … -70 dBm.
    this.rsrp = Math.max(-120, Math.min(-70, Math.round(this.rsrp + (this.rand() * 6 - 3))));
    return Promise.resolve({
      mode: this.cfg.mode,
      dbm: this.rsrp,
      rsrqDb: -10,
      ci: 0x01a2d001,
      lac: 0x1a2d,
      mcc: 1,
      mnc: 1,
      neighbours: SIMULATED_NEIGHBOURS.length,
      pci: 331,
      earfcn: 6300,
    });
  }

  async cellMeasurements(): Promise<CellMeasurements> {
    return { serving: await this.readRadio(), neighbours: SIMULATED_NEIGHBOURS.map((c) => ({ ...c })) };
  }

  gnssInfo(): { rf: RfSharing; assistanceFormat: GnssAssistanceFormat } {
    return { rf: 'lte-idle', assistanceFormat: 'nrf-cloud-agnss' };
  }

  /** A fix from the sky after its time to first fix (cold or assisted); GNSS_TIMEOUT indoors; GNSS_ABORTED. */
  gnssFix(o: GnssOptions, signal?: AbortSignal): Promise<GnssFix> {
    if (signal?.aborted) return Promise.reject(new CodedError('GNSS_ABORTED', 'GNSS fix attempt aborted'));
    this.sky.start();
    return new Promise<GnssFix>((resolve, reject) => {
      const end = this.timers.now() + o.timeoutMs;
      let h: unknown;
      const done = (): void => {
        this.timers.clearTimeout(h);
        this.handles.delete(h);
        signal?.removeEventListener('abort', onAbort);
        this.sky.stop();
      };
      const onAbort = (): void => {
        done();
        reject(new CodedError('GNSS_ABORTED', 'GNSS fix attempt aborted'));
      };
      const check = (): void => {
        this.handles.delete(h);
        const f = this.sky.fix();
        if (f) {
          done();
          const { satellites, ...rest } = f;
          return resolve({ ...rest, satellites });
        }
        const left = end - this.timers.now();
        if (left <= 0) {
          done();
          return reject(new CodedError('GNSS_TIMEOUT', `no GNSS fix within ${o.timeoutMs} ms`));
        }
        h = this.timers.setTimeout(check, Math.min(left, Math.max(1, this.sky.msToFix() ?? left)));
        this.handles.add(h);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      check();
    });
  }

  gnssNeed(): Promise<GnssNeed> {
    const assisted = this.sky.assisted;
    return Promise.resolve({
      ephemeris: !assisted,
      time: !assisted,
      position: !assisted,
      ...(assisted && this.sky.assistedUntil !== undefined ? { validUntilMs: this.sky.assistedUntil } : {}),
    });
  }

  /** nRF Cloud A-GNSS data, checked as an nRF91 would (GNSS_BAD_ASSISTANCE); ephemerides make the next fix fast. */
  gnssInject(data: Uint8Array): Promise<void> {
    try {
      if (decodeNrfCloudAgnss(data).ephemerides > 0) this.sky.inject();
      return Promise.resolve();
    } catch (err) {
      return Promise.reject(err);
    }
  }

  recover(): Promise<void> {
    this.setStat(0);
    this.later(Math.max(1, this.cfg.timeouts.cfunCycleMs), () => {
      this.setStat(2);
      this.later(this.cfg.simulated.attachDelayMs, () => this.setStat(1));
    });
    return Promise.resolve();
  }

  close(): void {
    for (const h of this.handles) this.timers.clearTimeout(h);
    this.handles.clear();
  }
}
