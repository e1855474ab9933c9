// observe-journal-coalesce.test.ts: a burst of observations behind a slow store costs a couple of journal writes of the
// latest list, not one queued copy per change.
import test from 'ava';
import { journalEntry, ObserveJournal } from '../../src/socket/observe-journal.js';
import type { ActorStore } from '../../src/runtime/actor-api.js';

test('500 observations added while a write is slow: at most two writes, the last one holds all 500; flushed() waits for it', async (t) => {
  const writes: number[] = [];
  let release: () => void = () => undefined;
  const store: ActorStore = {
    read: () => Promise.resolve(undefined),
    write: (_k, v) => {
      writes.push((v as unknown[]).length);
      return writes.length === 1
        ? new Promise<void>((r) => {
            release = r;
          })
        : Promise.resolve();
    },
    remove: () => Promise.resolve(),
  };
  const j = new ObserveJournal(store, { error: () => undefined, warn: () => undefined });
  const entry = (i: number): ReturnType<typeof journalEntry> =>
    journalEntry({
      id: `o${i}`,
      ssid: 1,
      serverUri: 'coap://s',
      peer: { address: '10.0.0.1', port: 5683 },
      token: new Uint8Array([i & 0xff, i >> 8]),
      objectId: 3,
      path: [3, 0, 0],
      uriPath: ['3', '0', '0'],
      seq: 0,
    });
  j.add(entry(0));
  await Promise.resolve();
  await Promise.resolve();
  for (let i = 1; i < 500; i++) j.add(entry(i));
  release();
  await j.flushed();
  t.true(writes.length <= 2, `${writes.length} writes`);
  t.is(writes.at(-1), 500);
  t.true(j.has('o499'));
});
