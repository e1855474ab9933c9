// firmware-update-execute.test.ts: independent stacks against the real device: libcoap pushes a package to /5/0/0,
// node-coap executes Update /5/0/2 and must get its 2.04 although the client closes the socket for the update.
import test from 'ava';
import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Agent, request, type IncomingMessage } from 'coap';
import { HostileServer } from '../support/hostile-server.js';
import { DeviceProcess } from '../support/device-process.js';
import { pollUntil, settledWithin } from '../support/poll.js';
import { buildLwfwPackage } from '../../src/firmware/integrity.js';
import { FwState, UpdateResult } from '../../src/firmware/results.js';

const run = promisify(execFile);

/** One CON request with node-coap (no retransmission: one answer or none); resolves with the code or 'no response'. */
function nodeCoap(
  port: number,
  method: 'POST' | 'GET',
  path: string,
  waitMs: number,
): Promise<{ code: string; payload: string }> {
  const agent = new Agent({ type: 'udp4' });
  return settledWithin(
    new Promise<{ code: string; payload: string }>((resolve) => {
      const req = request({
        hostname: '127.0.0.1',
        port,
        method,
        pathname: path,
        agent,
        confirmable: true,
        retrySend: 0,
      });
      req.on('response', (res: IncomingMessage) => {
        resolve({ code: res.code, payload: res.payload.toString() });
      });
      req.on('error', (err: Error) => {
        resolve({ code: `error ${err.message}`, payload: '' });
      });
      req.end();
    }),
    waitMs,
    { code: 'no response', payload: '' },
  ).finally(() => agent.close());
}

test('push with coap-client-notls, then Execute /5/0/2 from node-coap: 2.04 arrives, the update runs, the device registers again with result 1', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'fw-exec-'));
  const applied = join(dir, 'applied');
  const apply = join(dir, 'apply.sh');
  writeFileSync(apply, `#!/bin/sh\necho "$1" > '${applied}'\n`);
  chmodSync(apply, 0o755);
  const server = await HostileServer.start();
  const device = new DeviceProcess({ server: server.uri, config: { firmware: { applyCommand: apply } } });
  t.teardown(async () => {
    await device.stop();
    await server.close();
  });
  await server.waitForRegister(30_000);
  const port = server.device!.port;

  const pkg = buildLwfwPackage(Buffer.alloc(5000, 7), { name: 'meter', version: '9.9.9' });
  const file = join(dir, 'pkg.bin');
  writeFileSync(file, pkg);
  const push = await run('coap-client-notls', [
    '-m',
    'put',
    '-b',
    '256',
    '-B',
    '20',
    '-f',
    file,
    `coap://127.0.0.1:${port}/5/0/0`,
  ]);
  t.is(push.stderr.trim(), '', push.stderr);
  const downloaded = await pollUntil(
    () => nodeCoap(port, 'GET', '/5/0/3', 2000),
    (r) => r.payload === String(FwState.DOWNLOADED),
    10_000,
    100,
  );
  t.is(downloaded.payload, String(FwState.DOWNLOADED));

  const registers = server.requests.length;
  const res = await nodeCoap(port, 'POST', '/5/0/2', 5000);
  t.is(res.code, '2.04', 'the Update command is answered before the client closes its socket');
  // The client reconnects after the update and registers again; object 5 then shows success.
  await server.waitForRegister(30_000, registers);
  const result = await pollUntil(
    () => server.request({ method: 'GET', path: '/5/0/5', accept: 0 }),
    (r) => r.payload.toString() === String(UpdateResult.SUCCESS),
    10_000,
    200,
  );
  t.is(result.payload.toString(), String(UpdateResult.SUCCESS));
  t.true(device.logs().some((l) => l.msg === 'firmware updated' && l.to === '9.9.9'));
});
