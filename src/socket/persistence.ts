// persistence.ts: the socket actor's side of persistence: journals Observe relations, resumes them after an
// Update, drops them (and the objects' attributes) on a new Register or De-register.
import type { ActorContext } from '../runtime/actor-api.js';
import type { CoapEndpoint, CoapOutgoingRequest } from '../coap/api.js';
import { ActorNames, type ServerTarget } from '../messages/index.js';
import { journalEntry, ObserveJournal } from './observe-journal.js';
import { registrationExchange } from './exchange-kind.js';
import type { ObservationRelay, RouterJournal } from './observations.js';

export interface SocketPersistenceDeps {
  server(): ServerTarget | undefined;
  endpoint(): CoapEndpoint | undefined;
  /** The socket's observation relay (the router's). */
  observations(): ObservationRelay;
  objects(): readonly number[];
}

export interface SocketPersistence {
  /** For RouterOptions.journal. */
  readonly journal: RouterJournal;
  load(): Promise<void>;
  /** After every coap.send answered: Register → drop; Update → resume stored observations; De-register → drop. */
  afterExchange(req: CoapOutgoingRequest, code: string): Promise<void>;
  flushed(): Promise<void>;
  /** object.started: a restarted object actor observes the live relations on it again. */
  reattach(objectId: number): Promise<void>;
}

export function socketPersistence(ctx: ActorContext, deps: SocketPersistenceDeps): SocketPersistence {
  const log = ctx.log.child({ mod: 'socket-persist' });
  const journal = new ObserveJournal(ctx.store, log);

  const routerJournal: RouterJournal = {
    started: (o) => {
      const srv = deps.server();
      if (!srv) return;
      journal.add(
        journalEntry({
          id: o.relation.id,
          ssid: srv.ssid,
          serverUri: srv.uri,
          peer: o.relation.peer,
          token: o.relation.token,
          objectId: o.objectId,
          path: o.path,
          uriPath: o.uriPath,
          accept: o.accept,
          seq: o.relation.currentSeq?.() ?? 0,
        }),
      );
    },
    notified: (id, seq) => journal.setSeq(id, seq),
    ended: (id) => journal.remove(id),
  };

  /** A new registration: the server's earlier observations and Write-Attributes belong to the old one. */
  const newRegistration = (ssid: number): void => {
    deps.observations().cancelAll();
    journal.dropServer(ssid);
    for (const oid of deps.objects()) {
      ctx.send(ActorNames.object(oid), { type: 'object.registration-new', serverId: ssid });
    }
  };

  /**
   * The registration resumed with an Update: stored relations of this server that are not live come back on the
   * endpoint.
   */
  const resume = async (srv: ServerTarget): Promise<void> => {
    const ep = deps.endpoint();
    const entries = journal.forServer(srv.ssid, srv.uri).filter((e) => !deps.observations().hasObservation(e.id));
    if (entries.length === 0) return;
    if (!ep?.restoreObserve) {
      log.info({ count: entries.length }, 'endpoint cannot restore observations; dropped');
      for (const e of entries) journal.remove(e.id);
      return;
    }
    let resumed = 0;
    for (const e of entries) {
      const rel = ep.restoreObserve({
        token: new Uint8Array(Buffer.from(e.token, 'hex')),
        peer: e.peer,
        path: e.uriPath,
        ...(e.accept !== undefined ? { accept: e.accept } : {}),
        lastSeq: e.seq,
      });
      journal.remove(e.id); // the resumed relation is journalled under its new id
      if (await deps.observations().resumeObservation(rel, e.objectId, e.path, e.uriPath, e.accept)) resumed++;
    }
    log.info({ resumed, stored: entries.length }, 'observations resumed after Update');
  };

  return {
    journal: routerJournal,
    load: () => journal.load(),
    async afterExchange(req, code): Promise<void> {
      const srv = deps.server();
      if (!srv) return;
      const kind = registrationExchange(req, code);
      try {
        if (kind === 'register') newRegistration(srv.ssid);
        else if (kind === 'deregister') journal.dropServer(srv.ssid);
        else if (kind === 'update') await resume(srv);
      } catch (err) {
        log.warn({ err: (err as Error).message, kind }, 'observation persistence failed');
      }
    },
    flushed: () => journal.flushed(),
    async reattach(objectId): Promise<void> {
      const srv = deps.server();
      if (!srv) return;
      const live = journal
        .forServer(srv.ssid, srv.uri)
        .filter((e) => e.objectId === objectId && deps.observations().hasObservation(e.id));
      if (live.length === 0) return;
      try {
        await deps.observations().reobserve(objectId, live);
        log.info({ objectId, count: live.length }, 'observations re-attached to the restarted object actor');
      } catch (err) {
        log.warn({ err: (err as Error).message, objectId }, 'observations not re-attached');
      }
    },
  };
}
