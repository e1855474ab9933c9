// at-driver.ts: the ModemDriver for a real AT modem: runs a profile's command tables over an AtChannel.
import type { Clock } from '../clock.js';
import { CodedError } from '../errors.js';
import { AtChannel, type AtResponse } from './at-channel.js';
import type { ModemConfig } from './config-schema.js';
import type {
  CellMeasurements,
  DataInfo,
  DriverEvent,
  Identification,
  ModemDriver,
  PowerOnInfo,
  RadioSnapshot,
} from './driver.js';
import type { ByteLink } from './link.js';
import { paramsOf, parseCereg, parseCesq, parseCops, parseCsq, type Registration } from './parse.js';
import { configuredProfile, detectProfile } from './profiles/index.js';
import { genericProfile } from './profiles/generic.js';
import type { AtStep, ModemProfile, SocketTimeouts } from './profiles/types.js';
import { pulseReset } from './reset-gpio.js';
import { runGnssFix } from './gnss/session.js';
import type { GnssAssistanceFormat, GnssDialect, GnssFix, GnssNeed, GnssOptions, RfSharing } from './gnss/types.js';

export interface AtDriverLog {
  debug(o: object, msg?: string): void;
  info(o: object, msg?: string): void;
  warn(o: object, msg?: string): void;
}

export interface AtDriverOptions {
  link: ByteLink;
  config: ModemConfig;
  timers: Clock;
  log: AtDriverLog;
  /** Hardware reset (defaults to the configured GPIO line via gpioset). */
  hardReset?: () => Promise<void>;
}

/** How often an address that is not there yet is asked for again (activateData). */
const ADDRESS_POLL_MS = 250;

export class AtModemDriver implements ModemDriver {
  readonly kind = 'serial' as const;
  readonly channel: AtChannel;
  profile: ModemProfile;
  private readonly listeners: ((ev: DriverEvent) => void)[] = [];
  private readonly cfg: ModemConfig;
  /** The last model text the modem gave ('' until it gave one). */
  private model = '';
  /** A model was identified at least once. */
  private seen = false;

  constructor(private readonly o: AtDriverOptions) {
    this.cfg = o.config;
    this.profile = configuredProfile(o.config) ?? genericProfile;
    this.channel = new AtChannel(o.link, {
      timers: o.timers,
      defaultTimeoutMs: o.config.timeouts.commandMs,
      urcPrefixes: this.profile.urcPrefixes,
      binaryRules: this.profile.binaryRules,
      okFinals: this.profile.okFinals ?? [],
      errorFinals: this.profile.errorFinals ?? [],
      log: o.log,
    });
    this.channel.onUrc((line) => {
      const reg = parseCereg(line, false);
      if (reg) this.emit({ type: 'modem.reg', reg });
      else if (this.profile.pdpLost?.test(line)) this.emit({ type: 'modem.data-lost', reason: line });
    });
    o.link.onClose?.((reason) => this.emit({ type: 'modem.link-closed', reason }));
  }

  get canHardReset(): boolean {
    return this.o.hardReset !== undefined || this.cfg.resetGpio.chip !== '';
  }

  get socketTimeouts(): SocketTimeouts {
    return { commandMs: this.cfg.timeouts.commandMs, longCommandMs: this.cfg.timeouts.longCommandMs };
  }

  onEvent(listener: (ev: DriverEvent) => void): void {
    this.listeners.push(listener);
  }

  private emit(ev: DriverEvent): void {
    for (const l of this.listeners) l(ev);
  }

  private cmd(cmd: string, o: { expect?: string; long?: boolean; timeoutMs?: number } = {}): Promise<AtResponse> {
    return this.channel.command(cmd, {
      ...(o.expect !== undefined ? { expect: o.expect } : {}),
      timeoutMs: o.timeoutMs ?? (o.long ? this.cfg.timeouts.longCommandMs : this.cfg.timeouts.commandMs),
    });
  }

  private async run(steps: readonly AtStep[]): Promise<void> {
    for (const s of steps) {
      const opts = {
        ...(s.expect !== undefined ? { expect: s.expect } : {}),
        timeoutMs: s.long ? this.cfg.timeouts.longCommandMs : this.cfg.timeouts.commandMs,
      };
      try {
        // The command's effect comes later as a URC (SIM7080 AT+CNACT → +APP PDP): wait for it, from the OK on.
        if (s.urc)
          await this.channel.commandThenUrc(s.cmd, opts, {
            re: s.urc,
            ...(s.urcFail ? { fail: s.urcFail } : {}),
            timeoutMs: this.cfg.timeouts.longCommandMs,
          });
        else await this.channel.command(s.cmd, opts);
      } catch (err) {
        // An optional command may fail; the URC it did announce may not (the context did not come up).
        if (!s.optional || (err as { details?: { phase?: string } }).details?.phase === 'urc') throw err;
        this.o.log.warn({ cmd: s.cmd, err: (err as Error).message }, 'optional AT command failed');
      }
    }
  }

  async powerOn(): Promise<PowerOnInfo> {
    // V.250 "AT" probe: a few short tries (the modem may still be booting or autobauding).
    let ok = false;
    let last: unknown;
    for (let i = 0; i < 3 && !ok; i++) {
      try {
        await this.cmd('AT', { timeoutMs: Math.min(1000, this.cfg.timeouts.commandMs) });
        ok = true;
      } catch (err) {
        last = err;
      }
    }
    if (!ok)
      throw new CodedError('MODEM_NOT_RESPONDING', `no answer to AT: ${(last as Error | undefined)?.message ?? ''}`);
    // Echo off before identification, unless the configured profile has no echo control (the channel skips echoes
    // anyway).
    if (!this.profile.noEchoControl) await this.run([{ cmd: 'ATE0', optional: true }]);
    await this.identify();
    // +COPS=3,2: numeric operator format for later +COPS? reads (TS 27.007 §7.3).
    await this.run([...this.profile.init(this.cfg), { cmd: 'AT+COPS=3,2', optional: true }]);
    return { model: this.model, profile: this.profile.name };
  }

  async identify(): Promise<Identification> {
    // TS 27.007 §5.2 +CGMM model identification; V.250 ATI as the fallback.
    let model: string;
    try {
      model = (await this.cmd('AT+CGMM')).lines.join(' ');
    } catch {
      model = (await this.cmd('ATI').catch(() => ({ lines: [] as string[] }))).lines.join(' ');
    }
    const identified = model.trim() !== '';
    const before = this.profile.name;
    if (identified) this.model = model;
    if (this.cfg.profile === 'auto' && identified) {
      this.profile = detectProfile(model);
      this.channel.setDialect({
        urcPrefixes: this.profile.urcPrefixes,
        binaryRules: this.profile.binaryRules,
        okFinals: this.profile.okFinals ?? [],
        errorFinals: this.profile.errorFinals ?? [],
      });
    }
    const changed = this.profile.name !== before;
    if (!identified) {
      this.o.log.warn(
        { profile: this.profile.name },
        'modem not identified (AT+CGMM and ATI failed): keeping this profile until a recovery identifies it',
      );
    } else if (changed || !this.seen) {
      this.o.log.info({ model, profile: this.profile.name, ...(this.seen ? { was: before } : {}) }, 'modem identified');
    }
    this.seen = this.seen || identified;
    return { model: this.model, profile: this.profile.name, identified, changed };
  }

  async simReady(): Promise<void> {
    // TS 27.007 §8.3 +CPIN? → +CPIN: READY
    const r = await this.cmd('AT+CPIN?', { expect: '+CPIN:' });
    const line = r.lines.find((l) => l.startsWith('+CPIN:')) ?? '';
    if (!/READY/.test(line)) throw new CodedError('SIM_NOT_READY', `SIM not ready: ${line || 'no +CPIN line'}`);
  }

  async configureRadio(): Promise<void> {
    // TS 27.007 §8.2 +CFUN=0 (minimum functionality) while changing RAT / bands, then +CFUN=1.
    await this.cmd('AT+CFUN=0', { long: true });
    await this.run(this.profile.radio(this.cfg));
    await this.run(this.profile.pdpDefine(this.cfg));
    await this.cmd('AT+CFUN=1', { long: true });
  }

  async registration(): Promise<Registration> {
    const r = await this.cmd('AT+CEREG?', { expect: '+CEREG:' });
    const line = r.lines.find((l) => l.startsWith('+CEREG:'));
    // `+CEREG: <n>,…`: n 0 means the registration URCs the attach waits for are off (init never ran, or the modem
    // lost its settings): enable them (TS 27.007 §10.1.22 +CEREG=2: <stat>, <tac>, <ci>, <AcT>).
    if (line && paramsOf(line, '+CEREG')?.[0] === '0') {
      this.o.log.warn({ line }, 'registration URCs were off: enabling them (AT+CEREG=2)');
      await this.cmd('AT+CEREG=2');
    }
    return (line ? parseCereg(line, true) : undefined) ?? { stat: 4 };
  }

  async activateData(): Promise<DataInfo> {
    await this.run(this.profile.pdpActivate(this.cfg));
    const q = this.profile.ipQuery;
    const query = async (): Promise<{ ips: string[]; lines: string[] }> => {
      const r = await this.cmd(q.cmd, { ...(q.expect !== undefined ? { expect: q.expect } : {}) });
      return { ips: q.parse(r.lines), lines: r.lines };
    };
    let r = await query();
    // The address may come a moment after the context: an nRF91 sets its default bearer up again by itself after the
    // network took it down (+CGEV: NW PDN DEACT 0, then ME PDN ACT 0). Asked again for up to timeouts.commandMs.
    const until = this.o.timers.now() + this.cfg.timeouts.commandMs;
    while (r.ips.length === 0 && this.o.timers.now() < until) {
      await new Promise<void>((done) => this.o.timers.setTimeout(done, ADDRESS_POLL_MS));
      r = await query();
    }
    const ips = r.ips;
    if (ips.length === 0)
      throw new CodedError('PDP_NOT_ACTIVE', `no IP address after data activation: ${r.lines.join(' | ') || q.cmd}`);
    if (this.cfg.dataPath === 'modem-socket' && this.profile.socket?.setup) await this.run(this.profile.socket.setup);
    return { ips, apn: this.cfg.apn };
  }

  async readRadio(): Promise<RadioSnapshot> {
    const snap: RadioSnapshot = { mode: this.cfg.mode };
    try {
      // TS 27.007 §8.69 +CESQ (RSRP/RSRQ); §8.5 +CSQ when +CESQ is not supported.
      const r = await this.cmd('AT+CESQ', { expect: '+CESQ:' });
      Object.assign(snap, parseCesq(r.lines[0] ?? '') ?? {});
    } catch {
      // Every 27.007 modem answers +CSQ: when it does not either (silent, ERROR, +CME ERROR) the poll fails, and the
      // machine counts it (maxPollFailures in a row declare the link down).
      const r = await this.cmd('AT+CSQ', { expect: '+CSQ:' });
      Object.assign(snap, parseCsq(r.lines[0] ?? '') ?? {});
    }
    const cops = await this.cmd('AT+COPS?', { expect: '+COPS:' }).catch(() => undefined);
    const op = cops ? parseCops(cops.lines[0] ?? '') : undefined;
    if (op?.mcc !== undefined) snap.mcc = op.mcc;
    if (op?.mnc !== undefined) snap.mnc = op.mnc;
    if (op?.act === 9) snap.mode = 'nb-iot';
    else if (op?.act === 7 || op?.act === 8) snap.mode = 'lte-m';
    const cell = this.profile.cell;
    if (cell) {
      try {
        let lines: string[];
        if (cell.urc) {
          const t = this.cfg.timeouts.longCommandMs;
          lines = [
            (await this.channel.commandThenUrc(cell.cmd, { timeoutMs: t }, { re: cell.urc, timeoutMs: t })).line,
          ];
        } else {
          lines = (await this.cmd(cell.cmd, { ...(cell.expect !== undefined ? { expect: cell.expect } : {}) })).lines;
        }
        const info = cell.parse(lines);
        // cast: the profile's parser returns a partial snapshot; its defined fields overwrite the snapshot's by name
        for (const [k, v] of Object.entries(info))
          if (v !== undefined) (snap as unknown as Record<string, unknown>)[k] = v;
      } catch (err) {
        this.o.log.debug({ err: (err as Error).message }, 'cell query failed');
      }
    }
    return snap;
  }

  /**
   * Serving cell (readRadio) plus neighbours: from the cell query itself (nRF91 %NCELLMEAS) or the profile's `ncell`
   * query.
   */
  async cellMeasurements(): Promise<CellMeasurements> {
    const serving = await this.readRadio();
    let neighbours = serving.neighbourCells ?? [];
    const q = this.profile.ncell;
    if (q) {
      try {
        neighbours = q.parse(
          (await this.cmd(q.cmd, { ...(q.expect !== undefined ? { expect: q.expect } : {}) })).lines,
        );
      } catch (err) {
        this.o.log.debug({ err: (err as Error).message }, 'neighbour cell query failed');
      }
    }
    const { neighbourCells: _n, ...rest } = serving;
    void _n;
    return { serving: rest, neighbours };
  }

  gnssInfo(): { rf: RfSharing; assistanceFormat: GnssAssistanceFormat } | undefined {
    const g = this.profile.gnss;
    return g ? { rf: g.rf, assistanceFormat: g.assistanceFormat } : undefined;
  }

  private gnss(): GnssDialect {
    const g = this.profile.gnss;
    if (!g) throw new CodedError('MODEM_NO_GNSS', `the ${this.profile.name} profile drives no GNSS receiver`);
    return g;
  }

  async gnssFix(o: GnssOptions, signal?: AbortSignal): Promise<GnssFix> {
    const deps = {
      ch: this.channel,
      run: (steps: readonly AtStep[]) => this.run(steps),
      cmd: (s: AtStep) =>
        this.cmd(s.cmd, { ...(s.expect !== undefined ? { expect: s.expect } : {}), ...(s.long ? { long: true } : {}) }),
      clock: this.o.timers,
      log: this.o.log,
    };
    return runGnssFix(deps, this.gnss(), o, signal);
  }

  async gnssNeed(): Promise<GnssNeed> {
    const q = this.gnss().need;
    if (!q) return { ephemeris: true };
    let lines: string[];
    try {
      const o = { ...(q.expect !== undefined ? { expect: q.expect } : {}), ...(q.long ? { long: true } : {}) };
      lines = (await this.cmd(q.cmd, o)).lines;
    } catch (err) {
      // An `optional` query answered with an error means "nothing held" (SIM7080 AT+CGNSXTRA: ERROR without an XTRA
      // file): it parses as no lines. A timeout is still an error.
      const code = (err as { code?: string }).code;
      if (!q.optional || (code !== 'AT_ERROR' && code !== 'AT_CME_ERROR')) throw err;
      lines = [];
    }
    return q.parse(lines);
  }

  async gnssInject(data: Uint8Array): Promise<void> {
    const g = this.gnss();
    if (!g.inject)
      throw new CodedError('GNSS_INJECT_FAILED', `the ${this.profile.name} profile cannot inject assistance data`);
    await g.inject(this.channel, data, this.socketTimeouts);
  }

  async recover(level: 'cfun' | 'reset'): Promise<void> {
    if (level === 'reset' && this.canHardReset) {
      await (this.o.hardReset ?? (() => pulseReset(this.cfg.resetGpio, this.o.timers)))();
      return;
    }
    await this.cmd('AT+CFUN=0', { long: true });
    await new Promise<void>((r) => this.o.timers.setTimeout(r, this.cfg.timeouts.cfunCycleMs));
    await this.cmd('AT+CFUN=1', { long: true });
  }

  close(): void {
    this.channel.close();
  }
}
