// access-control.ts: object 2 LwM2M Access Control: definition and a basic ACL check (the socket router enforces the
// table: lwm2m/acl.ts, socket/acl.ts).
import { defineObject, type ObjectDef, type ObjectSpec, type ResourceValue } from '../lwm2m/object-api.js';

/** Resource IDs of object 2. */
export const AC = { OBJECT_ID: 0, OBJECT_INSTANCE_ID: 1, ACL: 2, OWNER: 3 } as const;

export const accessControlDefinition: ObjectDef = {
  id: 2,
  name: 'LwM2M Access Control',
  version: '1.0',
  multiple: true,
  urn: 'urn:oma:lwm2m:oma:2',
  resources: [
    {
      id: AC.OBJECT_ID,
      name: 'Object ID',
      type: 'integer',
      operations: 'R',
      mandatory: true,
      range: { min: 1, max: 65534 },
    },
    {
      id: AC.OBJECT_INSTANCE_ID,
      name: 'Object Instance ID',
      type: 'integer',
      operations: 'R',
      mandatory: true,
      range: { min: 0, max: 65535 },
    },
    { id: AC.ACL, name: 'ACL', type: 'integer', operations: 'RW', multiple: true, range: { min: 0, max: 31 } },
    {
      id: AC.OWNER,
      name: 'Access Control Owner',
      type: 'integer',
      operations: 'RW',
      mandatory: true,
      range: { min: 0, max: 65535 },
    },
  ],
};

/** ACL bits. */
export const Acl = { READ: 1, WRITE: 2, EXECUTE: 4, DELETE: 8, CREATE: 16 } as const;

/**
 * Basic ACL check over Access Control instances: with one server (or no instance for the target) everything is allowed;
 * else the server's ACL entry (or the default entry 0), and the owner has full rights.
 */
export function aclAllows(
  instances: readonly Map<number, ResourceValue>[],
  objectId: number,
  instanceId: number,
  ssid: number,
  right: number,
): boolean {
  const ac = instances.find((i) => i.get(AC.OBJECT_ID) === objectId && i.get(AC.OBJECT_INSTANCE_ID) === instanceId);
  if (!ac) return true;
  if (ac.get(AC.OWNER) === ssid) return true;
  const acl = ac.get(AC.ACL);
  if (!(acl instanceof Map)) return false;
  const bits = acl.get(ssid) ?? acl.get(0);
  return typeof bits === 'number' && (bits & right) !== 0;
}

export function createAccessControlObject(): ObjectSpec {
  return defineObject({ definition: accessControlDefinition });
}

export default createAccessControlObject();
