// pull.ts: the page's firmware pull: the uploaded package saved in a temp folder, served and followed as the console's
// `fw pull` does (CoAP or HTTP, State until Downloaded), progress and the outcome as 'firmware' events.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { CodedError } from '../../errors.js';
import { ConsoleContext } from '../console/context.js';
import { firmwarePull } from '../console/firmware.js';
import type { DevServer } from '../server.js';
import type { EventHub } from './events.js';

/** How long a pull may go without a byte served or a state change before it is given up, ms. */
const STALL_MS = 20_000;

export class WebPull {
  private dir: string | undefined;

  constructor(
    private readonly server: DevServer,
    private readonly hub: EventHub,
  ) {}

  /** Saves the package as `name`, has the device pull it; resolves with { ok, uri?, lines } (the console's output). */
  async pull(ep: string, name: string | null, via: string | null, data: Uint8Array): Promise<Record<string, unknown>> {
    const file = basename(name ?? 'package.bin');
    if (file === '' || file === '.' || file === '..')
      throw new CodedError('WEB_BAD_REQUEST', `bad file name '${name}'`);
    if (via !== null && via !== '' && via !== 'coap' && via !== 'http')
      throw new CodedError('WEB_BAD_REQUEST', `via wants coap or http, got '${via}'`);
    if (data.length === 0) throw new CodedError('WEB_BAD_REQUEST', 'the package is empty');
    if (!this.server.registrations.has(ep))
      throw new CodedError('DEVSERVER_UNKNOWN_ENDPOINT', `endpoint ${ep} is not registered`);
    this.dir ??= await mkdtemp(join(tmpdir(), 'devserver-pull-'));
    const path = join(this.dir, file);
    await writeFile(path, data);
    const lines: string[] = [];
    const event = (e: Record<string, unknown>): void =>
      this.hub.publish({ type: 'firmware', endpoint: ep, path: '/5/0/1', pull: true, total: data.length, ...e });
    const ctx = new ConsoleContext(
      this.server,
      (l) => lines.push(l),
      (_label, done) => event({ sent: done }),
      STALL_MS,
    );
    try {
      const ok = await firmwarePull(ctx, ep, path, via === 'coap' || via === 'http' ? { via } : {});
      const uri = lines.find((l) => l.startsWith('serving '))?.replace(/^.* at /, '');
      event({
        sent: ok ? data.length : 0,
        done: true,
        ...(ok ? { code: '2.04' } : { error: lines.at(-1) ?? 'failed' }),
      });
      return { ok, ...(uri !== undefined ? { uri } : {}), lines };
    } catch (err) {
      event({ sent: 0, done: true, error: (err as Error).message });
      throw err;
    } finally {
      await ctx.packages.close();
    }
  }

  async close(): Promise<void> {
    if (this.dir !== undefined) await rm(this.dir, { recursive: true, force: true });
    this.dir = undefined;
  }
}
