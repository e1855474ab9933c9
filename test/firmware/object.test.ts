// object.test.ts: the object 5 spec through its hooks with a fake ObjectRuntime: resources, Write URI, streamed Block1
// chunks, Execute.
import { realClock } from '../../src/clock.js';
import test from 'ava';
import { join } from 'node:path';
import { isStatus, type HookTarget, type ObjectRuntime, type ResourceValue } from '../../src/lwm2m/object-api.js';
import { buildLwfwPackage } from '../../src/firmware/integrity.js';
import { FwState, UpdateResult } from '../../src/firmware/results.js';
import type { FirmwareUpdater } from '../../src/firmware/updater.js';
import { createFirmwareObject } from '../../src/objects/firmware.js';
import { ObjectHost } from '../../src/lwm2m/object-host.js';
import { ContentFormat } from '../../src/lwm2m/types.js';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { bytes, recordingLog, tempDir } from './helpers.js';

function fakeRuntime(
  config: Record<string, unknown>,
): ObjectRuntime & { values: Map<string, ResourceValue>; emitted: { to: string; type: string }[] } {
  const values = new Map<string, ResourceValue>();
  const emitted: { to: string; type: string }[] = [];
  return {
    values,
    emitted,
    set: (i, r, v) => {
      values.set(`${i}/${r}`, v);
    },
    get: (i, r) => values.get(`${i}/${r}`),
    createInstance: () => undefined,
    deleteInstance: () => undefined,
    instances: () => [0],
    emit: (to, m) => {
      emitted.push({ to, type: m.type });
    },
    publish: (m) => {
      emitted.push({ to: '*', type: m.type });
    },
    send: () => undefined,
    request: () => Promise.reject(new Error('no')),
    log: recordingLog(),
    config,
    clock: realClock,
  };
}
const target = (resourceId: number): HookTarget => ({ objectId: 5, instanceId: 0, resourceId, serverId: 1 });

test('object 5: initial resources, streamed push via object.write-block, Execute Update without command → 8', async (t) => {
  const dir = await tempDir(t);
  let u: FirmwareUpdater | undefined;
  const spec = createFirmwareObject({
    onStart: (x) => {
      u = x;
    },
  });
  const rt = fakeRuntime({ firmware: { retryDelayMs: 0 }, stateDir: dir });
  await spec.start?.(rt);
  t.teardown(() => spec.stop?.());
  t.is(rt.values.get('0/3'), FwState.IDLE);
  t.is(rt.values.get('0/5'), UpdateResult.INITIAL);
  t.deepEqual([...(rt.values.get('0/8') as Map<number, number>).values()], [0, 2, 3]);
  t.is(spec.instances?.[0]?.[9], 2);

  const pkg = buildLwfwPackage(bytes(3000), { name: 'fw', version: '7.0' });
  const codes: unknown[] = [];
  for (let num = 0; num * 1024 < pkg.length; num++) {
    codes.push(
      await spec.receive?.(
        {
          type: 'object.write-block',
          path: [5, 0, 0],
          num,
          size: 1024,
          more: (num + 1) * 1024 < pkg.length,
          payload: pkg.subarray(num * 1024, (num + 1) * 1024),
        },
        rt,
      ),
    );
  }
  t.deepEqual(codes, [{ code: '2.31' }, { code: '2.31' }, { code: '2.31' }, { code: '2.04' }]);
  await u?.waitFor((v) => v.state === FwState.DOWNLOADED);
  t.is(rt.values.get('0/3'), FwState.DOWNLOADED);
  t.is(rt.values.get('0/7'), '7.0');
  t.true(typeof rt.values.get('0/12') === 'number');
  // A URI write now is refused; Execute Update runs (no command configured) and fails with 8.
  t.true(isStatus(await spec.write?.(target(1), 'coap://h/x', rt)));
  t.is(await spec.execute?.(target(2), '', rt), undefined);
  await u?.waitFor((v) => v.state !== FwState.UPDATING);
  t.is(rt.values.get('0/5'), UpdateResult.UPDATE_FAILED);
  t.true(rt.emitted.some((e) => e.to === 'client' && e.type === 'firmware.done'));
  // Empty package URI resets (accepted by the write hook, done in apply once stored).
  t.is(await spec.write?.(target(1), '', rt), undefined);
  t.is(rt.values.get('0/3'), FwState.DOWNLOADED, 'the write hook only decides');
  await spec.apply?.(
    { op: 'write', serverId: 1, remote: true, changes: [{ instanceId: 0, resourceId: 1, value: '', previous: '' }] },
    rt,
  );
  t.is(rt.values.get('0/3'), FwState.IDLE);
  t.is(u?.values().uri, '');
});

test('object 5: a whole-package Write to /5/0/0 is answered 2.04 without keeping it; Cancel → 10', async (t) => {
  const dir = await tempDir(t);
  let u: FirmwareUpdater | undefined;
  const spec = createFirmwareObject({
    onStart: (x) => {
      u = x;
    },
  });
  const rt = fakeRuntime({ dir: join(dir, 'fw') });
  await spec.start?.(rt);
  t.teardown(() => spec.stop?.());
  const r = await spec.write?.(target(0), buildLwfwPackage(bytes(500)), rt);
  t.true(isStatus(r) && r.code === '2.04');
  await u?.waitFor((v) => v.state === FwState.DOWNLOADED);
  t.is(await spec.execute?.(target(10), '', rt), undefined);
  t.is(rt.values.get('0/5'), UpdateResult.CANCELLED);
  t.true(isStatus(await spec.execute?.(target(10), '', rt)));
});

test('object 5 in the object host: a URI write shows Downloading at once (State read right after the Write)', async (t) => {
  const dir = await tempDir(t);
  const spec = createFirmwareObject({ transport: null });
  const host = new ObjectHost(spec, { config: { firmware: { retryDelayMs: 0, retries: 0 }, stateDir: dir } });
  await spec.start?.(host.runtime);
  t.teardown(() => spec.stop?.());
  const srv = createServer(() => undefined); // answers nothing: the pull stays in Downloading
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  t.teardown(() => {
    srv.closeAllConnections();
    srv.close();
  });
  const uri = `http://127.0.0.1:${(srv.address() as AddressInfo).port}/fw.bin`;
  const w = await host.handle({ op: 'write', path: [5, 0, 1], format: ContentFormat.TEXT, payload: Buffer.from(uri) });
  t.is(w.code, '2.04');
  const r = await host.handle({ op: 'read', path: [5, 0, 3] });
  t.is(
    Buffer.from(r.payload ?? []).toString(),
    String(FwState.DOWNLOADING),
    'State 1, not the Idle copied before the write',
  );
  t.is(Buffer.from((await host.handle({ op: 'read', path: [5, 0, 1] })).payload ?? []).toString(), uri);
  const again = await host.handle({
    op: 'write',
    path: [5, 0, 1],
    format: ContentFormat.TEXT,
    payload: Buffer.from(uri),
  });
  t.is(again.code, '4.05', 'a second URI while downloading is refused, nothing stored');
  const reset = await host.handle({
    op: 'write',
    path: [5, 0, 1],
    format: ContentFormat.TEXT,
    payload: Buffer.from(''),
  });
  t.is(reset.code, '2.04');
  t.is(
    Buffer.from((await host.handle({ op: 'read', path: [5, 0, 3] })).payload ?? []).toString(),
    String(FwState.IDLE),
  );
});
