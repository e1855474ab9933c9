// config-schema.ts: the client lifecycle's `client.*` keys (timers, retries, backoff, queue mode);
// client/section-schema.ts adds the server seeds to make the whole `client` section.
import { z } from 'zod';

/** Keys of the client lifecycle statechart. Times in seconds unless the name says Ms. Every key has a default. */
export const clientLifecycleConfigSchema = z
  .object({
    /**
     * Endpoint client name (ep=); defaults to the top-level `endpoint`, then 'lwm2m-meter-0001'. Same key as the core's
     * schema.
     */
    endpoint: z.string().min(1).max(255).optional(),
    /** Registration lifetime (lt=) when /1/x/1 is absent. Same key and default as the core's schema. */
    lifetime: z.number().int().min(1).default(300),
    /** The Update is sent at lifetime × updateRatio, but at least updateMarginS before expiry. */
    updateRatio: z.number().gt(0).max(1).default(0.9),
    updateMarginS: z.number().int().min(0).default(30),
    /** LwM2M version offered first; on 4.00 / 4.12 the client retries once with 1.1. Same key as the core's schema. */
    lwm2mVersion: z.enum(['1.1', '1.2']).default('1.2'),
    /** Binding when /1/x/7 is absent (core's key). */
    binding: z
      .string()
      .regex(/^[UTSNQ]+$/, 'must be letters of U, T, S, N (Q: queue mode)')
      .default('U'),
    /** Queue mode (core's key): Register with Q, sleep after queueAwakeS. A 'Q' in /1/x/7 also turns it on. */
    queueMode: z.boolean().default(false),
    /** Content format announced in the Register root link (ct=) and the Bootstrap-Request (pct=) (core's key). */
    preferredFormat: z.number().int().default(110),
    /** Queue mode: how long the client stays awake after the last exchange (LwM2M default: MAX_TRANSMIT_WAIT 93 s). */
    queueAwakeS: z.number().min(0).default(93),
    /**
     * An exclusive GNSS receiver gets the RF only after this long without an exchange (no request from the server, none
     * of ours): the server's first reads after a Register or an Update are answered before the receiver takes the RF.
     */
    rfQuietS: z.number().min(0).default(5),
    /** Queue mode: buffered Send requests kept while asleep; beyond it the oldest is rejected (QUEUE_FULL). */
    queueMaxItems: z.number().int().min(1).default(1000),
    /** Consecutive failed network recoveries tolerated; the next one falls back to bootstrap (the seed says 3). */
    maxNetworkRetries: z.number().int().min(0).default(3),
    /**
     * Consecutive registration refusals (4.03, DTLS handshake failures) before a bootstrap fallback (when a bootstrap
     * server exists).
     */
    maxRegisterFailures: z.number().int().min(1).default(3),
    /**
     * Backoff between failed attempts: initial × factor^(n-1), capped, with ±jitter (0..1) applied deterministically by
     * the caller's random.
     */
    backoffInitialS: z.number().min(0).default(10),
    backoffFactor: z.number().min(1).default(2),
    backoffMaxS: z.number().min(0).default(3600),
    backoffJitter: z.number().min(0).max(1).default(0),
    /** At boot: 'wait' for the modem's network.up, or 'assume' the host network is up (no modem actor). */
    networkAtBoot: z.enum(['wait', 'assume']).default('wait'),
    /** How long to wait for network.up at boot / after LTE loss before asking the modem to reconnect. */
    lteWaitS: z.number().min(0).default(60),
    /** Delay before an LwM2M reconnect (socket re-open + Register) after a non-network failure. */
    reconnectDelayS: z.number().min(0).default(5),
    /** Client Hold Off Time when /0/x/11 is absent. */
    bootstrapHoldOffS: z.number().min(0).default(0),
    /** Whole bootstrap (request → Bootstrap-Finish) must finish within this. */
    bootstrapTimeoutS: z.number().min(1).default(120),
    /** Pause after answering Bootstrap-Finish before the socket leaves the bootstrap server (lets the ACK go out). */
    bootstrapSettleMs: z.number().int().min(0).default(500),
    /** Disable (/1/x/4) timeout when /1/x/5 is absent. */
    disableTimeoutS: z.number().min(0).default(86400),
    /** How long to wait for firmware.done after firmware.updating before reconnecting anyway. */
    firmwareTimeoutS: z.number().min(1).default(900),
    /** Time budget for the De-register on shutdown. */
    deregisterTimeoutMs: z.number().int().min(1).default(5000),
    /** Preferred content format for Send (SenML CBOR = 112). */
    sendFormat: z.number().int().default(112),
    /**
     * Object IDs whose actors (object:N) are asked (Discover) for instances when building registration links; the
     * runtime may pass the hosted set.
     */
    objects: z.array(z.number().int().min(0).max(65535)).default([1, 3, 4, 5, 3424]),
  })
  .strict()
  .default({
    lifetime: 300,
    updateRatio: 0.9,
    updateMarginS: 30,
    lwm2mVersion: '1.2',
    binding: 'U',
    queueMode: false,
    preferredFormat: 110,
    queueAwakeS: 93,
    rfQuietS: 5,
    queueMaxItems: 1000,
    maxNetworkRetries: 3,
    maxRegisterFailures: 3,
    backoffInitialS: 10,
    backoffFactor: 2,
    backoffMaxS: 3600,
    backoffJitter: 0,
    networkAtBoot: 'wait',
    lteWaitS: 60,
    reconnectDelayS: 5,
    bootstrapHoldOffS: 0,
    bootstrapTimeoutS: 120,
    bootstrapSettleMs: 500,
    disableTimeoutS: 86400,
    firmwareTimeoutS: 900,
    deregisterTimeoutMs: 5000,
    sendFormat: 112,
    objects: [1, 3, 4, 5, 3424],
  });
export type ClientLifecycleConfig = z.infer<typeof clientLifecycleConfigSchema>;

/** The resolved config: endpoint always set. */
export type ResolvedClientConfig = ClientLifecycleConfig & { endpoint: string };

/** Parses the actor's config (keys of other owners, e.g. `servers`, are ignored here; the runtime validates them). */
export function resolveClientConfig(
  raw: Readonly<Record<string, unknown>> | undefined,
  topLevelEndpoint?: unknown,
): ResolvedClientConfig {
  const known = clientLifecycleConfigSchema.unwrap().keyof().options as readonly string[];
  const picked: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw ?? {})) if (known.includes(k) && v !== undefined) picked[k] = v;
  const cfg = clientLifecycleConfigSchema.parse(picked);
  const endpoint =
    cfg.endpoint ??
    (typeof topLevelEndpoint === 'string' && topLevelEndpoint !== '' ? topLevelEndpoint : 'lwm2m-meter-0001');
  return { ...cfg, endpoint };
}
