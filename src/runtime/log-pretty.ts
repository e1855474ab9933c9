// log-pretty.ts: one human line per pino JSON entry (time, level, actor, message, key fields; long values elided).
const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
/** Keys the line shows in its fixed columns, or that say nothing to a reader. */
const HIDDEN = new Set(['level', 'time', 'pid', 'hostname', 'thread', 'msg', 'actor', 'mod', 'pluginPath']);
/** Longest value shown in full; longer ones are cut with an ellipsis. */
export const VALUE_LIMIT = 100;

export function elide(s: string, limit = VALUE_LIMIT): string {
  return s.length <= limit ? s : `${s.slice(0, limit - 1)}…`;
}

function text(v: unknown, dflt: string): string {
  if (v === undefined || v === null) return dflt;
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function show(v: unknown): string {
  if (typeof v === 'string') return /^[^\s"=]*$/.test(v) && v !== '' ? v : JSON.stringify(v);
  if (v !== null && typeof v === 'object' && 'message' in v && typeof v.message === 'string') {
    const e = v as { message: string; code?: unknown };
    return JSON.stringify(e.code !== undefined ? `${text(e.code, '')}: ${e.message}` : e.message);
  }
  return JSON.stringify(v) ?? String(v);
}

/** The human form of one JSON log line; a line that is not a JSON object comes back unchanged. */
export function prettyLine(line: string): string {
  let e: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(line);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return line;
    e = parsed as Record<string, unknown>;
  } catch {
    return line;
  }
  const time = typeof e.time === 'number' ? new Date(e.time).toISOString().slice(11, 23) : '--:--:--.---';
  const level = (LEVELS[Number(e.level)] ?? text(e.level, '')).padEnd(5);
  const who = text(e.actor ?? e.mod, 'main').padEnd(12);
  const fields = Object.entries(e)
    .filter(([k, v]) => !HIDDEN.has(k) && v !== undefined)
    .map(([k, v]) => `${k}=${elide(show(v))}`);
  const msg = elide(text(e.msg, ''), 2 * VALUE_LIMIT);
  return [time, level, who, msg, ...fields].join(' ').trimEnd();
}
