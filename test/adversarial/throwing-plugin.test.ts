// throwing-plugin.test.ts: plugins that throw from a timer, leave an unhandled rejection, hang a hook or their start,
// or spin, in the real device: the fault stays the plugin's.
import test from 'ava';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HostileServer } from '../support/hostile-server.js';
import { DeviceProcess, LEVEL } from '../support/device-process.js';
import { pollUntil } from '../support/poll.js';
import { FAULTY_PLUGINS, writePlugin } from '../plugins/support/bad-plugins.js';

const { timerThrow, rejects, hangs, startHangs, busy } = FAULTY_PLUGINS;
const PLUGIN_ACTORS = new Set([timerThrow, rejects, hangs, startHangs].map((p) => `object:${p.id}`));

test('a throwing plugin is restarted and given up alone; the device stays registered and answers', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'faulty-plugins-'));
  for (const p of [timerThrow, rejects, hangs, startHangs]) writePlugin(root, p.folder, p.files);
  const server = await HostileServer.start();
  const device = new DeviceProcess({
    server: server.uri,
    config: {
      plugins: { enabled: [timerThrow.folder, rejects.folder, hangs.folder, startHangs.folder], dirs: [root] },
      supervisor: {
        maxRestarts: 2,
        backoffInitialMs: 50,
        backoffMaxMs: 200,
        requestTimeoutMs: 2000,
        startTimeoutMs: 1000,
      },
    },
  });
  try {
    await server.waitForRegister(45_000);
    // the interval of 33101 throws in every generation: two restarts, then it is given up — and only it
    const gaveUp = await device.waitForLog(
      (l) => l.code === 'ACTOR_GAVE_UP' && l.actor === `object:${timerThrow.id}`,
      40_000,
    );
    t.is(gaveUp.plugin, timerThrow.folder);
    const named = await device.waitForLog((l) => l.code === 'PLUGIN_GAVE_UP' && l.plugin === timerThrow.folder, 40_000);
    t.is(named.pluginPath, join(root, timerThrow.folder));
    // a start that never finishes: timed out each try, given up too
    const stuck = await device.waitForLog(
      (l) => l.code === 'ACTOR_GAVE_UP' && l.actor === `object:${startHangs.id}`,
      40_000,
    );
    t.regex(String(stuck.msg), /ACTOR_START_TIMEOUT/);
    // the registration drops the given-up object (an Update with the links, or the Register if it came later)
    const links = await server.waitForRequest(
      (r) =>
        r.method === 'POST' &&
        r.path.startsWith('/rd') &&
        r.packet.payload.toString().includes('</3/0>') &&
        !r.packet.payload.toString().includes(`</${timerThrow.id}`),
      30_000,
      'links without the given-up object',
    );
    t.false(links.packet.payload.toString().includes(`</${startHangs.id}`));
    t.true(links.packet.payload.toString().includes(`</${rejects.id}/0>`), links.packet.payload.toString());

    // the device answers: a built-in, the plugin restarted after its unhandled rejection, and a hanging hook gets 5.03
    const r0 = await server.request({ method: 'GET', path: '/3/0/0', accept: 0, timeoutMs: 20_000 });
    t.is(r0.code, '2.05');
    t.is(r0.payload.toString(), 'lwm2m-meter');
    const rr = await server.request({ method: 'GET', path: `/${rejects.id}/0/1`, accept: 0, timeoutMs: 20_000 });
    t.is(rr.code, '2.05');
    t.is(rr.payload.toString(), `plugin ${rejects.id}`);
    const hung = await server.request({ method: 'GET', path: `/${hangs.id}/0/1`, accept: 0, timeoutMs: 20_000 });
    t.is(hung.code, '5.03');
    const again = await server.request({ method: 'GET', path: '/3/0/0', accept: 0, timeoutMs: 20_000 });
    t.is(again.code, '2.05');
    t.true(device.running, 'the process did not exit');

    const logs = device.logs();
    // each fault was the plugin's own: the crash lines name plugin actors only, and the built-ins never restarted
    const crashLines = logs.filter((l) => / crashed: /.test(String(l.msg)));
    const crashed = crashLines.map((l) => String(l.actor));
    t.true(crashed.length >= 4, crashed.join(','));
    const builtIns = crashLines
      .filter((l) => !PLUGIN_ACTORS.has(String(l.actor)))
      .map((l) => `${String(l.actor)}: ${String(l.msg)}`);
    t.deepEqual(builtIns, [], 'no built-in actor crashed');
    const rejection = logs.find((l) => l.actor === `object:${rejects.id}` && / crashed: /.test(String(l.msg)));
    t.regex(String(rejection?.msg), /unhandled rejection in object:33102: unhandled in 33102/);
    t.is(rejection?.plugin, rejects.folder);
    // every error line names the plugin it is about
    const errors = device.logsAtLeast(LEVEL.error);
    t.true(errors.length > 0);
    for (const e of errors)
      t.true([timerThrow.folder, rejects.folder, startHangs.folder].includes(String(e.plugin)), JSON.stringify(e));
    t.deepEqual(
      logs
        .filter((l) => l.code === 'ACTOR_GAVE_UP')
        .map((l) => l.actor)
        .sort(),
      [`object:${timerThrow.id}`, `object:${startHangs.id}`],
    );
    t.true(errors.some((e) => /uncaught exception in object:33101: boom in a timer of 33101/.test(String(e.msg))));
  } finally {
    const exit = await device.stop();
    await server.close();
    t.is(exit.code, 0, 'a clean exit: the given-up plugin is not fatal');
  }
});

test("plugins.worker: own — a plugin that blocks its thread stalls only the plugins' worker; the built-ins answer", async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'busy-plugin-'));
  writePlugin(root, busy.folder, busy.files);
  const server = await HostileServer.start();
  const device = new DeviceProcess({
    server: server.uri,
    config: {
      plugins: { enabled: [busy.folder], dirs: [root], worker: 'own' },
      supervisor: { requestTimeoutMs: 1500 },
      shutdownTimeoutMs: 1000,
      client: { deregisterTimeoutMs: 500 }, // the De-register must fit in the shutdown budget (check-config)
    },
  });
  try {
    await server.waitForRegister(45_000);
    const workers = await pollUntil(
      async () => device.lines.find((l) => /^running \d+ actors on/.test(l)),
      (l) => l !== undefined,
    );
    t.regex(String(workers), / on 2 worker\(s\)/);
    const spin = await server.request({ method: 'GET', path: `/${busy.id}/0/1`, accept: 0, timeoutMs: 20_000 });
    t.is(spin.code, '5.03');
    const r0 = await server.request({ method: 'GET', path: '/3/0/0', accept: 0, timeoutMs: 20_000 });
    t.is(r0.code, '2.05');
    t.true(device.running);
  } finally {
    await device.stop();
    await server.close();
  }
});
