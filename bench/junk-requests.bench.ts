// junk-requests.bench.ts: what a server's junk costs the real `lwm2m-meter run` process: device CPU per 1,000 junk
// requests (undecodable composites, oversized values, refused /0 writes) against valid Reads, the warn lines they
// leave, RSS after values at the size cap.
import { HostileServer, type HostileRequest } from '../test/support/hostile-server.js';
import { DeviceProcess, LEVEL } from '../test/support/device-process.js';
import { ContentFormat } from '../src/lwm2m/types.js';
import { DEFAULT_MAX_VALUE_BYTES } from '../src/lwm2m/operations/validate.js';

const N = Number(process.env.JUNK ?? 5000);
const BATCH = 50;

const junk: HostileRequest[] = [
  {
    method: 'FETCH',
    path: '/',
    contentFormat: ContentFormat.SENML_JSON,
    accept: ContentFormat.SENML_JSON,
    payload: Buffer.from('[{"n":'),
  },
  {
    method: 'FETCH',
    path: '/',
    contentFormat: ContentFormat.TEXT,
    accept: ContentFormat.SENML_JSON,
    payload: Buffer.from('/3/0/0'),
  },
  {
    method: 'FETCH',
    path: '/',
    contentFormat: ContentFormat.SENML_CBOR,
    payload: Buffer.from([0x81, 0xa1, 0x00, 0x66, 0x2f]),
  },
  { method: 'iPATCH', path: '/', contentFormat: ContentFormat.SENML_JSON, payload: Buffer.from('[{') },
  {
    method: 'PUT',
    path: '/3/0/14',
    contentFormat: ContentFormat.TEXT,
    payload: Buffer.alloc(DEFAULT_MAX_VALUE_BYTES + 1, 0x41),
  },
  {
    method: 'PUT',
    path: '/0/0/0',
    contentFormat: ContentFormat.TEXT,
    payload: Buffer.from('coap://198.51.100.1:5683'),
  },
];
const read: HostileRequest = { method: 'GET', path: '/3/0/0', accept: ContentFormat.TEXT };

async function run(
  server: HostileServer,
  device: DeviceProcess,
  pick: (i: number) => HostileRequest,
): Promise<{ cpuPer1000: number; codes: Record<string, number> }> {
  const codes: Record<string, number> = {};
  const cpu0 = device.cpuMs();
  for (let i = 0; i < N; i += BATCH) {
    const res = await Promise.all(
      Array.from({ length: BATCH }, (_, k) => server.request({ ...pick(i + k), timeoutMs: 30_000 })),
    );
    for (const r of res) codes[r.code] = (codes[r.code] ?? 0) + 1;
  }
  return { cpuPer1000: ((device.cpuMs() - cpu0) * 1000) / N, codes };
}

const server = await HostileServer.start();
const device = new DeviceProcess({ server: server.uri, config: { log: { level: 'info' } } });
try {
  await server.waitForRegister(30_000);
  await run(server, device, () => read); // warm-up
  const warn0 = device.logsAtLeast(LEVEL.warn).length;
  const reads = await run(server, device, () => read);
  const bad = await run(server, device, (i) => junk[i % junk.length]);
  const warns = device.logsAtLeast(LEVEL.warn).length - warn0;
  const rss0 = device.rssKiB();
  const big = 'x'.repeat(DEFAULT_MAX_VALUE_BYTES);
  for (let i = 0; i < 1000; i++)
    await server.request({
      method: 'PUT',
      path: '/3/0/14',
      contentFormat: ContentFormat.TEXT,
      payload: Buffer.from(big.slice(0, big.length - (i % 7))),
    });
  const rss1 = device.rssKiB();
  console.log(
    `junk requests against the real process (${N} each, ${BATCH} in flight; CPU includes the shared machine's noise)`,
  );
  console.log(
    `valid Read /3/0/0     ${reads.cpuPer1000.toFixed(1)} ms device CPU / 1,000   ${JSON.stringify(reads.codes)}`,
  );
  console.log(
    `junk (6 kinds)        ${bad.cpuPer1000.toFixed(1)} ms device CPU / 1,000   ${JSON.stringify(bad.codes)}`,
  );
  console.log(`warn lines            ${warns} for ${2 * N} requests`);
  console.log(
    `RSS                   ${(rss0 / 1024).toFixed(1)} MiB → ${(rss1 / 1024).toFixed(1)} MiB after 1,000 Writes of ${DEFAULT_MAX_VALUE_BYTES}-byte strings (value cap)`,
  );
} finally {
  await device.stop();
  await server.close();
}
