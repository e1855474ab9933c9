// api-resolve-hooks.ts: module resolve hook (node:module register) mapping 'lwm2m-meter/plugin' to this package's
// plugin-api.js, for plugin folders outside the package.
let target = '';

export function initialize(data: { target: string }): void {
  target = data.target;
}

type NextResolve = (specifier: string, context: unknown) => unknown;

export function resolve(specifier: string, context: unknown, next: NextResolve): unknown {
  if (specifier === 'lwm2m-meter/plugin' && target) return { url: target, shortCircuit: true };
  return next(specifier, context);
}
