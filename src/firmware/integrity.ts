// integrity.ts: package checks after download: type by magic bytes, optional LWFW manifest, SHA-256, gzip stream test.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { pipeline } from 'node:stream/promises';
import { Writable } from 'node:stream';
import { FirmwareError, UpdateResult } from './results.js';
import type { PackageInfo } from './machine.js';

/** First line of a package that carries a manifest; the second line is the manifest JSON, then the payload. */
export const LWFW_MAGIC = 'LWFW1\n';

export interface Manifest {
  name?: string;
  version?: string;
  /** Payload size in bytes (after the two header lines). */
  size: number;
  /** SHA-256 (hex) of the payload. */
  sha256: string;
}

export type PackageType = 'gzip' | 'tar' | 'zip' | 'lwfw' | 'other';

export interface IntegrityOptions {
  sha256?: string | undefined;
  requireManifest: boolean;
  acceptTypes: readonly PackageType[];
  maxPackageBytes: number;
}

export function detectType(head: Uint8Array): PackageType {
  const b = Buffer.from(head.buffer, head.byteOffset, head.byteLength);
  if (b.length >= 6 && b.subarray(0, 6).toString('latin1') === LWFW_MAGIC) return 'lwfw';
  if (b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b) return 'gzip';
  if (b.length >= 4 && b.readUInt32BE(0) === 0x504b0304) return 'zip';
  if (b.length >= 262 && b.subarray(257, 262).toString('latin1') === 'ustar') return 'tar';
  return 'other';
}

/** Parses the LWFW header at the start of a package: manifest and payload offset. */
export function parseManifest(head: Uint8Array): { manifest: Manifest; payloadOffset: number } {
  const b = Buffer.from(head.buffer, head.byteOffset, head.byteLength);
  const end = b.indexOf(0x0a, LWFW_MAGIC.length);
  if (end < 0)
    throw new FirmwareError(UpdateResult.INTEGRITY_FAILURE, 'FW_MANIFEST_INVALID', 'manifest line not terminated');
  let m: unknown;
  try {
    m = JSON.parse(b.subarray(LWFW_MAGIC.length, end).toString('utf8'));
  } catch (err) {
    throw new FirmwareError(UpdateResult.INTEGRITY_FAILURE, 'FW_MANIFEST_INVALID', 'manifest is not JSON', {
      cause: err,
    });
  }
  const o = m as Partial<Manifest> | null;
  if (
    o === null ||
    typeof o !== 'object' ||
    typeof o.size !== 'number' ||
    !Number.isInteger(o.size) ||
    o.size < 0 ||
    typeof o.sha256 !== 'string' ||
    !/^[0-9a-fA-F]{64}$/.test(o.sha256) ||
    (o.name !== undefined && typeof o.name !== 'string') ||
    (o.version !== undefined && typeof o.version !== 'string')
  ) {
    throw new FirmwareError(
      UpdateResult.INTEGRITY_FAILURE,
      'FW_MANIFEST_INVALID',
      'manifest needs size (integer) and sha256 (64 hex digits)',
    );
  }
  return { manifest: o as Manifest, payloadOffset: end + 1 };
}

/** Builds a package with a manifest header around a payload (for tools and tests). */
export function buildLwfwPackage(payload: Uint8Array, info: { name?: string; version?: string } = {}): Buffer {
  const sha256 = createHash('sha256').update(payload).digest('hex');
  const manifest: Manifest = { ...info, size: payload.byteLength, sha256 };
  return Buffer.concat([Buffer.from(LWFW_MAGIC + JSON.stringify(manifest) + '\n'), payload]);
}

async function sha256OfFile(path: string, start = 0): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path, { start })) h.update(chunk as Buffer);
  return h.digest('hex');
}

async function gunzipTest(path: string, start: number): Promise<void> {
  const sink = new Writable({
    write(_c, _e, cb) {
      cb();
    },
  });
  try {
    await pipeline(createReadStream(path, { start }), createGunzip(), sink);
  } catch (err) {
    throw new FirmwareError(
      UpdateResult.INTEGRITY_FAILURE,
      'FW_GZIP_CORRUPT',
      `gzip stream is corrupt or truncated: ${(err as Error).message}`,
      { cause: err },
    );
  }
}

/** Checks a complete package file; resolves with its name/version or throws a FirmwareError (result 5 or 6). */
export async function verifyPackage(path: string, opts: IntegrityOptions): Promise<PackageInfo> {
  const fh = await open(path, 'r');
  let size: number;
  const head = Buffer.alloc(4096);
  let n: number;
  try {
    size = (await fh.stat()).size;
    n = (await fh.read(head, 0, head.length, 0)).bytesRead;
  } finally {
    await fh.close();
  }
  if (size === 0) throw new FirmwareError(UpdateResult.INTEGRITY_FAILURE, 'FW_EMPTY', 'package is empty');
  if (size > opts.maxPackageBytes)
    throw new FirmwareError(
      UpdateResult.NOT_ENOUGH_FLASH,
      'FW_TOO_LARGE',
      `package is ${size} bytes, limit ${opts.maxPackageBytes}`,
    );
  const type = detectType(head.subarray(0, n));
  if (!opts.acceptTypes.includes(type))
    throw new FirmwareError(
      UpdateResult.UNSUPPORTED_TYPE,
      'FW_UNSUPPORTED_TYPE',
      `package type '${type}' is not accepted`,
    );
  if (opts.sha256 !== undefined) {
    const got = await sha256OfFile(path);
    if (got !== opts.sha256.toLowerCase())
      throw new FirmwareError(
        UpdateResult.INTEGRITY_FAILURE,
        'FW_SHA256_MISMATCH',
        `package SHA-256 ${got} does not match the configured one`,
      );
  }
  const info: PackageInfo = { pkgName: '', pkgVersion: '' };
  let payloadStart = 0;
  if (type === 'lwfw') {
    const { manifest, payloadOffset } = parseManifest(head.subarray(0, n));
    if (size - payloadOffset !== manifest.size) {
      throw new FirmwareError(
        UpdateResult.INTEGRITY_FAILURE,
        'FW_SIZE_MISMATCH',
        `payload is ${size - payloadOffset} bytes, manifest says ${manifest.size}`,
      );
    }
    const got = await sha256OfFile(path, payloadOffset);
    if (got !== manifest.sha256.toLowerCase())
      throw new FirmwareError(
        UpdateResult.INTEGRITY_FAILURE,
        'FW_SHA256_MISMATCH',
        'payload SHA-256 does not match the manifest',
      );
    info.pkgName = manifest.name ?? '';
    info.pkgVersion = manifest.version ?? '';
    payloadStart = payloadOffset;
  } else if (opts.requireManifest) {
    throw new FirmwareError(
      UpdateResult.INTEGRITY_FAILURE,
      'FW_NO_MANIFEST',
      'package has no manifest and one is required',
    );
  }
  const inner = type === 'lwfw' ? await readHead(path, payloadStart) : head.subarray(0, n);
  if (detectType(inner) === 'gzip') await gunzipTest(path, payloadStart);
  return info;
}

async function readHead(path: string, at: number): Promise<Buffer> {
  const fh = await open(path, 'r');
  try {
    const b = Buffer.alloc(512);
    const { bytesRead } = await fh.read(b, 0, b.length, at);
    return b.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}
