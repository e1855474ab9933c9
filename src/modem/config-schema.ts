// config-schema.ts: modem settings: serial port, profile, radio mode, APN.
import { z } from 'zod';

/** Owned by the modem area; every key has a documented default. */
export const modemConfigSchema = z.object({}).strict().default({});
export type ModemConfig = z.infer<typeof modemConfigSchema>;
