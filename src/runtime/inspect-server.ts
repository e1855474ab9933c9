// inspect-server.ts: serves the relayed inspection stream: a local statechart page (SSE + server-drawn SVG), a
// WebSocket stream, and a bridge page for the hosted Stately inspector.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, WebSocket } from 'ws';
import { log } from './log.js';
import type { ChartSource } from './inspect-charts.js';
import { LiveCharts, type PageMessage } from './inspect-live.js';
import { LOCAL_PAGE, bridgePage } from './inspect-page.js';

const ilog = log.child({ mod: 'inspect' });

export interface InspectServer {
  /** Where it listens (port resolved when 0 was asked for). */
  readonly host: string;
  readonly port: number;
  readonly wsUrl: string;
  /** The local statechart page (no internet needed). */
  readonly pageUrl: string;
  /** The page that frames the hosted Stately inspector (needs the internet). */
  readonly statelyUrl: string;
  /** Sends one inspection event to every connected client (and keeps it for late joiners). */
  publish(event: unknown): void;
  close(): Promise<void>;
}

export interface InspectServerOptions {
  host: string;
  port: number;
  /** Inspection events kept for WebSocket clients that connect late. */
  keep?: number;
  inspectorUrl?: string;
  /** Draws a machine's SVG for the local page; without it the page shows states and events only. */
  charts?: ChartSource;
}

function send(res: ServerResponse, code: number, type: string, body: string): void {
  res.writeHead(code, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(body);
}

/**
 * Starts the stream server. Bind to loopback unless the config says otherwise: the stream shows every state and event.
 */
export async function startInspectServer(opts: InspectServerOptions): Promise<InspectServer> {
  const keep = opts.keep ?? 500;
  const recent: string[] = [];
  const live = new LiveCharts();
  const pages = new Set<ServerResponse>();
  const inspectorUrl = opts.inspectorUrl ?? 'https://stately.ai/inspect';
  const sse = (res: ServerResponse, m: PageMessage): void => {
    res.write(`data: ${JSON.stringify(m)}\n\n`);
  };
  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'http://local');
    switch (url.pathname) {
      case '/':
      case '/index.html':
        return send(res, 200, 'text/html; charset=utf-8', LOCAL_PAGE);
      case '/stately':
        return send(res, 200, 'text/html; charset=utf-8', bridgePage(inspectorUrl));
      case '/events': {
        res.writeHead(200, {
          'content-type': 'text/event-stream',
          'cache-control': 'no-store',
          connection: 'keep-alive',
        });
        res.write('retry: 2000\n\n');
        for (const m of live.replay()) sse(res, m);
        pages.add(res);
        req.on('close', () => pages.delete(res));
        return;
      }
      case '/chart': {
        const s = live.session(url.searchParams.get('session') ?? '');
        if (!s || !opts.charts) return send(res, 404, 'text/plain', 'no such machine\n');
        opts.charts(s).then(
          (svg) => (svg ? send(res, 200, 'image/svg+xml', svg) : send(res, 404, 'text/plain', 'no diagram\n')),
          (e: unknown) => {
            ilog.warn(
              { code: 'INSPECT_CHART_FAILED', actor: s.actor, err: (e as Error).message },
              'could not draw the statechart',
            );
            send(res, 500, 'text/plain', 'could not draw the statechart\n');
          },
        );
        return;
      }
      default:
        return send(res, 404, 'text/plain', 'not found\n');
    }
  };
  const http: Server = createServer(onRequest);
  const wss = new WebSocketServer({ server: http });
  wss.on('connection', (ws) => {
    for (const m of recent) ws.send(m);
    ws.on('error', () => undefined);
  });
  // SSE through proxies and tunnels: a comment now and then keeps the connection open
  const ping = setInterval(() => {
    for (const p of pages) p.write(': ping\n\n');
  }, 15_000);
  ping.unref();
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(opts.port, opts.host, () => resolve());
  });
  const addr = http.address() as AddressInfo;
  const hostForUrl = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  const wsUrl = `ws://${hostForUrl}:${addr.port}`;
  const pageUrl = `http://${hostForUrl}:${addr.port}/`;
  const statelyUrl = `${pageUrl}stately`;
  ilog.info({ wsUrl, pageUrl, statelyUrl }, 'inspection stream listening');
  return {
    host: addr.address,
    port: addr.port,
    wsUrl,
    pageUrl,
    statelyUrl,
    publish(event: unknown): void {
      const text = JSON.stringify(event);
      recent.push(text);
      if (recent.length > keep) recent.shift();
      for (const c of wss.clients) if (c.readyState === WebSocket.OPEN) c.send(text);
      const m = event !== null && typeof event === 'object' ? live.take(event as Record<string, unknown>) : undefined;
      if (m) for (const p of pages) sse(p, m);
    },
    close(): Promise<void> {
      clearInterval(ping);
      for (const c of wss.clients) c.terminate();
      for (const p of pages) p.end();
      pages.clear();
      return new Promise((resolve) => wss.close(() => http.close(() => resolve())));
    },
  };
}
