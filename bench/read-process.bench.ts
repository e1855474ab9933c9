// read-process.bench.ts: device CPU per 1,000 Reads of /3/0/0 measured on the real `lwm2m-meter run` process as shipped
// (its own /proc CPU counters), the load generator in another process.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDevServer } from '../src/devserver/index.js';
import { setLogLevel } from '../src/runtime/log.js';
import { figureLines, openReader, timeReads } from './support/coap-reader.js';

setLogLevel('warn');

const N = Number(process.env.READS ?? 20_000);
const WARMUP = 2000;
const cli = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
/** Clock ticks per second of /proc/<pid>/stat (USER_HZ: 100 on every Linux this runs on). */
const HZ = 100;
/**
 * Extra Node flags for the device process (e.g. BENCH_NODE_FLAGS='--cpu-prof --cpu-prof-dir=/tmp/prof' to profile it).
 */
const EXTRA = (process.env.BENCH_NODE_FLAGS ?? '').split(' ').filter((x) => x !== '');

/** utime + stime of every thread of the process, in ms. */
function processCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / HZ;
}

interface Variant {
  name: string;
  flags: string[];
  env: Record<string, string>;
  config: string;
}
const variants: Variant[] = [
  {
    name: 'as shipped (semi-space 1 MiB, MALLOC_ARENA_MAX=1, shared worker)',
    flags: ['--max-semi-space-size=1'],
    env: { MALLOC_ARENA_MAX: '1' },
    config: '',
  },
  { name: 'plain node (default semi-space), shared worker', flags: [], env: {}, config: '' },
  {
    name: 'as shipped, per-actor placement',
    flags: ['--max-semi-space-size=1'],
    env: { MALLOC_ARENA_MAX: '1' },
    config: 'placement: per-actor\n',
  },
];

async function once(v: Variant, i: number): Promise<void> {
  const server = await startDevServer({ port: 0 });
  const dir = mkdtempSync(join(tmpdir(), 'read-proc-'));
  const cfg = join(dir, 'c.yaml');
  const ep = `read-proc-${i}`;
  writeFileSync(cfg, `endpoint: ${ep}\nstateDir: ${join(dir, 'state')}\nlog:\n  level: warn\n${v.config}`);
  const child = spawn(
    process.execPath,
    [...v.flags, ...EXTRA, cli, 'run', '--config', cfg, '--server', `coap://127.0.0.1:${server.port}`],
    {
      env: { ...process.env, ...v.env },
      stdio: ['ignore', 'ignore', 'ignore'],
    },
  );
  try {
    const reg = await server.waitFor('register', (r) => r.endpoint === ep, 60_000);
    await new Promise((r) => setTimeout(r, 3000)); // start-up work (first Send, observations) out of the way
    const pid = child.pid!;
    // the device's own background (simulated meter, modem polling) over a quiet second, to subtract
    const idle0 = processCpuMs(pid);
    await new Promise((r) => setTimeout(r, 1000));
    const idlePerS = processCpuMs(pid) - idle0;
    const reader = await openReader(reg.peer.port);
    let cpu0 = 0;
    let t0 = 0;
    const f = await timeReads(
      reader,
      N,
      WARMUP,
      (code) => code === '2.05',
      () => {
        cpu0 = processCpuMs(pid);
        t0 = Date.now();
      },
    );
    const wallS = (Date.now() - t0) / 1000;
    const deviceMs = processCpuMs(pid) - cpu0;
    reader.close();
    const per1000 = (deviceMs / N) * 1000;
    const net = ((deviceMs - idlePerS * wallS) / N) * 1000;
    process.stdout.write(
      [
        `${v.name}: ${N} reads`,
        ...figureLines(f, 'load generator process, for reference').slice(0, 3),
        `device CPU/1000 reads ${per1000.toFixed(1)} ms (device process, all threads; ${net.toFixed(1)} ms without its idle ${idlePerS.toFixed(0)} ms/s background)`,
        '',
      ].join('\n'),
    );
  } finally {
    child.kill('SIGINT');
    await new Promise((r) => child.once('exit', r));
    await server.close();
  }
}

process.stdout.write(
  'Read /3/0/0 from the real runtime process (UDP loopback, sequential CON GETs; target ≤ 70 ms CPU per 1,000 reads)\n',
);
/**
 * BENCH_VARIANTS=0 (or 0,2) runs only those variants (indexes into the list above): the first is the figure DESIGN.md
 * quotes.
 */
const only = process.env.BENCH_VARIANTS?.split(',').map(Number);
for (const [i, v] of variants.entries()) if (!only || only.includes(i)) await once(v, i);
