// port-link.ts: the worker side of the serial bridge: a MessagePort carrying serial bytes, seen as a ByteLink.
import type { MessagePort } from 'node:worker_threads';
import type { ByteLink } from './link.js';

/** Messages on the bridge port, both directions. */
export type BridgeMessage =
  { type: 'serial.data'; data: Uint8Array } | { type: 'serial.closed'; reason: string } | { type: 'serial.close' };

export function portLink(port: MessagePort): ByteLink {
  let onData: (d: Uint8Array) => void = () => undefined;
  const closeListeners: ((r: string) => void)[] = [];
  let closed = false;
  const fireClose = (reason: string): void => {
    if (closed) return;
    closed = true;
    for (const l of closeListeners) l(reason);
    port.close();
  };
  port.on('message', (m: BridgeMessage) => {
    if (m.type === 'serial.data') onData(m.data);
    else if (m.type === 'serial.closed') fireClose(m.reason);
  });
  port.on('close', () => fireClose('bridge port closed'));
  return {
    write(data) {
      if (closed) return;
      const copy = data.slice();
      port.postMessage({ type: 'serial.data', data: copy } satisfies BridgeMessage, [copy.buffer]);
    },
    onData(l) {
      onData = l;
    },
    onClose(l) {
      closeListeners.push(l);
    },
    close() {
      if (closed) return;
      port.postMessage({ type: 'serial.close' } satisfies BridgeMessage);
      fireClose('closed by owner');
    },
  };
}
