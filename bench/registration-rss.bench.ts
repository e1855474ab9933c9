// registration-rss.bench.ts: RSS of a real `lwm2m-meter run` process 5 s after it registered with the dev server, per
// Node flags and placement.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDevServer } from '../src/devserver/index.js';
import { setLogLevel } from '../src/runtime/log.js';

setLogLevel('warn');

const cli = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
const ROUNDS = Number(process.env.ROUNDS ?? 2);

interface Variant {
  name: string;
  flags: string[];
  env: Record<string, string>;
  config: string;
}

const variants: Variant[] = [
  {
    name: 'as shipped (bin, make run, systemd unit): semi-space 1 + MALLOC_ARENA_MAX=1',
    flags: ['--max-semi-space-size=1'],
    env: { MALLOC_ARENA_MAX: '1' },
    config: '',
  },
  { name: 'semi-space 1 only', flags: ['--max-semi-space-size=1'], env: {}, config: '' },
  { name: 'plain node, no flags', flags: [], env: {}, config: '' },
  {
    name: 'as shipped, plugins in a worker of their own (plugins.worker: own)',
    flags: ['--max-semi-space-size=1'],
    env: { MALLOC_ARENA_MAX: '1' },
    config: 'plugins:\n  worker: own\n',
  },
  {
    name: 'as shipped, no plugins',
    flags: ['--max-semi-space-size=1'],
    env: { MALLOC_ARENA_MAX: '1' },
    config: 'plugins:\n  enabled: []\n',
  },
  {
    name: 'as shipped, per-actor placement',
    flags: ['--max-semi-space-size=1'],
    env: { MALLOC_ARENA_MAX: '1' },
    config: 'placement: per-actor\n',
  },
];

function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

async function once(v: Variant, round: number): Promise<{ rss: number; actors: string }> {
  const server = await startDevServer({ port: 0 });
  const dir = mkdtempSync(join(tmpdir(), 'rss-bench-'));
  const cfg = join(dir, 'c.yaml');
  writeFileSync(cfg, `endpoint: rss-${round}\nstateDir: ${join(dir, 'state')}\nlog:\n  level: warn\n${v.config}`);
  const child = spawn(
    process.execPath,
    [...v.flags, cli, 'run', '--config', cfg, '--server', `coap://127.0.0.1:${server.port}`],
    {
      env: { ...process.env, ...v.env },
      stdio: ['ignore', 'pipe', 'ignore'],
    },
  );
  let out = '';
  child.stdout.on('data', (b: Buffer) => {
    out += b.toString();
  });
  try {
    await server.waitFor('register', (r) => r.endpoint === `rss-${round}`, 60_000);
    await new Promise((r) => setTimeout(r, 5000));
    const actors = /running (\d+) actors on (\d+) worker/.exec(out);
    return { rss: rssMiB(child.pid!), actors: actors ? `${actors[1]} actors, ${actors[2]} worker(s)` : '?' };
  } finally {
    child.kill('SIGINT');
    await new Promise((r) => child.once('exit', r));
    await server.close();
  }
}

process.stdout.write(
  `RSS 5 s after registration (real run against the dev server; ${ROUNDS} rounds; target ≤ 96 MiB with the default placement)\n`,
);
for (const v of variants) {
  const figures: number[] = [];
  let actors = '';
  for (let i = 0; i < ROUNDS; i++) {
    const r = await once(v, i);
    figures.push(r.rss);
    actors = r.actors;
  }
  process.stdout.write(`${v.name.padEnd(80)} ${figures.map((f) => f.toFixed(1)).join(' / ')} MiB  (${actors})\n`);
}
