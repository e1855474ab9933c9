// network.ts: the network's state as published by the modem (network.up / down / error) and by the socket
// (network.error), and object 4's connectivity values.

/** modem → everyone (published): the data link is up. */
export type NetworkUp = { type: 'network.up'; bearer: 'lte-m' | 'nb-iot' | 'host'; ip?: string };
/** modem → everyone (published): the data link is down. */
export type NetworkDown = { type: 'network.down'; reason: string };
/**
 * socket or modem → everyone (published): the transport failed; the client decides (LwM2M reconnect or LTE reconnect).
 */
export type NetworkError = {
  type: 'network.error';
  code: string;
  message: string;
  source: 'socket' | 'modem';
  /** The socket actor's name ('socket', 'socket:<ssid>'): each client follows its own socket's errors only. */
  socket?: string;
};
/** modem → object:4: new connectivity values (resource id → value). */
export type ConnectivityUpdate = { type: 'connectivity.update'; values: Record<number, unknown> };

export interface NetworkEvents {
  'network.up': NetworkUp;
  'network.down': NetworkDown;
  'network.error': NetworkError;
  'connectivity.update': ConnectivityUpdate;
}
