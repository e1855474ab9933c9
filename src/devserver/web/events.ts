// events.ts: the page's live feed: dev-server events (registrations, notifications, Sends, firmware pushes) as
// Server-Sent Events, the recent ones replayed to a new page.
import type { ServerResponse } from 'node:http';
import { formatPath } from '../../lwm2m/path.js';
import type { DevServer } from '../server.js';
import type { NotifyEvent, Registration, SendEvent } from '../types.js';
import { recordsJson, resultJson } from './json.js';

export type PageEvent = { type: string; at: number; endpoint?: string } & Record<string, unknown>;

/** Fans events out to every open /api/events stream; keeps the last `keep` for pages that connect later. */
export class EventHub {
  private readonly streams = new Set<ServerResponse>();
  private readonly recent: PageEvent[] = [];
  private seq = 0;
  private readonly detach: () => void;

  constructor(
    private readonly server: DevServer,
    private readonly keep = 500,
    private readonly now: () => number = Date.now,
  ) {
    const reg =
      (type: string) =>
      (r: Registration): void =>
        this.publish({ type, endpoint: r.endpoint, address: `${r.peer.address}:${r.peer.port}`, lifetime: r.lifetime });
    const handlers = {
      register: reg('register'),
      update: reg('update'),
      deregister: reg('deregister'),
      expire: reg('expire'),
      notify: (n: NotifyEvent): void =>
        this.publish({
          type: 'notify',
          endpoint: n.endpoint,
          paths: n.paths.map((p) => formatPath(p)),
          observe: n.observe,
          result: resultJson(n.result),
        }),
      send: (e: SendEvent): void =>
        this.publish({
          type: 'send',
          ...(e.endpoint !== undefined ? { endpoint: e.endpoint } : {}),
          records: recordsJson(e.records),
          ...(e.decodeError !== undefined ? { decodeError: e.decodeError } : {}),
        }),
    };
    // casts: Object.entries loses which listener belongs to which event of the typed emitter
    for (const [name, fn] of Object.entries(handlers)) server.on(name as 'register', fn as never);
    this.detach = () => {
      for (const [name, fn] of Object.entries(handlers)) server.off(name as 'register', fn as never);
    };
  }

  publish(e: Omit<PageEvent, 'at'> & { at?: number }): void {
    const ev = { ...e, at: e.at ?? this.now() } as PageEvent;
    this.recent.push(ev);
    if (this.recent.length > this.keep) this.recent.shift();
    const frame = this.frame(ev);
    for (const s of this.streams) s.write(frame);
  }

  private frame(ev: PageEvent): string {
    return `id: ${++this.seq}\nevent: ${ev.type}\ndata: ${JSON.stringify(ev)}\n\n`;
  }

  /**
   * Opens an SSE stream on the response: the recent events first, then live ones; a comment every 15 s keeps proxies
   * and tunnels open.
   */
  attach(res: ServerResponse): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write('retry: 2000\n\n');
    for (const ev of this.recent) res.write(this.frame(ev));
    this.streams.add(res);
    const ping = setInterval(() => res.write(': ping\n\n'), 15_000);
    ping.unref();
    res.on('close', () => {
      clearInterval(ping);
      this.streams.delete(res);
    });
  }

  get listeners(): number {
    return this.streams.size;
  }

  close(): void {
    this.detach();
    for (const s of this.streams) s.end();
    this.streams.clear();
  }
}
