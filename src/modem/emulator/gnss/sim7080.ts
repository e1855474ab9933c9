// sim7080.ts: the emulated SIM7080G GNSS: AT+CGNS… over the Sky, XTRA via the file system, no LTE data while it runs.
// Dialogues: SIM7070_SIM7080_SIM7090 Series_AT Command Manual_V1.04 GNSS and file system chapters (docs/modem.md,
// "SIM7080 (SIMCom SIM7080G)" under GNSS, says which parts were checked against which text and what is this
// emulator's choice).
import { XTRA_MAX_BYTES, type Sky } from '../sky.js';
import type { EmulatorIo, GnssEmulation, GnssEmulationFactory } from './index.js';

/** AT+CFSWFILE directory indexes 0–3. */
const DIRS = ['/custapp/', '/fota/', '/datatx/', '/customer/'];
/** The file AT+CGNSCPY copies into the GNSS engine. */
const XTRA_PATH = '/customer/Xtra3.bin';
/** <GNSS run status> 0: every other field empty (21 fields). */
const OFF_LINE = '+CGNSINF: 0' + ','.repeat(20);

/** `yyyyMMddhhmmss.sss` for a UTC time. */
function cgnsUtc(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:T]/g, '').replace('Z', '');
}

class Sim7080Gnss implements GnssEmulation {
  /** AT+CGNSXTRA=<0|1> (power-on default 0). */
  private xtraEnabled = false;
  /** AT+CFSINIT was given (until AT+CFSTERM). */
  private fsOpen = false;
  /** The emulated file system: path → contents. */
  readonly files = new Map<string, Buffer>();
  /** XTRA data copied into the engine by AT+CGNSCPY: when. */
  private xtraCopiedAt: number | undefined;
  /** AT+CGNSURC=<n>: a +UGNSINF every n seconds while the receiver runs (0: off). */
  private urcEvery = 0;
  private urcTimer: ReturnType<typeof setInterval> | undefined;
  private urcTicks = 0;
  /** AT+CARECV read nothing while the receiver was on: the waiting data is announced again when it goes off. */
  private rxHeld = false;
  /** When the receiver was last powered on (the pre-fix UTC field counts from the GPS epoch from then). */
  private poweredAt = 0;

  constructor(
    private readonly sky: Sky,
    private readonly io: EmulatorIo,
  ) {}

  handle(cmd: string): boolean {
    return this.gnss(cmd) || this.fs(cmd) || this.rf(cmd);
  }

  dispose(): void {
    if (this.urcTimer) clearInterval(this.urcTimer);
    this.urcTimer = undefined;
  }

  /** The +CGNSINF fields after the prefix: off, on without a fix, or the Sky's fix. */
  private navigation(): string {
    if (!this.sky.running) return OFF_LINE.slice('+CGNSINF: '.length);
    const inView = this.sky.indoors ? 0 : this.sky.satellites + 3;
    const fix = this.sky.fix();
    if (!fix) {
      const sinceStart = Date.UTC(1980, 0, 6) + Math.max(0, this.sky.now() - this.poweredAt);
      return `1,0,${cgnsUtc(sinceStart)},,,,0.00,0.0,0,,,,,,${inView},0,,,,,`;
    }
    const hdop = (fix.accuracyM / 5).toFixed(1);
    return [
      '1',
      '1',
      cgnsUtc(fix.utcMs),
      fix.latitude.toFixed(6),
      fix.longitude.toFixed(6),
      fix.altitudeM.toFixed(3),
      (fix.speedMps * 3.6).toFixed(2),
      fix.headingDeg.toFixed(1),
      '1',
      '',
      hdop,
      (Number(hdop) * 1.3).toFixed(1),
      (Number(hdop) * 0.8).toFixed(1),
      '',
      String(inView),
      String(fix.satellites),
      '0',
      '',
      '42',
      '',
      '',
    ].join(',');
  }

  /** XTRA data copied and enabled: the engine is assisted (from now, for the Sky's assistance validity). */
  private applyXtra(): void {
    if (this.xtraEnabled && this.xtraCopiedAt !== undefined) this.sky.inject();
  }

  private powerOn(): void {
    if (!this.sky.running) this.poweredAt = this.sky.now();
    this.sky.start();
    this.dispose();
    if (this.urcEvery > 0)
      this.urcTimer = setInterval(() => {
        if (++this.urcTicks % this.urcEvery === 0) this.io.urc(`+UGNSINF: ${this.navigation()}`);
      }, 1000);
  }

  private powerOff(): void {
    const wasOn = this.sky.running;
    this.sky.stop();
    this.dispose();
    if (wasOn && this.rxHeld) this.io.urc('+CADATAIND: 0');
    this.rxHeld = false;
  }

  /** GNSS chapter: AT+CGNSPWR, AT+CGNSINF, AT+CGNSURC, AT+CGNSCOLD/WARM/HOT, AT+CGNSXTRA, AT+CGNSCPY. */
  private gnss(cmd: string): boolean {
    const io = this.io;
    let m: RegExpExecArray | null;
    if ((m = /^AT\+CGNSPWR=(\d+)$/.exec(cmd))) {
      io.reply(m[1] === '0' || m[1] === '1' ? 'OK' : 'ERROR');
      if (m[1] === '1') this.powerOn();
      else if (m[1] === '0') this.powerOff();
      return true;
    }
    if (cmd === 'AT+CGNSPWR?') {
      io.info(`+CGNSPWR: ${this.sky.running ? 1 : 0}`, cmd);
      return true;
    }
    if (cmd === 'AT+CGNSINF') {
      io.info(`+CGNSINF: ${this.navigation()}`, cmd);
      return true;
    }
    if ((m = /^AT\+CGNSURC=(\d{1,3})$/.exec(cmd))) {
      const n = Number(m[1]);
      if (n > 255) io.reply('ERROR');
      else {
        this.urcEvery = n;
        if (this.sky.running) this.powerOn();
        io.reply('OK');
      }
      return true;
    }
    if (cmd === 'AT+CGNSURC?') {
      io.info(`+CGNSURC: ${this.urcEvery}`, cmd);
      return true;
    }
    // Restarts of a running receiver; a cold start deletes what it held (the XTRA data is re-read when enabled, and
    // its outcome reported: +CGNSXTRA: 0 aided, 1 no XTRA file, 2 not effective).
    if (cmd === 'AT+CGNSCOLD' || cmd === 'AT+CGNSWARM' || cmd === 'AT+CGNSHOT') {
      if (!this.sky.running) {
        io.reply('ERROR');
        return true;
      }
      this.sky.stop();
      if (cmd === 'AT+CGNSCOLD') this.sky.assistedUntil = undefined;
      this.powerOn();
      io.reply('OK');
      if (cmd === 'AT+CGNSCOLD' && this.xtraEnabled) {
        this.applyXtra();
        io.urc(`+CGNSXTRA: ${this.xtraCopiedAt === undefined ? 1 : 0}`);
      }
      return true;
    }
    if ((m = /^AT\+CGNSXTRA=(\d+)$/.exec(cmd))) {
      if (m[1] !== '0' && m[1] !== '1') io.reply('ERROR');
      else {
        this.xtraEnabled = m[1] === '1';
        this.applyXtra();
        io.reply('OK');
      }
      return true;
    }
    if (cmd === 'AT+CGNSXTRA?') {
      io.info(`+CGNSXTRA: ${this.xtraEnabled ? 1 : 0}`, cmd);
      return true;
    }
    // Validity of the XTRA data in the engine: <valid diff hours>,<valid duration hours>,<inject date>,<inject time>.
    if (cmd === 'AT+CGNSXTRA') {
      const at = this.xtraCopiedAt;
      if (at === undefined) {
        io.reply('ERROR');
        return true;
      }
      const durationH = Math.round(this.sky.assistanceValidMs / 3600_000);
      const diffH = Math.floor((at + this.sky.assistanceValidMs - this.sky.now()) / 3600_000);
      const iso = new Date(at).toISOString();
      io.info(`+CGNSXTRA: ${diffH},${durationH},${iso.slice(0, 10).replace(/-/g, '/')},${iso.slice(11, 19)}`, cmd);
      return true;
    }
    if (cmd === 'AT+CGNSCPY') {
      const file = this.files.get(XTRA_PATH);
      const ok = file !== undefined && file.length > 0;
      if (ok) {
        this.xtraCopiedAt = this.sky.now();
        this.applyXtra();
      }
      io.info(`+CGNSCPY: ${ok ? 0 : 1}`, cmd);
      return true;
    }
    return false;
  }

  /** File system chapter: AT+CFSINIT, AT+CFSWFILE (DOWNLOAD prompt), AT+CFSGFIS, AT+CFSDFILE, AT+CFSTERM. */
  private fs(cmd: string): boolean {
    const io = this.io;
    let m: RegExpExecArray | null;
    if (cmd === 'AT+CFSINIT') {
      this.fsOpen = true;
      io.reply('OK');
      return true;
    }
    if (cmd === 'AT+CFSTERM') {
      io.reply(this.fsOpen ? 'OK' : 'ERROR');
      this.fsOpen = false;
      return true;
    }
    // AT+CFSWFILE=<index 0-3>,"<name ≤ 50>",<mode 0 write | 1 append>,<size 1-10240>,<input time 100-10000 ms>
    if ((m = /^AT\+CFSWFILE=(\d+),"([^"]*)",(\d+),(\d+),(\d+)$/.exec(cmd))) {
      const dir = DIRS[Number(m[1])];
      const name = m[2] ?? '';
      const [mode, size, inputMs] = [Number(m[3]), Number(m[4]), Number(m[5])];
      const path = `${dir}${name}`;
      const have = mode === 1 ? (this.files.get(path)?.length ?? 0) : 0;
      const valid =
        this.fsOpen &&
        dir !== undefined &&
        name.length > 0 &&
        name.length <= 50 &&
        (mode === 0 || mode === 1) &&
        size >= 1 &&
        size <= 10240 &&
        inputMs >= 100 &&
        inputMs <= 10000 &&
        have + size <= XTRA_MAX_BYTES;
      if (!valid) {
        io.reply('ERROR');
        return true;
      }
      io.answer('\r\nDOWNLOAD\r\n');
      io.expectPayload(size, (data) => {
        const before = mode === 1 ? (this.files.get(path) ?? Buffer.alloc(0)) : Buffer.alloc(0);
        this.files.set(path, Buffer.concat([before, data]));
        io.reply('OK');
      });
      return true;
    }
    if ((m = /^AT\+CFSGFIS=(\d+),"([^"]*)"$/.exec(cmd))) {
      const file = this.files.get(`${DIRS[Number(m[1])] ?? '?'}${m[2] ?? ''}`);
      if (file) io.info(`+CFSGFIS: ${file.length}`, cmd);
      else io.reply('ERROR');
      return true;
    }
    if ((m = /^AT\+CFSDFILE=(\d+),"([^"]*)"$/.exec(cmd))) {
      io.reply(this.files.delete(`${DIRS[Number(m[1])] ?? '?'}${m[2] ?? ''}`) ? 'OK' : 'ERROR');
      return true;
    }
    return false;
  }

  /**
   * GNSS and LTE share the RF: while the receiver is on, the app network carries no data (AT+CAOPEN, AT+CASEND and
   * AT+CNACT=0,1 answer ERROR; AT+CARECV reads nothing, and what waits is announced by +CADATAIND once the receiver is
   * off). Not stated in the manual; see docs/modem.md.
   */
  private rf(cmd: string): boolean {
    if (!this.sky.running) return false;
    if (/^AT\+CASEND=|^AT\+CAOPEN=|^AT\+CNACT=\d,1$/.test(cmd)) {
      this.io.reply('ERROR');
      return true;
    }
    if (/^AT\+CARECV=/.test(cmd)) {
      this.rxHeld = true;
      this.io.info('+CARECV: 0', cmd);
      return true;
    }
    return false;
  }
}

export const sim7080GnssEmulation: GnssEmulationFactory = (sky, io) => new Sim7080Gnss(sky, io);
