// transport.ts: the one interface behind which UDP, DTLS-PSK and the modem's AT socket carry CoAP datagrams.

/** A peer address as the transport knows it. */
export interface PeerAddress {
  address: string;
  port: number;
}

export type TransportEvent =
  | { type: 'message'; data: Uint8Array; from: PeerAddress }
  | { type: 'error'; code: string; message: string }
  | { type: 'close' };

/**
 * A datagram transport for CoAP. `open()` resolves when datagrams can flow (after a DTLS handshake for DTLS).
 * Errors after open are reported through the listener with a code such as 'NETWORK_ERROR' or 'DTLS_HANDSHAKE_FAILED'.
 */
export interface Transport {
  readonly kind: 'udp' | 'dtls' | 'modem';
  open(): Promise<void>;
  send(data: Uint8Array, to: PeerAddress): Promise<void>;
  close(): Promise<void>;
  onEvent(listener: (ev: TransportEvent) => void): void;
  /** Maximum datagram payload size this transport carries (for block-size choice). */
  readonly mtu: number;
}
