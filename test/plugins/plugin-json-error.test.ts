// plugin-json-error.test.ts: bad JSON in plugin.json is refused with its line and column (JSON.parse alone often names
// no position); the scanner agrees with JSON.parse on what is JSON.
import test from 'ava';
import fc from 'fast-check';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jsonErrorPlace } from '../../src/plugins/json-error.js';
import { loadPlugins } from '../../src/plugins/loader.js';
import { log } from '../../src/runtime/log.js';

test('a plugin.json with a missing value is refused naming line and column', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'plugin-json-'));
  mkdirSync(join(dir, 'broken'));
  // line 3: "version": } — JSON.parse says only: Unexpected token '}', "..." is not valid JSON
  writeFileSync(join(dir, 'broken', 'plugin.json'), '{\n  "name": "broken",\n  "version": },\n  "objects": []\n}\n');
  const r = await loadPlugins(
    { dirs: [dir], enabled: ['broken'], config: {}, worker: 'shared', builtinDir: false },
    { log: log.child({}, { level: 'silent' }) },
  );
  t.is(r.refused.length, 1);
  t.is(r.refused[0]?.code, 'PLUGIN_MANIFEST_INVALID');
  t.is(r.refused[0]?.reason, 'plugin.json is not valid JSON: line 3 column 14: expected a value (found "}")');
});

test('line and column of common mistakes: trailing comma, single quotes, missing comma, cut short', (t) => {
  t.like(jsonErrorPlace('{\n  "a": 1,\n}'), { line: 3, column: 1, expected: 'a property name in double quotes' });
  t.like(jsonErrorPlace("{ 'a': 1 }"), { line: 1, column: 3 });
  t.like(jsonErrorPlace('{\n  "a": 1\n  "b": 2\n}'), { line: 3, column: 3, expected: "',' or '}'" });
  t.like(jsonErrorPlace('{ "a": [1, 2'), { line: 1, column: 13 });
  t.is(jsonErrorPlace('{ "a": [1, 2.5e3, -0, "x\\u00e9\\n"], "b": { "c": null, "d": true } }'), undefined);
});

test('the scanner and JSON.parse agree on what is JSON (random texts and mutations of valid JSON)', (t) => {
  const valid = (s: string): boolean => {
    try {
      JSON.parse(s);
      return true;
    } catch {
      return false;
    }
  };
  t.notThrows(() =>
    fc.assert(
      fc.property(
        fc.oneof(
          fc.json(),
          fc
            .tuple(fc.json(), fc.nat(), fc.constantFrom('', ',', '}', ']', '"', ':', ' ', 'x', '-', '\\'))
            .map(([j, n, c]) => {
              const k = n % (j.length + 1);
              return j.slice(0, k) + c + j.slice(k + 1);
            }),
          fc.string(),
        ),
        (s) => (jsonErrorPlace(s) === undefined) === valid(s),
      ),
      { numRuns: 3000 },
    ),
  );
});
