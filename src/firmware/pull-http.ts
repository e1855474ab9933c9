// pull-http.ts: http(s):// package download with Node fetch, resuming with Range (and If-Range when an ETag is known).
import { FirmwareError, UpdateResult } from './results.js';
import type { Puller } from './puller.js';

export type FetchFn = typeof fetch;

/** An HTTP puller; `fetchFn` is injectable (defaults to the global fetch). */
export function httpPuller(fetchFn: FetchFn = fetch): Puller {
  return async (uri, sink, ctx) => {
    const from = sink.bytes;
    const headers: Record<string, string> = {};
    if (from > 0) {
      headers.range = `bytes=${from}-`;
      if (ctx.validator !== undefined) headers['if-range'] = ctx.validator;
    }
    let res: Response;
    try {
      res = await fetchFn(uri, { headers, signal: ctx.signal, redirect: 'follow' });
    } catch (err) {
      throw new FirmwareError(
        UpdateResult.CONNECTION_LOST,
        'FW_HTTP_CONNECT',
        `GET ${uri.href} failed: ${(err as Error).message}`,
        { cause: err },
      );
    }
    if (res.status === 416 && from > 0) {
      // Range not satisfiable: the partial file is already complete or stale; start again.
      await res.body?.cancel();
      await sink.truncate(0);
      throw new FirmwareError(
        UpdateResult.CONNECTION_LOST,
        'FW_HTTP_RANGE',
        'range not satisfiable, restarting from 0',
      );
    }
    if (res.status === 404 || res.status === 410 || res.status === 400) {
      await res.body?.cancel();
      throw new FirmwareError(UpdateResult.INVALID_URI, 'FW_HTTP_NOT_FOUND', `GET ${uri.href}: ${res.status}`);
    }
    if (res.status === 415) {
      await res.body?.cancel();
      throw new FirmwareError(UpdateResult.UNSUPPORTED_TYPE, 'FW_HTTP_TYPE', `GET ${uri.href}: ${res.status}`);
    }
    if (res.status !== 200 && res.status !== 206) {
      await res.body?.cancel();
      throw new FirmwareError(UpdateResult.CONNECTION_LOST, 'FW_HTTP_STATUS', `GET ${uri.href}: ${res.status}`);
    }
    let offset = from;
    if (res.status === 200 && from > 0) {
      // The server ignored the range (or the validator changed): start from 0.
      await sink.truncate(0);
      offset = 0;
    }
    if (res.status === 206) {
      const m = /^bytes (\d+)-\d+\/(\d+|\*)$/.exec(res.headers.get('content-range') ?? '');
      if (m === null || Number(m[1]) !== from) {
        await res.body?.cancel();
        await sink.truncate(0);
        throw new FirmwareError(
          UpdateResult.CONNECTION_LOST,
          'FW_HTTP_RANGE',
          'unexpected Content-Range, restarting from 0',
        );
      }
      if (m[2] !== '*') await ctx.total(Number(m[2]));
    } else {
      const len = res.headers.get('content-length');
      if (len !== null) await ctx.total(Number(len));
    }
    ctx.setValidator(res.headers.get('etag') ?? res.headers.get('last-modified') ?? undefined);
    if (res.body === null)
      throw new FirmwareError(UpdateResult.CONNECTION_LOST, 'FW_HTTP_NO_BODY', 'response has no body');
    const expected = res.status === 206 ? undefined : res.headers.get('content-length');
    try {
      for await (const chunk of res.body) {
        await sink.write(offset, chunk);
        offset += chunk.byteLength;
        ctx.progress(offset);
      }
    } catch (err) {
      if (err instanceof FirmwareError) throw err;
      throw new FirmwareError(
        UpdateResult.CONNECTION_LOST,
        'FW_HTTP_INTERRUPTED',
        `download interrupted at ${offset} bytes: ${(err as Error).message}`,
        { cause: err },
      );
    }
    if (expected !== null && expected !== undefined && offset !== Number(expected)) {
      throw new FirmwareError(UpdateResult.CONNECTION_LOST, 'FW_HTTP_SHORT', `got ${offset} of ${expected} bytes`);
    }
  };
}
