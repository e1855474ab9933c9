// runtime.bench.ts: actor runtime figures: request round trip (main-thread relay vs direct channel), worker start time,
// RSS per placement.
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Runtime, type ActorSpec } from '../src/runtime/runtime.js';
import { defaultConfig, type Placement } from '../src/runtime/config.js';
import { buildActorSet, resolveActorSet, DEFAULT_DIRECT_PAIRS } from '../src/runtime/actor-set.js';

const fx = (n: string): string => new URL(`../test/runtime/fixtures/${n}.js`, import.meta.url).href;
const sup = { ...defaultConfig().supervisor };

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

async function roundTrip(direct: boolean, placement: Placement): Promise<{ p50: number; p99: number }> {
  const rt = new Runtime({
    actors: [
      { name: 'echo', moduleUrl: fx('echo.actor') },
      { name: 'rtt', moduleUrl: fx('rtt.actor') },
    ],
    placement,
    supervisor: sup,
    stateDir: mkdtempSync(join(tmpdir(), 'bench-')),
    logLevel: 'silent',
    directPairs: direct ? [['rtt', 'echo']] : [],
  });
  await rt.start();
  await rt.request('rtt', { type: 'rtt.run', n: 500 }); // warm-up
  const times = await rt.request<number[]>('rtt', { type: 'rtt.run', n: 5000 }, 60_000);
  await rt.stop();
  return { p50: pct(times, 50), p99: pct(times, 99) };
}

async function startTime(): Promise<number> {
  const xs: number[] = [];
  for (let i = 0; i < 8; i++) {
    const rt = new Runtime({
      actors: [{ name: 'echo', moduleUrl: fx('echo.actor') }],
      placement: 'per-actor',
      supervisor: sup,
      stateDir: tmpdir(),
      logLevel: 'silent',
    });
    const t0 = performance.now();
    await rt.start();
    xs.push(performance.now() - t0);
    await rt.stop();
  }
  return pct(xs, 50);
}

/** Child mode: start actors with a placement, settle, print RSS (MiB). */
async function rssChild(kind: string, placement: Placement, young: number): Promise<void> {
  let actors: ActorSpec[];
  if (kind === 'demo') {
    actors = resolveActorSet(buildActorSet(defaultConfig())).present;
  } else {
    actors = Array.from({ length: 7 }, (_, i) => ({ name: `t${i}`, moduleUrl: fx('toggle.actor') }));
  }
  const cfg = defaultConfig();
  const base = process.memoryUsage().rss;
  const rt = new Runtime({
    actors,
    placement,
    supervisor: { ...cfg.supervisor, ...(young ? { maxYoungGenerationSizeMb: young } : {}) },
    stateDir: mkdtempSync(join(tmpdir(), 'bench-')),
    fullConfig: cfg,
    logLevel: 'silent',
    directPairs: DEFAULT_DIRECT_PAIRS,
  });
  await rt.start();
  await new Promise((r) => setTimeout(r, 3000));
  global.gc?.();
  const rss = process.memoryUsage().rss;
  process.stdout.write(
    JSON.stringify({ actors: actors.length, workers: rt.workerCount, rssMiB: rss / 2 ** 20, baseMiB: base / 2 ** 20 }) +
      '\n',
  );
  await rt.stop();
  process.exit(0);
}

function rss(
  kind: string,
  placement: string,
  young = 0,
  nodeFlags: string[] = [],
): { actors: number; workers: number; rssMiB: number; baseMiB: number } {
  const self = fileURLToPath(import.meta.url);
  const r = spawnSync(process.execPath, [...nodeFlags, self, '--rss-child', kind, placement, String(young)], {
    encoding: 'utf8',
    env: { ...process.env, LWM2M_LOG_LEVEL: 'silent' },
  });
  const line = r.stdout.trim().split('\n').pop() ?? '';
  if (!line.startsWith('{')) {
    process.stderr.write(`rss child (${kind}, ${placement}) failed:\n${r.stderr.split('\n').slice(-30).join('\n')}\n`);
    return { actors: NaN, workers: NaN, rssMiB: NaN, baseMiB: NaN };
  }
  return JSON.parse(line) as { actors: number; workers: number; rssMiB: number; baseMiB: number };
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv[0] === '--rss-child') return rssChild(argv[1], argv[2] as Placement, Number(argv[3] ?? 0));
  const f = (n: number): string => n.toFixed(1).padStart(8);
  console.log('runtime benchmark (this machine; figures vary ±20%)');
  console.log('\nrequest round trip, actor → actor, different workers (µs)');
  console.log('  path                      p50      p99');
  const relay = await roundTrip(false, 'per-actor');
  console.log(`  main-thread relay     ${f(relay.p50)} ${f(relay.p99)}`);
  const direct = await roundTrip(true, 'per-actor');
  console.log(`  direct MessageChannel ${f(direct.p50)} ${f(direct.p99)}`);
  const same = await roundTrip(true, 'shared');
  console.log(`  direct, same worker   ${f(same.p50)} ${f(same.p99)}`);
  console.log(`\nworker start (one actor, start() → ready, p50 of 8): ${(await startTime()).toFixed(1)} ms`);
  console.log('\nprocess RSS after start + 3 s (MiB)');
  console.log('  actor set   placement   young-gen  actors workers   RSS    main-only  per actor');
  for (const kind of ['toggle', 'demo']) {
    for (const placement of ['per-actor', 'shared']) {
      for (const young of [0, 4]) {
        const r = rss(kind, placement, young);
        const per = (r.rssMiB - r.baseMiB) / r.actors;
        console.log(
          `  ${kind.padEnd(10)}  ${placement.padEnd(10)}  ${(young ? `${young} MiB` : 'default').padEnd(9)}  ${String(r.actors).padStart(6)} ${String(r.workers).padStart(7)} ${f(r.rssMiB)} ${f(r.baseMiB)}  ${f(per)}`,
        );
      }
    }
  }
  const flags = ['--max-semi-space-size=1'];
  const r = rss('demo', 'shared', 4, flags);
  console.log(
    `  demo + main thread ${flags.join(' ')} (NODE_OPTIONS), shared, young 4 MiB: ${r.rssMiB.toFixed(1)} MiB (main-only ${r.baseMiB.toFixed(1)})`,
  );
}

await main();
