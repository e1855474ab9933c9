// inspect-relay.ts: main-thread side of inspection: prefixes per-worker actor/session IDs (they collide across
// workers).
/** Rewrites the IDs of one Stately inspection event (JSON text) so they are unique device-wide. */
export function prefixInspectionEvent(json: string, prefix: string): Record<string, unknown> | undefined {
  let ev: Record<string, unknown>;
  try {
    ev = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  if (ev === null || typeof ev !== 'object') return undefined;
  for (const k of ['sessionId', 'rootId', 'parentId', 'sourceId']) {
    const v = ev[k];
    if (typeof v === 'string' && v !== 'anonymous') ev[k] = `${prefix}/${v}`;
  }
  // Give the root actor a readable name in the inspector: the runtime actor's name.
  if (ev.type === '@xstate.actor' && ev.parentId === undefined && typeof ev.name === 'string')
    ev.name = `${prefix}:${ev.name}`;
  return ev;
}
