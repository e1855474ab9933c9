// modem-serial.ts: for modem.kind serial, opens the serial port on the main thread and hands a bridge port to the modem
// actor each time it (re)starts.
import type { Runtime } from '../runtime/runtime.js';
import { log } from '../runtime/log.js';
import { openSerialBridge, type SerialBridge } from '../modem/serial-bridge.js';
import { ActorNames } from '../messages/index.js';

const mlog = log.child({ mod: 'modem-serial' });

export interface ModemSerialAttachment {
  /** Stops handing the port over and closes it; resolves once the port is released. */
  close(): Promise<void>;
}

/**
 * serialport inside worker threads crashes on some boards (DESIGN.md), so the port is opened here and its bytes cross
 * a MessagePort. A restarted modem actor has lost its end of the port, so every 'ready' of the modem gets a new bridge.
 * `open` is injectable (a pty or a test link); by default it opens `path` at `baudRate`.
 */
export function attachModemSerial(
  rt: Runtime,
  o: { path: string; baudRate: number; open?: () => Promise<SerialBridge> },
): ModemSerialAttachment {
  const open = o.open ?? (() => openSerialBridge({ path: o.path, baudRate: o.baudRate }));
  let bridge: SerialBridge | undefined;
  let closed = false;
  // A restarted modem actor gets the port back: the old bridge's port is closed and released (descriptor and lock)
  // before the new open, which would otherwise fail with "Cannot lock port".
  const attach = async (): Promise<void> => {
    const old = bridge;
    bridge = undefined;
    await old?.close();
    try {
      const b = await open();
      if (closed) {
        await b.close();
        return;
      }
      bridge = b;
      rt.send(ActorNames.modem, { type: 'modem.serial-port', port: b.port });
      mlog.info({ path: o.path }, 'serial port handed to the modem actor');
    } catch (err) {
      // The modem actor stays without a link; its statechart reports no network and the client waits (lteWaitS).
      mlog.error(
        { path: o.path, code: (err as { code?: string }).code, err: (err as Error).message },
        `cannot open modem serial port ${o.path}`,
      );
    }
  };
  const onReady = (name: string): void => {
    if (name === ActorNames.modem && !closed) void attach();
  };
  rt.on('ready', onReady);
  return {
    async close(): Promise<void> {
      closed = true;
      rt.off('ready', onReady);
      const b = bridge;
      bridge = undefined;
      await b?.close();
    },
  };
}
