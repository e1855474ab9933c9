// queue-buffer.ts: an ordered, bounded buffer of items produced while the client cannot send (queue mode asleep, LTE
// down).

export interface Queued<T> {
  id: number;
  item: T;
}

/** Appends; when full, the oldest are dropped and returned so the caller can reject them. Pure: returns new arrays. */
export function enqueue<T>(
  buf: readonly Queued<T>[],
  entry: Queued<T>,
  max: number,
): { buffer: Queued<T>[]; dropped: Queued<T>[] } {
  const next = [...buf, entry];
  const over = Math.max(0, next.length - max);
  return { buffer: next.slice(over), dropped: next.slice(0, over) };
}

/** Removes the entries with the given ids (sent ones), keeping order. */
export function without<T>(buf: readonly Queued<T>[], ids: readonly number[]): Queued<T>[] {
  const s = new Set(ids);
  return buf.filter((e) => !s.has(e.id));
}
