// static.ts: finds and serves the page's files (plain HTML, ES modules, CSS kept as files in
// src/devserver/web/static/).
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join, normalize, sep } from 'node:path';

/**
 * The page's files are not TypeScript, so tsc leaves them where they are: they are read from the source tree, found
 * relative to this module whether it runs compiled (dist/src/devserver/web/) or from source (src/devserver/web/), in
 * the checkout built in place (the board install, deploy/README.md) or a package with src/ next to dist/.
 */
const CANDIDATES = [
  new URL('./static/', import.meta.url),
  new URL('../../../../src/devserver/web/static/', import.meta.url),
];

export const STATIC_DIR: string | undefined = CANDIDATES.map((u) => fileURLToPath(u)).find((d) =>
  existsSync(join(d, 'index.html')),
);

const TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  svg: 'image/svg+xml',
  png: 'image/png',
};

/** A file of the page by its relative name; undefined for anything outside the folder or missing. */
export function readStatic(name: string): { type: string; body: Buffer } | undefined {
  if (STATIC_DIR === undefined) return undefined;
  const rel = normalize(name);
  if (rel.startsWith('..') || rel.includes(`${sep}..`) || rel.startsWith(sep)) return undefined;
  const ext = rel.slice(rel.lastIndexOf('.') + 1);
  const type = TYPES[ext];
  if (type === undefined) return undefined;
  try {
    return { type, body: readFileSync(join(STATIC_DIR, rel)) };
  } catch {
    return undefined;
  }
}
