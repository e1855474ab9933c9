// inspect-live.ts: what the local inspection page needs from the relayed inspection stream: root machines, their
// current state, an event log.
/** A message to the page (one SSE `data:` line each). */
export type PageMessage =
  | { k: 'actor'; session: string; actor: string; machine: string }
  | { k: 'state'; session: string; value: unknown; status: string }
  | { k: 'event'; session: string; actor: string; type: string; at: number; detail: string };

interface RootSession {
  actor: string;
  machine: string;
  definition?: string;
  state?: PageMessage & { k: 'state' };
}

/** The runtime actor in a relayed session ID (`<actor>.<generation>/x:0`). */
function actorOf(sessionId: string): string | undefined {
  return /^(.*)\.\d+\//.exec(sessionId)?.[1];
}

function machineIdOf(definition: unknown, fallback: string): string {
  if (typeof definition !== 'string') return fallback;
  try {
    const id = (JSON.parse(definition) as { id?: unknown }).id;
    return typeof id === 'string' && id ? id : fallback;
  } catch {
    return fallback;
  }
}

const str = (v: unknown, dflt: string): string => (typeof v === 'string' ? v : dflt);

function detailOf(event: Record<string, unknown>): string {
  const { type: _type, ...rest } = event;
  if (Object.keys(rest).length === 0) return '';
  let text: string;
  try {
    text = JSON.stringify(rest);
  } catch {
    return '';
  }
  return text.length > 160 ? `${text.slice(0, 159)}…` : text;
}

/**
 * Follows the stream: the root machine of each session (the ones a runtime actor started), its latest state, recent
 * events.
 */
export class LiveCharts {
  private readonly roots = new Map<string, RootSession>();
  private readonly log: PageMessage[] = [];

  constructor(private readonly keepEvents = 300) {}

  /** Takes one relayed inspection event; returns the page message it makes, if any. */
  take(ev: Record<string, unknown>): PageMessage | undefined {
    const session = typeof ev.sessionId === 'string' ? ev.sessionId : undefined;
    if (!session) return undefined;
    if (ev.type === '@xstate.actor') {
      if (ev.parentId !== undefined) return undefined;
      const actor = actorOf(session);
      if (!actor) return undefined;
      const machine = machineIdOf(ev.definition, str(ev.name, ''));
      // a restarted actor's new machine replaces the old generation's
      for (const [s, r] of this.roots) if (r.actor === actor && r.machine === machine) this.roots.delete(s);
      this.roots.set(session, {
        actor,
        machine,
        ...(typeof ev.definition === 'string' ? { definition: ev.definition } : {}),
      });
      const msg: PageMessage = { k: 'actor', session, actor, machine };
      const snap = ev.snapshot as { value?: unknown; status?: unknown } | undefined;
      if (snap?.value !== undefined)
        this.roots.get(session)!.state = { k: 'state', session, value: snap.value, status: str(snap.status, 'active') };
      return msg;
    }
    const root = this.roots.get(session);
    if (!root) return undefined;
    if (ev.type === '@xstate.snapshot') {
      const snap = ev.snapshot as { value?: unknown; status?: unknown } | undefined;
      if (snap?.value === undefined) return undefined;
      root.state = { k: 'state', session, value: snap.value, status: str(snap.status, 'active') };
      return root.state;
    }
    if (ev.type === '@xstate.event') {
      const event = (ev.event ?? {}) as Record<string, unknown>;
      const at = Number(ev.createdAt);
      const msg: PageMessage = {
        k: 'event',
        session,
        actor: root.actor,
        type: str(event.type, ''),
        at: Number.isFinite(at) ? at : Date.now(),
        detail: detailOf(event),
      };
      this.log.push(msg);
      if (this.log.length > this.keepEvents) this.log.shift();
      return msg;
    }
    return undefined;
  }

  /** What a page that connects now needs: every root machine, its state, then the recent events. */
  replay(): PageMessage[] {
    const out: PageMessage[] = [];
    for (const [session, r] of this.roots) {
      out.push({ k: 'actor', session, actor: r.actor, machine: r.machine });
      if (r.state) out.push(r.state);
    }
    return [...out, ...this.log];
  }

  /** The session's runtime actor, machine ID and serialized config (to draw its chart). */
  session(id: string): { actor: string; machineId: string; definition?: string } | undefined {
    const r = this.roots.get(id);
    return r && { actor: r.actor, machineId: r.machine, ...(r.definition ? { definition: r.definition } : {}) };
  }
}
