// coap-reader.ts: the benchmarks' load generator: sequential CON GETs of one path over UDP loopback, and the
// latency/CPU figures of a run.
import { createSocket } from 'node:dgram';
import { generate, parse } from 'coap-packet';

export interface Reader {
  /** Sends one GET and resolves with the raw answer. */
  readOnce(): Promise<Buffer>;
  close(): void;
}

/** A UDP socket that GETs `path` from 127.0.0.1:`port`, one request at a time. */
export async function openReader(port: number, path: readonly string[] = ['3', '0', '0']): Promise<Reader> {
  const sock = createSocket('udp4');
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
  let waiting: ((b: Buffer) => void) | undefined;
  sock.on('message', (b) => {
    const w = waiting;
    waiting = undefined;
    w?.(b);
  });
  let mid = 1;
  const options = path.map((s) => ({ name: 'Uri-Path', value: Buffer.from(s) }));
  return {
    readOnce: () =>
      new Promise((resolve) => {
        waiting = resolve;
        mid = (mid + 1) & 0xffff;
        sock.send(
          generate({
            messageId: mid,
            token: Buffer.from([mid >> 8, mid & 0xff]),
            code: 'GET',
            confirmable: true,
            options,
          }),
          port,
          '127.0.0.1',
        );
      }),
    close: () => sock.close(),
  };
}

export interface RunFigures {
  readsPerS: number;
  p50: number;
  p99: number;
  cpuMsPer1000: number;
  slow: number;
}

/**
 * Warms up, checks the first answer, calls `onStart`, then times `n` sequential reads (latency in µs; CPU of the whole
 * process).
 */
export async function timeReads(
  reader: Reader,
  n: number,
  warmup: number,
  check: (code: string, payload: Buffer) => boolean = (c) => c === '2.05',
  onStart?: () => void,
): Promise<RunFigures> {
  for (let i = 0; i < warmup; i++) await reader.readOnce();
  const first = parse(await reader.readOnce());
  if (!check(first.code, first.payload)) throw new Error(`unexpected answer ${first.code}`);
  const lat: number[] = [];
  onStart?.();
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    const s = process.hrtime.bigint();
    await reader.readOnce();
    lat.push(Number(process.hrtime.bigint() - s) / 1000);
  }
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  lat.sort((a, b) => a - b);
  const q = (p: number): number => lat[Math.min(lat.length - 1, Math.floor(p * lat.length))];
  return {
    readsPerS: n / wall,
    p50: q(0.5),
    p99: q(0.99),
    cpuMsPer1000: (cpu.user + cpu.system) / 1000 / (n / 1000),
    slow: lat.filter((x) => x > 1000).length,
  };
}

/** The common lines of a report. */
export function figureLines(f: RunFigures, cpuNote: string): string[] {
  return [
    `reads/s        ${f.readsPerS.toFixed(0)}`,
    `p50 latency    ${f.p50.toFixed(1)} µs`,
    `p99 latency    ${f.p99.toFixed(1)} µs`,
    `CPU/1000 reads ${f.cpuMsPer1000.toFixed(1)} ms (${cpuNote})`,
  ];
}
