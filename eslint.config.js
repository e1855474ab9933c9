// eslint.config.js: lint rules for the whole tree (type-aware typescript-eslint, no floating promises).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// The layering DESIGN.md states ("The shape"), as import rules. ESLint replaces (does not merge) a rule's options
// when several blocks match a file, so each block below lists every restriction that applies to its files.
const dgram = { name: 'node:dgram', message: 'UDP sockets belong to src/coap/transports (DESIGN.md, The shape).' };
const dgramBare = { name: 'dgram', message: dgram.message };
const dtls = {
  name: 'node-dtls-client',
  message: 'DTLS belongs to src/coap/transports/dtls.ts (DESIGN.md, The shape).',
};
const serial = {
  name: 'serialport',
  message: "serialport belongs to the modem's serial files, src/modem/serial-*.ts (DESIGN.md, The shape).",
};
const serialScoped = { group: ['@serialport/*'], message: serial.message };
const upperLayers = {
  regex: '^(\\.\\./)+(actors|runtime|coap|modem|meter|firmware|client|objects|devserver|cli|plugins)/',
  message: 'src/lwm2m is the pure protocol core: it imports no upper layer (DESIGN.md, The shape).',
};
// The adapters (src/actors, and the plugin hosts), the command line and the dev server sit above the domain folders.
const adapters = {
  regex: '^(\\.\\./)+(actors|cli|plugins|devserver)/',
  message:
    'A domain folder imports no adapter (src/actors), cli, plugins or devserver: imports go downward (DESIGN.md, The shape).',
};
// src/socket: what the socket actor does with the server's requests; its adapter wires the endpoint and transports.
const socketSide = {
  regex: '^(\\.\\./)+(modem|meter|firmware|client|objects|coap/transports)/',
  message:
    "src/socket handles the server's requests; transports and the other domains are wired by its adapter, src/actors/socket.actor.ts (DESIGN.md, The shape).",
};
const domainFiles = ['src/{client,coap,modem,meter,firmware,objects}/**/*.ts'];
const restrict = (files, { paths = [], patterns = [] }, ignores = []) => ({
  files,
  ...(ignores.length ? { ignores } : {}),
  rules: { 'no-restricted-imports': ['error', { paths, patterns }] },
});
const serialOnlyFiles = ['src/modem/serial-*.ts'];
// src/modem/emulator: the emulated modem's own UDP socket, bridged to the host (lwm2m-meter modem-emulator)
const dgramFiles = [
  'src/coap/transports/**',
  'src/modem/modem-dtls-transport.ts',
  'src/devserver/**',
  'src/modem/emulator/**',
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'var/**', 'plugins/**/*.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/restrict-template-expressions': 'off',
      '@typescript-eslint/only-throw-error': 'off',
      '@typescript-eslint/prefer-promise-reject-errors': 'off',
      // Prettier wraps code at 120; what it cannot wrap (comments, long strings) is held here.
      'max-len': [
        'error',
        {
          code: 160,
          comments: 120,
          ignoreStrings: true,
          ignoreTemplateLiterals: true,
          ignoreRegExpLiterals: true,
          ignoreUrls: true,
          // JSDoc type annotations in the plugins' JS stay on one line
          ignorePattern: '^\\s*(\\*|/\\*\\*|//) ?@(typedef|type|param|returns)\\b',
        },
      ],
    },
  },
  {
    // No fixed sleeps in tests: wait on a condition, an event or the simulated clock; the kit (test/support) holds the
    // few real-time waits, and quietPeriod(ms, reason) where nothing can be observed.
    files: ['test/**/*.ts'],
    ignores: ['test/support/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "NewExpression[callee.name='Promise'] CallExpression[callee.name='setTimeout']",
          message:
            'No setTimeout inside new Promise in tests (a fixed sleep or a home-made timeout): use test/support/poll.ts (waitFor, pollUntil, waitUntilFound, onceEvent, settledWithin, quietPeriod) or the simulated clock (test/support/sim-timers.ts).',
        },
      ],
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'node:timers/promises',
              message: 'No fixed sleeps in tests: use test/support/poll.ts or test/support/sim-timers.ts.',
            },
            {
              name: 'timers/promises',
              message: 'No fixed sleeps in tests: use test/support/poll.ts or test/support/sim-timers.ts.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        Buffer: 'readonly',
      },
    },
  },
  {
    // the dev server's web page runs in the browser
    files: ['src/devserver/web/static/**/*.js'],
    languageOptions: {
      globals: Object.fromEntries(
        [
          'document',
          'window',
          'location',
          'history',
          'fetch',
          'confirm',
          'EventSource',
          'URL',
          'setTimeout',
          'clearTimeout',
          'setInterval',
          'console',
        ].map((g) => [g, 'readonly']),
      ),
    },
  },
  // Layering: everything in src/ (the exceptions follow, each with the restrictions still in force there).
  restrict(['src/**/*.ts'], { paths: [dgram, dgramBare, dtls, serial], patterns: [serialScoped] }, [
    'src/lwm2m/**',
    'src/socket/**',
    ...domainFiles,
    ...serialOnlyFiles,
    ...dgramFiles,
  ]),
  restrict(domainFiles, { paths: [dgram, dgramBare, dtls, serial], patterns: [serialScoped, adapters] }, [
    ...serialOnlyFiles,
    ...dgramFiles,
  ]),
  restrict(['src/socket/**/*.ts'], {
    paths: [dgram, dgramBare, dtls, serial],
    patterns: [serialScoped, adapters, socketSide],
  }),
  restrict(['src/lwm2m/**/*.ts'], { paths: [dgram, dgramBare, dtls, serial], patterns: [serialScoped, upperLayers] }),
  restrict(serialOnlyFiles, { paths: [dgram, dgramBare, dtls], patterns: [adapters] }),
  // coap/transports: the sockets; modem-dtls-transport: node-dtls-client's loopback relay; devserver: a dev/test
  // server.
  restrict(['src/coap/transports/**'], { paths: [serial], patterns: [serialScoped, adapters] }),
  restrict(['src/modem/modem-dtls-transport.ts'], { paths: [dtls, serial], patterns: [serialScoped, adapters] }),
  restrict(['src/devserver/**'], { paths: [dtls, serial], patterns: [serialScoped] }),
  // A plugin imports only the public plugin API (and its own files).
  restrict(['plugins/**/*.js'], {
    patterns: [
      {
        regex: '^(?!lwm2m-meter/plugin$|\\.{1,2}/)|(^|/)(src|dist|node_modules)/',
        message: 'A plugin imports only lwm2m-meter/plugin and its own files (docs/plugins.md).',
      },
    ],
  }),
);
