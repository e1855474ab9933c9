// manifest.ts: plugin.json — name, version, the objects (ObjectSpec modules) and actors (ActorModule modules) a plugin
// ships, config defaults.
import { z } from 'zod';

const moduleRef = z
  .string()
  .regex(/^\.\/[^\0]*\.m?js$/, 'must be a relative path to a .js file, like "./object.js"')
  .refine((s) => !s.split('/').includes('..'), { message: 'must stay inside the plugin folder' });

export const manifestSchema = z
  .object({
    /** Plugin name: the allowlist key, the config key, part of actor names. */
    name: z
      .string()
      .regex(/^[a-z][a-z0-9-]{0,39}$/, 'must be lower-case letters, digits and dashes, starting with a letter'),
    version: z.string().regex(/^\d+\.\d+\.\d+([-+].*)?$/, 'must be a semantic version like "1.0.0"'),
    description: z.string().optional(),
    /** Objects, each hosted by the standard object actor as `object:<id>`. */
    objects: z.array(z.object({ id: z.number().int().min(0).max(65534), module: moduleRef }).strict()).default([]),
    /** Actors, each started as `plugin:<plugin-name>:<actor-name>`. */
    actors: z
      .array(
        z
          .object({
            name: z.string().regex(/^[a-z][a-z0-9-]{0,39}$/, 'must be lower-case letters, digits and dashes'),
            module: moduleRef,
          })
          .strict(),
      )
      .default([]),
    /** Config defaults; the config file's plugins.config.<name> is merged over them. */
    config: z.record(z.string(), z.unknown()).default({}),
  })
  .strict()
  .refine((m) => m.objects.length + m.actors.length > 0, { message: 'ships no objects and no actors' });
export type PluginManifest = z.output<typeof manifestSchema>;

/** The actor name of a plugin's actor. */
export function pluginActorName(plugin: string, actor: string): string {
  return `plugin:${plugin}:${actor}`;
}
