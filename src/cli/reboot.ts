// reboot.ts: Execute on /3/0/4 (Reboot) and /3/0/5 (Factory Reset): the device object tells the main thread
// ('runtime'); after the 2.04 is out, `run` stops cleanly and exits for systemd to restart it, or runs
// device.rebootCommand.
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { log } from '../runtime/log.js';

/**
 * Exit code of `run` after a server-requested reboot (EX_TEMPFAIL); the systemd unit restarts on it
 * (RestartForceExitStatus=75).
 */
export const RESTART_EXIT_CODE = 75;
/** Time for the Execute's 2.04 to leave before the client de-registers and the actors stop. */
export const REBOOT_DELAY_MS = 300;

/** The control message object 3 sends to 'runtime' on Execute /3/0/4. */
export function isRebootRequest(msg: unknown): boolean {
  return typeof msg === 'object' && msg !== null && (msg as { type?: unknown }).type === 'device.reboot';
}

/** The control message object 3 sends to 'runtime' on Execute /3/0/5. */
export function isFactoryResetRequest(msg: unknown): boolean {
  return typeof msg === 'object' && msg !== null && (msg as { type?: unknown }).type === 'device.factory-reset';
}

/**
 * Factory reset, after every actor has stopped: forgets what the LwM2M servers and bootstrap gave the device (server
 * accounts and ACLs in objects 0/1/2, the registration, observations, attributes, plugin object state: every actor
 * store under <stateDir>/actors), so the restart goes through the initial deployment sequence again (bootstrap or
 * the configured servers). Kept on purpose: the meter's journal and readings (<stateDir>/meter: a water meter's
 * register must never go back) and the firmware state (<stateDir>/firmware: the version actually installed).
 */
export function wipeForFactoryReset(stateDir: string): void {
  rmSync(join(stateDir, 'actors'), { recursive: true, force: true });
  log.child({ mod: 'run' }).warn({ stateDir }, 'factory reset: LwM2M state removed (meter and firmware state kept)');
}

/** Starts the board's reboot command (e.g. ['systemctl', 'reboot']) detached from this process. */
export function runRebootCommand(cmd: readonly string[]): void {
  log.child({ mod: 'run' }).warn({ cmd }, `rebooting the board: ${cmd.join(' ')}`);
  try {
    const child = spawn(cmd[0], cmd.slice(1), { detached: true, stdio: 'ignore' });
    child.on('error', (err) =>
      log
        .child({ mod: 'run' })
        .error({ code: 'REBOOT_FAILED', err: err.message }, `reboot command failed: ${err.message}`),
    );
    child.unref();
  } catch (err) {
    log
      .child({ mod: 'run' })
      .error(
        { code: 'REBOOT_FAILED', err: (err as Error).message },
        `reboot command failed: ${(err as Error).message}`,
      );
  }
}
