// observe-journal.ts: the socket actor's record of the server's Observe relations (peer, token, path, accept, last
// sequence number), kept in its store so a restart that resumes the registration with an Update can resume them too.
import type { ActorStore } from '../runtime/actor-api.js';
import type { Path } from '../lwm2m/types.js';

/** Sequence numbers reserved ahead per store write (RFC 7641 §4.4: a restarted relation must continue above them). */
export const SEQ_RESERVE = 32;

/** Store key of the observation list. */
export const OBSERVATIONS_KEY = 'observations';

/** One single-object observation as stored (plain JSON). */
export interface JournalEntry {
  /** Observation id (the relation's id, also the object actor's observation id). */
  id: string;
  ssid: number;
  serverUri: string;
  peer: { address: string; port: number };
  /** Token, hex. */
  token: string;
  objectId: number;
  path: number[];
  /** Uri-Path of the Observe request. */
  uriPath: string[];
  accept?: number;
  /** Observe sequence number to continue above (at least the last one sent). */
  seq: number;
}

interface Log {
  error(o: object, m: string): void;
  warn(o: object, m: string): void;
}

const isEntry = (e: unknown): e is JournalEntry => {
  if (e === null || typeof e !== 'object') return false;
  const x = e as Record<string, unknown>;
  const peer = x.peer as Record<string, unknown> | undefined;
  return (
    typeof x.id === 'string' &&
    typeof x.ssid === 'number' &&
    typeof x.serverUri === 'string' &&
    typeof x.token === 'string' &&
    /^([0-9a-f]{2}){0,8}$/.test(x.token) &&
    typeof x.objectId === 'number' &&
    Array.isArray(x.path) &&
    x.path.every((n) => typeof n === 'number') &&
    Array.isArray(x.uriPath) &&
    x.uriPath.every((s) => typeof s === 'string') &&
    typeof x.seq === 'number' &&
    peer !== undefined &&
    peer !== null &&
    typeof peer.address === 'string' &&
    typeof peer.port === 'number' &&
    (x.accept === undefined || typeof x.accept === 'number')
  );
};

export class ObserveJournal {
  private entries = new Map<string, JournalEntry>();
  /** The write loop while one runs; changes during a write set `dirty` and are written once after it. */
  private writing: Promise<void> | undefined;
  private dirty = false;

  constructor(
    private readonly store: ActorStore,
    private readonly log: Log,
  ) {}

  async load(): Promise<void> {
    try {
      const raw = await this.store.read<unknown>(OBSERVATIONS_KEY);
      const list = Array.isArray(raw) ? raw.filter(isEntry) : [];
      this.entries = new Map(list.map((e) => [e.id, e]));
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'stored observations unreadable; none resumed');
    }
  }

  /** Entries of one server account (ssid and URI must both match). */
  forServer(ssid: number, serverUri: string): JournalEntry[] {
    return [...this.entries.values()].filter((e) => e.ssid === ssid && e.serverUri === serverUri);
  }

  has(id: string): boolean {
    return this.entries.has(id);
  }

  add(e: JournalEntry): void {
    this.entries.set(e.id, e);
    this.save();
  }

  remove(id: string): void {
    if (this.entries.delete(id)) this.save();
  }

  /** A resumed relation has a new id: the entry follows it. */
  rekey(oldId: string, newId: string): void {
    const e = this.entries.get(oldId);
    if (!e) return;
    this.entries.delete(oldId);
    this.entries.set(newId, { ...e, id: newId });
    this.save();
  }

  /**
   * A notification went out with `seq`. The stored number is a reservation SEQ_RESERVE ahead, written only when
   * `seq` reaches it: a restart continues above every number sent, with one store write per SEQ_RESERVE notifications.
   */
  setSeq(id: string, seq: number): void {
    const e = this.entries.get(id);
    if (!e) return;
    const ahead = (e.seq - seq) & 0xffffff;
    if (ahead !== 0 && ahead < 0x800000) return;
    e.seq = (seq + SEQ_RESERVE) & 0xffffff;
    this.save();
  }

  /** Forgets a server's observations (new Register, De-register). */
  dropServer(ssid: number): void {
    let changed = false;
    for (const [id, e] of this.entries)
      if (e.ssid === ssid) {
        this.entries.delete(id);
        changed = true;
      }
    if (changed) this.save();
  }

  flushed(): Promise<void> {
    return this.writing ?? Promise.resolve();
  }

  /**
   * Coalesced: at most one write in flight and one more pending, each of the list as it is when its write starts.
   * A copy per change queued behind slow writes grew with the square of the observations (a burst of 900 Observes
   * held ~80 KiB of queued copies per observation).
   */
  private save(): void {
    this.dirty = true;
    this.writing ??= this.writeLoop();
  }

  private async writeLoop(): Promise<void> {
    await Promise.resolve(); // changes made in the same turn go out in one write
    while (this.dirty) {
      this.dirty = false;
      const list = [...this.entries.values()];
      try {
        await (list.length === 0 ? this.store.remove(OBSERVATIONS_KEY) : this.store.write(OBSERVATIONS_KEY, list));
      } catch (err) {
        this.log.error({ err: (err as Error).message }, 'cannot store observations');
      }
    }
    this.writing = undefined;
  }
}

/** Builds an entry for a fresh relation. */
export function journalEntry(o: {
  id: string;
  ssid: number;
  serverUri: string;
  peer: { address: string; port: number };
  token: Uint8Array;
  objectId: number;
  path: Path;
  uriPath: readonly string[];
  accept?: number | undefined;
  seq: number;
}): JournalEntry {
  const e: JournalEntry = {
    id: o.id,
    ssid: o.ssid,
    serverUri: o.serverUri,
    peer: { address: o.peer.address, port: o.peer.port },
    token: Buffer.from(o.token).toString('hex'),
    objectId: o.objectId,
    path: [...o.path],
    uriPath: [...o.uriPath],
    seq: o.seq,
  };
  if (o.accept !== undefined) e.accept = o.accept;
  return e;
}
