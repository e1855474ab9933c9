// cli.test.ts: the CLI: check-config lines and exit codes, diagram output, and a clean SIGTERM shutdown in reverse
// start order.
import test from 'ava';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultConfig } from '../../src/runtime/config.js';
import { applyRunOverrides, normaliseInspectFlag } from '../../src/cli/args.js';

const cli = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
const runChild = fileURLToPath(new URL('./fixtures/run-child.js', import.meta.url));
const recorder = fileURLToPath(new URL('./fixtures/recorder.actor.js', import.meta.url));

function tmpFile(text: string): string {
  const p = join(mkdtempSync(join(tmpdir(), 'cli-')), 'c.yaml');
  writeFileSync(p, text);
  return p;
}

test('check-config: ok file exits 0; a bad one prints one line per problem and exits 1', (t) => {
  const ok = spawnSync(process.execPath, [cli, 'check-config', tmpFile('endpoint: m1\n')], { encoding: 'utf8' });
  t.is(ok.status, 0);
  t.regex(ok.stdout, /ok/);
  const bad = spawnSync(process.execPath, [cli, 'check-config', tmpFile('supervisor:\n  maxRestarts: -2\n')], {
    encoding: 'utf8',
  });
  t.is(bad.status, 1);
  t.is(bad.stderr.trim(), 'config: supervisor.maxRestarts: must be >= 0 (got -2)');
});

test('check-config: non-finite numbers, an empty PSK key, duplicate ssids and a De-register longer than the shutdown: one line each, exit 1', (t) => {
  const text =
    [
      'shutdownTimeoutMs: 2000',
      'client:',
      '  deregisterTimeoutMs: 5000',
      '  servers:',
      '    - { uri: "coaps://a:5684", ssid: 101, security: psk, pskIdentity: me, pskKey: "c2VjcmV0" }',
      '    - { uri: "coap://b", ssid: 101 }',
    ].join('\n') + '\n';
  const cross = spawnSync(process.execPath, [cli, 'check-config', tmpFile(text)], { encoding: 'utf8' });
  t.is(cross.status, 1);
  t.deepEqual(cross.stderr.trim().split('\n').sort(), [
    'config: client.deregisterTimeoutMs: must be < shutdownTimeoutMs (5000 >= 2000)',
    'config: client.servers[1].ssid: must be unique (servers[0] has ssid 101 too)',
  ]);
  const bad = spawnSync(
    process.execPath,
    [
      cli,
      'check-config',
      tmpFile(
        'coap:\n  ackTimeoutMs: 1e400\nclient:\n  servers:\n    - { uri: "coaps://a:5684", security: psk, pskIdentity: me, pskKey: "" }\n',
      ),
    ],
    { encoding: 'utf8' },
  );
  t.is(bad.status, 1);
  t.deepEqual(bad.stderr.trim().split('\n').sort(), [
    'config: client.servers[0].pskKey: must not be empty (got "")',
    'config: coap.ackTimeoutMs: must be a finite number (got Infinity)',
  ]);
});

test('unknown command and missing argument are usage errors (exit 2)', (t) => {
  t.is(spawnSync(process.execPath, [cli, 'frobnicate'], { encoding: 'utf8' }).status, 2);
  t.is(spawnSync(process.execPath, [cli, 'check-config'], { encoding: 'utf8' }).status, 2);
});

test('diagram of an actor module in mermaid and dot', (t) => {
  const m = spawnSync(process.execPath, [cli, 'diagram', recorder, '--format', 'mermaid'], { encoding: 'utf8' });
  t.is(m.status, 0, m.stderr);
  t.regex(m.stdout, /recording --> done : STOP/);
  const d = spawnSync(process.execPath, [cli, 'diagram', recorder, '--format', 'dot'], { encoding: 'utf8' });
  t.regex(d.stdout, /^digraph "recorder"/);
  const bad = spawnSync(process.execPath, [cli, 'diagram', recorder, '--format', 'png'], { encoding: 'utf8' });
  t.is(bad.status, 2);
});

test('diagram of the built-in statecharts by actor name, with the firmware alias', (t) => {
  const expected: Record<string, RegExp> = {
    client: /^stateDiagram-v2/m,
    modem: /^stateDiagram-v2/m,
    meter: /^stateDiagram-v2/m,
    firmware: /^stateDiagram-v2/m,
    // the modem's GNSS window, drawn by its own name
    gnss: /^ {2}idle --> holdingRf : modem\.gnss\.fix \[exclusiveRf\]$/m,
  };
  for (const [actor, re] of Object.entries(expected)) {
    const r = spawnSync(process.execPath, [cli, 'diagram', actor, '--format', 'mermaid'], { encoding: 'utf8' });
    t.is(r.status, 0, `${actor}: ${r.stderr}`);
    t.regex(r.stdout, re, actor);
  }
  const svg = spawnSync(process.execPath, [cli, 'diagram', 'client', '--format', 'svg'], {
    encoding: 'utf8',
    maxBuffer: 16 << 20,
  });
  t.is(svg.status, 0, svg.stderr);
  t.regex(svg.stdout, /<svg[\s\S]*>registered<[\s\S]*<\/svg>/);
  const fw = spawnSync(process.execPath, [cli, 'diagram', 'fw', '--format', 'dot'], { encoding: 'utf8' });
  t.regex(fw.stdout, /^digraph "firmware"/);
  const unknown = spawnSync(process.execPath, [cli, 'diagram', 'nosuchactor'], { encoding: 'utf8' });
  t.not(unknown.status, 0);
  t.regex(unknown.stderr, /no actor named nosuchactor/);
});

test('run overrides: --server checked, --inspect with and without HOST:PORT', (t) => {
  t.deepEqual(normaliseInspectFlag(['--inspect', '--endpoint', 'x']), ['--inspect=', '--endpoint', 'x']);
  t.deepEqual(normaliseInspectFlag(['--inspect', '0.0.0.0:9000']), ['--inspect=0.0.0.0:9000']);
  const c = applyRunOverrides(defaultConfig(), { inspect: '', endpoint: 'ep', server: 'coaps://s.example:5684' });
  t.true(c.inspect.enabled);
  t.is(c.inspect.host, '127.0.0.1');
  t.is(c.endpoint, 'ep');
  t.is(applyRunOverrides(defaultConfig(), { inspect: '9001' }).inspect.port, 9001);
  t.throws(() => applyRunOverrides(defaultConfig(), { server: 'udp://x' }), {
    code: 'CONFIG_INVALID',
    message: /^--server: /,
  } as never);
});

for (const placement of ['shared', 'per-actor']) {
  test(`SIGTERM: actors stopped in reverse start order, stores flushed, exit 0 in time (${placement})`, async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'run-'));
    const child = spawn(process.execPath, [runChild, dir, placement], { stdio: ['ignore', 'pipe', 'pipe'] });
    let outText = '';
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        outText += d.toString();
        if (outText.includes('started\n')) resolve();
      });
      child.on('exit', () => reject(new Error(`exited early: ${outText}`)));
    });
    const t0 = Date.now();
    child.kill('SIGTERM');
    const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    t.is(code, 0);
    t.true(Date.now() - t0 < 2000 + 1500, 'within shutdownTimeoutMs (plus process exit)');
    t.deepEqual(readFileSync(join(dir, 'stop-order'), 'utf8').trim().split('\n'), ['third', 'second', 'first']);
    t.deepEqual(JSON.parse(readFileSync(join(dir, 'actors', 'first', 'state.json'), 'utf8')), {
      stopped: true,
      name: 'first',
    });
  });
}
