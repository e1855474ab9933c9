// console.ts: the modem emulator's fault switches, one command per line (typed at `lwm2m-meter modem-emulator`'s
// stdin).
import type { ModemEmulator } from './emulator.js';

export const CONSOLE_HELP = `commands:
  silent          answer nothing at all (a hung modem)
  error           answer ERROR to every command
  cme <n>         answer +CME ERROR: <n> to every command (e.g. cme 100)
  slow <ms>       answer every command <ms> late (slow 0: on time)
  no-network      drop the registration (+CEREG: 0) and refuse attaching until 'ok'
  drop-socket     the module closes the UDP connection (BG95 +QIURC: "closed",0; SIM7080 +CASTATE: 0,0)
  pdp-down        the network takes the data context down (BG95 +QIURC: "pdpdeact",1; SIM7080 +APP PDP: 0,DEACTIVE;
                  nRF91 +CGEV: NW PDN DEACT 0)
  indoors         the GNSS receiver sees no satellite (never fixes) until 'outdoors'
  outdoors        satellites in view again
  ttff <cold> [<assisted>]  time to first fix in ms, without and with assistance injected
  position <lat> <lon>      where the emulated receiver is (degrees)
  ok | normal     back to a healthy modem (faults off, no delay, network back)
  status          the emulator's state
  help            this list`;

/** Runs one console line against the emulator; returns the text to print. Never throws. */
export function runConsoleCommand(emu: ModemEmulator, line: string): string {
  const [cmd = '', arg] = line.trim().split(/\s+/);
  try {
    switch (cmd.toLowerCase()) {
      case '':
        return '';
      case 'help':
      case '?':
        return CONSOLE_HELP;
      case 'silent':
        emu.fault = 'silent';
        return 'fault: silent (no answers)';
      case 'error':
        emu.fault = 'error';
        return 'fault: ERROR to every command';
      case 'cme': {
        const n = Number(arg ?? '100');
        if (!Number.isInteger(n) || n < 0)
          return `cme: a non-negative integer code expected (got ${JSON.stringify(arg)})`;
        emu.fault = 'cme';
        emu.cmeCode = n;
        return `fault: +CME ERROR: ${n} to every command`;
      }
      case 'slow': {
        const ms = Number(arg);
        if (arg === undefined || !Number.isFinite(ms) || ms < 0)
          return `slow: a delay in ms expected (got ${JSON.stringify(arg)})`;
        emu.replyDelayMs = ms;
        return ms > 0 ? `answers ${ms} ms late` : 'answers on time';
      }
      case 'no-network':
        emu.networkGone();
        return 'network: gone (+CEREG: 0, attach refused until ok)';
      case 'drop-socket':
        emu.socketClosedByModule(0);
        return 'socket 0 closed by the module';
      case 'pdp-down':
        emu.pdpDown();
        return 'data context deactivated by the network';
      case 'indoors':
        emu.sky.indoors = true;
        return 'GNSS: indoors (no fix)';
      case 'outdoors':
        emu.sky.indoors = false;
        return 'GNSS: outdoors (satellites in view)';
      case 'ttff': {
        const [cold, assisted] = line.trim().split(/\s+/).slice(1).map(Number);
        if (cold === undefined || !Number.isFinite(cold) || cold < 0 || (assisted !== undefined && !(assisted >= 0)))
          return 'ttff: <cold ms> [<assisted ms>] expected';
        emu.sky.ttffColdMs = cold;
        if (assisted !== undefined) emu.sky.ttffAssistedMs = assisted;
        return `GNSS: first fix ${emu.sky.ttffColdMs} ms cold, ${emu.sky.ttffAssistedMs} ms assisted`;
      }
      case 'position': {
        const [lat, lon] = line.trim().split(/\s+/).slice(1).map(Number);
        if (!(lat !== undefined && Math.abs(lat) <= 90 && lon !== undefined && Math.abs(lon) <= 180))
          return 'position: <latitude -90..90> <longitude -180..180> expected';
        emu.sky.latitude = lat;
        emu.sky.longitude = lon;
        return `GNSS: at ${lat}, ${lon}`;
      }
      case 'ok':
      case 'normal':
        emu.fault = 'none';
        emu.replyDelayMs = 0;
        emu.networkBack();
        return 'healthy: no fault, no delay, network back';
      case 'status':
        return `profile ${emu.profile}, fault ${emu.fault}${emu.fault === 'cme' ? ` ${emu.cmeCode}` : ''}, delay ${emu.replyDelayMs} ms, radio ${emu.radioOn ? 'on' : 'off'}, +CEREG stat ${emu.stat}, data context ${emu.pdpActive ? 'active' : 'inactive'}, GNSS ${emu.sky.running ? 'on' : 'off'}${emu.sky.indoors ? ' indoors' : ''}${emu.sky.assisted ? ' assisted' : ''}, ${emu.received.length} commands received`;
      default:
        return `unknown command ${JSON.stringify(cmd)}; 'help' lists them`;
    }
  } catch (e) {
    return (e as Error).message;
  }
}
