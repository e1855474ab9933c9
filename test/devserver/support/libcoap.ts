// libcoap.ts: runs Debian's coap-client-notls (libcoap) once and reports the response code and Location-Path it saw.
import { execFile } from 'node:child_process';

export interface LibcoapAnswer {
  code: string | undefined;
  location: string | undefined;
  output: string;
}

/** coap-client-notls -v 6 prints every PDU; the last non-request line with a code is the answer. */
export function coapClient(args: string[]): Promise<LibcoapAnswer> {
  return new Promise((resolve) => {
    execFile('coap-client-notls', ['-v', '6', '-B', '5', ...args], { timeout: 15_000 }, (_err, stdout, stderr) => {
      const output = `${stdout}\n${stderr}`;
      let code: string | undefined;
      let location: string | undefined;
      for (const line of output.split('\n')) {
        const m = /t:(ACK|CON|NON) c:(\d\.\d\d) /.exec(line);
        if (!m) continue;
        code = m[2];
        const locs = [...line.matchAll(/Location-Path:([^,\s\]]+)/g)].map((x) => x[1]);
        location = locs.length > 0 ? '/' + locs.join('/') : undefined;
      }
      resolve({ code, location, output });
    });
  });
}
