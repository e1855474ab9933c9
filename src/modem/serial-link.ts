// serial-link.ts: opens a serial port (serialport 13) and wraps it, or any byte Duplex, as a ByteLink.
import type { Duplex } from 'node:stream';
import { SerialPortStream } from '@serialport/stream';
import { hangUpAwareBinding } from './serial-binding.js';
import { CodedError } from '../errors.js';
import type { ByteLink } from './link.js';

/**
 * A serial port stream: its close(cb) releases the descriptor and the lock (destroy() alone does not: the fd stays
 * open).
 */
type ClosableStream = Duplex & { isOpen?: boolean; close?: (cb: (err?: Error | null) => void) => void };

/** Wraps an open stream (SerialPort, SerialPortMock, a socket) as a ByteLink. */
export function streamLink(stream: Duplex): ByteLink {
  let onData: (d: Uint8Array) => void = () => undefined;
  const closeListeners: ((r: string) => void)[] = [];
  let closed = false;
  let release: () => void = () => undefined;
  const released = new Promise<void>((r) => {
    release = r;
  });
  const fireClose = (reason: string): void => {
    if (closed) return;
    closed = true;
    for (const l of closeListeners) l(reason);
  };
  stream.on('data', (d: Buffer) => onData(new Uint8Array(d.buffer, d.byteOffset, d.length)));
  stream.on('close', () => {
    fireClose('port closed');
    if (!(stream as ClosableStream).isOpen) release();
  });
  stream.on('error', (err: Error) => fireClose(`port error: ${err.message}`));
  return {
    write(data) {
      if (!closed) stream.write(Buffer.from(data.buffer, data.byteOffset, data.length));
    },
    onData(l) {
      onData = l;
    },
    onClose(l) {
      closeListeners.push(l);
    },
    close() {
      if (closed) return;
      const s = stream as ClosableStream;
      if (typeof s.close === 'function' && s.isOpen)
        s.close(() => {
          stream.destroy();
          release();
        });
      else {
        stream.destroy();
        release();
      }
      fireClose('closed by owner');
    },
    released,
  };
}

export interface SerialOpenOptions {
  path: string;
  baudRate: number;
}

/** Opens a real serial port (raw, 8N1, no flow control); rejects with SERIAL_OPEN_FAILED. */
export async function openSerialPort(o: SerialOpenOptions): Promise<SerialPortStream> {
  const port = new SerialPortStream({
    binding: hangUpAwareBinding(),
    path: o.path,
    baudRate: o.baudRate,
    autoOpen: false,
  });
  await new Promise<void>((resolve, reject) => {
    port.open((err) =>
      err
        ? reject(new CodedError('SERIAL_OPEN_FAILED', `cannot open ${o.path}: ${err.message}`, { path: o.path }))
        : resolve(),
    );
  });
  return port;
}

/** Opens `path` and returns it as a ByteLink (used on the main thread and in tests). */
export async function openSerialLink(o: SerialOpenOptions): Promise<ByteLink> {
  return streamLink(await openSerialPort(o));
}
