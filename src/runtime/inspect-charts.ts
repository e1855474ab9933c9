// inspect-charts.ts: the SVG statechart of an inspected machine for the local inspection page, drawn on the main thread
// and cached.
import { createMachine, type AnyStateMachine } from 'xstate';
import { dotToSvg, toDot } from './diagram.js';
import type { ActorSpec } from './runtime.js';

/**
 * What the page knows of a root XState actor: the runtime actor hosting it, its machine ID and its serialized config.
 */
export interface ChartRequest {
  actor: string;
  machineId: string;
  /** The `definition` of its `@xstate.actor` inspection event (JSON of the machine config). */
  definition?: string;
}

export type ChartSource = (req: ChartRequest) => Promise<string | undefined>;

async function moduleMachine(url: string): Promise<AnyStateMachine | undefined> {
  try {
    return ((await import(url)) as { default?: { machine?: AnyStateMachine } }).default?.machine;
  } catch {
    return undefined;
  }
}

/**
 * Finds the live machine (with its inline guards and eventless transitions) in the actor's module, or in the plugin
 * module a plugin host loads; else rebuilds it from the inspection event's config (named guards only, depth-limited).
 */
async function findMachine(spec: ActorSpec | undefined, req: ChartRequest): Promise<AnyStateMachine | undefined> {
  const urls = [
    spec?.moduleUrl,
    typeof spec?.options?.pluginModule === 'string' ? spec.options.pluginModule : undefined,
  ];
  for (const url of urls) {
    if (!url) continue;
    const m = await moduleMachine(url);
    if (m?.id === req.machineId) return m;
  }
  if (!req.definition) return undefined;
  try {
    return createMachine(JSON.parse(req.definition) as Parameters<typeof createMachine>[0]);
  } catch {
    return undefined;
  }
}

/** SVG (the `<svg>` element only) per actor and machine, rendered once. */
export function chartSource(specOf: (actor: string) => ActorSpec | undefined): ChartSource {
  const cache = new Map<string, Promise<string | undefined>>();
  return (req) => {
    const key = `${req.actor}\u0000${req.machineId}`;
    let svg = cache.get(key);
    if (!svg) {
      svg = findMachine(specOf(req.actor), req).then(async (m) => {
        if (!m) return undefined;
        const text = await dotToSvg(toDot(m));
        return text.slice(text.indexOf('<svg'));
      });
      cache.set(key, svg);
    }
    return svg;
  };
}
