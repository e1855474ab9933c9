// acl-table.test.ts: the pure Access Control table: rights, refusal codes, object 2 rules, seeding with several
// servers, records round trip.
import test from 'ava';
import {
  AclRight,
  AclTable,
  aclEntriesFromRecords,
  aclRecords,
  seedAcl,
  serversFromRecords,
  BOOTSTRAP_OWNER,
  OBJECT_LEVEL,
  ALL_RIGHTS,
} from '../../src/lwm2m/acl.js';
import { requiredRight } from '../../src/socket/acl.js';

const entry = (
  instanceId: number,
  objectId: number,
  objectInstanceId: number,
  owner: number,
  acl: Record<number, number>,
) => ({
  instanceId,
  objectId,
  objectInstanceId,
  owner,
  acl: new Map(Object.entries(acl).map(([k, v]) => [Number(k), v])),
});

test('rights: owner all, own entry over default entry 0, missing entry none, no instance all; one server → not enforced', (t) => {
  const table = new AclTable(
    [101, 102, 103],
    [entry(0, 3, 0, 101, { 0: AclRight.READ, 103: AclRight.READ | AclRight.WRITE }), entry(1, 3, 1, 101, {})],
  );
  t.true(table.enforced);
  t.is(table.rights(101, 3, 0), ALL_RIGHTS);
  t.is(table.rights(102, 3, 0), AclRight.READ);
  t.is(table.rights(103, 3, 0), AclRight.READ | AclRight.WRITE);
  t.is(table.rights(102, 3, 1), 0);
  t.is(table.rights(102, 4, 0), ALL_RIGHTS, 'no Access Control instance for /4/0');
  t.is(table.check(102, [3, 0, 14], AclRight.WRITE), '4.01');
  t.is(table.check(102, [3, 1, 0], AclRight.READ), '4.04');
  t.is(table.check(102, [3, 0, 0], AclRight.READ), undefined);
  t.deepEqual(table.unreadable(102, 3), [1]);
  t.deepEqual(table.unreadable(101, 3), []);
  const one = new AclTable([101], [entry(0, 3, 0, BOOTSTRAP_OWNER, {})]);
  t.false(one.enforced);
  t.is(one.check(101, [3, 0, 0], AclRight.WRITE), undefined);
});

test('object 2: readable by all, written / deleted by its owner only, never created by a server', (t) => {
  const table = new AclTable([101, 102], [entry(4, 3, 0, 101, {})]);
  t.is(table.check(102, [2, 4, 2], AclRight.READ), undefined);
  t.is(table.check(102, [2, 4, 2], AclRight.WRITE), '4.01');
  t.is(table.check(101, [2, 4, 2], AclRight.WRITE), undefined);
  t.is(table.check(102, [2, 4], AclRight.DELETE), '4.01');
  t.is(table.check(101, [2], AclRight.CREATE), '4.01');
});

test('create needs C on the object-level instance (65535)', (t) => {
  const table = new AclTable([101, 102], [entry(0, 3442, OBJECT_LEVEL, BOOTSTRAP_OWNER, { 101: AclRight.CREATE })]);
  t.is(table.check(101, [3442], AclRight.CREATE), undefined);
  t.is(table.check(102, [3442], AclRight.CREATE), '4.01');
});

test('seeding: /1/x owned by its server, other instances by the first server with default R, Create for the first server', (t) => {
  const seeds = seedAcl(
    new Map([
      [0, 101],
      [1, 102],
    ]),
    [
      [3, 0],
      [3442, 0],
      [3442, 1],
    ],
    [0, 1, 2, 3, 3442],
  );
  t.deepEqual(seeds, [
    { objectId: 1, objectInstanceId: 0, owner: 101, acl: {} },
    { objectId: 1, objectInstanceId: 1, owner: 102, acl: {} },
    { objectId: 3, objectInstanceId: OBJECT_LEVEL, owner: BOOTSTRAP_OWNER, acl: { 101: AclRight.CREATE } },
    { objectId: 3, objectInstanceId: 0, owner: 101, acl: { 0: AclRight.READ } },
    { objectId: 3442, objectInstanceId: OBJECT_LEVEL, owner: BOOTSTRAP_OWNER, acl: { 101: AclRight.CREATE } },
    { objectId: 3442, objectInstanceId: 0, owner: 101, acl: { 0: AclRight.READ } },
    { objectId: 3442, objectInstanceId: 1, owner: 101, acl: { 0: AclRight.READ } },
  ]);
  t.deepEqual(seedAcl(new Map([[0, 101]]), [[3, 0]], [1, 3]), [], 'one server: nothing');
});

test('records round trip and server list from object 1 records', (t) => {
  const recs = aclRecords(5, { objectId: 3, objectInstanceId: 0, owner: 101, acl: { 0: 1, 102: 3 } });
  t.deepEqual(aclEntriesFromRecords(recs), [entry(5, 3, 0, 101, { 0: 1, 102: 3 })]);
  t.deepEqual(
    [
      ...serversFromRecords([
        { path: [1, 0, 0], value: 101 },
        { path: [1, 0, 1], value: 300 },
        { path: [1, 3, 0], value: 102 },
      ]),
    ],
    [
      [0, 101],
      [3, 102],
    ],
  );
});

test('operation → right', (t) => {
  const r = (method: string, path: number[], o: { contentFormat?: number; payload?: number } = {}) =>
    requiredRight(
      {
        method: method as 'GET',
        ...(o.contentFormat !== undefined ? { contentFormat: o.contentFormat } : {}),
        payload: new Uint8Array(o.payload ?? 0),
      },
      path,
    );
  t.is(r('GET', [3, 0, 0]), AclRight.READ);
  t.is(r('GET', [3]), undefined, 'object-level read is filtered, not refused');
  t.is(r('PUT', [3, 0, 0]), AclRight.READ, 'write-attributes');
  t.is(r('PUT', [3, 0, 0], { contentFormat: 0, payload: 1 }), AclRight.WRITE);
  t.is(r('POST', [3]), AclRight.CREATE);
  t.is(r('POST', [3, 0]), AclRight.WRITE);
  t.is(r('POST', [3, 0, 4]), AclRight.EXECUTE);
  t.is(r('DELETE', [3, 0]), AclRight.DELETE);
});
