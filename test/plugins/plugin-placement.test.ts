// plugin-placement.test.ts: plugins.worker — 'own' puts the plugin actors in a second worker under the shared
// placement; other placements are kept.
import test from 'ava';
import { placementWithPlugins } from '../../src/plugins/placement.js';
import { groupActors } from '../../src/runtime/runtime.js';

const names = ['modem', 'socket', 'object:3', 'object:3306', 'plugin:loc:controller', 'meter', 'client'];
const plugins = ['object:3306', 'plugin:loc:controller'];

test("'own' with the shared placement: built-ins in one worker, plugins in another", (t) => {
  const p = placementWithPlugins('shared', names, plugins, 'own');
  t.deepEqual(groupActors(names, p), [['modem', 'socket', 'object:3', 'meter', 'client'], plugins]);
});

test("'shared', no plugins, or an explicit placement: unchanged", (t) => {
  t.is(placementWithPlugins('shared', names, plugins, 'shared'), 'shared');
  t.is(placementWithPlugins('shared', names, [], 'own'), 'shared');
  t.is(placementWithPlugins('per-actor', names, plugins, 'own'), 'per-actor');
  const groups = { groups: [['socket', 'object:*']] };
  t.is(placementWithPlugins(groups, names, plugins, 'own'), groups);
});
