// attr-store.ts: keeps an object actor's Write-Attributes (per server) in its durable store, so a restarted
// actor or process still honours them.
import type { ActorStore } from '../runtime/actor-api.js';
import type { ObjectHost } from '../lwm2m/object-host.js';
import { sanitizeAttributeSnapshot } from '../lwm2m/attributes.js';

/** Store key of the attributes snapshot (server id → path → attributes). */
export const ATTRIBUTES_KEY = 'attributes';

interface WarnLog {
  warn(o: object, m: string): void;
  error(o: object, m: string): void;
}

export interface AttributeStore {
  /** Restores the stored attributes into the host (before the actor serves requests). */
  load(): Promise<void>;
  /** Writes the host's current attributes (writes are chained: the last one wins). */
  save(): void;
  /** Resolves when the writes queued so far are done. */
  flushed(): Promise<void>;
}

export function attributeStore(store: ActorStore, host: ObjectHost, log: WarnLog): AttributeStore {
  let chain = Promise.resolve();
  return {
    async load(): Promise<void> {
      try {
        const raw = await store.read<unknown>(ATTRIBUTES_KEY);
        if (raw !== undefined && raw !== null) host.restoreAttributes(sanitizeAttributeSnapshot(raw));
      } catch (err) {
        log.warn({ err: (err as Error).message }, 'stored attributes unreadable; starting without');
      }
    },
    save(): void {
      const snap = host.attributeSnapshot();
      const empty = Object.keys(snap).length === 0;
      chain = chain
        .then(() => (empty ? store.remove(ATTRIBUTES_KEY) : store.write(ATTRIBUTES_KEY, snap)))
        .catch((err: unknown) => log.error({ err: (err as Error).message }, 'cannot store attributes'));
    },
    flushed: () => chain,
  };
}
