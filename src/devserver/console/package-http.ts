// package-http.ts: the HTTP server of `fw pull --via http`: GET /fw/<name> streams a named file, a 'bytes' event per
// chunk sent.
import { EventEmitter } from 'node:events';
import { createReadStream, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { basename } from 'node:path';

/** One HTTP server per console, serving the files `fw pull` named; each file is opened when asked for. */
export class PackageHttpServer extends EventEmitter<{ bytes: [end: number, name: string] }> {
  private server: Server | undefined;
  private readonly files = new Map<string, string>();

  /** Serves `file` as /fw/<its name> on `host` (one ephemeral port for all files); resolves with its http:// URI. */
  async url(file: string, host: string): Promise<string> {
    statSync(file);
    const name = encodeURIComponent(basename(file));
    this.files.set(name, file);
    if (!this.server) {
      const srv = createServer((req, res) => {
        const f = this.files.get((req.url ?? '').replace(/^\/fw\//, ''));
        let size: number;
        if (f !== undefined) this.emit('bytes', 0, basename(f)); // asked for, nothing sent yet
        try {
          if (req.method !== 'GET' || f === undefined) throw Object.assign(new Error('not served'), { code: 'ENOENT' });
          const st = statSync(f);
          if (!st.isFile()) throw Object.assign(new Error('not a regular file'), { code: 'EISDIR' });
          size = st.size;
        } catch (err) {
          // gone or unreadable: an answer, never an exception out of the handler (it would end the dev server)
          res.statusCode = (err as { code?: unknown }).code === 'ENOENT' ? 404 : 500;
          res.end();
          return;
        }
        res.setHeader('Content-Type', 'application/octet-stream');
        res.setHeader('Content-Length', size);
        let sent = 0;
        const stream = createReadStream(f);
        stream.on('data', (chunk) => {
          sent += chunk.length;
          this.emit('bytes', sent, basename(f));
        });
        stream.on('error', () => res.destroy()); // cut mid-body: the device sees a short body
        stream.pipe(res);
      });
      await new Promise<void>((resolve, reject) => {
        srv.once('error', reject);
        srv.listen(0, host, () => resolve());
      });
      this.server = srv;
    }
    const a = this.server.address();
    const port = typeof a === 'object' && a ? a.port : 0;
    return `http://${host.includes(':') ? `[${host}]` : host}:${port}/fw/${name}`;
  }

  close(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (!s) return Promise.resolve();
    s.closeAllConnections();
    return new Promise((r) => s.close(() => r()));
  }
}
