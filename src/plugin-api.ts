// plugin-api.ts: the public plugin API ('lwm2m-meter/plugin'): everything a plugin imports — object API, actor API,
// GPIO lines.
export { defineObject, status, isStatus, Status } from './lwm2m/object-api.js';
export type {
  ObjectSpec,
  ObjectDef,
  ResourceDef,
  ObjectRuntime,
  HookTarget,
  Operations,
  ResourceValue,
  StatusCode,
  AppliedWrite,
  ResourceChange,
  LinkParams,
} from './lwm2m/object-api.js';
export type { LwValue, LwRecord, Path, ResourceType, ObjLnk } from './lwm2m/types.js';
export { definePluginActor as defineActor } from './runtime/actor-api.js';
export type {
  PluginActorModule as ActorModule,
  PluginActorContext as ActorContext,
  ActorInstance,
  ActorMessage,
  ActorStore,
} from './runtime/actor-api.js';
export type { Requests, Events, ReplyOf, MessageOf } from './messages/index.js';
export { CodedError } from './errors.js';
export { realClock } from './clock.js';
export type { Clock } from './clock.js';
export { parseDdf } from './lwm2m/ddf.js';
export { ddfDefinition } from './plugins/ddf-definition.js';
export { openGpioOutput, openGpioInput, SimulatedGpioChip, simulatedChip } from './plugins/gpio/index.js';
export type { GpioOutput, GpioInput, GpioLineOptions } from './plugins/gpio/index.js';
