// inspect-server.ts: serves the relayed inspection stream over WebSocket (plus a bridge page for the Stately inspector).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, WebSocket } from 'ws';
import { log } from './log.js';

const ilog = log.child({ mod: 'inspect' });

export interface InspectServer {
  /** Where it listens (port resolved when 0 was asked for). */
  readonly host: string;
  readonly port: number;
  readonly wsUrl: string;
  readonly pageUrl: string;
  /** Sends one inspection event to every connected client (and keeps it for late joiners). */
  publish(event: unknown): void;
  close(): Promise<void>;
}

function bridgePage(wsUrl: string, inspectorUrl: string): string {
  return `<!DOCTYPE html><html><head><title>lwm2m-meter inspector</title>
<style>*{margin:0;padding:0}html,body{height:100%}iframe{width:100%;height:100%;border:none}</style></head>
<body><iframe id="inspector" src="${inspectorUrl}"></iframe><script>
const iframe=document.getElementById('inspector');const buffer=[];let connected=false;
window.addEventListener('message',(e)=>{if(e.data&&e.data.type==='@statelyai.connected'){connected=true;buffer.forEach((ev)=>iframe.contentWindow.postMessage(ev,'*'));buffer.length=0;}});
const ws=new WebSocket(${JSON.stringify(wsUrl)});
ws.onmessage=(m)=>{const d=JSON.parse(m.data);if(connected)iframe.contentWindow.postMessage(d,'*');else buffer.push(d);};
</script></body></html>`;
}

/** Starts the stream server. Bind to loopback unless the config says otherwise: the stream shows every state and event. */
export async function startInspectServer(opts: { host: string; port: number; keep?: number; inspectorUrl?: string }): Promise<InspectServer> {
  const keep = opts.keep ?? 500;
  const recent: string[] = [];
  let wsUrl = '';
  const http: Server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(bridgePage(wsUrl, opts.inspectorUrl ?? 'https://stately.ai/inspect'));
  });
  const wss = new WebSocketServer({ server: http });
  wss.on('connection', (ws) => {
    for (const m of recent) ws.send(m);
    ws.on('error', () => undefined);
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(opts.port, opts.host, () => resolve());
  });
  const addr = http.address() as AddressInfo;
  const hostForUrl = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  wsUrl = `ws://${hostForUrl}:${addr.port}`;
  const pageUrl = `http://${hostForUrl}:${addr.port}/`;
  ilog.info({ wsUrl, pageUrl }, 'inspection stream listening');
  return {
    host: addr.address,
    port: addr.port,
    wsUrl,
    pageUrl,
    publish(event: unknown): void {
      const text = JSON.stringify(event);
      recent.push(text);
      if (recent.length > keep) recent.shift();
      for (const c of wss.clients) if (c.readyState === WebSocket.OPEN) c.send(text);
    },
    close(): Promise<void> {
      for (const c of wss.clients) c.terminate();
      return new Promise((resolve) => wss.close(() => http.close(() => resolve())));
    },
  };
}
