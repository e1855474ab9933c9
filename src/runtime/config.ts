// config.ts: the one YAML config file: zod schema (runtime keys + every area's section), loading, one-line errors.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { parseDocument } from 'yaml';
import { CodedError } from '../errors.js';
import { coapConfigSchema } from '../coap/config-schema.js';
import { modemConfigSchema } from '../modem/config-schema.js';
import { meterConfigSchema } from '../meter/config-schema.js';
import { clientConfigSchema } from '../client/section-schema.js';
import { firmwareConfigSchema } from '../firmware/config-schema.js';
import { pluginsConfigSchema } from '../plugins/config-schema.js';
import { crossFieldProblems } from './config-checks.js';

/** True for coap://, coaps://, coap+tcp:// style URIs with a host and a valid port. */
export function isLwm2mServerUri(s: string): boolean {
  let u: URL;
  try {
    u = new URL(s);
  } catch {
    return false;
  }
  if (u.protocol !== 'coap:' && u.protocol !== 'coaps:') return false;
  if (u.hostname === '') return false;
  return u.port === '' || (Number(u.port) >= 1 && Number(u.port) <= 65535);
}

export const serverUriSchema = z
  .string()
  .refine(isLwm2mServerUri, { message: 'must be a coap:// or coaps:// URI with a host' });

/** `HOST:PORT`, `[v6]:PORT` or just `PORT`. */
export function parseHostPort(s: string, defaultHost = '127.0.0.1'): { host: string; port: number } | undefined {
  const t = s.trim();
  if (/^\d{1,5}$/.test(t)) return Number(t) <= 65535 ? { host: defaultHost, port: Number(t) } : undefined;
  const m = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(t);
  if (!m) return undefined;
  const port = Number(m[3]);
  if (port > 65535) return undefined;
  return { host: m[1] ?? m[2] ?? defaultHost, port };
}

const actorName = z
  .string()
  .regex(
    /^[a-z][a-z0-9-]*(:[A-Za-z0-9_-]+)?\*?$|^[a-z][a-z0-9-]*:\*$/,
    'must be an actor name like "client", "object:3" or a prefix pattern "object:*"',
  );

export const placementSchema = z.union([
  z.literal('per-actor'),
  z.literal('shared'),
  z.object({ groups: z.array(z.array(actorName).min(1)).min(1) }).strict(),
]);
export type Placement = z.infer<typeof placementSchema>;

export const supervisorSchema = z
  .object({
    /** Crashes tolerated within `windowMs` before the actor is given up (ACTOR_GAVE_UP). */
    maxRestarts: z.number().int().min(0).default(5),
    windowMs: z.number().int().min(100).default(60_000),
    /** First restart delay; doubled per consecutive crash, capped at backoffMaxMs. */
    backoffInitialMs: z.number().int().min(0).default(200),
    backoffMaxMs: z.number().int().min(0).default(10_000),
    /** Messages buffered for a restarting actor; beyond that senders get ACTOR_UNAVAILABLE. */
    bufferLimit: z.number().int().min(0).default(256),
    /** Default timeout of ctx.request. */
    requestTimeoutMs: z.number().int().min(1).default(10_000),
    /**
     * An actor whose create (a plugin object's `start`) has not finished in this much idle time of its worker thread
     * fails (ACTOR_START_TIMEOUT) and is restarted.
     */
    startTimeoutMs: z.number().int().min(100).default(30_000),
    /** V8 old-generation limit per worker (MiB); a worker that exceeds it is killed and restarted. */
    maxOldGenerationSizeMb: z.number().int().min(8).default(64),
    /** V8 young-generation limit per worker (MiB); small values keep RSS down at some GC cost. 0 = V8's default. */
    maxYoungGenerationSizeMb: z.number().int().min(0).default(0),
  })
  .strict();
export type SupervisorConfig = z.infer<typeof supervisorSchema>;

export const inspectSchema = z
  .object({
    enabled: z.boolean().default(false),
    /** Bind address of the WebSocket stream; loopback unless you mean otherwise. */
    host: z.string().min(1).default('127.0.0.1'),
    port: z.number().int().min(0).max(65535).default(9339),
  })
  .strict();

export const deviceSchema = z
  .object({
    manufacturer: z.string().default('lwm2m-meter'),
    model: z.string().default('demo-water-meter'),
    serial: z.string().default('0001'),
    /**
     * Execute /3/0/4 runs this after a clean stop (e.g. ["systemctl", "reboot"]); absent: `run` exits 75 for systemd to
     * restart it.
     */
    rebootCommand: z.array(z.string().min(1)).min(1).optional(),
  })
  .strict();

export const logSchema = z
  .object({
    level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    /** auto: one human line per entry when stderr is a terminal, JSON otherwise; json / pretty force either. */
    format: z.enum(['auto', 'json', 'pretty']).default('auto'),
  })
  .strict();

/** Parsed default of a schema ('{}' in, defaults out). */
function dflt<S extends z.ZodType>(s: S): z.output<S> {
  return s.parse({});
}

export const configSchema = z
  .object({
    /** LwM2M endpoint client name. */
    endpoint: z.string().min(1).max(255).default('lwm2m-meter-demo'),
    /** The LwM2M (or bootstrap) server the client talks to when its own section names none. */
    server: serverUriSchema.default('coap://127.0.0.1:5683'),
    stateDir: z.string().min(1).default('./var'),
    log: logSchema.default(dflt(logSchema)),
    inspect: inspectSchema.default(dflt(inspectSchema)),
    placement: placementSchema.default('shared'),
    supervisor: supervisorSchema.default(dflt(supervisorSchema)),
    /** Budget for the whole stop (the client's De-register, client.deregisterTimeoutMs, must fit in it). */
    shutdownTimeoutMs: z.number().int().min(100).max(60_000).default(8000),
    device: deviceSchema.default(dflt(deviceSchema)),
    coap: coapConfigSchema,
    modem: modemConfigSchema,
    meter: meterConfigSchema,
    client: clientConfigSchema,
    firmware: firmwareConfigSchema,
    plugins: pluginsConfigSchema,
  })
  .strict();

export type Config = z.output<typeof configSchema>;

function show(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v); // JSON would say null
  const s = JSON.stringify(v);
  if (s === undefined) return typeof v === 'function' ? 'a function' : typeof v;
  return s.length > 60 ? s.slice(0, 57) + '...' : s;
}

function pathOf(path: readonly PropertyKey[]): string {
  return path.length === 0
    ? '(top level)'
    : path
        .map((p) => (typeof p === 'number' ? `[${p}]` : String(p)))
        .join('.')
        .replace(/\.\[/g, '[');
}

/** One line per zod issue: `config: coap.ackTimeoutMs: must be >= 100 (got 5)`. */
export function formatIssue(issue: z.core.$ZodIssue, file?: string): string {
  const where = 'config';
  void file;
  const i = issue;
  let path = pathOf(i.path);
  let reason: string;
  switch (i.code) {
    case 'unrecognized_keys': {
      const key = i.keys[0] ?? '?';
      path = i.path.length === 0 ? key : `${pathOf(i.path)}.${key}`;
      reason = i.keys.length > 1 ? `unknown keys (${i.keys.join(', ')})` : 'unknown key';
      return `${where}: ${path}: ${reason}`;
    }
    case 'too_small':
      reason =
        i.origin === 'string' && Number(i.minimum) === 1
          ? 'must not be empty'
          : i.origin === 'string' || i.origin === 'array'
            ? `must have length >= ${String(i.minimum)}`
            : `must be ${i.inclusive ? '>=' : '>'} ${String(i.minimum)}`;
      break;
    case 'too_big':
      reason =
        i.origin === 'string' || i.origin === 'array'
          ? `must have length <= ${String(i.maximum)}`
          : `must be ${i.inclusive ? '<=' : '<'} ${String(i.maximum)}`;
      break;
    case 'invalid_type':
      // YAML reads 1e400 as Infinity and .nan as NaN: numbers zod refuses, which the reason should say
      reason =
        typeof i.input === 'number' && !Number.isFinite(i.input)
          ? 'must be a finite number'
          : i.input === undefined
            ? `is required (${i.expected})`
            : `must be ${i.expected === 'int' ? 'an integer' : `a ${i.expected}`}`;
      break;
    case 'invalid_value':
      reason = `must be one of ${i.values.map((v) => JSON.stringify(v)).join(', ')}`;
      break;
    case 'invalid_union': {
      const note = (i as { note?: string }).note;
      reason = note ? note.charAt(0).toLowerCase() + note.slice(1) : 'has no valid form';
      const first = i.errors
        .map((e) => e[0])
        .find((e) => e !== undefined && e.code !== 'invalid_type' && e.code !== 'invalid_value');
      if (first) return formatIssue({ ...first, path: [...i.path, ...first.path] }, file);
      if (/^(per-actor|shared)$/.test(String(i.input)) === false && path === 'placement')
        reason = 'must be "per-actor", "shared" or { groups: [[names…]] }';
      break;
    }
    default:
      reason = i.message.replace(/^Invalid input: /, '');
      if (!/^must /.test(reason)) reason = reason.charAt(0).toLowerCase() + reason.slice(1);
  }
  return `${where}: ${path}: ${reason} (got ${show(i.input)})`;
}

/**
 * Validates a plain object (from YAML or built in code) into a full Config; throws CONFIG_INVALID with one line per
 * problem.
 */
export function parseConfig(raw: unknown, file?: string): Config {
  const r = configSchema.safeParse(raw ?? {}, { reportInput: true });
  const lines = r.success ? crossFieldProblems(r.data) : r.error.issues.map((iss) => formatIssue(iss, file));
  if (r.success && lines.length === 0) return r.data;
  throw new CodedError('CONFIG_INVALID', lines.join('\n'), { lines });
}

/** Parses YAML text into a Config; YAML syntax errors are one line too. */
export function parseConfigText(text: string, file?: string): Config {
  const doc = parseDocument(text, { prettyErrors: false });
  const err = doc.errors[0];
  if (err) {
    const pos = err.linePos?.[0];
    const at = pos ? ` line ${pos.line} col ${pos.col}` : '';
    throw new CodedError(
      'CONFIG_INVALID',
      `config:${file ? ' ' + file : ''}${at}: YAML error: ${err.message.split('\n')[0]}`,
    );
  }
  return parseConfig(doc.toJS() ?? {}, file);
}

/** Loads and validates a config file; no file → the embedded demo default. */
export function loadConfig(file?: string): Config {
  if (file === undefined) return demoConfig();
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new CodedError('CONFIG_INVALID', `config ${file}: cannot read: ${(err as Error).message}`);
  }
  return parseConfigText(text, file);
}

/** Every key at its default: simulated modem and meter (a household's daily pattern) and a local server. */
export function defaultConfig(): Config {
  return parseConfig({});
}

/**
 * The embedded demo (`run` without --config): the defaults, with a meter whose volume moves every minute and the valve
 * open.
 */
export function demoConfig(): Config {
  // the simulated valve starts open: a closed valve stops the simulated flow (the fail-safe default of a board is
  // closed)
  return parseConfig({
    meter: { source: { kind: 'simulated', profile: 'demo' } },
    plugins: { config: { valve: { failSafe: 'open' } } },
  });
}
