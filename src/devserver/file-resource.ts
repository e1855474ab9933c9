// file-resource.ts: files the dev server serves over CoAP (GET /fw/<name>) for firmware pulls: Block2 read from the
// file block by block, with ETag and Size2.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { OutgoingMessage, type IncomingMessage } from 'coap';
import type { Peer } from './types.js';

/** One request for a served file, as answered (the console's progress and tests follow these). */
export interface FileBlockEvent {
  name: string;
  peer: Peer;
  /** Answer: 2.05, or 4.04 (no such file, or it went away), 4.02 (bad or out-of-range Block2), 5.00 (unreadable). */
  code: string;
  num: number;
  size: number;
  /** The file's size when it was read (0 when it could not be). */
  total: number;
  /** Bytes of the file up to the end of this block (0 for an error answer). */
  end: number;
  more: boolean;
}

/** Largest block served (RFC 7959: SZX 6). */
export const MAX_BLOCK = 1024;

/** Block2 request option → {num, size}; undefined when absent, 'bad' when unusable (reserved SZX 7, too long). */
function requestedBlock(req: IncomingMessage): { num: number; size: number } | 'bad' | undefined {
  const o = req._packet.options?.find((x) => x.name === 'Block2');
  if (o === undefined) return undefined;
  const b = Buffer.isBuffer(o.value) ? o.value : Buffer.alloc(0);
  if (b.length > 3) return 'bad';
  let v = 0;
  for (const x of b) v = v * 256 + x;
  const szx = v & 7;
  if (szx === 7) return 'bad';
  return { num: v >>> 4, size: 1 << (szx + 4) };
}

function block2Value(num: number, more: boolean, size: number): Buffer {
  const v = num * 16 + (more ? 8 : 0) + (Math.log2(size) - 4);
  if (v < 0x100) return Buffer.from([v]);
  if (v < 0x10000) return Buffer.from([v >> 8, v & 0xff]);
  return Buffer.from([(v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff]);
}

/** Identifies one version of a file: changes when it is replaced or rewritten (inode, size, mtime). */
function etagOf(st: { ino: number; size: number; mtimeMs: number }): Buffer {
  return createHash('sha256').update(`${st.ino}:${st.size}:${st.mtimeMs}`).digest().subarray(0, 8);
}

/**
 * Sends an answer as built, bypassing node-coap's own Block2 handling: its server slices one whole in-memory payload
 * per request and serves later blocks from a per-token cache, so a file would be read whole and a change to it
 * (deleted, replaced) would go unseen for the rest of the transfer.
 */
function sendAsIs(res: OutgoingMessage, payload?: Buffer): void {
  OutgoingMessage.prototype.end.call(res, payload);
}

/** The files served under /fw/: name → path on disk, each request read from the file as it is then. */
export class FileResources {
  private readonly files = new Map<string, string>();

  /** Serves `file` as /fw/<name> (replacing another file of that name). */
  add(name: string, file: string): void {
    this.files.set(name, file);
  }

  remove(name: string): boolean {
    return this.files.delete(name);
  }

  has(name: string): boolean {
    return this.files.has(name);
  }

  /** Answers GET /fw/<name> with the requested block (block 0 of MAX_BLOCK bytes without Block2 in the request). */
  answer(name: string, req: IncomingMessage, res: OutgoingMessage): FileBlockEvent {
    const peer = { address: req.rsinfo.address, port: req.rsinfo.port };
    const asked = requestedBlock(req);
    const ev: FileBlockEvent = { name, peer, code: '2.05', num: 0, size: MAX_BLOCK, total: 0, end: 0, more: false };
    const fail = (code: string, why: string): FileBlockEvent => {
      res.code = code;
      sendAsIs(res, Buffer.from(why));
      return { ...ev, code };
    };
    if (asked === 'bad') return fail('4.02', 'bad Block2 option');
    if (asked !== undefined) {
      ev.num = asked.num;
      ev.size = asked.size; // SZX 0..6: 16..1024 bytes
    }
    const file = this.files.get(name);
    if (file === undefined) return fail('4.04', `${name} is not served`);
    let fd: number;
    try {
      fd = openSync(file, 'r');
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      return fail(code === 'ENOENT' ? '4.04' : '5.00', `${name}: ${(err as Error).message}`);
    }
    try {
      const st = fstatSync(fd);
      if (!st.isFile()) return fail('5.00', `${name}: not a regular file`);
      ev.total = st.size;
      const offset = ev.num * ev.size;
      if (offset >= st.size && !(offset === 0 && st.size === 0))
        return fail('4.02', `block ${ev.num} is beyond the end (${st.size} bytes)`);
      const buf = Buffer.alloc(Math.min(ev.size, st.size - offset));
      let got = 0;
      while (got < buf.length) {
        const n = readSync(fd, buf, got, buf.length - got, offset + got);
        if (n === 0) break;
        got += n;
      }
      if (got < buf.length) return fail('5.00', `${name}: cut short while being read`);
      ev.end = offset + got;
      ev.more = ev.end < st.size;
      res.code = '2.05';
      res.setOption('Content-Format', 'application/octet-stream');
      res.setOption('ETag', etagOf(st));
      res.setOption('Size2', st.size);
      if (asked !== undefined || ev.more) res.setOption('Block2', block2Value(ev.num, ev.more, ev.size));
      sendAsIs(res, buf);
      return ev;
    } catch (err) {
      return fail('5.00', `${name}: ${(err as Error).message}`);
    } finally {
      closeSync(fd);
    }
  }
}
