// block1-sequence.test.ts: fitBlock1 — next block, resend of the last one, SZX shrink, overlap/gap (4.08), short
// non-final (4.00), oversized (4.13).
import test from 'ava';
import { fitBlock1 } from '../../src/coap/block1-sequence.js';

const last = { offset: 1024, length: 1024, more: true };

test('in sequence, also after the block size shrank; the last block again is a repeat', (t) => {
  t.deepEqual(fitBlock1({ received: 0 }, { num: 0, more: true, size: 1024 }, 1024), { kind: 'next', offset: 0 });
  t.deepEqual(fitBlock1({ received: 2048, last }, { num: 32, more: true, size: 64 }, 64), {
    kind: 'next',
    offset: 2048,
  });
  t.deepEqual(fitBlock1({ received: 2048, last }, { num: 2, more: false, size: 1024 }, 10), {
    kind: 'next',
    offset: 2048,
  });
  t.deepEqual(fitBlock1({ received: 2048, last }, { num: 1, more: true, size: 1024 }, 1024), { kind: 'repeat' });
});

test('overlap and gap → 4.08, short non-final → 4.00, payload over the block size → 4.13', (t) => {
  t.like(fitBlock1({ received: 2048, last }, { num: 2, more: true, size: 64 }, 64), { kind: 'error', code: '4.08' });
  t.like(
    fitBlock1({ received: 2048, last }, { num: 1, more: false, size: 1024 }, 1024),
    { kind: 'error', code: '4.08' },
    'same place, but claims to be the end',
  );
  t.like(fitBlock1({ received: 2048, last }, { num: 3, more: true, size: 1024 }, 1024), {
    kind: 'error',
    code: '4.08',
  });
  t.like(fitBlock1({ received: 0 }, { num: 0, more: true, size: 64 }, 30), { kind: 'error', code: '4.00' });
  t.like(fitBlock1({ received: 0 }, { num: 0, more: false, size: 64 }, 100), { kind: 'error', code: '4.13' });
});
