// messages.ts: what the firmware update sends to the rest of the device ('client' reacts; 'object:3' shows the version), and the streamed Block1 chunk it receives.

/** Sent to 'client' when the apply step starts (the device may restart during it). */
export interface FirmwareUpdating { type: 'firmware.updating'; pkgName: string; pkgVersion: string }
/** Sent to 'client' when an update ended (also after the restart that an apply caused). result: 1 success, 8 failure. */
export interface FirmwareDone { type: 'firmware.done'; result: number; success: boolean; version: string }
/** Sent to 'object:3' with the running firmware version (/3/0/3), at start and after an update. */
export interface FirmwareVersion { type: 'firmware.version'; version: string }

/** One Block1 chunk of a firmware push (streamed, never reassembled). */
export interface Block1Chunk {
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
}

/**
 * The answer to a Block1 chunk: '2.31' Continue, '2.04' Changed after the last block, or an error ('4.00' short
 * non-final block, '4.08' out of sequence, '4.13' too large, '4.05' not now, '5.03' another transfer is in progress);
 * Size1 (the largest package accepted) with 4.13 and Max-Age (seconds to wait) with 5.03.
 */
export interface Block1ChunkReply<Code extends string = string> { code: Code; size1?: number; maxAge?: number }

/** object.write-block: a Block1 chunk of a Write to /5/0/0, sent by the socket actor to object:5 as each block arrives. Reply: Block1ChunkReply. */
export interface Block1ChunkMessage extends Block1Chunk {
  type: 'object.write-block';
  path: readonly number[];
  contentFormat?: number;
  serverId?: number;
}
