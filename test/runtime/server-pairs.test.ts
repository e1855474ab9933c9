// server-pairs.test.ts: the main thread's answer to the primary client's account reports: pairs started for further
// servers, stopped when their server is gone or became the primary's; configured pairs untouched.
import test from 'ava';
import { EventEmitter } from 'node:events';
import { attachServerPairs } from '../../src/cli/server-pairs.js';
import { defaultConfig } from '../../src/runtime/config.js';
import type { ActorSpec, Runtime } from '../../src/runtime/runtime.js';

/** A stand-in for the Runtime: records add / remove, knows which names exist. */
class FakeRuntime extends EventEmitter {
  readonly names = new Set<string>(['client', 'socket']);
  readonly calls: string[] = [];
  stateOf(name: string): string | undefined {
    return this.names.has(name) ? 'running' : undefined;
  }
  add(spec: ActorSpec, near?: string): Promise<void> {
    this.calls.push(`add ${spec.name} near ${near} ${JSON.stringify(spec.options?.account ?? spec.options?.client)}`);
    this.names.add(spec.name);
    return Promise.resolve();
  }
  remove(name: string): Promise<void> {
    this.calls.push(`remove ${name}`);
    this.names.delete(name);
    return Promise.resolve();
  }
}

const flush = (): Promise<void> => new Promise((r) => setImmediate(r));

test('reports start missing pairs, stop the ones whose server left or became the primary; configured pairs stay', async (t) => {
  const rt = new FakeRuntime();
  rt.names.add('client:103'); // from client.servers: the config's
  attachServerPairs(rt as unknown as Runtime, defaultConfig(), [1, 3]);
  rt.emit('control', { type: 'lwm2m.server-accounts', primary: 101, ssids: [101, 102, 103] });
  await flush();
  t.deepEqual(rt.calls, ['add socket:102 near socket "client:102"', 'add client:102 near client 102']);
  rt.emit('control', { type: 'lwm2m.server-accounts', primary: 101, ssids: [101, 102, 103] });
  await flush();
  t.is(rt.calls.length, 2, 'the same report again changes nothing');
  // a new bootstrap left 101 and 104: 102 goes, 104 comes, 103 (configured) is not touched
  rt.emit('control', { type: 'lwm2m.server-accounts', primary: 101, ssids: [101, 104] });
  await flush();
  t.deepEqual([...rt.calls.slice(2)].sort(), [
    'add client:104 near client 104',
    'add socket:104 near socket "client:104"',
    'remove client:102',
    'remove socket:102',
  ]);
  t.true(
    rt.calls.indexOf('remove client:102') < rt.calls.indexOf('remove socket:102'),
    'the client first: it de-registers through its socket',
  );
  // the primary moved to 104: its own pair would register twice with it, so it goes
  rt.emit('control', { type: 'lwm2m.server-accounts', primary: 104, ssids: [101, 104] });
  await flush();
  t.deepEqual([...rt.calls.slice(6)].sort(), [
    'add client:101 near client 101',
    'add socket:101 near socket "client:101"',
    'remove client:104',
    'remove socket:104',
  ]);
  // not a report: ignored
  rt.emit('control', { type: 'device.reboot' });
  rt.emit('control', { type: 'lwm2m.server-accounts', primary: 1, ssids: ['x'] });
  await flush();
  t.is(rt.calls.length, 10);
});
