// server-pairs.ts: a client/socket pair for every LwM2M server the device has an account for — the primary client
// reports its accounts, the main thread starts the pairs that are missing (servers a bootstrap server added).
import { isServerAccountsReport } from '../messages/index.js';
import { resolveActorSet, serverPairEntries, DIST_SRC } from '../runtime/actor-table.js';
import type { Config } from '../runtime/config.js';
import { log } from '../runtime/log.js';
import type { Runtime } from '../runtime/runtime.js';

const plog = log.child({ mod: 'server-pairs' });

/**
 * Starts `socket:<ssid>` then `client:<ssid>` (next to the primary pair's worker) for each reported server that has no
 * client yet, and stops the pairs it started whose server is gone or became the primary's. Pairs from the config
 * (`client.servers`) are the config's: they stay.
 */
export function attachServerPairs(
  rt: Runtime,
  config: Config,
  hosted: readonly number[],
  srcRoot: URL = DIST_SRC,
): void {
  const started = new Set<number>();
  rt.on('control', (msg: unknown) => {
    if (!isServerAccountsReport(msg)) return;
    // pairs this module started for servers that are gone (a new bootstrap) or now the primary's: stopped, their
    // clients de-register first
    for (const ssid of [...started]) {
      if (msg.ssids.includes(ssid) && ssid !== msg.primary) continue;
      started.delete(ssid);
      rt.remove(`client:${ssid}`)
        .then(() => rt.remove(`socket:${ssid}`))
        .then(
          () => plog.info({ ssid }, `LwM2M server ${ssid}: no longer a further server, its client and socket stopped`),
          (err: unknown) =>
            plog.warn({ ssid, err: (err as Error).message }, `LwM2M server ${ssid}: its client could not be stopped`),
        );
    }
    for (const ssid of msg.ssids) {
      if (ssid === msg.primary || started.has(ssid) || rt.stateOf(`client:${ssid}`) !== undefined) continue;
      started.add(ssid);
      const pair = serverPairEntries(ssid, config, hosted);
      const { present, missing } = resolveActorSet([pair.socket, pair.client], srcRoot);
      if (missing.length > 0 || present.length !== 2) {
        plog.warn({ ssid, missing: missing.map((m) => m.file) }, `no client for server ${ssid}: actor modules missing`);
        continue;
      }
      const [socket, client] = present;
      rt.add(socket, 'socket')
        .then(() => rt.add(client, 'client'))
        .then(
          () => plog.info({ ssid }, `LwM2M server ${ssid}: started ${socket.name} and ${client.name}`),
          (err: unknown) =>
            plog.warn({ ssid, err: (err as Error).message }, `LwM2M server ${ssid}: its client could not start`),
        );
    }
  });
}
