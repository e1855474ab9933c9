// child-output.ts: follows a child process's stdout and stderr line by line and its exit, waking the kit's waiters on
// each.
import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

export type ChildExit = { code: number | null; signal: NodeJS.Signals | null };

/**
 * Calls `onLine` for every output line (stdout and stderr) and wakes `waiters` after it and at exit; resolves at exit.
 */
export function followChild(
  proc: ChildProcess,
  waiters: Set<() => void>,
  onLine: (line: string) => void,
): Promise<ChildExit> {
  const wake = (): void => {
    for (const w of [...waiters]) w();
  };
  const take = (l: string): void => {
    onLine(l);
    wake();
  };
  createInterface({ input: proc.stdout! }).on('line', take);
  createInterface({ input: proc.stderr! }).on('line', take);
  return new Promise((resolve) =>
    proc.once('exit', (code, signal) => {
      resolve({ code, signal });
      wake();
    }),
  );
}
