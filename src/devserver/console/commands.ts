// commands.ts: the console's commands (help text and what each does through the DevServer operations).
import { CodedError } from '../../errors.js';
import { formatPath, parsePath } from '../../lwm2m/path.js';
import type { Path } from '../../lwm2m/types.js';
import type { AttributeValue } from '../operations.js';
import type { OpResult } from '../types.js';
import { parseAttributes } from '../attributes-arg.js';
import type { ConsoleContext } from './context.js';
import { formatByName } from './formats.js';
import { unquote, type ParsedLine } from './parser.js';
import { clientLine, nameOf, resultLines } from './printer.js';
import { parseAssignments, parseCreateBody, parseValue, typeAt } from './values.js';
import { firmwarePull, firmwarePush, firmwareUpdate } from './firmware.js';

export interface Command {
  usage: string;
  help: string;
  /** Resolves true when it worked (a 2.xx answer), false when the client refused; throws on bad input. */
  run(ctx: ConsoleContext, line: ParsedLine): Promise<boolean>;
}

function need(line: ParsedLine, n: number): void {
  if (line.args.length < n) throw new CodedError('CONSOLE_SYNTAX', `usage: ${COMMANDS[line.cmd]?.usage ?? line.cmd}`);
}

function fmt(line: ParsedLine): { format?: number } {
  const f = line.flags.format;
  return typeof f === 'string' ? { format: formatByName(f) } : {};
}

function path(word: string | undefined): Path {
  if (word === undefined) throw new CodedError('CONSOLE_SYNTAX', 'a path is missing');
  return parsePath(word);
}

function show(ctx: ConsoleContext, r: OpResult): boolean {
  for (const l of resultLines(ctx.server.types, r)) ctx.out(l);
  return r.code.startsWith('2.');
}

async function observe(ctx: ConsoleContext, line: ParsedLine, composite: boolean): Promise<boolean> {
  need(line, 1);
  const ep = await ctx.endpoint();
  const paths = line.args.map(path);
  const obs = composite
    ? await ctx.server.observeComposite(ep, paths, fmt(line))
    : await ctx.server.observe(ep, paths[0], fmt(line));
  const ok = show(ctx, obs.result) && obs.active;
  if (!ok) return false;
  const o = ctx.addObservation(ep, paths.map(formatPath).join(' '), obs);
  ctx.out(`observation ${o.id}: ${ep} ${o.label} (cancel ${o.id})`);
  return true;
}

export const COMMANDS: Record<string, Command> = {
  help: {
    usage: 'help [COMMAND]',
    help: 'list the commands, or explain one',
    run(ctx, line) {
      const one = line.args[0];
      if (one !== undefined) {
        const c = COMMANDS[one];
        if (!c) throw new CodedError('CONSOLE_UNKNOWN', `no command '${one}'`);
        ctx.out(`${c.usage}\n  ${c.help}`);
      } else {
        for (const c of Object.values(COMMANDS)) ctx.out(`${c.usage.padEnd(44)} ${c.help}`);
      }
      return Promise.resolve(true);
    },
  },
  clients: {
    usage: 'clients',
    help: 'registered clients: endpoint, address, lifetime, binding, objects',
    run(ctx) {
      const regs = [...ctx.server.registrations.values()];
      if (regs.length === 0) ctx.out('no client registered');
      for (const r of regs) ctx.out(`${r.endpoint === ctx.picked ? '*' : ' '} ${clientLine(r)}`);
      return Promise.resolve(true);
    },
  },
  ep: {
    usage: 'ep NAME',
    help: 'send the next commands to this client',
    run(ctx, line) {
      need(line, 1);
      if (!ctx.server.registrations.has(line.args[0]))
        throw new CodedError('DEVSERVER_UNKNOWN_ENDPOINT', `${line.args[0]} is not registered`);
      ctx.picked = line.args[0];
      ctx.out(`client: ${ctx.picked}`);
      return Promise.resolve(true);
    },
  },
  read: {
    usage: 'read PATH [--format F]',
    help: 'Read (F: tlv senml-json senml-cbor lwm2m-cbor text opaque json)',
    async run(ctx, line) {
      need(line, 1);
      return show(ctx, await ctx.server.read(await ctx.endpoint(), path(line.args[0]), fmt(line)));
    },
  },
  write: {
    usage: 'write PATH VALUE [--format F] [--partial]',
    help: 'Write one resource (value typed by the object model; "quoted" = string, 0x… = opaque)',
    async run(ctx, line) {
      need(line, 2);
      const p = path(line.args[0]);
      const value = parseValue(line.args.slice(1).join(' '), typeAt(ctx.server.types, p));
      return show(
        ctx,
        await ctx.server.write(await ctx.endpoint(), p, value, { ...fmt(line), partial: line.flags.partial === true }),
      );
    },
  },
  exec: {
    usage: 'exec PATH [ARGS]',
    help: "Execute, with optional arguments (e.g. 0='x',1)",
    async run(ctx, line) {
      need(line, 1);
      return show(
        ctx,
        await ctx.server.execute(await ctx.endpoint(), path(line.args[0]), line.args.slice(1).join(' ')),
      );
    },
  },
  create: {
    usage: 'create OBJ[/INST] [{"RES": value, …}]',
    help: 'Create an instance (the first free id when INST is left out)',
    async run(ctx, line) {
      need(line, 1);
      const ep = await ctx.endpoint();
      const p = path(line.args[0]);
      const inst = p.length >= 2 ? p[1] : freeInstance(ctx, ep, p[0]);
      const records = parseCreateBody(line.args.slice(1).join(' ') || '{}', [p[0], inst], ctx.server.types);
      return show(ctx, await ctx.server.create(ep, [p[0]], records, fmt(line)));
    },
  },
  delete: {
    usage: 'delete PATH',
    help: 'Delete an object instance',
    async run(ctx, line) {
      need(line, 1);
      return show(ctx, await ctx.server.delete(await ctx.endpoint(), path(line.args[0])));
    },
  },
  discover: {
    usage: 'discover PATH',
    help: 'Discover: the links (and attributes) under a path',
    async run(ctx, line) {
      need(line, 1);
      return show(ctx, await ctx.server.discover(await ctx.endpoint(), path(line.args[0])));
    },
  },
  observe: {
    usage: 'observe PATH [--format F]',
    help: 'Observe; notifications print as they come',
    run: (ctx, line) => observe(ctx, line, false),
  },
  'observe-composite': {
    usage: 'observe-composite PATH PATH… [--format F]',
    help: 'Observe-Composite (FETCH + Observe)',
    run: (ctx, line) => observe(ctx, line, true),
  },
  cancel: {
    usage: 'cancel ID|PATH',
    help: 'cancel an observation (by the number observe printed, or its path)',
    async run(ctx, line) {
      need(line, 1);
      const key = line.args[0];
      const o = /^\d+$/.test(key)
        ? ctx.observations.get(Number(key))
        : [...ctx.observations.values()].find((x) => x.label === formatPath(parsePath(key)));
      if (!o)
        throw new CodedError(
          'CONSOLE_UNKNOWN',
          `no observation ${key} (${[...ctx.observations.values()].map((x) => `${x.id} ${x.label}`).join(', ') || 'none'})`,
        );
      await o.obs.cancel();
      ctx.observations.delete(o.id);
      ctx.out(`observation ${o.id} cancelled`);
      return true;
    },
  },
  attr: {
    usage: 'attr PATH pmin=1 pmax=10 gt=… (x= removes)',
    help: 'Write-Attributes',
    async run(ctx, line) {
      need(line, 2);
      const attrs: Record<string, AttributeValue> = parseAttributes(line.args.slice(1).join(' '), 'attr');
      return show(ctx, await ctx.server.writeAttributes(await ctx.endpoint(), path(line.args[0]), attrs));
    },
  },
  'read-composite': {
    usage: 'read-composite PATH PATH… [--format F]',
    help: 'Read-Composite (FETCH)',
    async run(ctx, line) {
      need(line, 1);
      return show(ctx, await ctx.server.readComposite(await ctx.endpoint(), line.args.map(path), fmt(line)));
    },
  },
  'write-composite': {
    usage: 'write-composite PATH=VALUE… [--format F]',
    help: 'Write-Composite (iPATCH)',
    async run(ctx, line) {
      need(line, 1);
      return show(
        ctx,
        await ctx.server.writeComposite(await ctx.endpoint(), parseAssignments(line.args, ctx.server.types), fmt(line)),
      );
    },
  },
  'bs-account': {
    usage: 'bs-account EP URI [IDENTITY PSK-HEX] | bs-account EP --reset',
    help: 'the LwM2M server the bootstrap server gives EP next time',
    run(ctx, line) {
      need(line, 1);
      const [ep, uri, identity, psk] = line.args;
      if (line.flags.reset === true) ctx.server.setBootstrapAccounts(ep, undefined);
      else {
        if (uri === undefined) throw new CodedError('CONSOLE_SYNTAX', `usage: ${COMMANDS['bs-account'].usage}`);
        ctx.server.setBootstrapAccounts(ep, [
          {
            serverUri: uri,
            ...(identity !== undefined && psk !== undefined
              ? { securityMode: 'psk' as const, pskIdentity: identity, psk }
              : {}),
          },
        ]);
      }
      ctx.out(`bootstrap account of ${ep}: ${line.flags.reset === true ? 'from the configuration' : uri}`);
      return Promise.resolve(true);
    },
  },
  fw: {
    usage: 'fw push FILE [--update] | fw pull FILE [--via coap|http] [--update] | fw update',
    help:
      'firmware: push FILE to /5/0/0 (Block1), or serve it (CoAP or HTTP), write its URI to /5/0/1 and follow the ' +
      'download to Downloaded; --update (or fw update): Execute /5/0/2 and wait for its result',
    async run(ctx, line) {
      need(line, 1);
      const how = line.args[0];
      const file = line.args[1] !== undefined ? unquote(line.args[1]) : undefined;
      if (how !== 'update' && (file === undefined || (how !== 'push' && how !== 'pull')))
        throw new CodedError('CONSOLE_SYNTAX', `usage: ${COMMANDS.fw.usage}`);
      const ep = await ctx.endpoint();
      let ok = true;
      if (how === 'push' && file !== undefined) ok = show(ctx, await firmwarePush(ctx, ep, file));
      if (how === 'pull' && file !== undefined) {
        const via = line.flags.via;
        ok = await firmwarePull(ctx, ep, file, typeof via === 'string' ? { via } : {});
      }
      return ok && (how === 'update' || line.flags.update === true ? await firmwareUpdate(ctx, ep) : true);
    },
  },
  name: {
    usage: 'name PATH',
    help: 'what the object model calls a path',
    run(ctx, line) {
      need(line, 1);
      const p = path(line.args[0]);
      ctx.out(
        `${formatPath(p)} ${nameOf(ctx.server.types, p) ?? '(unknown)'}${p.length >= 3 ? ` ${typeAt(ctx.server.types, p) ?? ''}` : ''}`.trimEnd(),
      );
      return Promise.resolve(true);
    },
  },
};

/** The lowest instance id of an object the client did not register. */
function freeInstance(ctx: ConsoleContext, ep: string, obj: number): number {
  const taken = new Set(
    (ctx.server.registrations.get(ep)?.links ?? [])
      .map((l) => l.target.split('/'))
      .filter((s) => s[1] === String(obj) && s[2] !== undefined)
      .map((s) => Number(s[2])),
  );
  let i = 0;
  while (taken.has(i)) i++;
  return i;
}
