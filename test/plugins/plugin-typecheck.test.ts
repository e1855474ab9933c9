// plugin-typecheck.test.ts: the shipped plugins' `// @ts-check` JSDoc type-checks against 'lwm2m-meter/plugin'
// (the types a plugin author's editor sees).
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));

test('template, valve and location-assistance plugins type-check (checkJs, strict) against the published plugin API types', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'plugin-tsc-'));
  const cfg = join(dir, 'tsconfig.json');
  writeFileSync(
    cfg,
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        allowJs: true,
        checkJs: true,
        noEmit: true,
        strict: true,
        skipLibCheck: true,
        types: ['node'],
        typeRoots: [join(root, 'node_modules/@types')],
      },
      files: [
        'plugins/valve/valve-object.js',
        'plugins/valve/valve-config.js',
        'plugins/template/counter-object.js',
        'plugins/location-assistance/controller.actor.js',
        'plugins/location-assistance/gnss-assistance.js',
        'plugins/location-assistance/gnss-object.js',
        'plugins/location-assistance/ground-fix.js',
        'plugins/location-assistance/location.js',
        'plugins/location-assistance/ecid-signal-meas.js',
      ].map((f) => join(root, f)),
    }),
  );
  const r = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', cfg], {
    encoding: 'utf8',
  });
  t.is(r.status, 0, r.stdout + r.stderr);
});
