// nrf91.ts: the emulated nRF91 Serial Modem GNSS: AT#XGNSS as "GNSS AT commands" (Serial Modem v1.0.1) documents it,
// fixes from the Sky, and the product's AT#XAGNSS (A-GNSS data checked as nrf_cloud_agnss_process() would).
import { decodeNrfCloudAgnss } from '../../gnss/nrf-cloud-agnss.js';
import type { Sky, SkyFix } from '../sky.js';
import type { EmulatorIo, GnssEmulation, GnssEmulationFactory } from './index.js';

/** `#XGNSS: <lat>,<lon>,<alt>,<acc>,<speed>,<heading>,"YYYY-MM-DD hh:mm:ss"` as the SM prints it (%lf / %f). */
export function xgnssFixLine(f: SkyFix): string {
  const d = new Date(f.utcMs);
  const p2 = (n: number): string => String(n).padStart(2, '0');
  const when = `${d.getUTCFullYear()}-${p2(d.getUTCMonth() + 1)}-${p2(d.getUTCDate())} ${p2(d.getUTCHours())}:${p2(
    d.getUTCMinutes(),
  )}:${p2(d.getUTCSeconds())}`;
  const n = (x: number): string => x.toFixed(6);
  return `#XGNSS: ${n(f.latitude)},${n(f.longitude)},${n(f.altitudeM)},${n(f.accuracyM)},${n(f.speedMps)},${n(
    f.headingDeg,
  )},"${when}"`;
}

/** GPS satellites 1–32 all wanted (sv_mask_ephe / sv_mask_alm) and every data flag (0x3F): a cold receiver. */
const ALL_SVS = 0xffffffff;
const ALL_FLAGS = 0x3f;

export const nrf91GnssEmulation: GnssEmulationFactory = (sky: Sky, io: EmulatorIo): GnssEmulation => {
  /** %XSYSTEMMODE's <GNSS> bit: the receiver can run only when it is set. */
  let systemGnss = false;
  /** The GNSS status of `#XGNSS: <service>,<status>`: 0 stopped, 1 started, 3 sleep after timeout, 4 after fix. */
  let status = 0;
  let mode: 'single' | 'continuous' = 'continuous';
  let timer: NodeJS.Timeout | undefined;
  let timeoutTimer: NodeJS.Timeout | undefined;
  /** The AT#XAGNSS buffer being filled. */
  let agnss = Buffer.alloc(0);

  const clear = (): void => {
    if (timer) clearTimeout(timer);
    if (timeoutTimer) clearTimeout(timeoutTimer);
    timer = timeoutTimer = undefined;
  };
  const setStatus = (s: number): void => {
    status = s;
    io.urc(`#XGNSS: 1,${s}`);
  };
  /** Waits for the sky's fix; continuous mode: one a second until stopped; single: one, then sleep. */
  const schedule = (): void => {
    const ms = sky.msToFix();
    // Indoors (or the sky changed): look again in a while.
    timer = setTimeout(tick, ms === undefined ? 250 : Math.max(ms, 1));
  };
  const tick = (): void => {
    timer = undefined;
    if (!sky.running) return;
    const f = sky.fix();
    if (!f) return schedule();
    if (mode === 'single') {
      clear();
      sky.stop();
      setStatus(4);
      io.urc(xgnssFixLine(f));
      return;
    }
    io.urc(xgnssFixLine(f));
    timer = setTimeout(tick, 1000);
  };

  // AT#XGNSS=1,<cloud_assistance>,<interval>[,<timeout>]
  const start = (p: string[]): void => {
    const [, cloud, interval, timeout] = p.map(Number);
    if (status === 1) return io.reply('ERROR'); // -EBUSY: already running
    if (cloud === undefined || cloud > 1 || Number.isNaN(cloud)) return io.reply('ERROR');
    // Cloud assistance needs the SM's own nRF Cloud connection (AT#XNRFCLOUD=1), which this emulator never has.
    if (cloud === 1) return io.reply('ERROR');
    if (interval === undefined || Number.isNaN(interval) || (interval > 1 && interval < 10)) return io.reply('ERROR');
    if (interval === 1 && p.length !== 3) return io.reply('ERROR'); // continuous: no <timeout>
    if (!systemGnss) return io.reply('ERROR'); // GNSS not enabled in %XSYSTEMMODE
    mode = interval === 1 ? 'continuous' : 'single';
    sky.start();
    io.info('#XGNSS: 1,1', `AT#XGNSS=${p.join(',')}`);
    status = 1;
    if (mode === 'single') {
      const s = timeout ?? 60;
      if (s > 0)
        timeoutTimer = setTimeout(() => {
          clear();
          sky.stop();
          setStatus(3);
        }, s * 1000);
    }
    schedule();
  };

  const stop = (): void => {
    const wasRunning = status === 1;
    clear();
    sky.stop();
    if (wasRunning) {
      status = 0;
      io.info('#XGNSS: 1,0', 'AT#XGNSS=0');
    } else io.reply('OK');
  };

  // Product command AT#XAGNSS: =1,<offset>,"<hex>" appends, =2 injects, =0 drops, ? what the receiver wants.
  const xagnss = (cmd: string): void => {
    if (cmd === 'AT#XAGNSS?')
      return sky.assisted
        ? io.info('#XAGNSS: 0,0,0', cmd)
        : io.info(`#XAGNSS: ${ALL_SVS},${ALL_SVS},${ALL_FLAGS}`, cmd);
    if (cmd === 'AT#XAGNSS=0') {
      agnss = Buffer.alloc(0);
      return io.reply('OK');
    }
    const chunk = /^AT#XAGNSS=1,(\d+),"((?:[0-9A-Fa-f]{2})+)"$/.exec(cmd);
    if (chunk) {
      const off = Number(chunk[1]);
      if (off === 0) agnss = Buffer.alloc(0);
      if (off !== agnss.length) return io.reply('ERROR');
      agnss = Buffer.concat([agnss, Buffer.from(chunk[2] ?? '', 'hex')]);
      return io.reply('OK');
    }
    if (cmd === 'AT#XAGNSS=2') {
      const data = agnss;
      agnss = Buffer.alloc(0);
      try {
        const s = decodeNrfCloudAgnss(new Uint8Array(data));
        if (s.ephemerides > 0) sky.inject();
        return io.reply('OK');
      } catch {
        return io.reply('ERROR'); // nrf_cloud_agnss_process: -EBADMSG and the like
      }
    }
    return io.reply('ERROR');
  };

  return {
    handle(cmd) {
      const sm = /^AT%XSYSTEMMODE=(\d),(\d),(\d),(\d)$/.exec(cmd);
      if (sm) {
        systemGnss = sm[3] === '1';
        return false; // the emulator answers it
      }
      if (cmd === 'AT#XGNSS?') {
        io.info(`#XGNSS: ${systemGnss ? 1 : 0},${status}`, cmd);
        return true;
      }
      if (cmd === 'AT#XGNSS=0') {
        stop();
        return true;
      }
      const set = /^AT#XGNSS=(.*)$/.exec(cmd);
      if (set) {
        const p = (set[1] ?? '').split(',');
        if (p[0] === '1') start(p);
        else io.reply('ERROR');
        return true;
      }
      if (cmd.startsWith('AT#XAGNSS')) {
        xagnss(cmd);
        return true;
      }
      return false;
    },
    dispose() {
      clear();
    },
  };
};
