// libcoap.ts: Debian's libcoap binaries as real peers in tests: run a coap-client-* once (raw output, or the answer's
// code and Location-Path), PUT a file, start a coap-server-* on free ports.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { freeUdpPortPair, waitUntilBound } from './free-port.js';

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a libcoap client binary to its end (never rejects: the exit code is in the result, null when killed by the
 * timeout).
 */
export function runClient(bin: string, args: string[], timeoutMs = 20_000): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(
      bin,
      args,
      { timeout: timeoutMs, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code =
          err === null
            ? 0
            : typeof (err as { code?: unknown }).code === 'number'
              ? (err as { code: number }).code
              : null;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

export interface CoapAnswer {
  /** The response code of the last PDU the client printed ('2.01'), undefined when none came. */
  code: string | undefined;
  location: string | undefined;
  output: string;
}

/** coap-client-notls -v 6 prints every PDU; the last one with a code is the answer (its code and Location-Path). */
export async function coapClient(args: string[], bin = 'coap-client-notls'): Promise<CoapAnswer> {
  const r = await runClient(bin, ['-v', '6', '-B', '5', ...args], 15_000);
  const output = `${r.stdout}\n${r.stderr}`;
  let code: string | undefined;
  let location: string | undefined;
  for (const line of output.split('\n')) {
    const m = /t:(ACK|CON|NON) c:(\d\.\d\d) /.exec(line);
    if (!m) continue;
    code = m[2];
    const locs = [...line.matchAll(/Location-Path:([^,\s\]]+)/g)].map((x) => x[1]);
    location = locs.length > 0 ? '/' + locs.join('/') : undefined;
  }
  return { code, location, output };
}

/** PUTs a file to a CoAP server with the given block size (Block1); throws when the client fails. */
export async function coapPutFile(
  url: string,
  file: string,
  blockSize: number,
  bin = 'coap-client-notls',
): Promise<RunResult> {
  const r = await runClient(bin, ['-m', 'put', '-b', String(blockSize), '-B', '30', '-f', file, url]);
  if (r.code !== 0) throw new Error(`${bin} PUT ${url} failed (${r.code}): ${r.stderr}`);
  return r;
}

export interface LibcoapServer {
  /** The CoAP port (-p). */
  port: number;
  /** The DTLS port libcoap's TLS builds listen on: port + 1. */
  dtlsPort: number;
  proc: ChildProcess;
  /** Its stderr so far (for a failure message). */
  stderr(): string;
  stop(): Promise<void>;
}

/**
 * Starts a libcoap server binary (`coap-server-notls`, `-gnutls`, `-openssl`) on loopback with `-A 127.0.0.1 -p <free
 * port>` plus `args`, and resolves once it has bound its port(s) (port, and port + 1 for the TLS builds), so a client
 * may talk to it at once. Retries on another port when the binary exits early (a port clash).
 */
export async function startLibcoapServer(
  bin: string,
  args: string[] = [],
  stdout: 'ignore' | 'pipe' = 'ignore',
): Promise<LibcoapServer> {
  for (let attempt = 0; ; attempt++) {
    const port = await freeUdpPortPair();
    const proc = spawn(bin, ['-A', '127.0.0.1', '-p', String(port), ...args], { stdio: ['ignore', stdout, 'pipe'] });
    let stderr = '';
    proc.stderr?.on('data', (b: Buffer) => {
      stderr += b.toString();
    });
    // 'error': the binary is missing (ENOENT) or could not be spawned
    const exited = new Promise<void>((r) => {
      proc.once('exit', () => r());
      proc.once('error', (e) => {
        stderr += String(e);
        r();
      });
    });
    const server: LibcoapServer = {
      port,
      dtlsPort: port + 1,
      proc,
      stderr: () => stderr,
      stop: () => stopServer(proc),
    };
    const ports = bin.endsWith('-notls') ? [port] : [port, port + 1];
    const up = await Promise.race([
      waitUntilBound(ports).then(
        () => true,
        () => false,
      ),
      exited.then(() => false),
    ]);
    if (up && proc.exitCode === null) return server;
    if (proc.pid !== undefined) await stopServer(proc);
    if (attempt >= 3 || proc.pid === undefined) throw new Error(`${bin} did not start: ${stderr}`);
  }
}

/** Stops a server process (SIGTERM) and waits for its exit. */
export async function stopServer(p: ChildProcess): Promise<void> {
  if (p.exitCode !== null || p.signalCode !== null) return;
  const done = new Promise<void>((r) => p.once('exit', () => r()));
  p.kill('SIGTERM');
  await done;
}
