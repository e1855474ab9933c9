// puller.ts: what a pull protocol (HTTP, CoAP) implements: continue a download into the package sink from its current
// size.
import type { PackageSink } from './package-file.js';

export interface PullContext {
  signal: AbortSignal;
  /** The transfer announced its total size (Content-Length / Size2). */
  total(bytes: number): Promise<void>;
  /** Called after every chunk written (for progress and stall detection). */
  progress(bytes: number): void;
  /** Validator of the partial download (HTTP ETag), saved so a resume after restart can use If-Range. */
  validator?: string;
  setValidator(v: string | undefined): void;
}

/**
 * Continues the download of `uri` into `sink` from `sink.bytes`; resolves when complete, rejects with a FirmwareError.
 */
export type Puller = (uri: URL, sink: PackageSink, ctx: PullContext) => Promise<void>;
