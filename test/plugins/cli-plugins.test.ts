// cli-plugins.test.ts: the CLI sees the config's plugins: check-config refuses a misspelt plugin name and plugin config
// that does not fit the plugin; objects lists plugin objects; diagram draws plugin objects and actors.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

function config(text: string): string {
  const p = join(mkdtempSync(join(tmpdir(), 'cli-plugins-')), 'c.yaml');
  writeFileSync(p, text);
  return p;
}

function run(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });
}

test('check-config: a misspelt plugin name fails with the key and the plugins available', (t) => {
  const r = run('check-config', config('plugins:\n  enabled: [location-assistance, vlave]\n'));
  t.is(r.status, 1, r.stdout);
  t.regex(
    r.stderr,
    /^config: plugins\.enabled\[1\]: no plugin named "vlave" in .* \(available: location-assistance, template, valve\)$/m,
  );
  t.is(r.stderr.trim().split('\n').length, 1, r.stderr);
});

test('check-config: plugins.config is checked against the plugin: unknown plugin, unknown key, wrong type', (t) => {
  const r = run(
    'check-config',
    config(
      [
        'plugins:',
        '  enabled: [valve]',
        '  config:',
        '    valve: { settleMs: "fast", gpio: { line: 22, lien: 3 } }',
        '    tempalte: { step: 2 }',
      ].join('\n'),
    ),
  );
  t.is(r.status, 1);
  const lines = r.stderr.trim().split('\n');
  t.true(
    lines.includes(
      'config: plugins.config.valve.settleMs: must be a number like plugin valve\'s default 2000 (got "fast")',
    ),
    r.stderr,
  );
  t.true(
    lines.some((l) =>
      /^config: plugins\.config\.valve\.gpio\.lien: unknown key \(plugin valve knows: kind, chip, line, activeLow, mode\)$/.test(
        l,
      ),
    ),
    r.stderr,
  );
  t.true(
    lines.some((l) =>
      /^config: plugins\.config\.tempalte: no plugin named "tempalte" \(available: .*template.*\)$/.test(l),
    ),
    r.stderr,
  );
  t.is(lines.length, 3, r.stderr);
});

test('check-config: the plugins of the shipped board config and of the defaults pass', (t) => {
  const board = run('check-config', fileURLToPath(new URL('../../../deploy/config.board.yaml', import.meta.url)));
  t.is(board.status, 0, board.stderr);
  const valve = run(
    'check-config',
    config(
      'plugins:\n  enabled: [valve, template]\n  config:\n    valve: { gpio: { kind: gpiod, chip: gpiochip0, line: 22 } }\n',
    ),
  );
  t.is(valve.status, 0, valve.stderr);
});

test('objects --config lists the objects of the enabled plugins, and only those', (t) => {
  const withValve = run('objects', '--config', config('plugins:\n  enabled: [valve, template]\n'));
  t.is(withValve.status, 0, withValve.stderr);
  t.regex(withValve.stdout, /^ 3306 {2}Actuation v1\.0 \[multiple\] {2}\(plugin valve\) {2}5850:On\/Off\(RW\)/m);
  t.regex(withValve.stdout, /^32769 .*\(plugin template\)/m);
  t.regex(withValve.stdout, /^ 3424 {2}Water meter/m, 'the built-ins still listed');
  const without = run('objects', '--config', config('plugins:\n  enabled: []\n'));
  t.notRegex(without.stdout, /plugin/);
});

test('diagram draws a plugin object (object:N) and a plugin actor (plugin:NAME:ACTOR) of the config', (t) => {
  const cfg = config('plugins:\n  enabled: [valve, location-assistance]\n');
  const obj = run('diagram', 'object:3306', '--config', cfg);
  t.is(obj.status, 0, obj.stderr);
  t.regex(obj.stdout, /^stateDiagram-v2/);
  const actor = run('diagram', 'plugin:location-assistance:controller', '--config', cfg);
  t.is(actor.status, 0, actor.stderr);
  t.regex(actor.stdout, /^stateDiagram-v2/);
  const off = run('diagram', 'object:3306', '--config', config('plugins:\n  enabled: []\n'));
  t.is(off.status, 1);
  t.regex(off.stderr, /no actor named object:3306/);
});
