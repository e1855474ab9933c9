// firmware.ts: `fw push` (the file to /5/0/0, Block1) and `fw pull` (the file served over HTTP, its URI written to
// /5/0/1).
import { createReadStream, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { basename } from 'node:path';
import { CodedError } from '../../errors.js';
import { ContentFormat } from '../../lwm2m/types.js';
import type { OpResult } from '../types.js';
import type { ConsoleContext } from './context.js';

function readPackage(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    throw new CodedError('CONSOLE_FILE', `${file}: ${(err as Error).message}`);
  }
}

/** Writes the file to /5/0/0 as opaque, block-wise (Block1) past the block size, progress per acknowledged block. */
export async function firmwarePush(ctx: ConsoleContext, ep: string, file: string): Promise<OpResult> {
  const data = readPackage(file);
  const label = `push ${basename(file)}`;
  ctx.progress(label, 0, data.length);
  const t0 = Date.now();
  let reported = 0;
  const onProgress = (sent: number, total: number): void => {
    reported = sent;
    ctx.progress(label, sent, total);
  };
  const r = await ctx.server.write(ep, '/5/0/0', data, { format: ContentFormat.OPAQUE, onProgress });
  if (r.code.startsWith('2.') && reported < data.length) ctx.progress(label, data.length, data.length); // one block: no Block1 reports
  ctx.out(`${data.length} bytes in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return r;
}

/**
 * One HTTP server per console, serving the files `fw pull` named (GET /fw/<name>, Range not needed by the device to
 * start).
 */
export class PackageHttpServer {
  private server: Server | undefined;
  private readonly files = new Map<string, string>();

  async url(file: string, host: string): Promise<string> {
    statSync(file);
    const name = encodeURIComponent(basename(file));
    this.files.set(name, file);
    if (!this.server) {
      const srv = createServer((req, res) => {
        const f = this.files.get((req.url ?? '').replace(/^\/fw\//, ''));
        if (req.method !== 'GET' || f === undefined) {
          res.statusCode = 404;
          res.end();
          return;
        }
        res.setHeader('Content-Type', 'application/octet-stream');
        res.setHeader('Content-Length', statSync(f).size);
        createReadStream(f).pipe(res);
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
    return s ? new Promise((r) => s.close(() => r())) : Promise.resolve();
  }
}

/** Serves the file over HTTP and writes its URI to /5/0/1 (the device pulls it). */
export async function firmwarePull(ctx: ConsoleContext, ep: string, file: string): Promise<OpResult> {
  let uri: string;
  try {
    uri = await ctx.packages.url(
      file,
      new URL(ctx.server.uri.replace(/^coaps?:/, 'http:')).hostname.replace(/^\[|\]$/g, ''),
    );
  } catch (err) {
    throw new CodedError('CONSOLE_FILE', `${file}: ${(err as Error).message}`);
  }
  ctx.out(`serving ${file} at ${uri}`);
  return ctx.server.write(ep, '/5/0/1', uri);
}
