// completer.ts: tab completion for the console: command names, then paths the client registered and the model knows.
import type { DevServer } from '../server.js';
import { COMMANDS } from './commands.js';
import { registeredPaths } from './printer.js';

/** Candidate paths: every registered object/instance link, and the model's resources under registered instances. */
export function knownPaths(server: DevServer, ep: string | undefined): string[] {
  const regs =
    ep !== undefined && server.registrations.has(ep)
      ? [server.registrations.get(ep)!]
      : [...server.registrations.values()];
  const out = new Set<string>();
  for (const reg of regs) {
    for (const p of registeredPaths(reg)) {
      out.add(p);
      const [obj, inst] = p.split('/').slice(1).map(Number);
      if (inst === undefined || Number.isNaN(inst)) continue;
      for (const r of server.types.knownResources(obj)) out.add(`${p}/${r}`);
    }
  }
  if (out.size === 0) for (const o of server.types.knownObjects()) out.add(`/${o}`);
  return [...out].sort();
}

/** readline's completer: [matches, the word they complete]. */
export function complete(server: DevServer, ep: string | undefined, line: string): [string[], string] {
  const words = line.split(/\s+/);
  const word = words[words.length - 1] ?? '';
  if (words.length <= 1)
    return [
      Object.keys(COMMANDS)
        .concat('quit')
        .filter((c) => c.startsWith(word)),
      word,
    ];
  if (words[0] === 'ep') return [[...server.registrations.keys()].filter((e) => e.startsWith(word)), word];
  if (words[0] === 'fw' && words.length === 2) return [['push', 'pull'].filter((c) => c.startsWith(word)), word];
  if (word.startsWith('--')) return [['--format', '--partial'].filter((f) => f.startsWith(word)), word];
  const prefix = word.includes('=') ? '' : word;
  return [knownPaths(server, ep).filter((p) => p.startsWith(prefix)), prefix];
}
