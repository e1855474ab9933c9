// pull-coaps.test.ts: pull over coaps:// (DTLS-PSK) from libcoap's coap-server-gnutls, through the object's configured
// PSK.
import test from 'ava';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildLwfwPackage } from '../../src/firmware/integrity.js';
import { coapPuller, dtlsPullTransport } from '../../src/firmware/pull-coap.js';
import { FwState } from '../../src/firmware/results.js';
import { bytes, fwConfig, makeUpdater, tempDir } from './helpers.js';
import { coapPutFile, startLibcoapServer } from '../support/libcoap.js';

const KEY = 'sesame-firmware';

test('coaps:// pull with DTLS-PSK from coap-server-gnutls ends Downloaded with the exact bytes', async (t) => {
  const dir = await tempDir(t);
  // libcoap listens for DTLS on port+1.
  const server = await startLibcoapServer('coap-server-gnutls', ['-k', KEY, '-d', '4', '-v', '0']);
  const port = server.port;
  t.teardown(() => server.stop());
  const pkg = buildLwfwPackage(bytes(20_000, 11), { version: '10.0' });
  const file = join(dir, 'pkg.bin');
  await writeFile(file, pkg);
  await coapPutFile(`coap://127.0.0.1:${port}/fw`, file, 1024);
  const cfg = fwConfig(dir);
  const { u, log } = await makeUpdater(cfg, {
    pullers: {
      'coaps:': coapPuller({
        transport: dtlsPullTransport('fw-client', Buffer.from(KEY).toString('base64')),
        blockSize: 1024,
      }),
    },
  });
  u.writeUri(`coaps://127.0.0.1:${port + 1}/fw`);
  const v = await u.waitFor((x) => x.state !== FwState.DOWNLOADING);
  t.is(v.state, FwState.DOWNLOADED, JSON.stringify(log.entries.filter((e) => e.level !== 'info')));
  t.deepEqual(await readFile(join(cfg.dir, 'package.bin')), pkg);
  await u.stop();
});
