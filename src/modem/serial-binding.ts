// serial-binding.ts: the OS serial binding with one fix — a read of 0 bytes (the device hung up: a USB modem
// re-enumerating, a pty whose other end closed) ends the port instead of bindings-cpp's immediate re-read, which spins
// a CPU forever.
import { read } from 'node:fs';
import { promisify } from 'node:util';
import {
  autoDetect,
  LinuxPortBinding,
  DarwinPortBinding,
  type BindingInterface,
  type OpenOptions,
} from '@serialport/bindings-cpp';
// Not re-exported by the package index (v13); the read loop below needs its EAGAIN / poller handling.
import { unixRead } from '@serialport/bindings-cpp/dist/unix-read.js';

const readAsync = promisify(read);

/** fs.read that turns end-of-file into the disconnect error bindings-cpp understands (errno -1 → `disconnect`). */
export const readOrHangUp: typeof readAsync = async (...args: Parameters<typeof readAsync>) => {
  const r = await readAsync(...args);
  if (r.bytesRead === 0)
    throw Object.assign(new Error('the serial device hung up (end of file)'), { code: 'EIO', errno: -1 });
  return r;
};

/** autoDetect(), whose Linux / macOS ports read with `readOrHangUp`; other platforms unchanged. */
export function hangUpAwareBinding(base: BindingInterface = autoDetect()): BindingInterface {
  return {
    list: () => base.list(),
    async open(options: OpenOptions) {
      const port = await base.open(options);
      if (port instanceof LinuxPortBinding || port instanceof DarwinPortBinding) {
        const unix = port;
        const checked = unix.read.bind(unix);
        unix.read = async (buffer: Buffer, offset: number, length: number) => {
          // argument and open checks as the original's, then the read without the end-of-file spin
          if (!unix.isOpen) return checked(buffer, offset, length);
          if (!Buffer.isBuffer(buffer) || buffer.length < offset + length) return checked(buffer, offset, length);
          return unixRead({ binding: unix, buffer, offset, length, fsReadAsync: readOrHangUp });
        };
      }
      return port;
    },
  };
}
