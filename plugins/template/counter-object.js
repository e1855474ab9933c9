// counter-object.js: template plugin object 32769 "Labelled Counter": read the count, write the label, execute
// Increment.
// @ts-check
import { defineObject, status } from 'lwm2m-meter/plugin';

export default defineObject({
  // 1. Data first: what the server sees (IDs 32769–42768 are the private / test range).
  definition: {
    id: 32769,
    name: 'Labelled Counter',
    version: '1.0',
    multiple: false,
    resources: [
      { id: 0, name: 'Count', type: 'integer', operations: 'R', mandatory: true },
      { id: 1, name: 'Label', type: 'string', operations: 'RW', range: { max: 32 } },
      { id: 2, name: 'Increment', type: 'none', operations: 'E' },
    ],
  },
  // 2. Instance 0 exists from the start; the runtime stores these values and serves reads and writes of them.
  instances: { 0: { 0: 0, 1: '' } },
  // 3. Small hooks for what the runtime cannot know.
  start(rt) {
    const label = rt.config.label; // plugins.config.template.label, or the manifest default
    if (typeof label === 'string') rt.set(0, 1, label);
  },
  write(t, value) {
    if (t.resourceId === 1 && String(value).trim() === '') return status('4.00', 'label must not be blank');
    return undefined; // accepted: the runtime stores it and notifies observers
  },
  execute(t, _args, rt) {
    if (t.resourceId !== 2) return status('4.05');
    const step = typeof rt.config.step === 'number' ? rt.config.step : 1;
    rt.set(t.instanceId, 0, Number(rt.get(t.instanceId, 0) ?? 0) + step);
    return undefined;
  },
});
