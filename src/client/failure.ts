// failure.ts: sorts a failed exchange (thrown CodedError or refusing CoAP code) into what the lifecycle does next.
import { CodedError } from '../errors.js';

/**
 * network: reconnect LTE; refused: credentials problem (backoff, then bootstrap); notFound: registration gone; other:
 * LwM2M reconnect.
 */
export type FailureKind = 'network' | 'refused' | 'notFound' | 'other';

/** Codes that mean the path to the server is broken (radio, IP, no answer at all). */
export const NETWORK_CODES: readonly string[] = ['NETWORK_ERROR', 'COAP_TIMEOUT', 'SOCKET_CLOSED'];

/** A server's refusing answer, thrown by the client's services so the machine sees one error shape. */
export function statusError(op: string, status: string): CodedError {
  return new CodedError('LWM2M_STATUS', `${op} answered ${status}`, { status });
}

export function statusOf(err: unknown): string | undefined {
  if (err instanceof CodedError && err.code === 'LWM2M_STATUS') {
    const s = err.details?.status;
    return typeof s === 'string' ? s : undefined;
  }
  return undefined;
}

export function codeOf(err: unknown): string {
  if (err instanceof CodedError) return err.code;
  if (typeof err === 'object' && err !== null && typeof (err as { code?: unknown }).code === 'string')
    return (err as { code: string }).code;
  return 'INTERNAL';
}

export function classifyFailure(err: unknown): FailureKind {
  const code = codeOf(err);
  if (NETWORK_CODES.includes(code)) return 'network';
  if (code === 'DTLS_HANDSHAKE_FAILED') return 'refused';
  const status = statusOf(err);
  if (status === '4.03' || status === '4.01') return 'refused';
  if (status === '4.04') return 'notFound';
  return 'other';
}

export function describeFailure(err: unknown): string {
  const status = statusOf(err);
  if (status !== undefined) return status;
  return `${codeOf(err)}: ${err instanceof Error ? err.message : String(err)}`;
}
