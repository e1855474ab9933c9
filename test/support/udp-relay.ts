// udp-relay.ts: a loopback UDP relay between clients and a server that lets a test drop or rewrite datagrams in either
// direction (lost flights, re-fragmented handshakes).
import { createSocket, type Socket } from 'node:dgram';

/** Returns the datagrams to pass on in place of this one ([] drops it). */
export type Rewrite = (data: Buffer) => Buffer[];

export class UdpRelay {
  private readonly upstream = new Map<string, Socket>();

  private constructor(
    private readonly front: Socket,
    target: number,
    toServer: Rewrite,
    toClient: Rewrite,
  ) {
    front.on('message', (data, from) => {
      const key = `${from.address}:${from.port}`;
      let up = this.upstream.get(key);
      if (!up) {
        const s = createSocket('udp4');
        s.on('message', (back) => {
          for (const d of toClient(back)) front.send(d, from.port, from.address);
        });
        s.bind(0, '127.0.0.1');
        this.upstream.set(key, s);
        up = s;
      }
      for (const d of toServer(data)) up.send(d, target, '127.0.0.1');
    });
  }

  static async start(target: number, rewrite: { toServer?: Rewrite; toClient?: Rewrite }): Promise<UdpRelay> {
    const front = createSocket('udp4');
    await new Promise<void>((r) => front.bind(0, '127.0.0.1', r));
    const pass: Rewrite = (d) => [d];
    return new UdpRelay(front, target, rewrite.toServer ?? pass, rewrite.toClient ?? pass);
  }

  get port(): number {
    return this.front.address().port;
  }

  close(): void {
    for (const s of this.upstream.values()) s.close();
    this.front.close();
  }
}
