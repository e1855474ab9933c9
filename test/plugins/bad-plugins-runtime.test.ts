// bad-plugins-runtime.test.ts: the real runtime with every bad plugin enabled: each refused with one line, the object
// that throws in start is given up by the supervisor, and the client still registers.
import test from 'ava';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDevServer } from '../../src/devserver/index.js';
import { RuntimeChild } from './support/child.js';
import { BAD_PLUGINS, GOOD_FIRST, THROWS_AT_START, writePlugin } from './support/bad-plugins.js';

test('bad plugins are refused, a plugin throwing in start is given up, the rest runs and registers', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'plugins-rt-bad-'));
  for (const p of [GOOD_FIRST, THROWS_AT_START, ...BAD_PLUGINS]) writePlugin(root, p.folder, p.files);
  const s = await startDevServer({ port: 0 });
  const rt = new RuntimeChild({
    endpoint: 'plugins-bad',
    server: `coap://127.0.0.1:${s.port}`,
    supervisor: { maxRestarts: 2, backoffInitialMs: 50, backoffMaxMs: 200 },
    plugins: {
      dirs: [root],
      builtinDir: false,
      enabled: ['aa-first', THROWS_AT_START.folder, ...BAD_PLUGINS.map((b) => b.folder)],
    },
  });
  t.teardown(async () => {
    await rt.stop();
    await s.close();
  });
  const reg = await rt.explain(s.waitFor('register', (r) => r.endpoint === 'plugins-bad', 30_000));
  const targets = reg.links.map((l) => l.target);
  t.true(targets.includes('/33010/0'), targets.join(','));
  t.true(targets.includes('/3/0'), 'built-ins still there');
  for (const id of [33001, 33002, 33003, 33004])
    t.false(
      targets.some((x) => x.startsWith(`/${id}`)),
      `${id} not registered`,
    );

  for (const b of BAD_PLUGINS) {
    const path = join(root, b.folder);
    const lines = rt.logs().filter((l) => l.path === path);
    t.is(lines.length, 1, `${b.folder}: one line`);
    t.is(lines[0]?.code, b.code);
    t.regex(String(lines[0]?.msg), b.reason);
  }
  // the object that throws in start: crashes, restarts, gives up; the runtime stays up
  await rt.waitFor((l) => l.includes('"ACTOR_GAVE_UP"') && l.includes('object:33005'));
  const gaveUp = rt.logs().find((l) => l.code === 'ACTOR_GAVE_UP' && l.actor === 'object:33005');
  t.truthy(gaveUp);
  t.regex(String(gaveUp?.msg), /boom at start/);
  t.true(rt.lines.includes('STARTED'), 'start() did not fail because of a plugin');
  // the server can still use the device: read a built-in and the good plugin
  const r = await s.read('plugins-bad', '/33010/0/1');
  t.is(r.code, '2.05');
  t.is(r.records?.[0]?.value, 'plugin 33010');
  t.is(await rt.stop(), 0, 'clean exit: the given-up plugin is not fatal');
});
