// pty.ts: a socat pty pair in a fresh temp dir (one end for the modem emulator, one for the code that talks to the
// modem).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CodedError } from '../../errors.js';

export interface PtyPair {
  /** The emulator's end. */
  a: string;
  /** The other end: the "serial port" of the device under test (a symlink to /dev/pts/N). */
  b: string;
  /** Resolves when socat ends (killed by close(), or on its own). */
  exited: Promise<void>;
  close(): void;
}

/** Starts `socat` with two linked ptys; rejects with PTY_FAILED when socat is missing or creates no pty within 2 s. */
export async function ptyPair(): Promise<PtyPair> {
  const dir = mkdtempSync(join(tmpdir(), 'modem-pty-'));
  const a = join(dir, 'a');
  const b = join(dir, 'b');
  const proc: ChildProcess = spawn('socat', ['-d', '-d', `pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`], {
    stdio: 'ignore',
  });
  let spawnError: Error | undefined;
  const exited = new Promise<void>((r) => {
    proc.once('error', (e) => {
      spawnError = e;
      r();
    });
    proc.once('exit', () => r());
  });
  for (let i = 0; i < 200 && !spawnError && !(existsSync(a) && existsSync(b)); i++)
    await new Promise((r) => setTimeout(r, 10));
  if (!existsSync(a) || !existsSync(b)) {
    proc.kill();
    rmSync(dir, { recursive: true, force: true });
    throw new CodedError(
      'PTY_FAILED',
      `socat did not create the pty pair${spawnError ? `: ${spawnError.message} (is socat installed?)` : ''}`,
    );
  }
  return {
    a,
    b,
    exited,
    close() {
      proc.kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
