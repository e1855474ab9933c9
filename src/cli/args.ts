// args.ts: command-line helpers for `run`: the optional-value --inspect flag and overrides applied to the config.
import { CodedError } from '../errors.js';
import { parseHostPort, isLwm2mServerUri, type Config } from '../runtime/config.js';

/** `--inspect` takes an optional value: make a bare one explicit so parseArgs accepts it. */
export function normaliseInspectFlag(argv: string[]): string[] {
  const res: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--inspect') {
      const next = argv[i + 1];
      if (next !== undefined && !next.startsWith('-') && parseHostPort(next) !== undefined) {
        res.push(`--inspect=${next}`);
        i++;
      } else {
        res.push('--inspect=');
      }
    } else {
      res.push(a);
    }
  }
  return res;
}

/** Applies `run`'s command-line overrides to a loaded config. */
export function applyRunOverrides(
  config: Config,
  v: { server?: string; endpoint?: string; 'state-dir'?: string; inspect?: string; 'log-format'?: string },
): Config {
  const c: Config = { ...config, inspect: { ...config.inspect } };
  const lf = v['log-format'];
  if (lf !== undefined) {
    if (lf !== 'json' && lf !== 'pretty' && lf !== 'auto')
      throw new CodedError('CONFIG_INVALID', `--log-format: must be json, pretty or auto (got ${JSON.stringify(lf)})`);
    c.log = { ...config.log, format: lf };
  }
  if (v.server !== undefined) {
    if (!isLwm2mServerUri(v.server))
      throw new CodedError(
        'CONFIG_INVALID',
        `--server: must be a coap:// or coaps:// URI with a host (got ${JSON.stringify(v.server)})`,
      );
    c.server = v.server;
  }
  if (v.endpoint !== undefined) {
    if (v.endpoint === '') throw new CodedError('CONFIG_INVALID', '--endpoint: must not be empty');
    c.endpoint = v.endpoint;
  }
  if (v['state-dir'] !== undefined) c.stateDir = v['state-dir'];
  if (v.inspect !== undefined) {
    c.inspect.enabled = true;
    if (v.inspect !== '') {
      const hp = parseHostPort(v.inspect, c.inspect.host);
      if (!hp)
        throw new CodedError(
          'CONFIG_INVALID',
          `--inspect: must be HOST:PORT or PORT (got ${JSON.stringify(v.inspect)})`,
        );
      c.inspect.host = hp.host;
      c.inspect.port = hp.port;
    }
  }
  return c;
}
