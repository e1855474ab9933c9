// runtime-child.ts: child process for plugin tests: `run` with a JSON config (argv[2]); stdin lines {id,to,msg} are
// answered as `REPLY <json>` lines.
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { runRuntime } from '../../../src/cli/run.js';
import { parseConfig } from '../../../src/runtime/config.js';
import type { Runtime } from '../../../src/runtime/runtime.js';

const config = parseConfig(JSON.parse(readFileSync(process.argv[2], 'utf8')));
let rt: Runtime | undefined;
createInterface({ input: process.stdin }).on('line', (line) => {
  const { id, to, msg } = JSON.parse(line) as { id: number; to: string; msg: { type: string } };
  if (!rt) {
    process.stdout.write(`REPLY ${JSON.stringify({ id, ok: false, error: 'not started' })}\n`);
    return;
  }
  rt.request(to, msg, 5000).then(
    (value) => process.stdout.write(`REPLY ${JSON.stringify({ id, ok: true, value })}\n`),
    (e: unknown) => process.stdout.write(`REPLY ${JSON.stringify({ id, ok: false, error: (e as Error).message })}\n`),
  );
});
const code = await runRuntime(config, {
  print: (l) => process.stdout.write(`PRINT ${l}\n`),
  onStarted: (r) => {
    rt = r;
    process.stdout.write('STARTED\n');
  },
});
process.exit(code);
