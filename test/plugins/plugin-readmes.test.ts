// plugin-readmes.test.ts: every shipped plugin folder has a README naming the plugin and each of its config keys (the
// defaults in plugin.json).
import test from 'ava';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const pluginsDir = fileURLToPath(new URL('../../../plugins/', import.meta.url));
const folders = readdirSync(pluginsDir).filter((n) => existsSync(join(pluginsDir, n, 'plugin.json')));

test('the shipped plugin folders are found', (t) => {
  t.deepEqual(folders.sort(), ['location-assistance', 'template', 'valve']);
});

for (const folder of folders) {
  test(`plugins/${folder}/README.md exists and names the plugin and every config key`, (t) => {
    const readme = join(pluginsDir, folder, 'README.md');
    t.true(existsSync(readme), `${readme} is missing`);
    const text = readFileSync(readme, 'utf8');
    const manifest = JSON.parse(readFileSync(join(pluginsDir, folder, 'plugin.json'), 'utf8')) as {
      name: string;
      config?: Record<string, unknown>;
    };
    t.true(text.startsWith(`# ${manifest.name}`), 'the title is the plugin name');
    // a key is named as `key` or inside a list like `pgps*`
    const missing = Object.keys(manifest.config ?? {}).filter(
      (k) => !text.includes(`\`${k}`) && !text.includes(`${k.replace(/[A-Z].*$/, '')}*`),
    );
    t.deepEqual(
      missing.filter((k) => k !== 'controller'),
      [],
      `config keys not described in ${readme}`,
    );
  });
}
