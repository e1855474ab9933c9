// sim7080.ts: the SIMCom SIM7080G GNSS dialect: AT+CGNSPWR power, AT+CGNSINF fixes, XTRA injected via the file system.
// Source: SIM7070_SIM7080_SIM7090 Series_AT Command Manual_V1.04, GNSS chapter (AT+CGNSPWR, AT+CGNSINF, AT+CGNSURC,
// AT+CGNSCOLD, AT+CGNSXTRA, AT+CGNSCPY) and file system chapter (AT+CFSINIT, AT+CFSWFILE, AT+CFSTERM); docs/modem.md
// (GNSS, "SIM7080 (SIMCom SIM7080G)") names what was checked against which text.
import { CodedError } from '../../errors.js';
import type { AtChannel } from '../at-channel.js';
import type { SocketTimeouts } from '../profiles/types.js';
import type { GnssDialect, GnssFix, GnssNeed } from './types.js';
import { accuracyFromHdop, kmhToMps } from './units.js';

/** The file AT+CGNSCPY copies into the GNSS engine: `/customer/Xtra3.bin` (AT+CFSWFILE directory index 3). */
export const XTRA_DIR = 3;
export const XTRA_FILE = 'Xtra3.bin';
/** AT+CFSWFILE <file size> range 1–10240: a larger file is written in parts (<mode> 0, then 1 = append). */
export const CFSWFILE_MAX = 10240;
/** AT+CFSWFILE <input time> (ms, 100–10000): how long the module waits for the bytes after DOWNLOAD. */
const CFSWFILE_INPUT_MS = 10000;
/** Fields of +CGNSINF up to <GNSS Satellites Used>; a shorter line is truncated (the module always sends all 21). */
const MIN_FIELDS = 16;

/** A decimal number as the manual prints them (`-12.345`); NaN when empty or malformed. */
function decimal(s: string | undefined): number {
  const t = (s ?? '').trim();
  if (t === '') return Number.NaN;
  return /^[+-]?\d{1,9}(\.\d{1,9})?$/.test(t) ? Number(t) : Number.NaN;
}

/** An optional field: absent when empty, `null` when present but malformed or outside [min, max]. */
function optional(s: string | undefined, min: number, max: number): number | undefined | null {
  if ((s ?? '').trim() === '') return undefined;
  const n = decimal(s);
  return Number.isFinite(n) && n >= min && n <= max ? n : null;
}

/**
 * `yyyyMMddhhmmss.sss` (UTC) → ms since the epoch; undefined when malformed or out of the manual's ranges (year
 * 1980–2039, month 1–12, day 1–31 and valid for the month, hour 0–23, minute 0–59, second 0–60.999).
 */
export function parseCgnsUtc(s: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?:\.(\d{1,3}))?$/.exec(s.trim());
  if (!m) return undefined;
  const [y, mo, d, h, mi, sec] = [m[1], m[2], m[3], m[4], m[5], m[6]].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const ms = m[7] === undefined ? 0 : Number(m[7].padEnd(3, '0'));
  if (y < 1980 || y > 2039 || mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || sec > 60) return undefined;
  const daysInMonth = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  if (d > daysInMonth) return undefined;
  return Date.UTC(y, mo - 1, d, h, mi, sec, ms);
}

/**
 * One `+CGNSINF:` (or `+UGNSINF:`) line → a fix, or undefined: receiver off (<GNSS run status> 0), no fix yet (<Fix
 * status> 0), or a malformed / truncated line or a field outside the manual's range (a corrupted line is no fix: the
 * next poll a second later gives a clean one). Fields (comma separated, empty when unknown): 1 run status, 2 fix
 * status, 3 UTC yyyyMMddhhmmss.sss, 4 latitude ±dd.dddddd, 5 longitude ±ddd.dddddd, 6 MSL altitude m, 7 speed over
 * ground km/h [0, 999.99], 8 course over ground ° [0, 360], 9 fix mode, 10 reserved, 11 HDOP [0, 99.9], 12 PDOP, 13
 * VDOP, 14 reserved, 15 satellites in view, 16 satellites used [0, 99], 17… more. Accuracy: HDOP × 5 m (the module
 * gives no accuracy estimate of its own).
 */
export function parseCgnsinfLine(line: string): GnssFix | undefined {
  const m = /^\+[CU]GNSINF: ?(.*)$/.exec(line.trim());
  if (!m) return undefined;
  const f = (m[1] ?? '').split(',');
  if (f.length < MIN_FIELDS || f[0] !== '1' || f[1] !== '1') return undefined;
  const utcMs = parseCgnsUtc(f[2] ?? '');
  const latitude = decimal(f[3]);
  const longitude = decimal(f[4]);
  if (utcMs === undefined || !(Math.abs(latitude) <= 90) || !(Math.abs(longitude) <= 180)) return undefined;
  const altitude = optional(f[5], -10_000, 100_000);
  const speedKmh = optional(f[6], 0, 999.99);
  const course = optional(f[7], 0, 360);
  const hdop = optional(f[10], 0, 99.9);
  const used = optional(f[15], 0, 99);
  if (altitude === null || speedKmh === null || course === null || hdop === null || used === null) return undefined;
  if (used !== undefined && !Number.isInteger(used)) return undefined;
  const fix: GnssFix = { latitude, longitude, utcMs };
  if (altitude !== undefined) fix.altitudeM = altitude;
  if (hdop !== undefined && hdop > 0) fix.accuracyM = accuracyFromHdop(hdop);
  if (speedKmh !== undefined) fix.speedMps = kmhToMps(speedKmh);
  if (course !== undefined) fix.headingDeg = course;
  if (used !== undefined) fix.satellites = used;
  return fix;
}

/** AT+CGNSINF's answer lines → a fix or undefined. */
export function parseCgnsinf(lines: string[]): GnssFix | undefined {
  const line = lines.find((l) => l.startsWith('+CGNSINF:'));
  return line === undefined ? undefined : parseCgnsinfLine(line);
}

/**
 * AT+CGNSXTRA (execution: the validity of the XTRA data in the engine) → `+CGNSXTRA: <valid diff hours>,<valid
 * duration hours>,<yyyy/MM/dd>,<hh:mm:ss>` (the time the file was injected; quotes tolerated; taken as UTC). No XTRA
 * file: ERROR (the driver then parses no lines) or a bare status `+CGNSXTRA: 1` / `2` (file missing / not effective).
 * Ephemeris is needed unless the file has hours of validity left; anything malformed means it is needed.
 */
export function parseCgnsXtra(lines: string[]): GnssNeed {
  const line = lines.find((l) => l.startsWith('+CGNSXTRA:'));
  const m = /^\+CGNSXTRA: ?(-?\d{1,5}),(\d{1,5}),"?(\d{4})\/(\d{2})\/(\d{2}),(\d{2}):(\d{2}):(\d{2})"?\s*$/.exec(
    line ?? '',
  );
  if (!m) return { ephemeris: true };
  const diffH = Number(m[1]);
  const durationH = Number(m[2]);
  const [y, mo, d, h, mi, s] = m.slice(3, 9).map(Number) as [number, number, number, number, number, number];
  const injected = Date.UTC(y, mo - 1, d, h, mi, s);
  const need: GnssNeed = { ephemeris: !(diffH > 0) };
  if (Number.isFinite(injected) && mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h <= 23 && mi <= 59 && s <= 60)
    need.validUntilMs = injected + durationH * 3600_000;
  return need;
}

/**
 * Writes the XTRA file into the module's file system and copies it into the GNSS engine: AT+CFSINIT; AT+CFSWFILE=3,
 * "Xtra3.bin",<0 write | 1 append>,<n ≤ 10240>,10000 per part, each answered `DOWNLOAD`, then the n bytes, then OK;
 * AT+CFSTERM; AT+CGNSXTRA=1 (XTRA on); AT+CGNSCPY → `+CGNSCPY: 0` (copied; 1: the file does not exist). Any error
 * answer → GNSS_INJECT_FAILED with the modem's words (the file-system buffer is freed first).
 */
async function injectXtra(ch: AtChannel, data: Uint8Array, t: SocketTimeouts): Promise<void> {
  const fail = (step: string, err: unknown): CodedError =>
    new CodedError('GNSS_INJECT_FAILED', `XTRA injection failed at ${step}: ${(err as Error).message ?? String(err)}`, {
      step,
    });
  try {
    await ch.command('AT+CFSINIT', { timeoutMs: t.commandMs });
  } catch (err) {
    throw fail('AT+CFSINIT', err);
  }
  try {
    // An empty file is sent as one zero-length part: the module refuses <file size> 0 (range 1–10240).
    const parts: Uint8Array[] = [];
    for (let off = 0; off < data.length; off += CFSWFILE_MAX) parts.push(data.subarray(off, off + CFSWFILE_MAX));
    if (parts.length === 0) parts.push(data);
    for (const [i, part] of parts.entries()) {
      await ch.command(
        `AT+CFSWFILE=${XTRA_DIR},"${XTRA_FILE}",${i === 0 ? 0 : 1},${part.length},${CFSWFILE_INPUT_MS}`,
        {
          payload: part,
          promptLine: 'DOWNLOAD',
          timeoutMs: t.longCommandMs + CFSWFILE_INPUT_MS,
        },
      );
    }
  } catch (err) {
    await ch.command('AT+CFSTERM', { timeoutMs: t.commandMs }).catch(() => undefined);
    throw fail('AT+CFSWFILE', err);
  }
  try {
    await ch.command('AT+CFSTERM', { timeoutMs: t.commandMs });
    await ch.command('AT+CGNSXTRA=1', { timeoutMs: t.commandMs });
  } catch (err) {
    throw fail('AT+CGNSXTRA=1', err);
  }
  let copied: string | undefined;
  try {
    const r = await ch.command('AT+CGNSCPY', { expect: '+CGNSCPY:', timeoutMs: t.longCommandMs });
    copied = /^\+CGNSCPY: ?(\d+)/.exec(r.lines.find((l) => l.startsWith('+CGNSCPY:')) ?? '')?.[1];
  } catch (err) {
    throw fail('AT+CGNSCPY', err);
  }
  if (copied !== '0')
    throw new CodedError(
      'GNSS_INJECT_FAILED',
      `AT+CGNSCPY: the XTRA file was not copied (+CGNSCPY: ${copied ?? '?'})`,
      {
        step: 'AT+CGNSCPY',
      },
    );
}

/**
 * SIM7080G: GNSS and LTE share one RF path ('exclusive': no LTE data while the receiver is on); assistance is a
 * Qualcomm XTRA file. A fix attempt powers the receiver on (AT+CGNSPWR=1: the engine starts from what it holds, the
 * XTRA data copied by `inject` included), polls AT+CGNSINF every second and powers it off (AT+CGNSPWR=0).
 */
export const sim7080Gnss: GnssDialect = {
  rf: 'exclusive',
  assistanceFormat: 'xtra',
  start: () => [{ cmd: 'AT+CGNSPWR=1' }],
  stop: () => [{ cmd: 'AT+CGNSPWR=0' }],
  poll: { cmd: 'AT+CGNSINF', expect: '+CGNSINF:', intervalMs: 1000, parse: parseCgnsinf },
  // Answered ERROR when no XTRA file was ever copied: `optional` makes that "no lines" (ephemeris needed).
  need: { cmd: 'AT+CGNSXTRA', expect: '+CGNSXTRA:', optional: true, parse: parseCgnsXtra },
  inject: injectXtra,
};
