// modem-emulator.ts: `lwm2m-meter modem-emulator`: an emulated cellular modem on a new pty (or a serial device), its
// UDP socket bridged to the host, fault switches on stdin.
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { CodedError } from '../errors.js';
import { ModemEmulator, type EmulatedProfile } from '../modem/emulator/emulator.js';
import { ptyPair, type PtyPair } from '../modem/emulator/pty.js';
import { runConsoleCommand } from '../modem/emulator/console.js';

export const MODEM_EMULATOR_USAGE = `usage: lwm2m-meter modem-emulator --profile bg95|nrf91|sim7080|generic [--device /dev/ttyUSB0] [--baud N] [--bind ADDR]
  Answers the AT commands of the profile's module on a new pseudo-terminal (its path is printed: set it as modem.port)
  or on --device; datagrams the device sends through the modem's socket commands go out on a host UDP socket bound
  to --bind (default 0.0.0.0) and the answers come back as the module's URCs and reads. Type 'help' for the fault switches.`;

const PROFILES: readonly EmulatedProfile[] = ['bg95', 'nrf91', 'sim7080', 'generic'];

/** Runs until SIGINT/SIGTERM (0) or until its serial port or socat goes away (1); returns the exit code. */
export async function runModemEmulator(argv: string[], print: (s: string) => void): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      profile: { type: 'string', short: 'p' },
      device: { type: 'string', short: 'd' },
      baud: { type: 'string', default: '115200' },
      bind: { type: 'string', default: '0.0.0.0' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    print(MODEM_EMULATOR_USAGE);
    return 0;
  }
  const profile = values.profile as EmulatedProfile | undefined;
  if (!profile || !PROFILES.includes(profile)) {
    throw new CodedError(
      'USAGE',
      `modem-emulator: --profile must be one of ${PROFILES.join(', ')} (got ${JSON.stringify(values.profile)})\n${MODEM_EMULATOR_USAGE}`,
    );
  }
  const baudRate = Number(values.baud);
  if (!Number.isInteger(baudRate) || baudRate <= 0)
    throw new CodedError('USAGE', `modem-emulator: --baud must be a positive integer (got ${values.baud})`);
  let pty: PtyPair | undefined;
  if (!values.device) pty = await ptyPair();
  const path = values.device ?? pty!.a;
  let emu: ModemEmulator;
  try {
    emu = await ModemEmulator.start(path, profile, { udpBind: values.bind, baudRate });
  } catch (e) {
    pty?.close();
    throw e;
  }
  print(
    values.device ? `modem-emulator: ${profile} on ${values.device}` : `modem-emulator: ${profile} on pty ${pty!.b}`,
  );
  print(
    `set modem.port: ${values.device ?? pty!.b} (modem.profile: ${profile} or auto); type 'help' for fault switches`,
  );

  return new Promise<number>((resolve) => {
    let done = false;
    const finish = (code: number): void => {
      if (done) return;
      done = true;
      rl.close();
      void emu.close().finally(() => {
        pty?.close();
        resolve(code);
      });
    };
    const rl = createInterface({ input: process.stdin, terminal: false });
    rl.on('line', (line) => {
      const text = runConsoleCommand(emu, line);
      if (text) print(text);
    });
    // stdin closed (a pipe ended, Ctrl-D): keep answering until a signal, as a board's modem would
    rl.on('close', () => undefined);
    emu.onPortClose(() => {
      print('modem-emulator: serial port closed');
      finish(1);
    });
    void pty?.exited.then(() => {
      print('modem-emulator: socat ended');
      finish(1);
    });
    process.once('SIGINT', () => finish(0));
    process.once('SIGTERM', () => finish(0));
  });
}
