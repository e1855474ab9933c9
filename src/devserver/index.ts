// index.ts: the dev server's public surface (library use by tests and the CLI).
export { startDevServer, DevServer, type DevServerOptions, type RequestLogEntry } from './server.js';
export type { ReadOptions, WriteOptions, AttributeValue } from './operations.js';
export { Observation } from './observation.js';
export { parseAttributes } from './attributes-arg.js';
export { runDevServer, parseDevServerArgs, USAGE as DEV_SERVER_USAGE, type DevServerIo } from './cli.js';
export { planAccounts, type BootstrapConfig, type ServerAccount } from './bootstrap.js';
export { TypeRegistry, CORE_TYPES, typesFromDefs, type TypeTable } from './model.js';
export type * from './types.js';
export {
  attachLocationService,
  locateCells,
  groundFixRequest,
  LocationService,
  DEFAULT_TABLE as LOCATION_TABLE,
  type LocationServiceOptions,
  type LocationAnswer,
  type GroundFixCells,
  type GroundFixLocation,
  gnssRequest,
  fakeAssistanceData,
  type GnssRequest,
  type GnssAnswer,
} from './location-service.js';
