// config-checks.ts: relations between config keys that one key's schema cannot see (unique ssids, a timeout that must
// fit in another, min ≤ max), one line per problem naming the key.
import type { Config } from './config.js';

type Problem = [key: string, reason: string];

/** `key: must be < other (a >= b)` style lines, in the format of the schema's own messages. */
function lessThan(out: Problem[], key: string, a: number, other: string, b: number, orEqual = false): void {
  if (orEqual ? a > b : a >= b)
    out.push([key, `must be ${orEqual ? '<=' : '<'} ${other} (${a} ${orEqual ? '>' : '>='} ${b})`]);
}

/** Every relation the config must keep; empty when it is consistent. Lines read `config: <key>: <reason>`. */
export function crossFieldProblems(c: Config): string[] {
  const out: Problem[] = [];
  const cl = c.client;
  // The De-register runs inside the shutdown budget: a longer one would be cut on a slow link.
  lessThan(out, 'client.deregisterTimeoutMs', cl.deregisterTimeoutMs, 'shutdownTimeoutMs', c.shutdownTimeoutMs);
  lessThan(out, 'client.backoffInitialS', cl.backoffInitialS, 'client.backoffMaxS', cl.backoffMaxS, true);
  lessThan(out, 'client.updateMarginS', cl.updateMarginS, 'client.lifetime', cl.lifetime);
  const seen = new Map<number, number>();
  let bootstrap: number | undefined;
  cl.servers.forEach((s, i) => {
    const key = `client.servers[${i}]`;
    if (s.bootstrap) {
      if (bootstrap !== undefined)
        out.push([`${key}.bootstrap`, `only one bootstrap server (servers[${bootstrap}] is one)`]);
      bootstrap ??= i;
    } else {
      const first = seen.get(s.ssid);
      if (first !== undefined) out.push([`${key}.ssid`, `must be unique (servers[${first}] has ssid ${s.ssid} too)`]);
      else seen.set(s.ssid, i);
    }
    if (s.pmax > 0) lessThan(out, `${key}.pmin`, s.pmin, `${key}.pmax`, s.pmax, true);
    if (s.lifetime !== undefined)
      lessThan(out, 'client.updateMarginS', cl.updateMarginS, `${key}.lifetime`, s.lifetime);
  });
  lessThan(
    out,
    'supervisor.backoffInitialMs',
    c.supervisor.backoffInitialMs,
    'supervisor.backoffMaxMs',
    c.supervisor.backoffMaxMs,
    true,
  );
  const mt = c.modem.timeouts;
  lessThan(out, 'modem.timeouts.commandMs', mt.commandMs, 'modem.timeouts.longCommandMs', mt.longCommandMs, true);
  lessThan(out, 'modem.timeouts.retryMs', mt.retryMs, 'modem.timeouts.retryMaxMs', mt.retryMaxMs, true);
  if (c.modem.psm.enabled) lessThan(out, 'modem.psm.activeS', c.modem.psm.activeS, 'modem.psm.tauS', c.modem.psm.tauS);
  lessThan(out, 'meter.retryS', c.meter.retryS, 'meter.retryMaxS', c.meter.retryMaxS, true);
  const leak = c.meter.leak;
  if (leak.suspectedAfterS > 0 && leak.detectedAfterS > 0)
    lessThan(
      out,
      'meter.leak.suspectedAfterS',
      leak.suspectedAfterS,
      'meter.leak.detectedAfterS',
      leak.detectedAfterS,
      true,
    );
  const fw = c.firmware;
  if ((fw.coapsPskIdentity === undefined) !== (fw.coapsPskKey === undefined)) {
    out.push([
      fw.coapsPskIdentity === undefined ? 'firmware.coapsPskIdentity' : 'firmware.coapsPskKey',
      'is required with the other (coapsPskIdentity and coapsPskKey go together)',
    ]);
  }
  return out.map(([k, r]) => `config: ${k}: ${r}`);
}
