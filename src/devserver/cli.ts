// cli.ts: `lwm2m-meter dev-server`: runs the local LwM2M (and bootstrap) server, printing what clients do, until
// SIGINT.
import { parseArgs } from 'node:util';
import { CodedError } from '../errors.js';
import { parsePath } from '../lwm2m/path.js';
import type { Path } from '../lwm2m/types.js';
import { log as rootLog, setLogFormat, type LogFormat } from '../runtime/log.js';
import { formatBootstrap, formatRecords, formatRegistration, formatResult } from './format-lines.js';
import { startDevServer, type DevServer, type DevServerOptions } from './server.js';
import type { AttributeValue } from './operations.js';
import type { Writable } from 'node:stream';
import { DevServerConsole } from './console/console.js';
import { consoleInput, type ConsoleInput } from './console/start.js';
import { loadObjectDefs } from './console/object-defs.js';
import { elide, VALUE_LIMIT } from '../runtime/log-pretty.js';
import { parseAttributes } from './attributes-arg.js';
import { attachLocationService } from './location-service.js';
import { loadDdfFolder } from '../lwm2m/ddf.js';
import { CORE_TYPES, typesFromDefs } from './model.js';
import { parseWebArg, webArgv, type WebListen } from './web/listen.js';
import { startWebServer } from './web/server.js';
import type { ObjectDef } from '../lwm2m/object-api.js';

export interface DevServerIo {
  /** Where lines go (default stdout). */
  out?: (line: string) => void;
  /** Stops the server when aborted (default: SIGINT / SIGTERM). */
  signal?: AbortSignal;
  /** Called once the server listens. */
  onReady?: (server: DevServer) => void;
  /** Clock for line timestamps (default Date.now). */
  now?: () => number;
  /**
   * Console input (default: --script FILE, else stdin when it is a terminal, a pipe or a file, and only without `out`).
   */
  console?: ConsoleInput;
  /** Where console output goes (default stdout). */
  consoleOutput?: Writable;
}

export const USAGE = `lwm2m-meter dev-server [options]
  --host ADDR             address to bind (default 0.0.0.0)
  --port N                registration port (default 5683; 0 = any)
  --bootstrap             serve the bootstrap interface (/bs) on the registration port
  --bootstrap-port N      serve it on its own port instead
  --server-uri URI        LwM2M server URI written by bootstrap (default coap://<host>:<port>)
  --observe PATH,...      observe these paths when a client registers
  --attr pmin=5,pmax=30   write these attributes to each --observe path before observing it (x= removes one)
  --read PATH,...         read these paths when a client registers
  --format N              content format asked for reads/observes (e.g. 112 SenML CBOR, 11542 TLV)
  --timeout MS            time a request to a client may take (default 10000)
  --location-service on|off  answer ground fix Sends (/33626) with a location written back (default on)
  --ddf DIR               decode with the object definitions of the OMA DDF XML files in DIR (TLV values of objects
                          it does not know otherwise come out as opaque)
  --web [HOST:]PORT       serve the web page (clients, object tree, operations, live log, chart, firmware push);
                          bare --web: 127.0.0.1:8080 (loopback: use an SSH tunnel from elsewhere)
  --log-format json|pretty  form of the log on stderr (default: human lines on a terminal, JSON otherwise)
  --script FILE           run the console commands of FILE (one a line; '-' = stdin), then stop; exit code 1 if one failed
                          (a terminal on stdin opens the interactive console; piped stdin runs as a script)
  -h, --help              this text`;

function paths(list: string | undefined, flag: string): Path[] {
  if (list === undefined || list === '') return [];
  return list.split(',').map((p) => {
    try {
      return parsePath(p.trim());
    } catch (err) {
      throw new CodedError('CLI_ARGS', `${flag}: ${(err as Error).message}`);
    }
  });
}

function int(v: string | undefined, flag: string, dflt: number): number {
  if (v === undefined) return dflt;
  if (!/^\d+$/.test(v)) throw new CodedError('CLI_ARGS', `${flag} wants a number, got '${v}'`);
  return Number(v);
}

function logFormat(v: string | undefined): LogFormat | undefined {
  if (v === undefined || v === 'json' || v === 'pretty' || v === 'auto') return v;
  throw new CodedError('CLI_ARGS', `--log-format wants json or pretty, got '${v}'`);
}

/** Parses the dev-server arguments into server options and the auto read/observe lists. */
export function parseDevServerArgs(argv: string[]): {
  help: boolean;
  options: DevServerOptions;
  observe: Path[];
  read: Path[];
  format?: number;
  locationService?: boolean;
  web?: WebListen;
  defs?: ObjectDef[];
  logFormat?: LogFormat;
  attr?: Record<string, AttributeValue>;
  script?: string;
  ddf?: string;
} {
  let parsed;
  try {
    parsed = parseArgs({
      args: webArgv(argv),
      allowPositionals: false,
      options: {
        host: { type: 'string' },
        port: { type: 'string' },
        bootstrap: { type: 'boolean' },
        'bootstrap-port': { type: 'string' },
        'server-uri': { type: 'string' },
        observe: { type: 'string' },
        read: { type: 'string' },
        format: { type: 'string' },
        timeout: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        'location-service': { type: 'string' },
        ddf: { type: 'string' },
        web: { type: 'string' },
        attr: { type: 'string' },
        script: { type: 'string' },
        'log-format': { type: 'string' },
      },
    });
  } catch (err) {
    throw new CodedError('CLI_ARGS', (err as Error).message);
  }
  const v = parsed.values;
  const options: DevServerOptions = {
    host: v.host ?? '0.0.0.0',
    port: int(v.port, '--port', 5683),
    requestTimeoutMs: int(v.timeout, '--timeout', 10_000),
  };
  if (v['bootstrap-port'] !== undefined) options.bootstrap = { port: int(v['bootstrap-port'], '--bootstrap-port', 0) };
  else if (v.bootstrap === true) options.bootstrap = {};
  if (v['server-uri'] !== undefined) options.serverUri = v['server-uri'];
  // the built-in table keeps the objects it has (0–5, 3424): the folder adds the others
  const defs = v.ddf !== undefined ? loadDdfFolder(v.ddf).filter((d) => CORE_TYPES[d.id] === undefined) : undefined;
  if (defs) options.types = typesFromDefs(defs);
  const ls = v['location-service'];
  if (ls !== undefined && ls !== 'on' && ls !== 'off')
    throw new CodedError('CLI_ARGS', `--location-service wants on or off, got '${ls}'`);
  const lf = logFormat(v['log-format']);
  const out = {
    help: v.help === true,
    options,
    observe: paths(v.observe, '--observe'),
    read: paths(v.read, '--read'),
    ...(ls === 'off' ? { locationService: false } : {}),
    ...(v.web !== undefined ? { web: parseWebArg(v.web) } : {}),
    ...(defs ? { defs } : {}),
    ...(lf !== undefined ? { logFormat: lf } : {}),
    ...(v.attr !== undefined ? { attr: parseAttributes(v.attr) } : {}),
    ...(v.script !== undefined ? { script: v.script } : {}),
    ...(v.ddf !== undefined ? { ddf: v.ddf } : {}),
  };
  return v.format !== undefined ? { ...out, format: int(v.format, '--format', 0) } : out;
}

/** Runs the dev server until SIGINT (or io.signal), printing registrations, updates, reads and notifications. */
export async function runDevServer(argv: string[], io: DevServerIo = {}): Promise<number> {
  const out =
    io.out ??
    ((line: string): void => {
      process.stdout.write(line + '\n');
    });
  const now = io.now ?? Date.now;
  const log = rootLog.child({ mod: 'devserver-cli' });
  const args = parseDevServerArgs(argv);
  if (args.help) {
    out(USAGE);
    return 0;
  }
  if (args.logFormat !== undefined) setLogFormat(args.logFormat);
  const s = await startDevServer(args.options);
  const input =
    io.console ?? (io.out === undefined || args.script !== undefined ? consoleInput(args.script) : undefined);
  const con =
    input &&
    new DevServerConsole(s, {
      ...input,
      output: io.consoleOutput ?? process.stdout,
      waitMs: args.options.requestTimeoutMs ?? 10_000,
    });
  if (con) s.types.addDefs(await loadObjectDefs(args.ddf)); // the console names values
  // with a console, event lines go above its prompt
  // for people (a terminal, or --log-format pretty as make run asks on one): long event lines cut, like log values
  const human =
    io.out === undefined && (args.logFormat === 'pretty' || (args.logFormat === undefined && process.stdout.isTTY));
  const print = con
    ? (l: string): void => con.event(l)
    : human
      ? (l: string): void => out(elide(l, 2 * VALUE_LIMIT))
      : out;
  const say = (what: string, text: string): void =>
    print(`${new Date(now()).toISOString().slice(11, 23)} ${what.padEnd(10)} ${text}`);
  const fmt = args.format !== undefined ? { format: args.format } : {};

  say(
    'listening',
    `coap://${s.address}:${s.port}${s.bootstrapPort !== undefined ? ` bootstrap on port ${s.bootstrapPort}` : ''}`,
  );
  s.on('register', (r) => {
    say('register', formatRegistration(r));
    for (const p of args.read) {
      s.read(r.endpoint, p, fmt).then(
        (res) => say('read', `${r.endpoint} ${p.length ? '/' + p.join('/') : '/'} ${formatResult(res)}`),
        (err: unknown) => log.error({ err, ep: r.endpoint }, 'auto-read failed'),
      );
    }
    for (const p of args.observe) {
      const attrs = args.attr;
      const written =
        attrs === undefined
          ? Promise.resolve()
          : s.writeAttributes(r.endpoint, p, attrs).then((res) => {
              say(
                'attr',
                `${r.endpoint} /${p.join('/')} ${Object.entries(attrs)
                  .map(([k, x]) => (x === null ? k : `${k}=${x}`))
                  .join('&')} ${res.code}`,
              );
            });
      written
        .then(() => s.observe(r.endpoint, p, fmt))
        .then(
          (obs) => {
            say('observe', `${r.endpoint} /${p.join('/')} ${formatResult(obs.result)}`);
          },
          (err: unknown) => log.error({ err, ep: r.endpoint }, 'auto-observe failed'),
        );
    }
  });
  s.on('update', (r) => say('update', formatRegistration(r)));
  s.on('deregister', (r) => say('deregister', `${r.endpoint} ${r.location}`));
  s.on('expire', (r) => say('expired', `${r.endpoint} ${r.location} (no update within lt=${r.lifetime})`));
  const sweeper = setInterval(() => s.sweepExpired(), 5000);
  sweeper.unref();
  s.on('notify', (n) =>
    say(
      'notify',
      con
        ? con.notifyLine(n)
        : `${n.endpoint} ${n.paths.map((p) => '/' + p.join('/')).join(',')} #${n.observe ?? '-'} ${formatResult(n.result)}`,
    ),
  );
  s.on('send', (e) => say('send', `${e.endpoint ?? '?'} ${formatRecords(e.records)}`));
  if (args.locationService !== false) {
    const ls = attachLocationService(s);
    ls.on('answer', (a) =>
      say(
        'location',
        `${a.endpoint} result=${a.resultCode}${a.location ? ` ${a.location.lat},${a.location.lon} ±${a.location.accuracy} m` : ''} write ${a.writeCode}`,
      ),
    );
    ls.on('gnss', (a) =>
      say('gnss', `${a.endpoint} ${a.request.kind} result=${a.resultCode} ${a.bytes} bytes write ${a.writeCode}`),
    );
  }
  s.on('bootstrap-request', (e) => say('bootstrap', `${e.endpoint} from ${e.peer.address}:${e.peer.port}`));
  s.on('bootstrap-finish', (e) => say('bootstrap', formatBootstrap(e)));
  const web = args.web
    ? await startWebServer(s, { ...args.web, ...(args.defs ? { defs: args.defs } : {}) }).catch(
        async (err: unknown) => {
          await s.close();
          throw err;
        },
      )
    : undefined;
  if (web) say('web', web.url);
  io.onReady?.(s);

  let code = 0;
  await new Promise<void>((resolve) => {
    if (con)
      void con.run().then((c) => {
        code = c;
        resolve();
      });
    if (io.signal) {
      if (io.signal.aborted) resolve();
      else io.signal.addEventListener('abort', () => resolve(), { once: true });
      return;
    }
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  clearInterval(sweeper);
  await web?.close();
  await s.close();
  say('stopped', '');
  return code;
}
