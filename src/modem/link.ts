// link.ts: ByteLink, the byte pipe under the AT engine (a serial port, a MessagePort bridge, or a test double).

/** A bidirectional byte stream: the AT engine writes commands and receives whatever the modem sends. */
export interface ByteLink {
  write(data: Uint8Array): void;
  /** Sets the one receiver of incoming bytes. */
  onData(listener: (data: Uint8Array) => void): void;
  /** Called once when the underlying port closes or fails. */
  onClose?(listener: (reason: string) => void): void;
  close(): void;
  /** Resolves once the underlying device is released after close() (a serial port's descriptor and its lock). */
  readonly released?: Promise<void>;
}
