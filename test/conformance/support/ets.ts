// ets.ts: one ava test per ETS case, named by its ID ("LightweightM2M-1.1-int-221 …"), serial within a file (the cases
// share one device), each ending with the strict server's checks.
import test, { type ExecutionContext } from 'ava';
import type { StrictServer } from './strict-server.js';

type Body = (t: ExecutionContext) => Promise<void>;

function title(id: number, name: string): string {
  return `LightweightM2M-1.1-int-${id} ${name}`;
}

function wrap(servers: () => StrictServer[], body: Body): Body {
  return async (t) => {
    const marks = servers().map((s) => s.violations.length);
    await body(t);
    servers().forEach((s, i) => s.assertClean(t, marks[i]));
  };
}

/** A case expected to pass. */
export function ets(servers: () => StrictServer[], id: number, name: string, body: Body): void {
  test.serial(title(id, name), wrap(servers, body));
}

/**
 * A case that fails on a known defect (named in `defect`): ava reports it as a known failure and turns red once it
 * passes.
 */
export function etsFailing(servers: () => StrictServer[], id: number, name: string, defect: string, body: Body): void {
  test.serial.failing(`${title(id, name)} — known defect: ${defect}`, wrap(servers, body));
}

/** A case the product does not support, with the reason (listed, never run). */
export function etsUnsupported(id: number, name: string, reason: string): void {
  test.skip(`${title(id, name)} — not supported: ${reason}`, () => undefined);
}
