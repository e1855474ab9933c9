// config-schema.ts: firmware update settings: download dir, size limit, integrity, apply command.
import { z } from 'zod';

const sha256Hex = z.string().regex(/^[0-9a-fA-F]{64}$/, 'a SHA-256 digest as 64 hex digits');

/** Owned by the firmware area; every key has a documented default (see docs/firmware.md). */
export const firmwareConfigSchema = z
  .object({
    /** Directory for the package, partial downloads and the persisted update state (default `<stateDir>/firmware`). */
    dir: z.string().min(1).optional(),
    /** Largest package accepted (bytes); beyond it → Update Result 2 (not enough flash). */
    maxPackageBytes: z
      .number()
      .int()
      .positive()
      .default(64 * 1024 * 1024),
    /** Free space that must remain on the download file system after the package (bytes). */
    reserveBytes: z
      .number()
      .int()
      .nonnegative()
      .default(1024 * 1024),
    /** Expected SHA-256 of the package (hex); when absent only a manifest in the package is checked. */
    sha256: sha256Hex.optional(),
    /** Require a manifest (LWFW header) in every package: packages without one get Update Result 5. */
    requireManifest: z.boolean().default(false),
    /** Package types accepted by magic bytes ('gzip', 'tar', 'zip', 'lwfw', 'other'); others → Update Result 6. */
    acceptTypes: z
      .array(z.enum(['gzip', 'tar', 'zip', 'lwfw', 'other']))
      .default(['gzip', 'tar', 'zip', 'lwfw', 'other']),
    /** Command run on Execute /5/0/2 with the package path as its last argument; exit 0 = applied. */
    applyCommand: z.string().min(1).optional(),
    /** Extra arguments put before the package path. */
    applyArgs: z.array(z.string()).default([]),
    /** The apply command is killed (→ Update Result 8) after this long. */
    applyTimeoutMs: z.number().int().positive().default(300_000),
    /** File holding the running firmware version (written by the apply script); read at start and after apply. */
    versionFile: z.string().min(1).optional(),
    /** Version reported when there is no version file (default: the package.json version of the running app). */
    currentVersion: z.string().optional(),
    /** A pull that makes no progress this long is cut and retried (resumed). */
    stallTimeoutMs: z.number().int().positive().default(60_000),
    /**
     * A push (Block1 to /5/0/0) with no block for this long ends as a failed download: Idle, Update Result 4, partial
     * file removed.
     */
    pushStallTimeoutMs: z.number().int().positive().default(120_000),
    /** Resume attempts after a lost connection before giving up with Update Result 4. */
    retries: z.number().int().nonnegative().default(5),
    /** Pause between resume attempts. */
    retryDelayMs: z.number().int().nonnegative().default(2_000),
    /** CoAP block size for coap(s):// pulls (16..1024). */
    coapBlockSize: z
      .number()
      .int()
      .refine((n) => [16, 32, 64, 128, 256, 512, 1024].includes(n), 'a power of two 16..1024')
      .default(1024),
    /** PSK identity and key (base64) for coaps:// pulls; the LwM2M server's credentials are not reused. */
    coapsPskIdentity: z.string().min(1).optional(),
    coapsPskKey: z
      .string()
      .min(1)
      .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64')
      .optional(),
    /** Progress is logged at most this often. */
    progressIntervalMs: z.number().int().positive().default(2_000),
  })
  .strict()
  .default({
    maxPackageBytes: 64 * 1024 * 1024,
    reserveBytes: 1024 * 1024,
    requireManifest: false,
    acceptTypes: ['gzip', 'tar', 'zip', 'lwfw', 'other'],
    applyArgs: [],
    applyTimeoutMs: 300_000,
    stallTimeoutMs: 60_000,
    pushStallTimeoutMs: 120_000,
    retries: 5,
    retryDelayMs: 2_000,
    coapBlockSize: 1024,
    progressIntervalMs: 2_000,
  });
/** The section as parsed (dir may be absent). */
export type FirmwareSection = z.infer<typeof firmwareConfigSchema>;
/** The section with its directory resolved: what the updater runs on. */
export type FirmwareConfig = FirmwareSection & { dir: string };

/** Parses a firmware config section (throws a ZodError naming the key); dir defaults to `<stateDir>/firmware`. */
export function parseFirmwareConfig(raw: unknown, stateDir = './var'): FirmwareConfig {
  const c = firmwareConfigSchema.parse(raw ?? {});
  return { ...c, dir: c.dir ?? `${stateDir.replace(/\/+$/, '')}/firmware` };
}
