// plugins.bench.ts: plugin loader cost (validate + import per plugin, cold) and the RSS a plugin adds to `run`, shared
// worker and one worker per actor.
import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadPlugins } from '../src/plugins/loader.js';
import { pluginsConfigSchema } from '../src/plugins/config-schema.js';
import { RuntimeChild } from '../test/plugins/support/child.js';

function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

const silent = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  debug: () => undefined,
  child: () => silent,
} as unknown as import('pino').Logger;
const t0 = performance.now();
const r = await loadPlugins(pluginsConfigSchema.parse({ enabled: ['template', 'valve'] }), {
  builtinIds: [0, 1, 3, 4, 5, 3424],
  log: silent,
});
console.log(
  `loader: ${r.loaded.length} plugins in ${(performance.now() - t0).toFixed(1)} ms (first load in this process, includes the plugin API import)`,
);
for (const p of r.loaded) console.log(`  ${p.name}: validate + import ${p.loadMs.toFixed(1)} ms`);

const outside = mkdtempSync(join(tmpdir(), 'bench-plugins-'));
cpSync(fileURLToPath(new URL('../../plugins/', import.meta.url)), outside, { recursive: true });

async function measure(placement: string, enabled: string[], extra: Record<string, unknown> = {}): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < 3; i++) {
    const rt = new RuntimeChild({
      endpoint: 'bench',
      server: 'coap://127.0.0.1:9',
      placement,
      log: { level: 'warn' },
      plugins: { enabled, ...extra },
    });
    await rt.waitFor((l) => l === 'STARTED', 30_000);
    await new Promise((res) => setTimeout(res, 2500));
    samples.push(rssMiB(rt.pid!));
    await rt.stop();
  }
  samples.sort((a, b) => a - b);
  return samples[1];
}

for (const placement of ['shared', 'per-actor']) {
  const base = await measure(placement, []);
  const valve = await measure(placement, ['valve']);
  const both = await measure(placement, ['valve', 'template']);
  const hooked = await measure(placement, ['valve'], { dirs: [outside], builtinDir: false });
  console.log(
    `RSS ${placement}: valve from a folder outside the package (resolve hook in its worker): ${hooked.toFixed(1)} MiB (+${(hooked - base).toFixed(1)})`,
  );
  console.log(
    `RSS ${placement}: no plugins ${base.toFixed(1)} MiB; +valve ${valve.toFixed(1)} (+${(valve - base).toFixed(1)}); +valve+template ${both.toFixed(1)} (+${(both - base).toFixed(1)}) — median of 3`,
  );
}
