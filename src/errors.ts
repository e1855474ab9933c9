// errors.ts: coded errors, and their plain { code, message } form that crosses threads.

/** An error with a stable machine-readable code (e.g. 'CONFIG_INVALID', 'COAP_TIMEOUT'). */
export class CodedError extends Error {
  readonly code: string;
  readonly details?: Record<string, unknown>;
  constructor(code: string, message: string, details?: Record<string, unknown>, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CodedError';
    this.code = code;
    if (details !== undefined) this.details = details;
  }
}

/** The form of an error that travels between threads: plain data, no class instance. */
export interface WireError {
  code: string;
  message: string;
  details?: Record<string, unknown>;
}

/** Turns anything thrown into a WireError (unknown errors get code 'INTERNAL'). */
export function toWireError(err: unknown): WireError {
  if (err instanceof CodedError) {
    return err.details === undefined
      ? { code: err.code, message: err.message }
      : { code: err.code, message: err.message, details: err.details };
  }
  if (err instanceof Error) {
    const raw = (err as Error & { code?: unknown }).code;
    const code = typeof raw === 'string' ? raw : 'INTERNAL';
    return { code, message: err.message };
  }
  return { code: 'INTERNAL', message: String(err) };
}

/** Rebuilds a CodedError from its wire form. */
export function fromWireError(w: WireError): CodedError {
  return new CodedError(w.code, w.message, w.details);
}
