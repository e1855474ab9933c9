// config-schema.ts: the `plugins` config section: extra plugin folders, the allowlist, and per-plugin config.
import { z } from 'zod';

/** Plugins shipped in the package's plugins/ folder that run on the simulated hardware of `make run`. */
export const DEFAULT_ENABLED_PLUGINS = ['valve', 'location-assistance'];

export const pluginsConfigSchema = z
  .object({
    /**
     * Extra folders holding plugin folders (scanned after the package's own plugins/). Relative paths: from the working
     * directory.
     */
    dirs: z.array(z.string().min(1)).default([]),
    /** Plugin names allowed to load (a plugin folder is code execution: nothing loads unless named here). */
    enabled: z.array(z.string().min(1)).default(DEFAULT_ENABLED_PLUGINS),
    /** Per-plugin config, merged over the manifest's `config` defaults: `plugins.config.valve.gpio.line: 17`. */
    config: z.record(z.string(), z.record(z.string(), z.unknown())).default({}),
    /**
     * Where plugin actors run with the shared placement: 'shared' (default) in the one worker with the built-ins (a
     * plugin's uncaught errors still fail only its own actor), 'own' in a second worker for all plugins (a plugin that
     * blocks its thread cannot stall the built-ins; costs one worker, see docs/plugins.md).
     */
    worker: z.enum(['shared', 'own']).default('shared'),
    /** Scan the package's own plugins/ folder (default true). */
    builtinDir: z.boolean().default(true),
  })
  .strict()
  .prefault({});
export type PluginsConfig = z.output<typeof pluginsConfigSchema>;
