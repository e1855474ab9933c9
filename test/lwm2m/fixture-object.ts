// fixture-object.ts: a small test object (id 3442-like) with every resource type, multiple resources and hooks.
import { defineObject, status, type ObjectSpec } from '../../src/lwm2m/object-api.js';

export function testObject(calls: string[] = []): ObjectSpec {
  return defineObject({
    definition: {
      id: 3442,
      name: 'Test',
      version: '1.1',
      multiple: true,
      resources: [
        { id: 0, name: 'Name', type: 'string', operations: 'RW', range: { max: 16 } },
        { id: 1, name: 'Count', type: 'integer', operations: 'RW', range: { min: 0, max: 1000 } },
        { id: 2, name: 'Ratio', type: 'float', operations: 'RW' },
        { id: 3, name: 'On', type: 'boolean', operations: 'RW' },
        { id: 4, name: 'Blob', type: 'opaque', operations: 'RW' },
        { id: 5, name: 'Reset', type: 'none', operations: 'E' },
        { id: 6, name: 'List', type: 'integer', operations: 'RW', multiple: true },
        { id: 7, name: 'ReadOnly', type: 'string', operations: 'R' },
        { id: 8, name: 'Link', type: 'objlnk', operations: 'RW' },
        { id: 9, name: 'Refuse', type: 'integer', operations: 'RW' },
        { id: 10, name: 'Mode', type: 'integer', operations: 'RW', enum: [1, 2, 3] },
      ],
    },
    instances: {
      0: {
        0: 'alpha',
        1: 5,
        2: 1.5,
        3: true,
        4: new Uint8Array([1, 2, 3]),
        6: new Map([
          [0, 10],
          [1, 11],
        ]),
        7: 'fixed',
        8: { objectId: 3, instanceId: 0 },
        9: 0,
      },
    },
    write(t, value) {
      calls.push(`write ${t.instanceId}/${t.resourceId}`);
      if (t.resourceId === 9 && value === 13) return status('4.00', 'unlucky');
      return undefined;
    },
    execute(t, args) {
      calls.push(`exec ${t.resourceId} ${args}`);
    },
  });
}
