// bg95.ts: the Quectel BG95 GNSS receiver: AT+QGPS / AT+QGPSEND, fixes polled with AT+QGPSLOC=2, gpsOneXTRA assistance
// uploaded into the module's file system (AT+QFUPL) and injected (AT+QGPSXTRATIME, AT+QGPSXTRADATA); RF exclusive.
// Sources: Quectel BG95&BG77&BG600L Series GNSS Application Note V1.3 (AT+QGPSCFG "priority", AT+QGPS, AT+QGPSEND,
// AT+QGPSLOC, AT+QGPSXTRA, AT+QGPSXTRATIME, AT+QGPSXTRADATA, the GNSS error codes) and BG95&BG77&BG600L Series File
// Application Note (AT+QFUPL, AT+QFDEL); docs/modem.md "GNSS", "BG95" says what could not be verified here.
import { CodedError } from '../../errors.js';
import type { AtChannel, AtCommandOptions, AtResponse } from '../at-channel.js';
import { paramsOf } from '../parse.js';
import type { SocketTimeouts } from '../profiles/types.js';
import type { GnssDialect, GnssFix, GnssNeed } from './types.js';
import { accuracyFromHdop, kmhToMps } from './units.js';

/** Where the XTRA file goes in the module's user file system (UFS) while it is injected. */
export const XTRA_FILE = 'UFS:xtra2.bin';

/** The uncertainty given with the host's UTC time in AT+QGPSXTRATIME: 3500 ms, the command's default and minimum. */
const TIME_UNCERTAINTY_MS = 3500;

/** GNSS error codes (+CME ERROR: 5xx) of the GNSS Application Note's error code summary. */
export const BG95_GNSS_ERRORS: Readonly<Record<number, string>> = {
  501: 'invalid parameter',
  502: 'operation not supported',
  503: 'GNSS subsystem busy',
  504: 'session is ongoing',
  505: 'session not active',
  506: 'operation timeout',
  507: 'function not enabled',
  508: 'time information error',
  509: 'XTRA not enabled',
  512: 'validity time is out of range',
  513: 'internal resource error',
  514: 'GNSS locked',
  515: 'end by E911',
  516: 'not fixed now',
  517: 'geo-fence ID does not exist',
  518: 'sync time failed',
  519: 'XTRA file does not exist',
  520: 'XTRA file on downloading',
  521: 'XTRA file is valid',
  522: 'GNSS is working',
  523: 'time injection error',
  524: 'XTRA file is invalid',
  549: 'unknown error',
};

/** File errors (+CME ERROR: 4xx) of the File Application Note that an XTRA upload can meet. */
const FILE_ERRORS: Readonly<Record<number, string>> = {
  405: 'file not found',
  407: 'file already exists',
  420: 'no space',
  421: 'time out',
  423: 'file too large',
};

const DECIMAL = /^-?\d+(?:\.\d+)?$/;
const UNSIGNED = /^\d+(?:\.\d+)?$/;

/** A decimal number within [min, max], else undefined. */
function inRange(s: string | undefined, min: number, max: number, re = DECIMAL): number | undefined {
  if (s === undefined || !re.test(s)) return undefined;
  const v = Number(s);
  return v >= min && v <= max ? v : undefined;
}

/** NMEA-style `ddmm.mmmm` / `dddmm.mmmm` and its hemisphere → signed degrees (minutes ≥ 60, over `max`: undefined). */
function degMin(s: string | undefined, hemi: string | undefined, max: number, hemis: string): number | undefined {
  if (s === undefined || hemi === undefined || hemi.length !== 1 || !hemis.includes(hemi)) return undefined;
  if (!/^\d{3,5}\.\d+$/.test(s)) return undefined;
  const v = Number(s);
  const deg = Math.floor(v / 100);
  const min = v - deg * 100;
  const d = deg + min / 60;
  if (min >= 60 || d > max) return undefined;
  return hemi === hemis[1] ? -d : d;
}

/** `hhmmss[.sss]` and `ddmmyy` (UTC) → ms since the epoch; undefined when not a real time and date. */
function utcOf(time: string | undefined, date: string | undefined): number | undefined {
  const t = /^(\d{2})(\d{2})(\d{2})(?:\.(\d{1,3}))?$/.exec(time ?? '');
  const d = /^(\d{2})(\d{2})(\d{2})$/.exec(date ?? '');
  if (!t || !d) return undefined;
  const [h, mi, s] = [Number(t[1]), Number(t[2]), Number(t[3])];
  const ms = Number((t[4] ?? '0').padEnd(3, '0'));
  const [day, mon, year] = [Number(d[1]), Number(d[2]), 2000 + Number(d[3])];
  if (h > 23 || mi > 59 || s > 59 || mon < 1 || mon > 12 || day < 1) return undefined;
  const utc = Date.UTC(year, mon - 1, day, h, mi, s, ms);
  return new Date(utc).getUTCDate() === day ? utc : undefined; // 31 February rolls over: not a date
}

/** `ddd.mm` (degrees, minutes) course over ground → degrees. */
function courseOf(s: string | undefined): number | undefined {
  const m = /^(\d{1,3})\.(\d{2})$/.exec(s ?? '');
  if (!m) return undefined;
  const deg = Number(m[1]);
  const min = Number(m[2]);
  return deg < 360 && min < 60 ? deg + min / 60 : undefined;
}

/**
 * One `+QGPSLOC:` line, `<UTC>,<latitude>,<longitude>,<HDOP>,<altitude>,<fix>,<COG>,<spkm>,<spkn>,<date>,<nsat>`,
 * in any of the command's three latitude/longitude forms (mode 0 `ddmm.mmmmN,dddmm.mmmmE`, mode 1
 * `ddmm.mmmmmm,N,dddmm.mmmmmm,E`, mode 2 `(-)dd.ddddd,(-)ddd.ddddd`) → a fix in SI units. Anything malformed,
 * truncated or out of range, or a fix mode other than 2 (2D) / 3 (3D), is no fix (undefined). A 2D fix has no
 * altitude.
 */
export function parseQgpslocLine(line: string): GnssFix | undefined {
  const p = paramsOf(line.trim(), '+QGPSLOC:');
  if (!p) return undefined;
  let latitude: number | undefined;
  let longitude: number | undefined;
  let rest: string[];
  if (p.length === 13) {
    latitude = degMin(p[1], p[2], 90, 'NS');
    longitude = degMin(p[3], p[4], 180, 'EW');
    rest = p.slice(5);
  } else if (p.length === 11 && /[NS]$/.test(p[1] ?? '')) {
    latitude = degMin(p[1]?.slice(0, -1), p[1]?.slice(-1), 90, 'NS');
    longitude = degMin(p[2]?.slice(0, -1), p[2]?.slice(-1), 180, 'EW');
    rest = p.slice(3);
  } else if (p.length === 11) {
    latitude = inRange(p[1], -90, 90);
    longitude = inRange(p[2], -180, 180);
    rest = p.slice(3);
  } else return undefined;
  const [hdopS, altS, fixS, cogS, spkmS, spknS, dateS, nsatS] = rest;
  const hdop = inRange(hdopS, 0.1, 99.9, UNSIGNED);
  const altitude = inRange(altS, -1000, 50_000);
  const headingDeg = courseOf(cogS);
  const kmh = inRange(spkmS, 0, 9999.9, UNSIGNED);
  const knots = inRange(spknS, 0, 9999.9, UNSIGNED);
  const utcMs = utcOf(p[0], dateS);
  const satellites = /^\d{1,2}$/.test(nsatS ?? '') ? Number(nsatS) : undefined;
  if (fixS !== '2' && fixS !== '3') return undefined;
  if (latitude === undefined || longitude === undefined || utcMs === undefined || hdop === undefined) return undefined;
  if (altitude === undefined || headingDeg === undefined || kmh === undefined || knots === undefined) return undefined;
  if (satellites === undefined) return undefined;
  const fix: GnssFix = {
    latitude,
    longitude,
    accuracyM: accuracyFromHdop(hdop),
    speedMps: kmhToMps(kmh),
    headingDeg,
    utcMs,
    satellites,
  };
  if (fixS === '3') fix.altitudeM = altitude;
  return fix;
}

/** AT+QGPSLOC's answer: the fix on its `+QGPSLOC:` line, or undefined. */
export function parseQgpsloc(lines: string[]): GnssFix | undefined {
  const line = lines.find((l) => l.startsWith('+QGPSLOC:'));
  return line === undefined ? undefined : parseQgpslocLine(line);
}

/**
 * `+QGPSXTRADATA: <xtradatadurtime>,"<injecteddatatime>"`: minutes of validity (0: no XTRA data, or overdue; up to
 * 10080) from the start time `YYYY/MM/DD,hh:mm:ss` (UTC). Valid data: no ephemeris needed, valid until start +
 * duration. Anything else (no line, malformed): assistance is needed.
 */
export function parseXtraData(lines: string[]): GnssNeed {
  const line = lines.find((l) => l.startsWith('+QGPSXTRADATA:'));
  const p = line === undefined ? undefined : paramsOf(line, '+QGPSXTRADATA:');
  const minutes = inRange(p?.[0], 0, 10080, /^\d+$/);
  if (minutes === undefined || minutes === 0) return { ephemeris: true };
  const t = /^(\d{4})\/(\d{2})\/(\d{2}),(\d{2}):(\d{2}):(\d{2})$/.exec(p?.[1] ?? '');
  if (!t) return { ephemeris: false };
  const start = Date.UTC(Number(t[1]), Number(t[2]) - 1, Number(t[3]), Number(t[4]), Number(t[5]), Number(t[6]));
  return Number.isNaN(start) ? { ephemeris: false } : { ephemeris: false, validUntilMs: start + minutes * 60_000 };
}

/** AT+QFUPL's `<checksum>`: XOR of the data's 16-bit big-endian words (an odd last byte is a word's high byte). */
export function qfuplChecksum(data: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < data.length; i += 2) sum ^= ((data[i] ?? 0) << 8) | (data[i + 1] ?? 0);
  return sum;
}

/** AT+QGPSXTRATIME's `<xtra_time>`: `YYYY/MM/DD,hh:mm:ss` in UTC. */
export function xtraTime(d: Date): string {
  const two = (n: number): string => String(n).padStart(2, '0');
  return (
    `${d.getUTCFullYear()}/${two(d.getUTCMonth() + 1)}/${two(d.getUTCDate())},` +
    `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`
  );
}

/** An XTRA step's failure as GNSS_INJECT_FAILED, with the module's error code and its meaning. */
function injectFailed(cmd: string, err: unknown): CodedError {
  const cme = err instanceof CodedError ? err.details?.['cme'] : undefined;
  const meaning = typeof cme === 'number' ? (BG95_GNSS_ERRORS[cme] ?? FILE_ERRORS[cme]) : undefined;
  return new CodedError(
    'GNSS_INJECT_FAILED',
    `XTRA injection failed: ${(err as Error).message}${meaning !== undefined ? ` (${meaning})` : ''}`,
    { cmd, ...(cme !== undefined ? { cme } : {}) },
    { cause: err },
  );
}

/**
 * Injects a gpsOneXTRA file: enable XTRA (AT+QGPSXTRA=1), upload the file into UFS (AT+QFUPL: `CONNECT`, the bytes,
 * `+QFUPL: <size>,<checksum>`, both checked), inject the host's UTC time (AT+QGPSXTRATIME) and the file
 * (AT+QGPSXTRADATA), then delete the file (AT+QFDEL, also after a failure). Time and data are taken only while the
 * receiver is off (else +CME ERROR: 522 "GNSS is working").
 */
async function injectXtra(ch: AtChannel, data: Uint8Array, t: SocketTimeouts): Promise<void> {
  if (data.length === 0) throw new CodedError('GNSS_INJECT_FAILED', 'XTRA injection failed: the file is empty');
  const now = new Date();
  if (now.getUTCFullYear() < 2024)
    throw new CodedError(
      'GNSS_INJECT_FAILED',
      `XTRA injection failed: the host clock is not set (${now.toISOString()})`,
    );
  const step = async (cmd: string, opts: AtCommandOptions = {}): Promise<AtResponse> => {
    try {
      return await ch.command(cmd, { timeoutMs: t.commandMs, ...opts });
    } catch (err) {
      throw injectFailed(cmd, err);
    }
  };
  const remove = (): Promise<unknown> =>
    ch.command(`AT+QFDEL="${XTRA_FILE}"`, { timeoutMs: t.commandMs }).catch(() => undefined);
  await step('AT+QGPSXTRA=1');
  await remove(); // a file left by an interrupted injection (AT+QFUPL on an existing file: 407)
  try {
    // AT+QFUPL=<filename>,<file_size>,<timeout s to wait for the data>
    const waitS = Math.min(65_535, Math.max(1, Math.ceil(t.longCommandMs / 1000)));
    const cmd = `AT+QFUPL="${XTRA_FILE}",${data.length},${waitS}`;
    const up = await step(cmd, { payload: data, promptLine: 'CONNECT', expect: '+QFUPL:', timeoutMs: t.longCommandMs });
    const line = up.lines.find((l) => l.startsWith('+QFUPL:'));
    const p = line === undefined ? undefined : paramsOf(line, '+QFUPL:');
    const size = Number(p?.[0]);
    const sum = /^[0-9a-fA-F]{1,4}$/.test(p?.[1] ?? '') ? Number.parseInt(p?.[1] ?? '', 16) : NaN;
    if (size !== data.length || sum !== qfuplChecksum(data))
      throw new CodedError(
        'GNSS_INJECT_FAILED',
        `XTRA injection failed: upload answered ${line ?? 'no +QFUPL line'}, expected ${data.length},` +
          `${qfuplChecksum(data).toString(16)}`,
        { cmd },
      );
    // AT+QGPSXTRATIME=<operation 0 inject>,"<xtra_time>",<utc 1>,<force 1>,<uncertainty ms>: before the data.
    await step(`AT+QGPSXTRATIME=0,"${xtraTime(now)}",1,1,${TIME_UNCERTAINTY_MS}`);
    await step(`AT+QGPSXTRADATA="${XTRA_FILE}"`, { timeoutMs: t.longCommandMs });
  } finally {
    await remove();
  }
}

/**
 * The BG95 GNSS dialect. The receiver and LTE share one RF chain ('exclusive'): AT+QGPSCFG="priority",0 gives GNSS the
 * RF for the fix attempt, AT+QGPSCFG="priority",1 gives it back to LTE (WWAN) after AT+QGPSEND. The priority commands
 * are optional (firmware without them answers ERROR; the client's RF hold keeps LTE quiet anyway).
 */
export const bg95Gnss: GnssDialect = {
  rf: 'exclusive',
  assistanceFormat: 'xtra',
  start: () => [{ cmd: 'AT+QGPSCFG="priority",0', optional: true }, { cmd: 'AT+QGPS=1' }],
  stop: () => [
    // +CME ERROR: 505 (session not active) when the start failed: nothing to stop.
    { cmd: 'AT+QGPSEND', optional: true },
    { cmd: 'AT+QGPSCFG="priority",1', optional: true },
  ],
  // AT+QGPSLOC=2 (decimal degrees); +CME ERROR: 516 "not fixed now" until there is a fix (the session: no fix yet).
  poll: { cmd: 'AT+QGPSLOC=2', expect: '+QGPSLOC:', intervalMs: 1000, parse: parseQgpsloc },
  need: { cmd: 'AT+QGPSXTRADATA?', expect: '+QGPSXTRADATA:', parse: parseXtraData },
  inject: injectXtra,
};
