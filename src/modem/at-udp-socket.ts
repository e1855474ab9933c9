// at-udp-socket.ts: one UDP socket on the modem itself (profile dialect over the AT channel): lazy open, rx URCs →
// reads, peer changes.
import type { PeerAddress } from '../coap/transport.js';
import { CodedError } from '../errors.js';
import type { ModemSocketClose, ModemSocketOpen, ModemSocketSend } from '../messages/index.js';
import type { AtModemDriver } from './at-driver.js';
import type { Datagram, UdpSocketDialect } from './profiles/types.js';

/** The datagram service a Transport needs: same thread (AtUdpSocket) or across threads (see at-socket-transport.ts). */
export interface DatagramBackend {
  send(data: Uint8Array, to: PeerAddress): Promise<void>;
  close(): Promise<void>;
  onDatagram(listener: (d: Datagram) => void): void;
  onError(listener: (code: string, message: string) => void): void;
  readonly mtu: number;
}

export class AtUdpSocket implements DatagramBackend {
  private id: number | undefined;
  /** A socket the modem closed that still needs `close()` before it is opened again (dialect.releaseClosed). */
  private stale: number | undefined;
  private peer: PeerAddress | undefined;
  private opening: Promise<number> | undefined;
  private reading = false;
  private again = false;
  private readonly dgListeners: ((d: Datagram) => void)[] = [];
  private readonly errListeners: ((code: string, message: string) => void)[] = [];
  private readonly offUrc: () => void;

  constructor(private readonly driver: AtModemDriver) {
    this.offUrc = driver.channel.onUrc((line) => {
      const d = this.dialect;
      const m = d?.rxNotice.exec(line);
      if (m && this.id !== undefined && Number(m[1]) === this.id) this.readAll();
      // The modem closed the socket itself (SIM7080 +CASTATE: <cid>,0, BG95 +QIURC: "closed",<id>), or the data context
      // went down and took it along (profile.pdpLost): the next send opens a new one.
      const c = d?.closedNotice?.exec(line);
      if (
        (c && this.id !== undefined && Number(c[1]) === this.id) ||
        (this.id !== undefined && this.driver.profile.pdpLost?.test(line))
      ) {
        this.closedByModem();
      }
    });
  }

  /** Forgets the socket; a dialect whose closed sockets linger (BG95 "closing") releases it before the next open. */
  private closedByModem(): void {
    if (this.dialect?.releaseClosed) this.stale = this.id;
    this.id = undefined;
    this.peer = undefined;
  }

  private get dialect(): UdpSocketDialect | undefined {
    return this.driver.profile.socket;
  }

  get mtu(): number {
    return this.dialect?.mtu ?? 1024;
  }

  onDatagram(listener: (d: Datagram) => void): void {
    this.dgListeners.push(listener);
  }

  onError(listener: (code: string, message: string) => void): void {
    this.errListeners.push(listener);
  }

  private need(): UdpSocketDialect {
    const d = this.dialect;
    if (!d) throw new CodedError('MODEM_NO_SOCKET', `profile ${this.driver.profile.name} has no UDP socket commands`);
    return d;
  }

  private async ensureOpen(to: PeerAddress): Promise<number> {
    const d = this.need();
    if (this.id !== undefined && (d.anyPeer || (this.peer?.address === to.address && this.peer.port === to.port)))
      return this.id;
    if (this.opening) return this.opening;
    this.opening = (async () => {
      if (this.id !== undefined) await d.close(this.driver.channel, this.id, this.driver.socketTimeouts);
      this.id = undefined;
      const stale = this.stale;
      this.stale = undefined;
      if (stale !== undefined) await d.close(this.driver.channel, stale, this.driver.socketTimeouts);
      const id = await d.open(this.driver.channel, to, this.driver.socketTimeouts);
      this.id = id;
      this.peer = { ...to };
      return id;
    })().finally(() => {
      this.opening = undefined;
    });
    return this.opening;
  }

  async send(data: Uint8Array, to: PeerAddress): Promise<void> {
    const d = this.need();
    if (data.length > d.mtu)
      throw new CodedError('MESSAGE_TOO_BIG', `datagram of ${data.length} bytes exceeds the modem socket's ${d.mtu}`);
    try {
      const id = await this.ensureOpen(to);
      await d.sendTo(this.driver.channel, id, data, to, this.driver.socketTimeouts);
    } catch (err) {
      const code = (err as { code?: string }).code ?? 'NETWORK_ERROR';
      throw new CodedError('NETWORK_ERROR', `modem socket send failed (${code}): ${(err as Error).message}`, {
        cause: code,
      });
    }
  }

  /** Reads until the modem says nothing is left; a notice during a read triggers one more pass. */
  private readAll(): void {
    if (this.reading) {
      this.again = true;
      return;
    }
    const d = this.dialect;
    const id = this.id;
    if (!d || id === undefined) return;
    this.reading = true;
    void (async () => {
      try {
        do {
          this.again = false;
          const got = await d.recv(
            this.driver.channel,
            id,
            this.peer ?? { address: '', port: 0 },
            this.driver.socketTimeouts,
          );
          for (const g of got) for (const l of this.dgListeners) l(g);
        } while (this.again);
      } catch (err) {
        for (const l of this.errListeners) l('NETWORK_ERROR', `modem socket read failed: ${(err as Error).message}`);
      } finally {
        this.reading = false;
      }
    })();
  }

  async close(): Promise<void> {
    const d = this.dialect;
    const id = this.id ?? this.stale;
    this.id = undefined;
    this.stale = undefined;
    this.peer = undefined;
    if (d && id !== undefined) await d.close(this.driver.channel, id, this.driver.socketTimeouts);
  }

  dispose(): void {
    this.offUrc();
  }

  /** Serves the cross-thread requests of at-socket-transport's remote backend. */
  async handle(msg: ModemSocketOpen | ModemSocketSend | ModemSocketClose): Promise<unknown> {
    switch (msg.type) {
      case 'modem.socket.send': {
        // checked all the same: a plugin in plain JS may send it
        const { data, to } = msg;
        if (
          !(data instanceof Uint8Array) ||
          typeof to !== 'object' ||
          to === null ||
          typeof to.address !== 'string' ||
          typeof to.port !== 'number'
        ) {
          throw new CodedError('BAD_MESSAGE', 'modem.socket.send needs data (Uint8Array) and to {address, port}');
        }
        await this.send(data, to);
        return { ok: true };
      }
      case 'modem.socket.close':
        await this.close();
        return { ok: true };
      case 'modem.socket.open':
        this.need();
        return { ok: true, mtu: this.mtu };
    }
  }
}
