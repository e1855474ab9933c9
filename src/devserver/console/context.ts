// context.ts: what a console command works with: the server, the picked client, its observations, output.
import { CodedError } from '../../errors.js';
import type { Observation } from '../observation.js';
import type { DevServer } from '../server.js';
import { PackageHttpServer } from './package-http.js';

export interface ConsoleObservation {
  id: number;
  endpoint: string;
  label: string;
  obs: Observation;
}

export class ConsoleContext {
  /** The client picked with `ep NAME` (else the only one registered). */
  picked: string | undefined;
  readonly observations = new Map<number, ConsoleObservation>();
  /** Serves the files of `fw pull`. */
  readonly packages = new PackageHttpServer();
  private nextId = 1;

  constructor(
    readonly server: DevServer,
    /** One line of command output. */
    readonly out: (line: string) => void,
    /** A fraction of a long transfer done (a bar on a terminal, percent lines in script mode). */
    readonly progress: (label: string, done: number, total: number) => void,
    /** How long a command waits for a first client to register. */
    readonly waitMs: number,
  ) {}

  /** The client commands go to: the picked one, else the only one; with none registered, waits for the first. */
  async endpoint(): Promise<string> {
    const regs = this.server.registrations;
    if (this.picked !== undefined) {
      if (regs.has(this.picked)) return this.picked;
      throw new CodedError(
        'DEVSERVER_UNKNOWN_ENDPOINT',
        `${this.picked} is not registered (clients: ${[...regs.keys()].join(', ') || 'none'})`,
      );
    }
    if (regs.size === 1) return [...regs.keys()][0];
    if (regs.size > 1)
      throw new CodedError(
        'CONSOLE_WHICH_CLIENT',
        `${regs.size} clients registered: pick one with 'ep NAME' (${[...regs.keys()].join(', ')})`,
      );
    this.out(`waiting up to ${Math.round(this.waitMs / 1000)} s for a client to register…`);
    return (await this.server.waitFor('register', () => true, this.waitMs)).endpoint;
  }

  addObservation(endpoint: string, label: string, obs: Observation): ConsoleObservation {
    const o = { id: this.nextId++, endpoint, label, obs };
    this.observations.set(o.id, o);
    obs.once('end', () => this.observations.delete(o.id));
    return o;
  }
}
