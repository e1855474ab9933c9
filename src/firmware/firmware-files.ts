// firmware-files.ts: the package files both deliveries share: paths, the partial download's metadata, discarding,
// verifying, size limits.
import { rm } from 'node:fs/promises';
import type { FirmwareConfig } from './config-schema.js';
import { verifyPackage } from './integrity.js';
import type { PackageInfo } from './machine.js';
import { packagePaths, removePackage, type PackagePaths, type SinkLimits } from './package-file.js';

export class FirmwareFiles {
  readonly paths: PackagePaths;

  constructor(
    private readonly config: FirmwareConfig,
    private readonly freeBytes?: (dir: string) => Promise<number>,
  ) {
    this.paths = packagePaths(config.dir);
  }

  /** Limits of a package sink: maxPackageBytes, reserveBytes, free space. */
  limits(): SinkLimits {
    const c = this.config;
    return {
      maxPackageBytes: c.maxPackageBytes,
      reserveBytes: c.reserveBytes,
      ...(this.freeBytes ? { freeBytes: this.freeBytes } : {}),
    };
  }

  /** The partial download's metadata (its URI and validator, for a resume). */
  partMetaPath(): string {
    return `${this.paths.part}.json`;
  }

  /** Removes the package (partial or whole) and its metadata. */
  async discard(): Promise<void> {
    await removePackage(this.config.dir);
    await rm(this.partMetaPath(), { force: true });
  }

  /** Checks the whole package (integrity.ts): its info, or a FirmwareError with the result code. */
  verify(): Promise<PackageInfo> {
    const c = this.config;
    return verifyPackage(this.paths.done, {
      sha256: c.sha256,
      requireManifest: c.requireManifest,
      acceptTypes: c.acceptTypes,
      maxPackageBytes: c.maxPackageBytes,
    });
  }
}
