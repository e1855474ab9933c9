// persisted.ts: the registration the client keeps in its store (location, lifetime, time), and whether it is still
// valid.
import { z } from 'zod';

export const REGISTRATION_KEY = 'registration';

export const persistedRegistrationSchema = z.object({
  ssid: z.number().int(),
  serverUri: z.string(),
  /** Location-Path segments of the registration ('rd', 'abc'). */
  location: z.array(z.string()).min(1),
  lifetime: z.number().int().positive(),
  /** Epoch ms of the last successful Register / Update. */
  refreshedAt: z.number(),
  lwm2mVersion: z.enum(['1.1', '1.2']),
  binding: z.string(),
});
export type PersistedRegistration = z.infer<typeof persistedRegistrationSchema>;

/** Parses a stored value; anything malformed is treated as no registration. */
export function parsePersisted(v: unknown): PersistedRegistration | undefined {
  const r = persistedRegistrationSchema.safeParse(v);
  return r.success ? r.data : undefined;
}

/** A stored registration is resumable when it belongs to this server and has not expired (with a margin in seconds). */
export function isResumable(
  reg: PersistedRegistration | undefined,
  account: { ssid: number; uri: string } | undefined,
  nowMs: number,
  marginS = 0,
): boolean {
  if (!reg || !account) return false;
  if (reg.ssid !== account.ssid || reg.serverUri !== account.uri) return false;
  return nowMs < reg.refreshedAt + (reg.lifetime - marginS) * 1000;
}

/**
 * Ms from `refreshedAt` until the Update is due: lifetime × ratio, but at least marginS before expiry, never negative.
 */
export function updateDueMs(lifetimeS: number, ratio: number, marginS: number): number {
  const byRatio = lifetimeS * ratio;
  const byMargin = lifetimeS - marginS;
  // Capped at the longest timer Node arms (2^31 − 1 ms): a longer delay would fire at once, an Update per tick.
  return Math.min(2 ** 31 - 1, Math.max(1000, Math.round(Math.min(byRatio, byMargin > 0 ? byMargin : byRatio) * 1000)));
}
