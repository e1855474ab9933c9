// actor-set-plugins.test.ts: plugin objects and actors join the run table like built-ins: socket routing, registration
// links, hosting modules, plugin config in options.
import test from 'ava';
import { buildActorSet, resolveActorSet } from '../../src/runtime/actor-set.js';
import { defaultConfig, parseConfig } from '../../src/runtime/config.js';
import { pluginActorSet } from '../../src/plugins/actor-entries.js';
import { loadPluginActorSet } from '../../src/plugins/index.js';
import type { LoadedPlugin } from '../../src/plugins/loader.js';

const fake: LoadedPlugin = {
  name: 'p',
  version: '1.0.0',
  path: '/x/p',
  resolveHook: true,
  loadMs: 1,
  manifest: {
    name: 'p',
    version: '1.0.0',
    objects: [{ id: 32800, module: './o.js' }],
    actors: [{ name: 'a', module: './a.js' }],
    config: {},
  },
  objects: [{ id: 32800, moduleUrl: 'file:///x/p/o.js' }],
  actors: [{ name: 'a', actorName: 'plugin:p:a', moduleUrl: 'file:///x/p/a.js' }],
  config: { k: 1 },
};

test('plugin entries: object:<id> on the plugin object host, plugin:<name>:<actor> on the actor host, IDs routed and registered', (t) => {
  const set = buildActorSet(defaultConfig(), undefined, pluginActorSet({ loaded: [fake] }));
  const names = set.map((e) => e.name);
  t.true(names.indexOf('object:32800') < names.indexOf('client'), 'started before the client, stopped after it');
  t.true(names.includes('plugin:p:a'));
  const obj = set.find((e) => e.name === 'object:32800');
  t.regex(obj?.module ?? '', /^file:.*\/plugins\/object-host\.actor\.js$/);
  t.like(obj?.options, { spec: 'file:///x/p/o.js', k: 1, resolveHook: true });
  const act = set.find((e) => e.name === 'plugin:p:a');
  t.regex(act?.module ?? '', /actor-host\.actor\.js\?actor=plugin%3Ap%3Aa$/);
  t.like(act?.options, { pluginModule: 'file:///x/p/a.js', k: 1 });
  t.true((set.find((e) => e.name === 'socket')?.options.objects as number[]).includes(32800));
  t.true((set.find((e) => e.name === 'client')?.options.objects as number[]).includes(32800));
  const { present } = resolveActorSet(set);
  t.true(
    present.some((p) => p.name === 'plugin:p:a' && p.moduleUrl.endsWith('?actor=plugin%3Ap%3Aa')),
    'the query string survives resolution',
  );
});

test('the default config enables the shipped valve: object 3306 in the table, optional for the supervisor', async (t) => {
  const plugins = await loadPluginActorSet(parseConfig({ plugins: { enabled: ['valve'] } }));
  t.deepEqual(plugins.objectIds, [3306]);
  t.deepEqual(plugins.optional, ['object:3306']);
  t.true(defaultConfig().plugins.enabled.includes('valve'));
});
