// reboot-execute.test.ts: Execute /3/0/4 answers 2.04, then the runtime de-registers, stops every actor and exits 75
// (systemd restarts it) — or runs device.rebootCommand.
import test from 'ava';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDevServer } from '../../src/devserver/index.js';
import { RESTART_EXIT_CODE } from '../../src/cli/reboot.js';
import { RuntimeChild } from './support/child.js';
import { waitFor } from '../support/poll.js';

test('Execute /3/0/4: 2.04, de-register, clean stop, exit 75', async (t) => {
  const s = await startDevServer({ port: 0 });
  const rt = new RuntimeChild({ endpoint: 'reboot-1', server: `coap://127.0.0.1:${s.port}`, plugins: { enabled: [] } });
  t.teardown(async () => {
    await rt.stop();
    await s.close();
  });
  await rt.explain(s.waitFor('register', (r) => r.endpoint === 'reboot-1', 30_000));
  const gone = s.waitFor('deregister', (r) => r.endpoint === 'reboot-1', 10_000);
  t.is((await s.execute('reboot-1', '/3/0/4')).code, '2.04');
  t.is((await gone).endpoint, 'reboot-1');
  t.is(await rt.exited, RESTART_EXIT_CODE);
  t.true(rt.logs().some((l) => l.why === 'reboot requested (Execute /3/0/4)'));
});

test('Execute /3/0/4 with device.rebootCommand: clean stop, then the command runs, exit 0', async (t) => {
  const s = await startDevServer({ port: 0 });
  const marker = join(mkdtempSync(join(tmpdir(), 'reboot-')), 'rebooted');
  const rt = new RuntimeChild({
    endpoint: 'reboot-2',
    server: `coap://127.0.0.1:${s.port}`,
    plugins: { enabled: [] },
    device: { rebootCommand: ['sh', '-c', `echo yes > '${marker}'`] },
  });
  t.teardown(async () => {
    await rt.stop();
    await s.close();
  });
  await rt.explain(s.waitFor('register', (r) => r.endpoint === 'reboot-2', 30_000));
  const gone = s.waitFor('deregister', (r) => r.endpoint === 'reboot-2', 10_000);
  t.is((await s.execute('reboot-2', '/3/0/4')).code, '2.04');
  await gone;
  t.is(await rt.exited, 0);
  await waitFor(() => existsSync(marker), { timeoutMs: 2500, everyMs: 50, what: 'the reboot marker' });
  t.is(readFileSync(marker, 'utf8').trim(), 'yes');
});

test('Execute /3/0/5 (Factory Reset): 2.04, de-register, LwM2M state wiped, meter state kept, exit 75', async (t) => {
  const s = await startDevServer({ port: 0 });
  const rt = new RuntimeChild({ endpoint: 'reset-1', server: `coap://127.0.0.1:${s.port}`, plugins: { enabled: [] } });
  t.teardown(async () => {
    await rt.stop();
    await s.close();
  });
  await rt.explain(s.waitFor('register', (r) => r.endpoint === 'reset-1', 30_000));
  const stateDir = rt.stateDir;
  // The client persisted its registration; the meter keeps its journal.
  await waitFor(() => existsSync(join(stateDir, 'actors', 'client')), {
    timeoutMs: 5000,
    everyMs: 50,
    what: 'the persisted registration',
  });
  t.true(existsSync(join(stateDir, 'actors', 'client')), 'registration persisted before the reset');
  const gone = s.waitFor('deregister', (r) => r.endpoint === 'reset-1', 10_000);
  t.is((await s.execute('reset-1', '/3/0/5')).code, '2.04');
  await gone;
  t.is(await rt.exited, RESTART_EXIT_CODE);
  t.false(existsSync(join(stateDir, 'actors')), 'actor stores removed');
  t.true(existsSync(join(stateDir, 'meter')), 'meter journal kept');
  t.true(rt.logs().some((l) => l.why === 'factory reset requested (Execute /3/0/5)'));
});
