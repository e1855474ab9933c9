// object-inspect.test.ts: every object actor runs its lifecycle statechart: the inspection stream shows object:3 and a
// plugin object (the valve) with their states, and `diagram object:3` draws the machine.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Runtime } from '../../src/runtime/runtime.js';
import { supervisor, tmpState } from '../runtime/helpers.js';
import { immediateClock } from '../support/sim-timers.js';
import { waitFor } from '../support/poll.js';

const cli = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
const src = (p: string): string => new URL(`../../src/${p}`, import.meta.url).href;
const VALVE = new URL('../../../plugins/valve/valve-object.js', import.meta.url).href;

type Ev = Record<string, unknown>;
const states = (events: Ev[], actor: string): unknown[] =>
  events
    .filter((e) => e.type === '@xstate.snapshot' && String(e.sessionId).startsWith(`${actor}.0/`))
    .map((e) => (e.snapshot as { value?: unknown }).value);

/** A plugin actor module with no statechart of its own: answers 'echo' after a turn. */
function echoActorModule(): string {
  const file = join(mkdtempSync(join(tmpdir(), 'echo-actor-')), 'echo.actor.js');
  writeFileSync(
    file,
    'export default { create() { return { receive(m) { return new Promise((r) => setImmediate(() => r({ echo: m.type }))); }, stop() {} }; } };\n',
  );
  return pathToFileURL(file).href;
}

test('the inspection stream shows object:3, the valve plugin object and a plugin actor with their lifecycle states', async (t) => {
  const rt = new Runtime({
    actors: [
      { name: 'object:3', moduleUrl: src('actors/object.actor.js'), options: { spec: 'objects/device.js' } },
      {
        name: 'object:3306',
        moduleUrl: src('plugins/object-host.actor.js'),
        options: {
          spec: VALVE,
          gpio: { kind: 'simulated', chip: 'v-inspect', line: 17 },
          leakRule: { enabled: false },
          plugin: 'valve',
        },
      },
      {
        name: 'plugin:echo:echo',
        moduleUrl: `${src('plugins/actor-host.actor.js')}?actor=plugin%3Aecho%3Aecho`,
        options: { pluginModule: echoActorModule(), plugin: 'echo' },
      },
    ],
    placement: 'shared',
    supervisor,
    stateDir: tmpState(),
    clock: immediateClock(),
    logLevel: 'silent',
    inspect: true,
  });
  const events: Ev[] = [];
  rt.on('inspection', (ev: Ev) => events.push(ev));
  try {
    await rt.start();
    const w = await rt.request<{ code: string }>('object:3306', {
      type: 'object.request',
      op: 'write-records',
      path: [3306],
      records: [{ path: [3306, 0, 5850], value: true }],
      serverId: 1,
    });
    t.is(w.code, '2.04');
    const r = await rt.request<{ code: string }>('object:3', { type: 'object.request', op: 'read', path: [3, 0, 0] });
    t.is(r.code, '2.05');
    t.deepEqual(await rt.request('plugin:echo:echo', { type: 'echo.ping' }), { echo: 'echo.ping' });
    const settled = (a: string): boolean => states(events, a).includes('busy') && states(events, a).at(-1) === 'ready';
    await waitFor(() => settled('object:3306') && settled('plugin:echo:echo'), {
      timeoutMs: 3000,
      what: 'both actors busy, then ready',
    });
    const actors = events.filter((e) => e.type === '@xstate.actor').map((e) => String(e.sessionId));
    t.true(
      actors.some((id) => id.startsWith('object:3.0/')),
      'object:3 is registered for inspection',
    );
    t.true(
      actors.some((id) => id.startsWith('object:3306.0/')),
      'the plugin object is registered for inspection',
    );
    t.is(states(events, 'object:3').at(-1), 'ready');
    t.false(states(events, 'object:3').includes('busy'), 'a Read does not go through the machine');
    const valve = states(events, 'object:3306');
    t.true(valve.includes('busy'), 'the Write made the valve object busy');
    t.is(valve.at(-1), 'ready', 'and ready again when it answered');
    t.true(
      actors.some((id) => id.startsWith('plugin:echo:echo.0/')),
      'the plugin actor is registered for inspection',
    );
    t.true(settled('plugin:echo:echo'), 'busy while its message was handled, then ready');
  } finally {
    await rt.stop();
  }
});

test('`diagram object:3` draws the object lifecycle machine', (t) => {
  const r = spawnSync(process.execPath, [cli, 'diagram', 'object:3', '--format', 'mermaid'], { encoding: 'utf8' });
  t.is(r.status, 0, r.stderr);
  t.regex(r.stdout, /^stateDiagram-v2/m);
  for (const s of ['starting', 'ready', 'busy', 'stopping', 'stopped']) t.regex(r.stdout, new RegExp(`\\b${s}\\b`), s);
  t.regex(r.stdout, /ready --> busy/);
});
