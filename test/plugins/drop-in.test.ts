// drop-in.test.ts: a plugin folder dropped into a temp copy of plugins/ (object + actor) loads with no change under
// src/: registered, readable and writable by the server.
import test from 'ava';
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDevServer } from '../../src/devserver/index.js';
import { RuntimeChild } from './support/child.js';
import { writePlugin } from './support/bad-plugins.js';

const SHIPPED = fileURLToPath(new URL('../../../plugins/', import.meta.url));

const GREETER_OBJECT = `// greeter-object.js: object 32770 written by the test
import { defineObject, status } from 'lwm2m-meter/plugin';
export default defineObject({
  definition: { id: 32770, name: 'Greeter', multiple: false, resources: [
    { id: 0, name: 'Number', type: 'integer', operations: 'RW', range: { min: 0, max: 100 } },
    { id: 1, name: 'Greeting', type: 'string', operations: 'R' },
    { id: 2, name: 'Double', type: 'none', operations: 'E' },
  ] },
  instances: { 0: { 0: 0, 1: '' } },
  execute(t, _a, rt) { if (t.resourceId !== 2) return status('4.05'); rt.set(0, 0, Number(rt.get(0, 0)) * 2); },
  receive(msg, rt) { if (msg.type === 'greeter.text') rt.set(0, 1, String(msg.text)); },
});
`;
const GREETER_ACTOR = `// greeter.actor.js: the plugin's actor: tells the object what to say (from plugin config)
import { defineActor } from 'lwm2m-meter/plugin';
export default defineActor({
  subscribes: ['lwm2m.registered'],
  create(ctx) {
    ctx.send('object:32770', { type: 'greeter.text', text: String(ctx.config.greeting) + ' from ' + ctx.name });
    return { receive() { return undefined; }, stop() {} };
  },
});
`;

test('drop-in plugin in a copied plugins/ folder: links, read, write, execute, actor, config', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'plugins-dropin-'));
  cpSync(SHIPPED, root, { recursive: true });
  writePlugin(root, 'greeter', {
    'plugin.json': JSON.stringify({
      name: 'greeter',
      version: '0.1.0',
      objects: [{ id: 32770, module: './greeter-object.js' }],
      actors: [{ name: 'voice', module: './greeter.actor.js' }],
      config: { greeting: 'hi' },
    }),
    'greeter-object.js': GREETER_OBJECT,
    'greeter.actor.js': GREETER_ACTOR,
  });
  // the server knows the plugin objects' resource types, as a real server would from their DDF
  const s = await startDevServer({
    port: 0,
    types: {
      32770: { 0: ['integer', false], 1: ['string', false] },
      32769: { 0: ['integer', false], 1: ['string', false] },
    },
  });
  const rt = new RuntimeChild({
    endpoint: 'dropin',
    server: `coap://127.0.0.1:${s.port}`,
    plugins: {
      dirs: [root],
      builtinDir: false,
      enabled: ['greeter', 'template'],
      config: { greeter: { greeting: 'hello' }, template: { label: 'litres' } },
    },
  });
  t.teardown(async () => {
    await rt.stop();
    await s.close();
  });
  const reg = await rt.explain(s.waitFor('register', (r) => r.endpoint === 'dropin', 30_000));
  const targets = reg.links.map((l) => l.target);
  t.true(targets.includes('/32770/0'), targets.join(','));
  t.true(targets.includes('/32769/0'), 'template plugin from the copied folder');
  t.false(
    targets.some((x) => x.startsWith('/3306')),
    'valve not enabled',
  );

  t.like(await s.read('dropin', '/32770/0/1'), { code: '2.05' });
  t.is((await s.read('dropin', '/32770/0/1')).records?.[0]?.value, 'hello from plugin:greeter:voice');
  t.is((await s.write('dropin', '/32770/0/0', 21)).code, '2.04');
  t.is((await s.read('dropin', '/32770/0/0')).records?.[0]?.value, 21);
  t.is((await s.execute('dropin', '/32770/0/2')).code, '2.04');
  t.is((await s.read('dropin', '/32770/0/0')).records?.[0]?.value, 42);
  t.is((await s.write('dropin', '/32770/0/0', 500)).code, '4.00', 'range checked by the runtime');
  t.is((await s.write('dropin', '/32770/0/1', 'x')).code, '4.05', 'read-only');
  // the template plugin: label from plugins.config, Increment
  t.is((await s.read('dropin', '/32769/0/1')).records?.[0]?.value, 'litres');
  t.is((await s.execute('dropin', '/32769/0/2')).code, '2.04');
  t.is((await s.read('dropin', '/32769/0/0')).records?.[0]?.value, 1);
  t.true(
    rt.logs().some((l) => l.plugin === 'greeter' && String(l.msg).startsWith('plugin greeter 0.1.0 loaded from ')),
  );
  t.is(await rt.stop(), 0);
});
