// start.ts: whether the dev-server CLI opens a console, and on what: --script FILE, a terminal (interactive), or piped
// stdin.
import { createReadStream, fstatSync } from 'node:fs';
import type { Readable } from 'node:stream';

export interface ConsoleInput {
  input: Readable;
  interactive: boolean;
}

/**
 * --script FILE wins; then stdin: a terminal → interactive, a pipe or a file → script mode; anything else (/dev/null) →
 * none.
 */
export function consoleInput(
  script: string | undefined,
  stdin: NodeJS.ReadStream = process.stdin,
): ConsoleInput | undefined {
  if (script !== undefined) return { input: script === '-' ? stdin : createReadStream(script), interactive: false };
  if (stdin.isTTY === true) return { input: stdin, interactive: true };
  try {
    const st = fstatSync(0);
    return st.isFIFO() || st.isFile() ? { input: stdin, interactive: false } : undefined;
  } catch {
    return undefined;
  }
}
