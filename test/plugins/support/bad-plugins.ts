// bad-plugins.ts: writes plugin folders for the tests: good ones, and one per way a plugin can be broken.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function writePlugin(root: string, folder: string, files: Record<string, string>): string {
  const dir = join(root, folder);
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

export function manifest(
  name: string,
  objects: { id: number; module: string }[],
  extra: Record<string, unknown> = {},
): string {
  return JSON.stringify({ name, version: '1.0.0', objects, ...extra }, null, 2);
}

/** A minimal valid object module for `id` (a readable and a writable resource). */
export function objectModule(id: number, body = ''): string {
  return `import { defineObject } from 'lwm2m-meter/plugin';
${body}
export default defineObject({
  definition: { id: ${id}, name: 'Test ${id}', multiple: false, resources: [
    { id: 0, name: 'Value', type: 'integer', operations: 'RW' },
    { id: 1, name: 'Name', type: 'string', operations: 'R' },
  ] },
  instances: { 0: { 0: 1, 1: 'plugin ${id}' } },
});
`;
}

/** Each bad case: folder name → files, and the refusal code the loader must give. */
export const BAD_PLUGINS: { folder: string; code: string; reason: RegExp; files: Record<string, string> }[] = [
  {
    folder: 'bad-json',
    code: 'PLUGIN_MANIFEST_INVALID',
    reason: /plugin\.json is not valid JSON/,
    files: { 'plugin.json': '{ "name": "bad-json", ' },
  },
  {
    folder: 'bad-schema',
    code: 'PLUGIN_MANIFEST_INVALID',
    reason: /plugin\.json: objects\.0\.id/,
    files: {
      'plugin.json': JSON.stringify({
        name: 'bad-schema',
        version: '1.0.0',
        objects: [{ id: 'seven', module: './o.js' }],
      }),
    },
  },
  {
    folder: 'bad-syntax',
    code: 'PLUGIN_LOAD_FAILED',
    reason: /\.\/o\.js: SyntaxError/,
    files: {
      'plugin.json': manifest('bad-syntax', [{ id: 33001, module: './o.js' }]),
      'o.js': 'export default { definition: { id: 33001, ',
    },
  },
  {
    folder: 'bad-definition',
    code: 'PLUGIN_OBJECT_INVALID',
    reason: /definition\.resources\.0\.type/,
    files: {
      'plugin.json': manifest('bad-definition', [{ id: 33002, module: './o.js' }]),
      'o.js':
        "export default { definition: { id: 33002, name: 'x', multiple: false, resources: [{ id: 0, name: 'v', type: 'number', operations: 'R' }] } };\n",
    },
  },
  {
    folder: 'clash-builtin',
    code: 'PLUGIN_ID_CLASH',
    reason: /object 3 is already provided by a built-in object/,
    files: { 'plugin.json': manifest('clash-builtin', [{ id: 3, module: './o.js' }]), 'o.js': objectModule(3) },
  },
  {
    // sorted after 'aa-first' which takes 33010 first
    folder: 'clash-plugin',
    code: 'PLUGIN_ID_CLASH',
    reason: /object 33010 is already provided by plugin aa-first/,
    files: { 'plugin.json': manifest('clash-plugin', [{ id: 33010, module: './o.js' }]), 'o.js': objectModule(33010) },
  },
  {
    folder: 'throws-import',
    code: 'PLUGIN_LOAD_FAILED',
    reason: /\.\/o\.js: boom at import/,
    files: {
      'plugin.json': manifest('throws-import', [{ id: 33003, module: './o.js' }]),
      'o.js': "throw new Error('boom at import');\n",
    },
  },
  {
    folder: 'missing-module',
    code: 'PLUGIN_MODULE_MISSING',
    reason: /\.\/nope\.js does not exist/,
    files: { 'plugin.json': manifest('missing-module', [{ id: 33004, module: './nope.js' }]) },
  },
];

/**
 * The good plugin that takes 33010 first, and one whose object throws in start (refused by the supervisor, not the
 * loader).
 */
export const GOOD_FIRST = {
  folder: 'aa-first',
  files: { 'plugin.json': manifest('aa-first', [{ id: 33010, module: './o.js' }]), 'o.js': objectModule(33010) },
};
export const THROWS_AT_START = {
  folder: 'throws-start',
  files: {
    'plugin.json': manifest('throws-start', [{ id: 33005, module: './o.js' }]),
    'o.js': objectModule(33005).replace(
      "instances: { 0: { 0: 1, 1: 'plugin 33005' } },",
      "instances: { 0: { 0: 1, 1: 'plugin 33005' } },\n  start() { throw new Error('boom at start'); },",
    ),
  },
};

/**
 * A valid object module for `id` whose spec gets `hooks` (JS source of extra spec members) and `body` (module code).
 */
function faultyObject(id: number, hooks: string, body = ''): string {
  return objectModule(id, body).replace(
    `instances: { 0: { 0: 1, 1: 'plugin ${id}' } },`,
    `instances: { 0: { 0: 1, 1: 'plugin ${id}' } },\n  ${hooks}`,
  );
}

/**
 * Plugins that load fine and misbehave while running: one throws from an interval its start sets (every generation,
 * so it is given up), one leaves an unhandled rejection once (restarted, then fine), one whose read hook of
 * resource 1 never resolves, one whose start never resolves, one whose read hook of resource 1 spins forever.
 */
export const FAULTY_PLUGINS = {
  timerThrow: {
    folder: 'timer-throw',
    id: 33101,
    files: {
      'plugin.json': manifest('timer-throw', [{ id: 33101, module: './o.js' }]),
      'o.js': faultyObject(
        33101,
        "start() { setInterval(() => { throw new Error('boom in a timer of 33101'); }, 700); },",
      ),
    },
  },
  rejects: {
    folder: 'rejects',
    id: 33102,
    files: {
      'plugin.json': manifest('rejects', [{ id: 33102, module: './o.js' }]),
      'o.js': faultyObject(
        33102,
        "start() { if (!rejected) { rejected = true; setTimeout(() => { Promise.reject(new Error('unhandled in 33102')); }, 300); } },",
        'let rejected = false;',
      ),
    },
  },
  hangs: {
    folder: 'hangs',
    id: 33103,
    files: {
      'plugin.json': manifest('hangs', [{ id: 33103, module: './o.js' }]),
      'o.js': faultyObject(33103, 'read(t) { return t.resourceId === 1 ? new Promise(() => undefined) : undefined; },'),
    },
  },
  startHangs: {
    folder: 'start-hangs',
    id: 33105,
    files: {
      'plugin.json': manifest('start-hangs', [{ id: 33105, module: './o.js' }]),
      'o.js': faultyObject(33105, 'start() { return new Promise(() => undefined); },'),
    },
  },
  /** Its read hook of resource 1 never returns: the thread it runs on is blocked for good. */
  busy: {
    folder: 'busy',
    id: 33104,
    files: {
      'plugin.json': manifest('busy', [{ id: 33104, module: './o.js' }]),
      'o.js': faultyObject(33104, 'read(t) { if (t.resourceId === 1) for (;;) { /* spin */ } return undefined; },'),
    },
  },
};
