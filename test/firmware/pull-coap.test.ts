// pull-coap.test.ts: pull over CoAP Block2 from a real peer (libcoap's coap-server-notls), with lost datagrams and a
// resume after a cut.
import test from 'ava';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'coap-packet';
import { decodeBlock } from '../../src/coap/options.js';
import { buildLwfwPackage } from '../../src/firmware/integrity.js';
import { coapPuller } from '../../src/firmware/pull-coap.js';
import { FwState, UpdateResult } from '../../src/firmware/results.js';
import { bytes, fwConfig, makeUpdater, tempDir } from './helpers.js';
import { coapPutFile, startLibcoapServer } from '../support/libcoap.js';
import { TestUdpTransport } from '../support/udp-transport.js';

const fast = { ackTimeoutMs: 100, maxRetransmit: 3 };

test('CoAP pull from coap-server-notls: Block2 1024, exact bytes, Downloaded with manifest version', async (t) => {
  const dir = await tempDir(t);
  const srv = await startLibcoapServer('coap-server-notls', ['-d', '8', '-v', '0']);
  t.teardown(() => srv.stop());
  const pkg = buildLwfwPackage(bytes(150_000, 5), { name: 'meter', version: '4.2.0' });
  const file = join(dir, 'pkg.bin');
  await writeFile(file, pkg);
  await coapPutFile(`coap://127.0.0.1:${srv.port}/fw`, file, 1024);
  const cfg = fwConfig(dir);
  const transports: TestUdpTransport[] = [];
  const { u, log } = await makeUpdater(cfg, {
    pullers: {
      'coap:': coapPuller({
        transport: () => {
          const tr = new TestUdpTransport();
          tr.dropSends.add(3);
          transports.push(tr);
          return tr;
        },
        blockSize: 1024,
        params: fast,
      }),
    },
  });
  t.true(u.writeUri(`coap://127.0.0.1:${srv.port}/fw`));
  const v = await u.waitFor((x) => x.state !== FwState.DOWNLOADING);
  t.is(v.state, FwState.DOWNLOADED, JSON.stringify(log.entries.filter((e) => e.level !== 'info')));
  t.is(v.pkgVersion, '4.2.0');
  t.deepEqual(await readFile(join(cfg.dir, 'package.bin')), pkg);
  t.true(
    (transports[0]?.sends ?? 0) >= Math.ceil(pkg.length / 1024) + 1,
    'one request per block plus the retransmission',
  );
  const done = log.entries.find((e) => e.msg === 'firmware download complete')?.obj as
    { bytes?: number; percent?: number; rate?: number } | undefined;
  t.is(done?.bytes, pkg.length);
  t.is(done?.percent, 100, 'Size2 from the server gives a percentage');
  t.true((done?.rate ?? 0) > 0);
  await u.stop();
});

test('CoAP pull cut off (peer stops answering) resumes from the next block; 4.04 → result 7', async (t) => {
  const dir = await tempDir(t);
  const srv = await startLibcoapServer('coap-server-notls', ['-d', '8', '-v', '0']);
  t.teardown(() => srv.stop());
  const pkg = buildLwfwPackage(bytes(40_000, 9), { version: '5' });
  const file = join(dir, 'pkg.bin');
  await writeFile(file, pkg);
  await coapPutFile(`coap://127.0.0.1:${srv.port}/fw`, file, 512);
  const cfg = fwConfig(dir, { coapBlockSize: 512 });
  const firstBlocks: number[] = [];
  let n = 0;
  const { u } = await makeUpdater(cfg, {
    pullers: {
      'coap:': coapPuller({
        blockSize: 512,
        params: fast,
        transport: () => {
          const tr = new TestUdpTransport();
          // First connection: every send from the 20th on is lost → COAP_TIMEOUT → resume on a new transport.
          if (n++ === 0) for (let i = 20; i < 200; i++) tr.dropSends.add(i);
          const orig = tr.send.bind(tr);
          tr.send = (d, to) => {
            if (tr.sends === 0)
              firstBlocks.push(
                decodeBlock(parse(Buffer.from(d)).options.find((o) => o.name === 'Block2')?.value)?.num ?? -1,
              );
            return orig(d, to);
          };
          return tr;
        },
      }),
    },
  });
  u.writeUri(`coap://127.0.0.1:${srv.port}/fw`);
  const v = await u.waitFor((x) => x.state !== FwState.DOWNLOADING);
  t.is(v.state, FwState.DOWNLOADED);
  t.is(n, 2, 'a second transport resumed the transfer');
  t.is(firstBlocks[0], 0);
  // 20 datagrams got through (fewer blocks if some were retransmissions): the resume starts past block 0.
  t.true((firstBlocks[1] ?? 0) >= 10, `resumed at block ${firstBlocks[1]}, not from 0`);
  t.deepEqual(await readFile(join(cfg.dir, 'package.bin')), pkg);
  u.writeUri('');
  u.writeUri(`coap://127.0.0.1:${srv.port}/missing`);
  t.is((await u.waitFor((x) => x.state === FwState.IDLE && x.result !== 0)).result, UpdateResult.INVALID_URI);
  await u.stop();
});
