// exchange-kind.ts: tells which registration-interface exchange a request to the server was (Register, Update,
// De-register), from the request and its answer.
import type { CoapOutgoingRequest } from '../coap/api.js';

export type RegistrationExchange = 'register' | 'update' | 'deregister';

/**
 * Register: POST /rd?ep=… answered 2.01. Update: POST to the registration location (no ep=, not /bs, not /dp)
 * answered 2.xx. De-register: DELETE answered 2.xx or 4.04 (the registration is gone either way). Else undefined.
 */
export function registrationExchange(req: CoapOutgoingRequest, code: string): RegistrationExchange | undefined {
  const hasEp = (req.query ?? []).some((q) => q.startsWith('ep='));
  const first = req.path[0];
  if (req.method === 'POST') {
    if (hasEp) return first === 'rd' && code === '2.01' ? 'register' : undefined;
    if (req.path.length === 0 || (req.path.length === 1 && (first === 'bs' || first === 'dp' || first === 'rd')))
      return undefined;
    return code.startsWith('2.') ? 'update' : undefined;
  }
  if (req.method === 'DELETE' && req.path.length > 0)
    return code.startsWith('2.') || code === '4.04' ? 'deregister' : undefined;
  return undefined;
}
