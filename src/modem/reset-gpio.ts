// reset-gpio.ts: pulses the modem's hardware reset line with libgpiod's gpioset (v1 CLI: `gpioset <chip>
// <line>=<value>`).
import { execFile } from 'node:child_process';
import { CodedError } from '../errors.js';
import type { Clock } from '../clock.js';

export interface ResetGpioConfig {
  chip: string;
  line: number;
  activeLow: boolean;
  pulseMs: number;
}

function gpioset(chip: string, line: number, value: number): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile('gpioset', [chip, `${line}=${value}`], { timeout: 5000 }, (err) => {
      if (err) reject(new CodedError('MODEM_RESET_FAILED', `gpioset ${chip} ${line}=${value}: ${err.message}`));
      else resolve();
    });
  });
}

/** Asserts the reset line for `pulseMs`, then releases it. */
export async function pulseReset(cfg: ResetGpioConfig, timers: Clock): Promise<void> {
  const active = cfg.activeLow ? 0 : 1;
  await gpioset(cfg.chip, cfg.line, active);
  await new Promise<void>((r) => timers.setTimeout(r, cfg.pulseMs));
  await gpioset(cfg.chip, cfg.line, 1 - active);
}
