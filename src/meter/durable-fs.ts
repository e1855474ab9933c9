// durable-fs.ts: the meter's write paths are the runtime's shared ones (private modes, atomic replace, fsync'd
// appends): see src/runtime/durable-fs.ts.
export {
  appendDurableSync,
  atomicWriteFileSync,
  ensureDirSync,
  fsyncDir,
  openPrivateSync,
  removeTempLeftoversSync,
  writeAllSync,
} from '../runtime/durable-fs.js';
