// bg95.ts: the emulated Quectel BG95 GNSS: AT+QGPS / +QGPSEND / +QGPSLOC over the Sky, gpsOneXTRA (AT+QGPSXTRA,
// +QGPSXTRATIME, +QGPSXTRADATA) with the module's file system (AT+QFUPL / +QFDEL / +QFLST), and the one RF chain it
// shares with LTE (AT+QGPSCFG="priority"). docs/modem.md "GNSS", "BG95" lists what is emulated and assumed.
import { qfuplChecksum, xtraTime } from '../../gnss/bg95.js';
import { XTRA_MAX_BYTES, type Sky, type SkyFix } from '../sky.js';
import type { EmulatorIo, GnssEmulation, GnssEmulationFactory } from './index.js';

/** Free space of the emulated user file system (UFS). */
const UFS_FREE_BYTES = 256 * 1024;
/** AT+QGPSXTRADATA? before any injection: no data, the GPS epoch as its start. */
const NO_XTRA = '+QGPSXTRADATA: 0,"1980/01/06,00:00:00"';

const two = (n: number): string => String(n).padStart(2, '0');

/** Degrees → NMEA `ddmm.mmmm` with `width` degree digits and `decimals` minute decimals (unsigned). */
function degMin(v: number, width: number, decimals: number): string {
  const a = Math.abs(v);
  let deg = Math.floor(a);
  let min = Number(((a - deg) * 60).toFixed(decimals));
  if (min >= 60) {
    deg += 1;
    min = 0;
  }
  return `${String(deg).padStart(width, '0')}${min.toFixed(decimals).padStart(decimals + 3, '0')}`;
}

/**
 * `+QGPSLOC: <UTC>,<latitude>,<longitude>,<HDOP>,<altitude>,<fix>,<COG>,<spkm>,<spkn>,<date>,<nsat>` for `mode` 0
 * (`ddmm.mmmmN/S,dddmm.mmmmE/W`), 1 (`ddmm.mmmmmm,N/S,dddmm.mmmmmm,E/W`) or 2 (`(-)dd.ddddd,(-)ddd.ddddd`); HDOP is the
 * sky's accuracy / 5 m, COG `ddd.mm` (degrees, minutes), a 3D fix.
 */
export function qgpslocLine(f: SkyFix, mode: 0 | 1 | 2): string {
  const d = new Date(f.utcMs);
  const utc = `${two(d.getUTCHours())}${two(d.getUTCMinutes())}${two(d.getUTCSeconds())}.${String(d.getUTCMilliseconds()).padStart(3, '0')}`;
  const date = `${two(d.getUTCDate())}${two(d.getUTCMonth() + 1)}${two(d.getUTCFullYear() % 100)}`;
  const ns = f.latitude < 0 ? 'S' : 'N';
  const ew = f.longitude < 0 ? 'W' : 'E';
  const pos =
    mode === 2
      ? `${f.latitude.toFixed(5)},${f.longitude.toFixed(5)}`
      : mode === 1
        ? `${degMin(f.latitude, 2, 6)},${ns},${degMin(f.longitude, 3, 6)},${ew}`
        : `${degMin(f.latitude, 2, 4)}${ns},${degMin(f.longitude, 3, 4)}${ew}`;
  const hdop = Math.min(99.9, Math.max(0.1, f.accuracyM / 5)).toFixed(1);
  let cogDeg = Math.floor(f.headingDeg);
  let cogMin = Math.round((f.headingDeg - cogDeg) * 60);
  if (cogMin === 60) [cogDeg, cogMin] = [(cogDeg + 1) % 360, 0];
  const kmh = f.speedMps * 3.6;
  return (
    `+QGPSLOC: ${utc},${pos},${hdop},${f.altitudeM.toFixed(1)},3,${cogDeg}.${two(cogMin)},` +
    `${kmh.toFixed(1)},${(kmh / 1.852).toFixed(1)},${date},${two(f.satellites)}`
  );
}

/** `UFS:name` or a bare name (UFS is the default storage) → the UFS file's key; other storages: undefined. */
function ufsName(name: string): string | undefined {
  const m = /^(?:UFS:)?([^:*]+)$/.exec(name);
  return m ? `UFS:${m[1]}` : undefined;
}

class Bg95Gnss implements GnssEmulation {
  /** AT+QGPSCFG="priority": 0 GNSS prior mode, 1 WWAN prior mode (assumed the power-on value). */
  private priority = 1;
  private xtraEnabled = false;
  /** AT+QGPSXTRATIME took a time since the last XTRA data injection. */
  private xtraTime = false;
  private readonly files = new Map<string, Buffer>();

  constructor(
    private readonly sky: Sky,
    private readonly io: EmulatorIo,
  ) {}

  handle(cmd: string): boolean {
    const h = this.gnss(cmd) ?? this.xtra(cmd) ?? this.file(cmd) ?? this.lte(cmd);
    return h ?? false;
  }

  private err(code: number): true {
    this.io.reply(`+CME ERROR: ${code}`);
    return true;
  }

  private ok(): true {
    this.io.reply('OK');
    return true;
  }

  /** The receiver: AT+QGPSCFG, AT+QGPS, AT+QGPSEND, AT+QGPSLOC. */
  private gnss(cmd: string): boolean | undefined {
    let m: RegExpExecArray | null;
    if ((m = /^AT\+QGPSCFG="priority",([01])(?:,[01])?$/.exec(cmd))) {
      this.priority = Number(m[1]);
      return this.ok();
    }
    if (/^AT\+QGPSCFG="(outport|gnssconfig|nmeasrc|autogps)",/.test(cmd)) return this.ok();
    // AT+QGPS=<GNSS mode 1>[,<fixmaxtime>[,<fixmaxdist>[,<fixcount>[,<fixrate>]]]]; a second start: 504.
    if (/^AT\+QGPS=1(,\d+){0,4}$/.test(cmd)) {
      if (this.sky.running) return this.err(504);
      this.sky.start();
      return this.ok();
    }
    if (cmd === 'AT+QGPS?') {
      this.io.info(`+QGPS: ${this.sky.running ? 1 : 0}`, cmd);
      return true;
    }
    if (cmd === 'AT+QGPSEND') {
      if (!this.sky.running) return this.err(505);
      this.sky.stop();
      return this.ok();
    }
    // AT+QGPSLOC=<mode 0-2> (AT+QGPSLOC? answers as mode 0): 505 receiver off, 516 no fix yet.
    if ((m = /^AT\+QGPSLOC(?:=([012])|\?)$/.exec(cmd))) {
      if (!this.sky.running) return this.err(505);
      const fix = this.sky.fix();
      if (!fix) return this.err(516);
      this.io.info(qgpslocLine(fix, Number(m[1] ?? 0) as 0 | 1 | 2), cmd);
      return true;
    }
    return undefined;
  }

  /** gpsOneXTRA: time and data only with XTRA enabled (509) and the receiver off (522); the time before the data. */
  private xtra(cmd: string): boolean | undefined {
    let m: RegExpExecArray | null;
    if ((m = /^AT\+QGPSXTRA=([01])$/.exec(cmd))) {
      this.xtraEnabled = m[1] === '1';
      return this.ok();
    }
    if (cmd === 'AT+QGPSXTRA?') {
      this.io.info(`+QGPSXTRA: ${this.xtraEnabled ? 1 : 0}`, cmd);
      return true;
    }
    // AT+QGPSXTRATIME=0,"<YYYY/MM/DD,hh:mm:ss>"[,<utc>[,<force>,<uncertainty>]]
    if (
      (m = /^AT\+QGPSXTRATIME=0,"(\d{4})\/(\d{2})\/(\d{2}),(\d{2}):(\d{2}):(\d{2})"(,[01](,[01],\d+)?)?$/.exec(cmd))
    ) {
      if (!this.xtraEnabled) return this.err(509);
      if (this.sky.running) return this.err(522);
      const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
      const t = Date.UTC(y, mo - 1, d, h, mi, s);
      if (mo < 1 || mo > 12 || h > 23 || mi > 59 || s > 59 || new Date(t).getUTCDate() !== d) return this.err(501);
      this.xtraTime = true;
      return this.ok();
    }
    if (/^AT\+QGPSXTRATIME=/.test(cmd)) return this.err(501);
    // AT+QGPSXTRADATA="<file>": 519 no such file, 508 no time injected first, 524 not XTRA data.
    if ((m = /^AT\+QGPSXTRADATA="([^"]*)"$/.exec(cmd))) {
      if (!this.xtraEnabled) return this.err(509);
      if (this.sky.running) return this.err(522);
      const name = ufsName(m[1] ?? '');
      const data = name === undefined ? undefined : this.files.get(name);
      if (data === undefined) return this.err(519);
      if (!this.xtraTime) return this.err(508);
      if (data.length === 0 || data.length > XTRA_MAX_BYTES) return this.err(524);
      this.xtraTime = false;
      this.sky.inject();
      return this.ok();
    }
    // AT+QGPSXTRADATA? → +QGPSXTRADATA: <xtradatadurtime min>,"<injecteddatatime>"
    if (cmd === 'AT+QGPSXTRADATA?') {
      const until = this.sky.assistedUntil;
      const line =
        this.sky.assisted && until !== undefined
          ? `+QGPSXTRADATA: ${Math.round(this.sky.assistanceValidMs / 60_000)},"${xtraTime(new Date(until - this.sky.assistanceValidMs))}"`
          : NO_XTRA;
      this.io.info(line, cmd);
      return true;
    }
    return undefined;
  }

  /** The user file system: AT+QFUPL (CONNECT, the bytes, +QFUPL: <size>,<checksum>), AT+QFDEL, AT+QFLST. */
  private file(cmd: string): boolean | undefined {
    let m: RegExpExecArray | null;
    // AT+QFUPL=<filename>,<file_size>[,<timeout>[,<ackmode 0>]]: 407 exists, 423 larger than the free space.
    if ((m = /^AT\+QFUPL="([^"]+)",(\d+)(?:,(\d+)(?:,0)?)?$/.exec(cmd))) {
      const name = ufsName(m[1] ?? '');
      const size = Number(m[2]);
      if (name === undefined || size === 0) return this.err(400);
      if (this.files.has(name)) return this.err(407);
      const used = [...this.files.values()].reduce((a, f) => a + f.length, 0);
      if (size > UFS_FREE_BYTES - used) return this.err(423);
      this.io.expectPayload(size, (data) => {
        this.files.set(name, data);
        this.io.reply(`+QFUPL: ${data.length},${qfuplChecksum(data).toString(16)}`, 'OK');
      });
      this.io.answer('\r\nCONNECT\r\n');
      return true;
    }
    if ((m = /^AT\+QFDEL="([^"]+)"$/.exec(cmd))) {
      if (m[1] === '*' || m[1] === 'UFS:*') {
        this.files.clear();
        return this.ok();
      }
      const name = ufsName(m[1] ?? '');
      return name !== undefined && this.files.delete(name) ? this.ok() : this.err(405);
    }
    // AT+QFLST[="*"] → +QFLST: "<filename>",<file_size> per file.
    if (cmd === 'AT+QFLST' || cmd === 'AT+QFLST="*"') {
      const lines = [...this.files].map(([n, d]) => `+QFLST: "${n.slice(4)}",${d.length}`);
      if (lines.length === 0) this.io.reply('OK');
      else this.io.info(lines, cmd);
      return true;
    }
    return undefined;
  }

  /**
   * LTE data while the receiver runs: in GNSS prior mode the RF is the receiver's, a datagram given to AT+QISEND is
   * taken after the prompt and not sent (SEND FAIL); in WWAN prior mode it is sent, and the receiver loses the RF for
   * it: its acquisition starts over.
   */
  private lte(cmd: string): boolean | undefined {
    const m = /^AT\+QISEND=\d+,(\d+),"[\d.]+",\d+$/.exec(cmd);
    if (!m || !this.sky.running) return undefined;
    if (this.priority === 1) {
      this.sky.stop();
      this.sky.start();
      return undefined;
    }
    const len = Number(m[1]);
    if (len > 1460) return undefined;
    this.io.expectPayload(len, () => this.io.reply('SEND FAIL'));
    this.io.answer('\r\n> ');
    return true;
  }
}

export const bg95GnssEmulation: GnssEmulationFactory = (sky, io) => new Bg95Gnss(sky, io);
