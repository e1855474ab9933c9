// libcoap.ts: runs Debian's libcoap binaries (coap-server-notls, coap-client-notls) for firmware interop tests.
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import { freeUdpPort } from './udp.js';

const run = promisify(execFile);

export interface LibcoapServer { port: number; proc: ChildProcess; stop(): Promise<void> }

/** Starts coap-server-notls on loopback with dynamic resources (-d), retrying on a port clash. */
export async function startCoapServer(): Promise<LibcoapServer> {
  for (let attempt = 0; ; attempt++) {
    const port = await freeUdpPort();
    const proc = spawn('coap-server-notls', ['-A', '127.0.0.1', '-p', String(port), '-d', '8', '-v', '0'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    proc.stderr?.on('data', (b: Buffer) => { stderr += b.toString(); });
    const exited = new Promise<boolean>((r) => proc.once('exit', () => r(true)));
    // Ready when it answers a GET of /.well-known/core.
    for (let i = 0; i < 50; i++) {
      const alive = await Promise.race([exited, new Promise<boolean>((r) => setTimeout(() => r(false), 50))]);
      if (alive) break;
      try {
        await run('coap-client-notls', ['-B', '1', '-m', 'get', `coap://127.0.0.1:${port}/.well-known/core`]);
        return { port, proc, stop: () => new Promise((r) => { if (proc.exitCode !== null) r(); else { proc.once('exit', () => r()); proc.kill(); } }) };
      } catch {
        // not up yet
      }
    }
    proc.kill();
    if (attempt >= 3) throw new Error(`coap-server-notls did not start: ${stderr}`);
  }
}

/** PUTs a file to a libcoap server with the given block size. */
export async function coapPutFile(url: string, file: string, blockSize: number): Promise<{ stdout: string; stderr: string }> {
  return run('coap-client-notls', ['-m', 'put', '-b', String(blockSize), '-B', '30', '-f', file, url]);
}
