// apply-script.test.ts: the sample deploy/firmware-apply.sh through the real apply path: a release tarball → result 1,
// installed, version written; a broken package → result 8, nothing installed; config.board.yaml names it.
import test from 'ava';
import { execFileSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { FwState, UpdateResult } from '../../src/firmware/results.js';
import type { FirmwareUpdater } from '../../src/firmware/updater.js';
import { loadConfig } from '../../src/runtime/config.js';
import { fwConfig, makeUpdater, tempDir } from './helpers.js';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const applyScript = join(repo, 'deploy/firmware-apply.sh');

/** A release tarball as the script's header says to make one: package.json and dist/ at the top. */
function releaseTarball(dir: string, version: string, files: Record<string, string>): Buffer {
  const src = join(dir, `src-${version}`);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(src, name, '..'), { recursive: true });
    writeFileSync(join(src, name), text);
  }
  return execFileSync('tar', ['-czf', '-', '-C', src, ...Object.keys(files)]);
}

async function applyPackage(
  dir: string,
  pkg: Buffer,
): Promise<{ u: FirmwareUpdater; appRoot: string; versionFile: string; result: number; lines: string[] }> {
  const appRoot = join(dir, 'app');
  const versionFile = join(dir, 'firmware-version');
  const nodeModules = join(dir, 'node_modules');
  mkdirSync(nodeModules);
  writeFileSync(versionFile, '1.0.0\n');
  const { u, log } = await makeUpdater(
    fwConfig(dir, {
      applyCommand: applyScript,
      applyArgs: ['--app-root', appRoot, '--version-file', versionFile, '--node-modules', nodeModules],
      versionFile,
    }),
  );
  await u.push({ num: 0, size: pkg.length, more: false, payload: pkg });
  await u.waitFor((x) => x.state === FwState.DOWNLOADED);
  t0(u.update());
  const v = await u.waitFor((x) => x.state !== FwState.UPDATING);
  return {
    u,
    appRoot,
    versionFile,
    result: v.result,
    lines: log.entries.map((e) => String((e.obj as { line?: string }).line ?? '')),
  };
}

function t0(ok: boolean): void {
  if (!ok) throw new Error('Execute /5/0/2 refused');
}

test('deploy/firmware-apply.sh: a release tarball is verified and installed; result 1, current → the new release, versionFile written', async (t) => {
  const dir = await tempDir(t);
  const pkg = releaseTarball(dir, '2.0.0', {
    'package.json': JSON.stringify({ name: 'lwm2m-meter', version: '2.0.0', type: 'module' }),
    'dist/src/cli/main.js': 'process.exit(0);\n',
  });
  const r = await applyPackage(dir, pkg);
  t.is(r.result, UpdateResult.SUCCESS, r.lines.join('\n'));
  t.is(r.u.version, '2.0.0');
  t.is(readFileSync(r.versionFile, 'utf8'), '2.0.0\n');
  t.is(readlinkSync(join(r.appRoot, 'current')), 'releases/2.0.0');
  t.true(existsSync(join(r.appRoot, 'current/dist/src/cli/main.js')));
  t.true(existsSync(join(r.appRoot, 'current/node_modules')), 'the dependencies linked in');
  await r.u.stop();
});

test('deploy/firmware-apply.sh: a package that is no release (no dist/) is refused: result 8, old version, nothing installed', async (t) => {
  const dir = await tempDir(t);
  const pkg = releaseTarball(dir, '3.0.0', { 'package.json': JSON.stringify({ version: '3.0.0' }), README: 'x' });
  const r = await applyPackage(dir, pkg);
  t.is(r.result, UpdateResult.UPDATE_FAILED);
  t.is(r.u.version, '1.0.0');
  t.true(
    r.lines.some((l) => /has no dist\/src\/cli\/main.js/.test(l)),
    r.lines.join('\n'),
  );
  t.false(existsSync(join(r.appRoot, 'current')));
  await r.u.stop();
});

test('deploy/config.board.yaml names the sample apply script (installed as the README says) and its version file', (t) => {
  const raw = parseYaml(readFileSync(join(repo, 'deploy/config.board.yaml'), 'utf8')) as {
    firmware?: { applyCommand?: string; versionFile?: string };
  };
  const cmd = raw.firmware?.applyCommand ?? '';
  t.is(cmd, '/opt/lwm2m-meter/deploy/firmware-apply.sh');
  accessSync(join(repo, cmd.replace('/opt/lwm2m-meter/', '')), constants.X_OK);
  t.truthy(raw.firmware?.versionFile);
  const cfg = loadConfig(join(repo, 'deploy/config.board.yaml')) as unknown as { firmware: { applyCommand?: string } };
  t.is(cfg.firmware.applyCommand, cmd);
});
