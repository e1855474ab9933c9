// main-thread-imports.test.ts: what `lwm2m-meter run` statically imports on the main thread stays small: the config
// and plugin loaders (zod, yaml), the DDF parser and serialport are loaded where needed, never with the CLI itself.
import test from 'ava';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Every module statically reachable from a compiled ESM file: project files by path, packages by specifier. */
function staticImports(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string): void => {
    if (files.has(file)) return;
    files.add(file);
    const src = readFileSync(file, 'utf8');
    // static import / export … from, and bare `import 'x'`; `import type` is gone from the compiled output and
    // `await import(…)` is not a static edge
    for (const m of src.matchAll(/^\s*(?:import|export)\s+(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]/gm)) {
      const spec = m[1];
      if (spec.startsWith('.')) visit(resolve(dirname(file), spec));
      else packages.add(spec);
    }
  };
  visit(entry);
  return { files, packages };
}

const main = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
/** Loaded by run-plan's worker, the actor worker or the commands that use them; not by the main thread of `run`. */
const NOT_ON_MAIN = [
  /^zod(\/|$)/,
  /^yaml(\/|$)/,
  /^fast-xml-parser$/,
  /^serialport$/,
  /^@serialport\//,
  /^node-dtls-client$/,
  /^@statelyai\/inspect$/,
  /^@hpcc-js\/wasm-graphviz$/,
  /^xstate$/,
  /^cbor-x$/,
];

test('the CLI entry reaches no config schema, plugin loader, DDF parser, serialport, DTLS, xstate or cbor-x', (t) => {
  const { files, packages } = staticImports(main);
  t.true(files.size > 5, 'the walk follows the project files');
  t.deepEqual(
    [...packages].filter((p) => NOT_ON_MAIN.some((r) => r.test(p))),
    [],
  );
  const schemaFiles = [...files].filter((f) => /config-schema\.js$|runtime\/config\.js$|plugins\/loader\.js$/.test(f));
  t.deepEqual(schemaFiles, []);
});

test('the walk sees what the run-plan worker imports (the check can fail)', (t) => {
  const worker = fileURLToPath(new URL('../../src/cli/run-plan-worker.js', import.meta.url));
  const { packages } = staticImports(worker);
  t.true([...packages].some((p) => /^zod(\/|$)/.test(p)));
  t.true(packages.has('yaml'));
});
