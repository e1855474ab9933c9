// execute.ts: the Execute operation: an executable resource of an existing instance, arguments in the LwM2M syntax, the
// execute hook.
import { isStatus } from '../object-api.js';
import { fail, type OpRequest, type OpResult } from './types.js';
import { parseExecArgs } from './exec-args.js';
import { hookTarget, type ObjectModel } from './context.js';

export async function execute(m: ObjectModel, req: OpRequest): Promise<OpResult> {
  const p = req.path;
  if (p.length !== 3) return fail('4.05', 'execute is on a resource path');
  if (m.instance(p[1]) === undefined) return fail('4.04', 'no such instance');
  const d = m.resource(p[2]);
  if (!d) return fail('4.04', 'no such resource');
  if (d.operations !== 'E') return fail('4.05', 'resource is not executable');
  const args = Buffer.from(req.payload ?? new Uint8Array(0)).toString('utf8');
  if (!parseExecArgs(args)) return fail('4.00', 'execute arguments do not follow the LwM2M syntax');
  if (m.spec.execute) {
    const a = await m.spec.execute(hookTarget(m, p[1], p[2], req.serverId ?? 0), args, m.runtime);
    if (isStatus(a)) return fail(a.code, a.message);
  }
  return { code: '2.04' };
}
