// nrf91.ts: the nRF91 GNSS dialect of the Serial Modem (AT#XGNSS, its fix and status notifications) and the product's
// A-GNSS injection command AT#XAGNSS (the Serial Modem has none that takes data from the host: docs/modem.md, "GNSS").
// Source: nRF Connect SDK Serial Modem add-on v1.0.1, "GNSS AT commands" (ncs-serial-modem doc/app/at_gnss.rst,
// "Control GNSS": set / read command, unsolicited notifications).
import { CodedError } from '../../errors.js';
import { paramsOf, toHex } from '../parse.js';
import { decodeNrfCloudAgnss } from './nrf-cloud-agnss.js';
import type { GnssDialect, GnssFix, GnssNeed } from './types.js';

/**
 * `#XGNSS: <latitude>,<longitude>,<altitude>,<accuracy>,<speed>,<heading>,<datetime>` (v1.0.1), `#XGNSSPOS: …` in
 * the Serial Modem after v1.0.1: seven fields, the last a quoted "YYYY-MM-DD hh:mm:ss" UTC. The status notification
 * `#XGNSS: <gnss_service>,<gnss_status>` has two fields and does not match.
 */
export const XGNSS_FIX = /^#XGNSS(?:POS)?: [^,]*,[^,]*,[^,]*,[^,]*,[^,]*,[^,]*,"/;

const NUM = /^-?\d+(?:\.\d+)?$/;

/** A fix notification → GnssFix; undefined for anything malformed (never throws). */
export function parseXgnssFix(line: string): GnssFix | undefined {
  const prefix = line.startsWith('#XGNSSPOS:') ? '#XGNSSPOS' : '#XGNSS';
  const p = paramsOf(line, prefix);
  if (!p || p.length !== 7) return undefined;
  const nums = p.slice(0, 6);
  if (!nums.every((x) => NUM.test(x))) return undefined;
  const [lat, lon, alt, acc, speed, heading] = nums.map(Number) as [number, number, number, number, number, number];
  const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(p[6] ?? '');
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return undefined;
  if (Math.abs(lat) > 90 || Math.abs(lon) > 180 || acc < 0) return undefined;
  return {
    latitude: lat,
    longitude: lon,
    altitudeM: alt,
    accuracyM: acc,
    speedMps: speed,
    headingDeg: heading,
    utcMs: Date.UTC(y, mo - 1, d, h, mi, s),
  };
}

/** nrf_modem_gnss.h A-GNSS data_flags: what the receiver asks for besides ephemerides and almanacs. */
const NEED_TIME = 0x08;
const NEED_POSITION = 0x10;

/**
 * `#XAGNSS: <sv_mask_ephe>,<sv_mask_alm>,<data_flags>` (decimal; the GPS system's masks and the flags of the
 * receiver's last A-GNSS request, nrf_modem_gnss_agnss_data_frame) → what it lacks.
 */
export function parseXagnssNeed(lines: string[]): GnssNeed {
  const p = paramsOf(lines.find((l) => l.startsWith('#XAGNSS:')) ?? '', '#XAGNSS');
  const [ephe, , flags] = (p ?? []).map((x) => (/^\d+$/.test(x) ? Number(x) : Number.NaN));
  if (ephe === undefined || flags === undefined || Number.isNaN(ephe) || Number.isNaN(flags))
    throw new CodedError('GNSS_NEED_UNREADABLE', `#XAGNSS? answer not understood: ${lines.join(' | ')}`);
  return { ephemeris: ephe !== 0, time: (flags & NEED_TIME) !== 0, position: (flags & NEED_POSITION) !== 0 };
}

/** Bytes per AT#XAGNSS chunk: 2 hex digits a byte stay well inside the default 4096-byte AT buffer (SM_AT_BUF_SIZE). */
export const XAGNSS_CHUNK = 1024;

export const nrf91Gnss: GnssDialect = {
  // nRF91: GNSS runs in LTE idle time (PSM / eDRX gaps); the modem schedules it, no RF hold by the client.
  rf: 'lte-idle',
  assistanceFormat: 'nrf-cloud-agnss',
  // "Control GNSS", set command AT#XGNSS=<op>,<cloud_assistance>,<interval>[,<timeout>]: op 1 start, cloud
  // assistance 0 (the host injects, the SM asks nRF Cloud for nothing), interval 1 continuous navigation (a fix a
  // second until stopped, so a better one can follow a first rough one; <timeout> must be omitted). Answer:
  // `#XGNSS: 1,1` (started), OK.
  start: () => [{ cmd: 'AT#XGNSS=1,0,1', expect: '#XGNSS:' }],
  // AT#XGNSS=0 stops it (`#XGNSS: 1,0`, OK; OK alone when it was not running).
  stop: () => [{ cmd: 'AT#XGNSS=0', expect: '#XGNSS:', optional: true }],
  fixUrc: { re: XGNSS_FIX, parse: parseXgnssFix },
  need: { cmd: 'AT#XAGNSS?', expect: '#XAGNSS:', parse: parseXagnssNeed },
  // AT#XAGNSS=1,<offset>,"<hex>" per chunk, then AT#XAGNSS=2: the SM hands the whole buffer to the nRF Cloud A-GNSS
  // library's nrf_cloud_agnss_process() (OK, or ERROR when it refused). AT#XAGNSS=0 drops a partial buffer.
  async inject(ch, data, t) {
    decodeNrfCloudAgnss(data); // GNSS_BAD_ASSISTANCE: never send the modem what it would refuse
    try {
      for (let off = 0; off < data.length; off += XAGNSS_CHUNK) {
        const chunk = data.subarray(off, off + XAGNSS_CHUNK);
        await ch.command(`AT#XAGNSS=1,${off},"${toHex(chunk)}"`, { timeoutMs: t.commandMs });
      }
      await ch.command('AT#XAGNSS=2', { timeoutMs: t.longCommandMs });
    } catch (err) {
      await ch.command('AT#XAGNSS=0', { timeoutMs: t.commandMs }).catch(() => undefined);
      throw new CodedError('GNSS_INJECT_FAILED', `A-GNSS injection refused: ${(err as Error).message}`, {
        cause: (err as { code?: string }).code,
      });
    }
  },
};
