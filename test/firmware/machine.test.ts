// machine.test.ts: the object 5 state machine's transitions and Update Result codes, with stub download/apply actors.
import test from 'ava';
import { createActor, fromPromise } from 'xstate';
import { firmwareMachine, stateCode, type FwRestore, type PackageInfo } from '../../src/firmware/machine.js';
import { FirmwareError, FwState, UpdateResult } from '../../src/firmware/results.js';

function run(opts: { download?: () => Promise<PackageInfo>; apply?: () => Promise<void>; input?: FwRestore }) {
  const m = firmwareMachine.provide({
    actors: {
      download: fromPromise<PackageInfo, { uri: string }>(
        opts.download ?? (() => Promise.resolve({ pkgName: 'meter', pkgVersion: '2.0' })),
      ),
      apply: fromPromise<void, { pkgName: string; pkgVersion: string }>(opts.apply ?? (() => Promise.resolve())),
    },
  });
  const a = createActor(m, { input: opts.input });
  a.start();
  a.send({ type: 'firmware.restore' });
  return a;
}
const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

test('pull: Idle → Downloading → Downloaded → Updating → Idle with result 1', async (t) => {
  let release!: () => void;
  const a = run({
    apply: () =>
      new Promise((r) => {
        release = r;
      }),
  });
  t.is(stateCode(a.getSnapshot()), FwState.IDLE);
  a.send({ type: 'firmware.uri', uri: 'coap://127.0.0.1/fw' });
  t.is(stateCode(a.getSnapshot()), FwState.DOWNLOADING);
  await tick();
  t.is(stateCode(a.getSnapshot()), FwState.DOWNLOADED);
  t.is(a.getSnapshot().context.pkgVersion, '2.0');
  a.send({ type: 'firmware.update' });
  t.is(stateCode(a.getSnapshot()), FwState.UPDATING);
  release();
  await tick();
  t.is(stateCode(a.getSnapshot()), FwState.IDLE);
  t.is(a.getSnapshot().context.result, UpdateResult.SUCCESS);
});

test('download failure maps its result code and returns to Idle', async (t) => {
  const a = run({ download: () => Promise.reject(new FirmwareError(UpdateResult.INTEGRITY_FAILURE, 'X', 'bad')) });
  a.send({ type: 'firmware.uri', uri: 'http://x/y' });
  await tick();
  t.is(stateCode(a.getSnapshot()), FwState.IDLE);
  t.is(a.getSnapshot().context.result, UpdateResult.INTEGRITY_FAILURE);
  // A new download resets the result to 0.
  a.send({ type: 'firmware.uri', uri: 'http://x/y' });
  t.is(a.getSnapshot().context.result, UpdateResult.INITIAL);
});

test('apply failure goes back to Downloaded with result 8', async (t) => {
  const a = run({ apply: () => Promise.reject(new Error('boom')) });
  a.send({ type: 'firmware.uri', uri: 'http://x/y' });
  await tick();
  a.send({ type: 'firmware.update' });
  await tick();
  t.is(stateCode(a.getSnapshot()), FwState.DOWNLOADED);
  t.is(a.getSnapshot().context.result, UpdateResult.UPDATE_FAILED);
});

test('empty Package URI resets Downloading and Downloaded to Idle; Cancel gives result 10', async (t) => {
  const a = run({ download: () => new Promise(() => undefined) });
  a.send({ type: 'firmware.uri', uri: 'http://x/y' });
  t.is(stateCode(a.getSnapshot()), FwState.DOWNLOADING);
  a.send({ type: 'firmware.uri', uri: '' });
  t.is(stateCode(a.getSnapshot()), FwState.IDLE);
  t.is(a.getSnapshot().context.result, UpdateResult.INITIAL);
  a.send({ type: 'firmware.push' });
  a.send({ type: 'firmware.cancel' });
  t.is(stateCode(a.getSnapshot()), FwState.IDLE);
  t.is(a.getSnapshot().context.result, UpdateResult.CANCELLED);
});

test('push: Downloading(push) → Downloaded on push-done, Idle with the result on push-failed', (t) => {
  const a = run({});
  a.send({ type: 'firmware.push' });
  t.true(a.getSnapshot().matches({ downloading: 'push' }));
  a.send({ type: 'firmware.push-done', info: { pkgName: 'n', pkgVersion: 'v' } });
  t.is(stateCode(a.getSnapshot()), FwState.DOWNLOADED);
  a.send({ type: 'firmware.reset' });
  a.send({ type: 'firmware.push' });
  a.send({ type: 'firmware.push-failed', result: UpdateResult.INTEGRITY_FAILURE });
  t.is(stateCode(a.getSnapshot()), FwState.IDLE);
  t.is(a.getSnapshot().context.result, UpdateResult.INTEGRITY_FAILURE);
});

test('restore after restart: Updating applied → Idle/1, not applied → Downloaded/8, interrupted push → Idle/4, pull resumes', (t) => {
  const base = { uri: 'http://x/y', pkgName: 'n', pkgVersion: 'v' };
  const ok = run({ input: { ...base, state: FwState.UPDATING, result: 0, applied: true } });
  t.is(stateCode(ok.getSnapshot()), FwState.IDLE);
  t.is(ok.getSnapshot().context.result, UpdateResult.SUCCESS);
  const bad = run({ input: { ...base, state: FwState.UPDATING, result: 0, applied: false } });
  t.is(stateCode(bad.getSnapshot()), FwState.DOWNLOADED);
  t.is(bad.getSnapshot().context.result, UpdateResult.UPDATE_FAILED);
  const push = run({ input: { ...base, state: FwState.DOWNLOADING, result: 0, delivery: 'push' } });
  t.is(push.getSnapshot().context.result, UpdateResult.CONNECTION_LOST);
  const pull = run({
    input: { ...base, state: FwState.DOWNLOADING, result: 0, delivery: 'pull' },
    download: () => new Promise(() => undefined),
  });
  t.true(pull.getSnapshot().matches({ downloading: 'pull' }));
});
