// results.ts: object 5 State (/5/0/3) and Update Result (/5/0/5) codes, and the error that carries a result code.
import { CodedError } from '../errors.js';

/** /5/0/3 State. */
export const FwState = { IDLE: 0, DOWNLOADING: 1, DOWNLOADED: 2, UPDATING: 3 } as const;
export type FwStateCode = (typeof FwState)[keyof typeof FwState];

/** /5/0/5 Update Result (OMA LwM2M object 5, version 1.2). */
export const UpdateResult = {
  INITIAL: 0,
  SUCCESS: 1,
  NOT_ENOUGH_FLASH: 2,
  OUT_OF_RAM: 3,
  CONNECTION_LOST: 4,
  INTEGRITY_FAILURE: 5,
  UNSUPPORTED_TYPE: 6,
  INVALID_URI: 7,
  UPDATE_FAILED: 8,
  UNSUPPORTED_PROTOCOL: 9,
  CANCELLED: 10,
  DEFERRED: 11,
} as const;
export type UpdateResultCode = (typeof UpdateResult)[keyof typeof UpdateResult];

/** /5/0/8 Firmware Update Protocol Support values. */
export const FwProtocol = { COAP: 0, COAPS: 1, HTTP: 2, HTTPS: 3 } as const;

/** A download / integrity / apply failure that maps to an Update Result code. */
export class FirmwareError extends CodedError {
  readonly result: UpdateResultCode;
  constructor(result: UpdateResultCode, code: string, message: string, options?: { cause?: unknown }) {
    super(code, message, { result }, options);
    this.result = result;
  }
}

/** The Update Result for anything thrown by a download (unknown errors count as a lost connection). */
export function resultOf(err: unknown): UpdateResultCode {
  if (err instanceof FirmwareError) return err.result;
  const code = (err as { code?: unknown } | null)?.code;
  if (code === 'ENOSPC' || code === 'EDQUOT') return UpdateResult.NOT_ENOUGH_FLASH;
  if (code === 'ENOMEM' || code === 'ERR_OUT_OF_MEMORY') return UpdateResult.OUT_OF_RAM;
  return UpdateResult.CONNECTION_LOST;
}
