// listen.ts: the dev-server's `--web [HOST:]PORT` argument: optional value (bare `--web` = 127.0.0.1:8080), parsed into
// host and port.
import { CodedError } from '../../errors.js';

export interface WebListen {
  host: string;
  port: number;
}

export const WEB_DEFAULT = '127.0.0.1:8080';

/** node:util parseArgs has no optional values: a bare `--web` (last, or followed by another flag) gets the default. */
export function webArgv(argv: readonly string[]): string[] {
  const out: string[] = [];
  argv.forEach((a, i) => {
    out.push(a);
    const next = argv[i + 1];
    if (a === '--web' && (next === undefined || next.startsWith('-'))) out.push(WEB_DEFAULT);
  });
  return out;
}

/** 'PORT', 'HOST:PORT' or '[V6]:PORT' → host and port; loopback when no host is given. */
export function parseWebArg(v: string): WebListen {
  const m = /^(?:(\[[0-9a-fA-F:.]+\]|[^:[\]]+):)?(\d{1,5})$/.exec(v.trim());
  const port = m ? Number(m[2]) : NaN;
  if (!m || port > 65535) throw new CodedError('CLI_ARGS', `--web wants [HOST:]PORT (e.g. 127.0.0.1:8080), got '${v}'`);
  const host = m[1] === undefined ? '127.0.0.1' : m[1].replace(/^\[|\]$/g, '');
  return { host, port };
}
