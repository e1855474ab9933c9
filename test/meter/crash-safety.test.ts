// crash-safety.test.ts: SIGKILL a journaling meter process at random points, 60 rounds: totals never go back or
// over-count; stored readings all reach the server; a kill is never taken for journal damage.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { meterConfigSchema } from '../../src/meter/config-schema.js';
import { MeterCore } from '../../src/meter/meter-core.js';
import { mulberry32 } from '../../src/prng.js';
import { quietPeriod } from '../support/poll.js';

const CHILD = fileURLToPath(new URL('./fixtures/crash-child.js', import.meta.url));
const ROUNDS = 60;

interface Round {
  start: number;
  end?: number;
  damaged?: string;
  durable: number[];
  stored: { seq: number; pulses: number }[];
}

test('SIGKILL at random points: total never goes back, never exceeds the pulses sent, every stored reading arrives', async (t) => {
  t.timeout(120_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meter-crash-'));
  const serverLog = path.join(dir, 'server.log');
  const rnd = mulberry32(42);
  let sent = 0;
  let maxDurable = 0;
  let prevStart = 0;
  const stored = new Map<number, number>();

  const runRound = (killAfterMs: number | undefined): Promise<Round> =>
    new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [CHILD, dir, serverLog], { stdio: ['pipe', 'pipe', 'inherit'] });
      const round: Round = { start: -1, durable: [], stored: [] };
      let pump: NodeJS.Timeout | undefined;
      createInterface({ input: child.stdout }).on('line', (line) => {
        const [kind, a, b] = line.split(' ');
        if (kind === 'START') {
          round.start = Number(a);
          let tick = 0;
          pump = setInterval(() => {
            if (!child.stdin.writable) return;
            const k = 1 + Math.floor(rnd() * 5);
            sent += k;
            let cmds = `p ${k}\n`;
            if (++tick % 4 === 0) cmds += 'r\n';
            if (tick % 7 === 0) cmds += 's\n';
            child.stdin.write(cmds);
          }, 1);
          if (killAfterMs !== undefined)
            void quietPeriod(5000, 'fallback kill: never hang a round').then(() => child.kill('SIGKILL'));
          if (killAfterMs === undefined) {
            void quietPeriod(30, 'a clean round: the child counts for 30 ms of real time, then its input ends').then(
              () => {
                clearInterval(pump);
                child.stdin.end();
              },
            );
          }
        } else if (kind === 'DURABLE') {
          // The kill clock starts once the child is demonstrably counting, so every round kills mid-work even on a
          // loaded machine.
          if (round.durable.length === 0 && killAfterMs !== undefined)
            void quietPeriod(killAfterMs, 'the kill clock: the child dies mid-work at a random real time').then(() =>
              child.kill('SIGKILL'),
            );
          round.durable.push(Number(a));
        } else if (kind === 'END') round.end = Number(a);
        else if (kind === 'DAMAGED') round.damaged = line;
        else if (kind === 'STORED') round.stored.push({ seq: Number(a), pulses: Number(b) });
      });
      child.stdin.on('error', () => {
        /* EPIPE after the kill */
      });
      child.on('error', reject);
      child.on('exit', () => {
        clearInterval(pump);
        resolve(round);
      });
    });

  let end = -1;
  for (let i = 0; i <= ROUNDS; i++) {
    const last = i === ROUNDS;
    const r = await runRound(last ? undefined : Math.floor(rnd() * 50));
    t.true(r.start >= 0, `round ${i} started`);
    t.is(r.damaged, undefined, `round ${i}: a kill is no damage`);
    // What was reported as durable before the kill is still there; nothing counted that was never sent.
    t.true(r.start >= maxDurable, `round ${i}: recovered ${r.start} < durable ${maxDurable}`);
    t.true(r.start >= prevStart, `round ${i}: total went back`);
    t.true(r.start <= sent, `round ${i}: recovered ${r.start} > sent ${sent}`);
    prevStart = r.start;
    for (const d of r.durable) {
      t.true(d >= maxDurable || d >= r.start, 'durable totals only grow');
      maxDurable = Math.max(maxDurable, d);
    }
    for (const s of r.stored) {
      t.false(stored.has(s.seq), `seq ${s.seq} stored twice`);
      stored.set(s.seq, s.pulses);
    }
    if (last) end = r.end ?? -1;
  }
  t.true(end >= prevStart && end <= sent, `clean stop total ${end}`);
  // Reconnect: drain what is still queued to the server.
  const core = new MeterCore({ config: meterConfigSchema.parse({ stateDir: dir }), now: () => Date.now() });
  for (let b = core.nextBatch(50); b; b = core.nextBatch(50)) {
    fs.appendFileSync(
      serverLog,
      b.readings.map((r) => JSON.stringify({ seq: r.seq, pulses: r.pulses }) + '\n').join(''),
    );
    await core.acknowledge(b.readings[b.readings.length - 1].seq);
  }
  t.is(core.journal.state.forward, end, 'a clean stop keeps the total');
  core.close();

  const received = fs
    .readFileSync(serverLog, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { seq: number; pulses: number });
  const bySeq = new Map<number, number>();
  let duplicates = 0;
  for (const r of received) {
    if (bySeq.has(r.seq)) {
      duplicates++;
      t.is(bySeq.get(r.seq), r.pulses, 'a resent reading is identical');
    }
    bySeq.set(r.seq, r.pulses);
  }
  for (const [seq, pulses] of stored) t.is(bySeq.get(seq), pulses, `stored reading ${seq} reached the server`);
  const seqs = [...bySeq.keys()].sort((a, b) => a - b);
  t.deepEqual(
    seqs,
    seqs.map((_, i) => i + 1),
    'no gaps in the readings',
  );
  for (let i = 1; i < seqs.length; i++)
    t.true(bySeq.get(seqs[i])! >= bySeq.get(seqs[i - 1])!, 'reading totals never go back');
  t.true(stored.size > 0, `readings stored: ${stored.size}`);
  t.log(
    `rounds ${ROUNDS}, pulses sent ${sent}, final total ${end} (unread in the pipe or unsynced at a kill: ${sent - end}), readings ${seqs.length}, resent after a kill ${duplicates}`,
  );
});
