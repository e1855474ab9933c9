// firmware.actor.ts: the object 5 actor with its firmware update statechart exposed (for `diagram` and the inspector);
// hosts the firmware ObjectSpec like any object actor.
import { defineActor } from '../runtime/actor-api.js';
import { inspectorOf } from '../runtime/inspect.js';
import { firmwareMachine } from '../firmware/machine.js';
import { createFirmwareObject, type FirmwareObjectOptions } from '../objects/firmware.js';
import { createObjectActor, OBJECT_ACCEPTS } from './object.actor.js';

/** An object:5 actor module; `opts` injects transports / fetch in tests. */
export function firmwareActorModule(opts: FirmwareObjectOptions = {}): ReturnType<typeof defineActor> {
  return defineActor({
    machine: firmwareMachine,
    accepts: OBJECT_ACCEPTS,
    create: (ctx) => {
      const inspect = inspectorOf(ctx);
      return createObjectActor(ctx, {
        spec: createFirmwareObject({
          ...opts,
          ...(inspect ? { inspect } : {}),
          register: (ref) => ctx.inspect?.(ref),
        }),
      });
    },
  });
}

export default firmwareActorModule();
