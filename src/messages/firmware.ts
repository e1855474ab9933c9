// firmware.ts: what the firmware update (object 5) tells the rest of the device ('client' reacts, 'object:3' shows the
// version), and the streamed Block1 chunk it receives.

/** object:5 → client: the apply step starts (the device may restart during it). */
export type FirmwareUpdating = { type: 'firmware.updating'; pkgName: string; pkgVersion: string };
/** object:5 → client: an update ended (also after the restart that an apply caused). result: 1 success, 8 failure. */
export type FirmwareDone = { type: 'firmware.done'; result: number; success: boolean; version: string };
/** object:5 → object:3: the running firmware version (/3/0/3), at start and after an update. */
export type FirmwareVersion = { type: 'firmware.version'; version: string };

/** One Block1 chunk of a firmware push (streamed, never reassembled). */
export type Block1Chunk = {
  /** Block1 NUM, SZX-derived size, M flag; a Write without Block1 is num 0, more false. */
  num: number;
  size: number;
  more: boolean;
  payload: Uint8Array;
  /** Size1, when the sender gave it (the total size). */
  total?: number;
  /** Who sent it (socket actor and peer address): a block from another source never joins the transfer in progress. */
  source?: string;
  /** The request's token (hex): a sender that keeps one token per transfer (Leshan) is told apart by it. */
  token?: string;
};

/**
 * The answer to a Block1 chunk: '2.31' Continue, '2.04' Changed after the last block, or an error ('4.00' short
 * non-final block, '4.08' out of sequence, '4.13' too large, '4.05' not now, '5.03' another transfer is in progress);
 * Size1 (the largest package accepted) with 4.13 and Max-Age (seconds to wait) with 5.03.
 */
export type Block1ChunkReply<Code extends string = string> = { code: Code; size1?: number; maxAge?: number };

/** socket → object:5 (object.write-block): a Block1 chunk of a Write to /5/0/0, sent as each block arrives. */
export type Block1ChunkMessage = Block1Chunk & {
  type: 'object.write-block';
  path: readonly number[];
  contentFormat?: number;
  serverId?: number;
};

/** True when `m` has the fields of a Block1ChunkMessage (it reaches object 5's spec through the open receive). */
export function isBlock1ChunkMessage(m: { type: string; [k: string]: unknown }): m is Block1ChunkMessage {
  const opt = (v: unknown, t: 'number' | 'string'): boolean => v === undefined || typeof v === t;
  return (
    m.type === 'object.write-block' &&
    Array.isArray(m.path) &&
    m.path.every((x) => typeof x === 'number') &&
    Number.isInteger(m.num) &&
    Number.isInteger(m.size) &&
    typeof m.more === 'boolean' &&
    m.payload instanceof Uint8Array &&
    opt(m.total, 'number') &&
    opt(m.contentFormat, 'number') &&
    opt(m.serverId, 'number') &&
    opt(m.source, 'string') &&
    opt(m.token, 'string')
  );
}

export interface FirmwareRequests {
  /** undefined: an object without a streamed resource. */
  'object.write-block': { msg: Block1ChunkMessage; reply: Block1ChunkReply | undefined };
}

export interface FirmwareEvents {
  'firmware.updating': FirmwareUpdating;
  'firmware.done': FirmwareDone;
  'firmware.version': FirmwareVersion;
}
