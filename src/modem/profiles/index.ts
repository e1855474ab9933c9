// index.ts: the profile table, lookup by name and detection from ATI / AT+CGMM text.
import type { ModemConfig } from '../config-schema.js';
import { bg95Profile } from './bg95.js';
import { genericProfile } from './generic.js';
import { nrf91Profile } from './nrf91.js';
import { sim7080Profile } from './sim7080.js';
import type { ModemProfile, ProfileName } from './types.js';

export const PROFILES: Readonly<Record<ProfileName, ModemProfile>> = {
  generic: genericProfile,
  nrf91: nrf91Profile,
  bg95: bg95Profile,
  sim7080: sim7080Profile,
};

/** The profile whose `detect` matches the identification text; generic when none does. */
export function detectProfile(identification: string): ModemProfile {
  for (const p of [nrf91Profile, bg95Profile, sim7080Profile]) if (p.detect.test(identification)) return p;
  return genericProfile;
}

export function configuredProfile(cfg: ModemConfig): ModemProfile | undefined {
  return cfg.profile === 'auto' ? undefined : PROFILES[cfg.profile];
}

export type { ModemProfile, ProfileName } from './types.js';
