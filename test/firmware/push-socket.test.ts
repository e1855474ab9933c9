// push-socket.test.ts: libcoap's client pushes a package to /5/0/0 of the socket actor (real CoAP endpoint) + object:5
// actor in-process; every block reaches object 5 as it arrives.
import test from 'ava';
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { socketActorModule } from '../../src/actors/socket.actor.js';
import { firmwareActorModule } from '../../src/actors/firmware.actor.js';
import { buildLwfwPackage } from '../../src/firmware/integrity.js';
import { FwState } from '../../src/firmware/results.js';
import type { FirmwareUpdater } from '../../src/firmware/updater.js';
import { InProcessActors } from '../support/in-process-actors.js';
import { bytes, tempDir } from './helpers.js';
import { TestUdpTransport } from '../support/udp-transport.js';

const run = promisify(execFile);

test('push with coap-client-notls -b 64 through the socket actor reaches object:5 block by block', async (t) => {
  const dir = await tempDir(t);
  const actors = new InProcessActors({ stateDir: dir, firmware: { retryDelayMs: 0 } });
  t.teardown(() => actors.stopAll());
  let u: FirmwareUpdater | undefined;
  await actors.start(
    'object:5',
    firmwareActorModule({
      onStart: (x) => {
        u = x;
      },
    }),
  );
  let transport: TestUdpTransport | undefined;
  await actors.start(
    'socket',
    socketActorModule({
      transport: () => (transport = new TestUdpTransport()),
    }),
    { objects: [5] },
  );
  await actors.get('socket')?.receive({
    type: 'socket.open',
    server: { ssid: 1, uri: 'coap://127.0.0.1:5683', host: '127.0.0.1', port: 5683, security: 'nosec' },
  });
  const port = transport?.port() ?? 0;
  t.true(port > 0);

  const pkg = buildLwfwPackage(bytes(30_000, 2), { name: 'meter', version: '8.1.0' });
  const file = join(dir, 'pkg.bin');
  await writeFile(file, pkg);
  await run('coap-client-notls', ['-m', 'put', '-b', '64', '-B', '30', '-f', file, `coap://127.0.0.1:${port}/5/0/0`]);
  const v = await u?.waitFor((x) => x.state !== FwState.DOWNLOADING);
  t.is(v?.state, FwState.DOWNLOADED);
  t.is(v?.pkgVersion, '8.1.0');
  t.deepEqual(await readFile(join(dir, 'firmware', 'package.bin')), pkg);
  const activity = actors.captured.filter((c) => c.to === 'client' && c.msg.type === 'lwm2m.server-activity');
  t.true(activity.length >= Math.ceil(pkg.length / 64));
  // Other requests still reach the endpoint and object 5 as usual: read State and PkgVersion with libcoap.
  const state = await run('coap-client-notls', ['-m', 'get', '-B', '10', `coap://127.0.0.1:${port}/5/0/3`]);
  t.is(state.stdout.trim(), '2');
  const ver = await run('coap-client-notls', ['-m', 'get', '-B', '10', `coap://127.0.0.1:${port}/5/0/7`]);
  t.is(ver.stdout.trim(), '8.1.0');

  // A package small enough for one message (no Block1) takes the ordinary Write path: endpoint → router → object 5.
  await run('coap-client-notls', ['-m', 'put', '-t', '0', '-B', '10', '-e', '', `coap://127.0.0.1:${port}/5/0/1`]); // empty URI: reset
  t.is(u?.values().state, FwState.IDLE);
  const small = buildLwfwPackage(bytes(200, 3), { version: '8.2.0' });
  await writeFile(file, small);
  const w = await run('coap-client-notls', [
    '-m',
    'put',
    '-t',
    '42',
    '-b',
    '1024',
    '-B',
    '10',
    '-f',
    file,
    `coap://127.0.0.1:${port}/5/0/0`,
  ]);
  t.is(w.stderr.trim(), '');
  const v2 = await u?.waitFor((x) => x.state === FwState.DOWNLOADED);
  t.is(v2?.pkgVersion, '8.2.0');
});
