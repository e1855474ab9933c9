// index.ts: the package's main entry (`lwm2m-meter`): load a config and run the device runtime from a program of your
// own.
export { runRuntime, type RunIo } from './cli/run.js';
export {
  loadConfig,
  parseConfig,
  parseConfigText,
  defaultConfig,
  configSchema,
  type Config,
} from './runtime/config.js';
export { CodedError } from './errors.js';
