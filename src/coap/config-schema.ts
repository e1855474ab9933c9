// config-schema.ts: CoAP timing and transport settings (RFC 7252 transmission parameters).
import { z } from 'zod';

/** Owned by the coap area; every key has a documented default. */
export const coapConfigSchema = z.object({}).strict().default({});
export type CoapConfig = z.infer<typeof coapConfigSchema>;
