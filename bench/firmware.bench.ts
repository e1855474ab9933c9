// firmware.bench.ts: firmware pull over loopback CoAP (Block2, 1024-byte blocks): throughput, and peak RSS during a 50
// MB download (must stay flat).
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { parseFirmwareConfig } from '../src/firmware/config-schema.js';
import { coapPuller, udpPullTransport } from '../src/firmware/pull-coap.js';
import { FwState } from '../src/firmware/results.js';
import { FirmwareUpdater } from '../src/firmware/updater.js';

const here = dirname(fileURLToPath(import.meta.url));
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined };
const mib = (n: number): string => (n / 1024 / 1024).toFixed(1);

async function run(totalBytes: number): Promise<void> {
  const child = spawn(process.execPath, [join(here, 'firmware-block2-server.js'), String(totalBytes)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = Number(await new Promise<string>((r) => createInterface({ input: child.stdout }).once('line', r)));
  const dir = await mkdtemp(join(tmpdir(), 'fw-bench-'));
  try {
    const config = parseFirmwareConfig({ dir, maxPackageBytes: 128 * 1024 * 1024, progressIntervalMs: 60_000 });
    const u = await FirmwareUpdater.start({
      config,
      log: quiet,
      pullers: { 'coap:': coapPuller({ transport: udpPullTransport, blockSize: 1024 }) },
    });
    (globalThis as { gc?: () => void }).gc?.();
    const rss0 = process.memoryUsage().rss;
    let peak = rss0;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 50);
    const t0 = performance.now();
    u.writeUri(`coap://127.0.0.1:${port}/fw`);
    let downloadedAt = 0;
    const v = await u.waitFor((x) => {
      if (x.state !== FwState.DOWNLOADING && downloadedAt === 0) downloadedAt = performance.now();
      return x.state !== FwState.DOWNLOADING;
    });
    const secs = (downloadedAt - t0) / 1000;
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().rss);
    await u.stop();
    console.log(
      `${mib(totalBytes)} MiB over loopback CoAP, block 1024: state ${v.state}, ${secs.toFixed(2)} s, ` +
        `${(totalBytes / 1024 / secs).toFixed(0)} KiB/s, ${Math.ceil(totalBytes / 1024)} blocks (${(Math.ceil(totalBytes / 1024) / secs).toFixed(0)} blocks/s); ` +
        `RSS start ${mib(rss0)} MiB, peak ${mib(peak)} MiB (+${mib(peak - rss0)} MiB)`,
    );
  } finally {
    child.kill('SIGTERM');
    await rm(dir, { recursive: true, force: true });
  }
}

await run(5 * 1024 * 1024);
await run(50 * 1024 * 1024);
