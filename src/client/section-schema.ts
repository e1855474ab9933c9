// section-schema.ts: the whole `client` config section: the lifecycle keys (config-schema.ts), the LwM2M keys and the
// server seeds for objects 0 and 1.
import { z } from 'zod';
import { clientLifecycleConfigSchema } from './config-schema.js';
import { DEFAULT_MAX_INSTANCES, DEFAULT_MAX_VALUE_BYTES } from '../lwm2m/operations/validate.js';

const uri = z.string().regex(/^coaps?:\/\/[^/]+/, 'must be a coap:// or coaps:// URI');

/**
 * One server (or bootstrap server) as a config seed for a Security (0) instance and, for LwM2M servers, a Server (1)
 * instance.
 */
export const serverSeedSchema = z
  .object({
    uri,
    /** Short server ID 1..65534 (ignored for the bootstrap server). */
    ssid: z.number().int().min(1).max(65534).default(101),
    bootstrap: z.boolean().default(false),
    security: z.enum(['nosec', 'psk']).default('nosec'),
    /** PSK identity (UTF-8) and key (base64); required for psk. */
    pskIdentity: z.string().min(1).optional(),
    pskKey: z
      .string()
      .min(1)
      .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64')
      .optional(),
    /** Registration lifetime (s); defaults to client.lifetime. */
    lifetime: z.number().int().min(1).optional(),
    /** Default pmin / pmax (s) for observations of this server (/1/x/2, /1/x/3). */
    pmin: z.number().int().min(0).default(0),
    pmax: z.number().int().min(0).default(0),
    /** Notification storing when disabled or offline (/1/x/6). */
    notificationStoring: z.boolean().default(true),
    /** Client hold-off time (s) before bootstrap (/0/x/11). */
    holdOffS: z.number().int().min(0).default(0),
    /** Disable timeout (s) (/1/x/5). */
    disableTimeoutS: z.number().int().min(0).default(86_400),
  })
  .strict()
  .refine((s) => s.security !== 'psk' || (s.pskIdentity !== undefined && s.pskKey !== undefined), {
    message: 'psk needs pskIdentity and pskKey',
  });
export type ServerSeed = z.infer<typeof serverSeedSchema>;

/**
 * The whole `client` section: the lifecycle's keys (timers, retries, backoff, queue mode; client/config-schema.ts)
 * plus the server seeds. Owned by the client area; every key has a documented default.
 */
export const clientConfigSchema = z
  .object({
    ...clientLifecycleConfigSchema.unwrap().shape,
    /** Content-Format the client prefers for multi-value payloads (ct in Register). */
    preferredFormat: z.union([z.literal(110), z.literal(112), z.literal(11542), z.literal(11544)]).default(110),
    /**
     * Largest string (UTF-8 bytes) or opaque value a server may write where the resource's definition gives no
     * range.max; larger → 4.13.
     */
    maxValueBytes: z
      .number()
      .int()
      .min(256)
      .max(1024 * 1024)
      .default(DEFAULT_MAX_VALUE_BYTES),
    /**
     * Most instances a server's Create may bring one object to; beyond → 4.00 (the device's own instances are not
     * limited).
     */
    maxInstances: z.number().int().min(1).max(65535).default(DEFAULT_MAX_INSTANCES),
    /** Servers seeding objects 0 and 1; empty = the top-level `server` as ssid 101, NoSec. */
    servers: z.array(serverSeedSchema).default([]),
  })
  .strict()
  .prefault({});
export type ClientConfig = z.infer<typeof clientConfigSchema>;

/** The server seeds to use: client.servers, or the top-level server URI as a NoSec server 101. */
export function serverSeeds(full: Readonly<Record<string, unknown>>): ServerSeed[] {
  const client = clientConfigSchema.safeParse(full.client ?? {});
  const list = client.success ? client.data.servers : [];
  if (list.length > 0) return list;
  const top = typeof full.server === 'string' ? full.server : 'coap://127.0.0.1:5683';
  const lifetime = client.success ? client.data.lifetime : 300;
  return [serverSeedSchema.parse({ uri: top, ssid: 101, lifetime })];
}
