// controller.actor.js: the plugin's actor (`plugin:location-assistance:controller`): hosts the ground fix controller;
// hears 'lwm2m.registered'; runs the GNSS fix policy.
// @ts-check
import { createController } from './controller.js';

/** @typedef {import('lwm2m-meter/plugin').ActorModule} ActorModule */
/** @typedef {import('lwm2m-meter/plugin').Clock} Clock */

/**
 * @param {{ timers?: Clock }} [opts] injectable clock (tests)
 * @returns {ActorModule}
 */
export function controllerActorModule(opts = {}) {
  return {
    subscribes: ['lwm2m.registered'],
    create(ctx) {
      return createController(
        {
          request: ctx.request.bind(ctx),
          send: ctx.send.bind(ctx),
          log: ctx.log.child({ mod: 'location-assistance' }),
          config: ctx.config,
        },
        opts,
      );
    },
  };
}

export default controllerActorModule();
