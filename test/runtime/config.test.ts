// config.test.ts: config files: the embedded default, and one clear line naming the key for each kind of mistake.
import test from 'ava';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultConfig, loadConfig, parseHostPort } from '../../src/runtime/config.js';

function file(text: string): string {
  const p = join(mkdtempSync(join(tmpdir(), 'cfg-')), 'c.yaml');
  writeFileSync(p, text);
  return p;
}

function errorOf(text: string): string {
  try {
    loadConfig(file(text));
  } catch (e) {
    return (e as Error).message;
  }
  return 'no error';
}

test('no file: the demo default', (t) => {
  const c = defaultConfig();
  t.is(c.server, 'coap://127.0.0.1:5683');
  t.is(c.placement, 'shared');
  t.is(c.shutdownTimeoutMs, 8000);
  t.true(c.client.deregisterTimeoutMs < c.shutdownTimeoutMs, 'the De-register fits in the shutdown budget');
  t.is(c.inspect.host, '127.0.0.1');
  t.deepEqual(loadConfig(file('')), c);
});

test('a valid file overrides defaults', (t) => {
  const c = loadConfig(
    file(
      'endpoint: meter-42\nserver: coaps://lwm2m.example.net:5684\nplacement:\n  groups: [[socket, "object:*"]]\nsupervisor:\n  maxRestarts: 3\n',
    ),
  );
  t.is(c.endpoint, 'meter-42');
  t.deepEqual(c.placement, { groups: [['socket', 'object:*']] });
  t.is(c.supervisor.maxRestarts, 3);
  t.is(c.supervisor.windowMs, 60_000);
});

const bad: [string, string, RegExp][] = [
  ['unknown key', 'endpoint: x\nfoo: 1\n', /^config: foo: unknown key$/],
  ['unknown nested key', 'supervisor:\n  maxRestart: 3\n', /^config: supervisor\.maxRestart: unknown key$/],
  ['wrong type', 'shutdownTimeoutMs: soon\n', /^config: shutdownTimeoutMs: must be a number \(got "soon"\)$/],
  ['out of range', 'shutdownTimeoutMs: 5\n', /^config: shutdownTimeoutMs: must be >= 100 \(got 5\)$/],
  [
    'bad URI',
    'server: http://example.com\n',
    /^config: server: must be a coap:\/\/ or coaps:\/\/ URI with a host \(got "http:\/\/example.com"\)$/,
  ],
  ['bad URI (no host)', 'server: "coap://"\n', /^config: server: must be a coap/],
  ['bad enum', 'log:\n  level: loud\n', /^config: log\.level: must be one of .*"info".* \(got "loud"\)$/],
  ['bad placement', 'placement: everywhere\n', /^config: placement: must be "per-actor", "shared" or/],
  ['other area key', 'firmware:\n  retries: many\n', /^config: firmware\.retries: must be a number/],
  ['YAML syntax', 'a: [1, 2\n', /^config: .*c\.yaml.*YAML error/],
  [
    'number too large for a double',
    'coap:\n  ackTimeoutMs: 1e400\n',
    /^config: coap\.ackTimeoutMs: must be a finite number \(got Infinity\)$/,
  ],
  [
    'not a number',
    'client:\n  backoffFactor: .nan\n',
    /^config: client\.backoffFactor: must be a finite number \(got NaN\)$/,
  ],
  [
    'minus infinity',
    'meter:\n  leak:\n    utcOffsetH: -.inf\n',
    /^config: meter\.leak\.utcOffsetH: must be a finite number \(got -Infinity\)$/,
  ],
  [
    'empty PSK key',
    'client:\n  servers:\n    - uri: coaps://s:5684\n      security: psk\n      pskIdentity: me\n      pskKey: ""\n',
    /^config: client\.servers\[0\]\.pskKey: must not be empty \(got ""\)$/,
  ],
  [
    'empty PSK identity',
    'client:\n  servers:\n    - uri: coaps://s:5684\n      security: psk\n      pskIdentity: ""\n      pskKey: AAAA\n',
    /^config: client\.servers\[0\]\.pskIdentity: must not be empty/,
  ],
  [
    'empty firmware PSK key',
    'firmware:\n  coapsPskIdentity: fw\n  coapsPskKey: ""\n',
    /^config: firmware\.coapsPskKey: must not be empty/,
  ],
  [
    'firmware PSK identity without key',
    'firmware:\n  coapsPskIdentity: fw\n',
    /^config: firmware\.coapsPskKey: is required with the other/,
  ],
  [
    'duplicate ssid',
    'client:\n  servers:\n    - uri: coap://a\n      ssid: 7\n    - uri: coap://b\n      ssid: 7\n',
    /^config: client\.servers\[1\]\.ssid: must be unique \(servers\[0\] has ssid 7 too\)$/,
  ],
  [
    'two bootstrap servers',
    'client:\n  servers:\n    - uri: coap://a\n      bootstrap: true\n    - uri: coap://b\n      bootstrap: true\n',
    /^config: client\.servers\[1\]\.bootstrap: only one bootstrap server/,
  ],
  [
    'De-register longer than the shutdown',
    'shutdownTimeoutMs: 2000\nclient:\n  deregisterTimeoutMs: 5000\n',
    /^config: client\.deregisterTimeoutMs: must be < shutdownTimeoutMs \(5000 >= 2000\)$/,
  ],
  [
    'backoff start above its cap',
    'client:\n  backoffInitialS: 100\n  backoffMaxS: 50\n',
    /^config: client\.backoffInitialS: must be <= client\.backoffMaxS \(100 > 50\)$/,
  ],
  [
    'pmin above pmax',
    'client:\n  servers:\n    - uri: coap://a\n      pmin: 60\n      pmax: 30\n',
    /^config: client\.servers\[0\]\.pmin: must be <= client\.servers\[0\]\.pmax/,
  ],
  [
    'modem retry above its cap',
    'modem:\n  timeouts:\n    retryMs: 20000\n    retryMaxMs: 10000\n',
    /^config: modem\.timeouts\.retryMs: must be <= modem\.timeouts\.retryMaxMs/,
  ],
  [
    'PSM active time not below TAU',
    'modem:\n  psm:\n    enabled: true\n    tauS: 60\n    activeS: 60\n',
    /^config: modem\.psm\.activeS: must be < modem\.psm\.tauS/,
  ],
];

for (const [what, text, re] of bad) {
  test(`bad config (${what}) gives one line naming the key`, (t) => {
    const msg = errorOf(text);
    t.is(msg.split('\n').length, 1, msg);
    t.regex(msg, re);
  });
}

test('several problems: one line each', (t) => {
  const msg = errorOf('foo: 1\nshutdownTimeoutMs: 5\n');
  t.deepEqual(msg.split('\n').sort(), [
    'config: foo: unknown key',
    'config: shutdownTimeoutMs: must be >= 100 (got 5)',
  ]);
});

test('missing file is a clear error', (t) => {
  t.throws(() => loadConfig('/nonexistent/x.yaml'), {
    code: 'CONFIG_INVALID',
    message: /config \/nonexistent\/x\.yaml: cannot read/,
  } as never);
});

test('HOST:PORT parsing for --inspect', (t) => {
  t.deepEqual(parseHostPort('9339'), { host: '127.0.0.1', port: 9339 });
  t.deepEqual(parseHostPort('0.0.0.0:80'), { host: '0.0.0.0', port: 80 });
  t.deepEqual(parseHostPort('[::1]:9000'), { host: '::1', port: 9000 });
  t.is(parseHostPort('x:99999'), undefined);
});

test('the shipped configuration files validate: the board example and the documented defaults', (t) => {
  const root = new URL('../../../', import.meta.url);
  const board = loadConfig(new URL('deploy/config.board.yaml', root).pathname);
  t.is(board.modem.kind, 'serial');
  t.is(board.meter.source.kind, 'gpio');
  t.is(board.client.servers[0]?.security, 'psk');
  t.is(board.meter.sendBatchS, 14_400);
  const example = loadConfig(new URL('docs/config.example.yaml', root).pathname);
  t.is(example.placement, 'shared');
});
