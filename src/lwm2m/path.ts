// path.ts: LwM2M paths ('/3/0/1' ⇄ [3, 0, 1]) and prefix checks.
import { CodedError } from '../errors.js';
import type { Path } from './types.js';

/** Parses '/3/0/1' into [3, 0, 1]; '/' and '' give []. Throws PATH_INVALID for anything else. */
export function parsePath(s: string): Path {
  const trimmed = s.replace(/^\/+/, '').replace(/\/+$/, '');
  if (trimmed === '') return [];
  const parts = trimmed.split('/');
  if (parts.length > 4) throw new CodedError('PATH_INVALID', `path ${s}: more than 4 levels`);
  return parts.map((p) => parseSegment(p, s));
}

/** Parses Uri-Path segments (already split) into a Path. */
export function pathFromSegments(segments: readonly string[]): Path {
  let levels = 0;
  for (const s of segments) if (s !== '') levels++;
  if (levels > 4) throw new CodedError('PATH_INVALID', `path /${segments.join('/')}: more than 4 levels`);
  const out: number[] = [];
  for (const s of segments) if (s !== '') out.push(parseSegment(s, segments));
  return out;
}

function parseSegment(p: string, whole: string | readonly string[]): number {
  if (!/^\d{1,5}$/.test(p))
    throw new CodedError('PATH_INVALID', `path ${wholePath(whole)}: '${p}' is not a number 0..65535`);
  const n = Number(p);
  if (n > 65535) throw new CodedError('PATH_INVALID', `path ${wholePath(whole)}: ${n} is above 65535`);
  return n;
}

/** The path as the error names it (built only for the error). */
function wholePath(whole: string | readonly string[]): string {
  return typeof whole === 'string' ? whole : '/' + whole.join('/');
}

export function formatPath(p: Path): string {
  return p.length === 0 ? '/' : '/' + p.join('/');
}

export function isPrefix(prefix: Path, p: Path): boolean {
  if (prefix.length > p.length) return false;
  for (let i = 0; i < prefix.length; i++) if (prefix[i] !== p[i]) return false;
  return true;
}

export function samePath(a: Path, b: Path): boolean {
  return a.length === b.length && isPrefix(a, b);
}
