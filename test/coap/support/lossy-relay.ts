// lossy-relay.ts: a loopback UDP relay between two peers that drops, duplicates and reorders datagrams (seeded random).
import { createSocket, type Socket } from 'node:dgram';
import type { PeerAddress } from '../../../src/coap/transport.js';
import { mulberry32 } from '../../../src/prng.js';

/** The seeded PRNG the relay draws its losses from. */
export const seeded = mulberry32;

export interface LossOptions {
  drop: number;
  duplicate: number;
  reorder: number;
  seed: number;
  maxDelayMs?: number;
}

/**
 * Peer A talks to `forA` (it stands for B), peer B talks to `forB` (it stands for A).
 * Datagrams A→forA go out of forB to B; datagrams B→forB go out of forA to A.
 */
export class LossyRelay {
  forA!: PeerAddress;
  forB!: PeerAddress;
  stats = { forwarded: 0, dropped: 0, duplicated: 0, delayed: 0 };
  private sa!: Socket;
  private sb!: Socket;
  private readonly rnd: () => number;
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly a: PeerAddress,
    private readonly b: PeerAddress,
    private readonly o: LossOptions,
  ) {
    this.rnd = seeded(o.seed);
  }

  async start(): Promise<void> {
    this.sa = await bind();
    this.sb = await bind();
    this.forA = { address: '127.0.0.1', port: this.sa.address().port };
    this.forB = { address: '127.0.0.1', port: this.sb.address().port };
    this.sa.on('message', (m) => this.pass(m, this.sb, this.b));
    this.sb.on('message', (m) => this.pass(m, this.sa, this.a));
  }

  private pass(m: Buffer, out: Socket, to: PeerAddress): void {
    if (this.rnd() < this.o.drop) {
      this.stats.dropped++;
      return;
    }
    const copies = this.rnd() < this.o.duplicate ? 2 : 1;
    if (copies === 2) this.stats.duplicated++;
    for (let i = 0; i < copies; i++) {
      if (this.rnd() < this.o.reorder) {
        this.stats.delayed++;
        const h = setTimeout(
          () => {
            this.timers.delete(h);
            out.send(m, to.port, to.address);
          },
          1 + Math.floor(this.rnd() * (this.o.maxDelayMs ?? 15)),
        );
        this.timers.add(h);
      } else {
        out.send(m, to.port, to.address);
      }
      this.stats.forwarded++;
    }
  }

  async stop(): Promise<void> {
    for (const h of this.timers) clearTimeout(h);
    await new Promise<void>((r) => this.sa.close(() => r()));
    await new Promise<void>((r) => this.sb.close(() => r()));
  }
}

async function bind(): Promise<Socket> {
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
  return s;
}
