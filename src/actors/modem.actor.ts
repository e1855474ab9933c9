// modem.actor.ts: hosts the modem machine: picks the driver (simulated, or AT over the bridged serial port), publishes
// network.*, feeds object:4.
import { fromPromise, type Actor } from 'xstate';
import { backgroundClock, type Clock } from '../clock.js';
import { CodedError, toWireError } from '../errors.js';
import { AtModemDriver } from '../modem/at-driver.js';
import { parseModemConfig, type ModemConfig } from '../modem/config-schema.js';
import type { ModemDriver } from '../modem/driver.js';
import type { ByteLink } from '../modem/link.js';
import { modemMachine, retryDelays, type ModemInput, type ModemMachine, type ModemOutput } from '../modem/machine.js';
import { portLink } from '../modem/port-link.js';
import { SimulatedModem } from '../modem/simulated.js';
import { AtUdpSocket } from '../modem/at-udp-socket.js';
import { startMachine } from '../runtime/inspect.js';
import { defineActor, type ActorContext, type ActorInstance } from '../runtime/actor-api.js';
import { unhandled } from '../runtime/dispatch.js';
import { ActorNames, type Accepted, type ModemSocketError, type ModemSocketRx } from '../messages/index.js';

/** The messages the modem actor takes (the host refuses others before `receive`). */
export const MODEM_ACCEPTS = [
  'modem.serial-port',
  'modem.reconnect',
  'modem.status',
  'modem.cell-measurements',
  'modem.socket.open',
  'modem.socket.send',
  'modem.socket.close',
] as const;
export type ModemInbound = Accepted<typeof MODEM_ACCEPTS>;

export interface ModemServiceOptions {
  config: ModemConfig;
  timers: Clock;
  /** The byte link for kind 'serial' (given later via attachLink when it comes from the runtime's bridge). */
  link?: ByteLink;
  /** Hardware reset for the AT driver (default: the configured resetGpio line). */
  hardReset?: () => Promise<void>;
  /** Supplies a driver (tests). */
  driver?: ModemDriver;
  emit(msg: ModemOutput): void;
  /** Where modem-socket datagrams and errors go (the socket actor). */
  deliver?(msg: ModemSocketRx | ModemSocketError): void;
  log: { debug(o: object, m?: string): void; info(o: object, m?: string): void; warn(o: object, m?: string): void };
  /**
   * Starts the XState actor from the provided machine (the runtime passes one wired to the inspector; tests a
   * SimulatedClock).
   */
  startActor?: (machine: ModemMachine, input: ModemInput) => Actor<ModemMachine>;
  /** [0, 1) for the retry jitter (default Math.random; tests fix it). */
  random?: () => number;
}

/** The modem machine with the driver's calls as its services (and a jitter source for the retry delays). */
export function modemMachineFor(d: ModemDriver, random?: () => number): ModemMachine {
  return modemMachine.provide({
    actors: {
      powerOn: fromPromise(() => d.powerOn()),
      simReady: fromPromise(() => d.simReady()),
      configureRadio: fromPromise(() => d.configureRadio()),
      registration: fromPromise(() => d.registration()),
      activateData: fromPromise(() => d.activateData()),
      readRadio: fromPromise(() => d.readRadio()),
      recover: fromPromise(({ input }: { input: { level: 'cfun' | 'reset' } }) => d.recover(input.level)),
      identify: fromPromise(async (): Promise<{ changed: boolean }> =>
        d.identify ? { changed: (await d.identify()).changed } : { changed: false },
      ),
    },
    ...(random ? { delays: retryDelays(random) } : {}),
  });
}

/** The machine's input for a driver: data only. */
export function modemInput(d: ModemDriver, cfg: ModemConfig): ModemInput {
  return { cfg, canHardReset: d.canHardReset, hostBearer: d.kind === 'serial' && cfg.dataPath === 'host' };
}

export interface ModemService extends ActorInstance<ModemInbound> {
  attachLink(link: ByteLink): void;
  readonly actor: () => Actor<typeof modemMachine> | undefined;
  readonly driver: () => ModemDriver | undefined;
}

/** The modem service without the worker plumbing: usable in tests with a SimulatedClock and a pty link. */
export function startModemService(o: ModemServiceOptions): ModemService {
  let actor: Actor<typeof modemMachine> | undefined;
  let driver: ModemDriver | undefined;
  let socket: AtUdpSocket | undefined;
  let up = false;
  let lastUp: ModemOutput | undefined;
  const waiters: { resolve(v: unknown): void; reject(e: unknown): void }[] = [];

  const emit = (m: ModemOutput): void => {
    if (m.type === 'network.up') {
      up = true;
      lastUp = m;
      for (const w of waiters.splice(0)) w.resolve({ ok: true });
    } else if (m.type === 'network.down') up = false;
    o.emit(m);
  };

  const start = (d: ModemDriver): void => {
    driver = d;
    actor = o.startActor ? o.startActor(modemMachineFor(d, o.random), modemInput(d, o.config)) : undefined;
    if (!actor) throw new CodedError('INTERNAL', 'startActor missing');
    actor.on('*', (m) => {
      if (m.type === 'modem.poll-failed')
        o.log.warn({ code: m.code, err: m.message, failures: m.failures, of: m.of }, 'modem: signal poll failed');
      else emit(m);
    });
    d.onEvent((ev) => actor?.send(ev));
    if (d instanceof AtModemDriver && o.config.dataPath === 'modem-socket') {
      const s = new AtUdpSocket(d);
      s.onDatagram((g) => o.deliver?.({ type: 'modem.socket.rx', data: g.data, from: g.from }));
      s.onError((code, message) => o.deliver?.({ type: 'modem.socket.error', code, message }));
      socket = s;
    }
  };

  if (o.driver) start(o.driver);
  else if (o.config.kind === 'simulated') start(new SimulatedModem(o.config, o.timers));
  else if (o.link)
    start(
      new AtModemDriver({
        link: o.link,
        config: o.config,
        timers: o.timers,
        log: o.log,
        ...(o.hardReset ? { hardReset: o.hardReset } : {}),
      }),
    );

  return {
    actor: () => actor,
    driver: () => driver,
    attachLink(link) {
      if (driver) {
        o.log.warn({}, 'modem already has a link; ignoring another');
        return;
      }
      start(
        new AtModemDriver({
          link,
          config: o.config,
          timers: o.timers,
          log: o.log,
          ...(o.hardReset ? { hardReset: o.hardReset } : {}),
        }),
      );
    },
    receive(msg: ModemInbound): unknown {
      switch (msg.type) {
        case 'modem.serial-port':
          this.attachLink(portLink(msg.port));
          return undefined;
        case 'modem.reconnect':
          if (!actor) throw new CodedError('MODEM_NOT_READY', 'modem has no serial link yet');
          actor.send({ type: 'modem.reconnect' });
          return new Promise((resolve, reject) => waiters.push({ resolve, reject }));
        case 'modem.status': {
          const radio = actor?.getSnapshot().context.radio;
          // `cell`: the serving cell of the last signal poll (no AT traffic), so watchers can spot a cell change
          // cheaply.
          const cell = radio
            ? { ci: radio.ci, lac: radio.lac, mcc: radio.mcc, mnc: radio.mnc, pci: radio.pci, earfcn: radio.earfcn }
            : undefined;
          return {
            up,
            ...(lastUp?.type === 'network.up' ? { bearer: lastUp.bearer, ip: lastUp.ip } : {}),
            state: actor?.getSnapshot().value ?? 'no-link',
            kind: driver?.kind,
            ...(cell ? { cell } : {}),
          };
        }
        case 'modem.cell-measurements':
          // Serving + neighbour cells (location assistance). Reply { serving: RadioSnapshot, neighbours:
          // NeighbourCell[] }.
          if (!driver) throw new CodedError('MODEM_NOT_READY', 'modem has no serial link yet');
          if (!up) throw new CodedError('MODEM_NOT_ATTACHED', 'no cell measurements while not attached');
          if (!driver.cellMeasurements)
            throw new CodedError('MODEM_NO_CELL_MEASUREMENTS', 'this modem driver cannot measure cells');
          return driver.cellMeasurements();
        case 'modem.socket.open':
        case 'modem.socket.send':
        case 'modem.socket.close':
          if (!socket)
            throw new CodedError(
              'MODEM_NO_SOCKET',
              'modem.dataPath is not modem-socket, or the modem has no socket dialect',
            );
          return socket.handle(msg);
        default:
          return unhandled('modem', msg);
      }
    },
    stop() {
      socket?.dispose();
      for (const w of waiters.splice(0)) w.reject(toWireError(new CodedError('ACTOR_STOPPED', 'modem stopping')));
      actor?.stop();
      driver?.close();
    },
  };
}

export default defineActor({
  machine: modemMachine,
  accepts: MODEM_ACCEPTS,
  create(ctx: ActorContext): ActorInstance {
    const config = parseModemConfig(ctx.config);
    const log = ctx.log.child({ mod: 'modem' });
    const svc = startModemService({
      config,
      timers: backgroundClock,
      log,
      emit: (m) => {
        // A lost link and modem errors are warnings; network.up is news.
        if (m.type === 'network.up') log.info(m, m.type);
        else if (m.type !== 'connectivity.update') log.warn(m, m.type);
        if (m.type === 'connectivity.update') ctx.send(ActorNames.object(4), m);
        else ctx.publish(m);
      },
      deliver: (m) => ctx.send(ActorNames.socket, m),
      startActor: (machine, input) => startMachine(ctx, machine, { input }),
    });
    if (config.kind === 'serial') log.info({ port: config.port }, 'waiting for the serial bridge (modem.serial-port)');
    return svc;
  },
});
