// serial-bridge.ts: main-thread side of the modem's serial port: opens it and forwards bytes both ways over a
// MessagePort.
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { log } from '../runtime/log.js';
import type { ByteLink } from './link.js';
import type { BridgeMessage } from './port-link.js';
import { openSerialLink, type SerialOpenOptions } from './serial-link.js';

const blog = log.child({ mod: 'serial-bridge' });

export interface SerialBridge {
  /**
   * Transfer this port to the modem actor's worker (message `{ type: 'modem.serial-port', port }`, transfer list
   * [port]).
   */
  readonly port: MessagePort;
  /** Closes the serial port and the bridge; resolves once the port is released (it can be opened again at once). */
  close(): Promise<void>;
}

/**
 * Opens the serial port on the MAIN thread (serialport inside worker threads crashes on some boards) and bridges it.
 * `link` lets a caller supply an already-open ByteLink (tests); otherwise `path`/`baudRate` are opened.
 * Rejects with SERIAL_OPEN_FAILED.
 */
export async function openSerialBridge(o: SerialOpenOptions & { link?: ByteLink }): Promise<SerialBridge> {
  const link = o.link ?? (await openSerialLink(o));
  const { port1, port2 } = new MessageChannel();
  let closed = false;
  const close = (reason: string): void => {
    if (closed) return;
    closed = true;
    try {
      port1.postMessage({ type: 'serial.closed', reason } satisfies BridgeMessage);
    } catch {
      /* port gone */
    }
    port1.close();
    link.close();
  };
  link.onData((data) => {
    const copy = data.slice();
    port1.postMessage({ type: 'serial.data', data: copy } satisfies BridgeMessage, [copy.buffer]);
  });
  link.onClose?.((reason) => {
    blog.warn({ path: o.path, reason }, 'serial port closed');
    close(reason);
  });
  // The modem actor's end went away (its worker crashed or was stopped): close and release the port at once, so a
  // restarted actor can open it again.
  port1.on('close', () => close('modem actor gone'));
  port1.on('message', (m: BridgeMessage) => {
    if (m.type === 'serial.data') link.write(m.data);
    else if (m.type === 'serial.close') close('closed by modem actor');
  });
  return {
    port: port2,
    close: async () => {
      close('closed by runtime');
      await link.released;
    },
  };
}
