// modem.actor.ts: hosts the modem machine: picks the driver (simulated, or AT over the bridged serial port), publishes
// network.*, feeds object:4.
import { createActor, fromPromise, type Actor } from 'xstate';
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
import { gnssMachine, type GnssMachine, type GnssMachineInput } from '../modem/gnss/machine.js';
import type { GnssFix } from '../modem/gnss/types.js';
import { startMachine } from '../runtime/inspect.js';
import { defineActor, type ActorContext, type ActorInstance } from '../runtime/actor-api.js';
import { unhandled } from '../runtime/dispatch.js';
import {
  ActorNames,
  type Accepted,
  type ClientRfHold,
  type ClientRfRelease,
  type ModemSocketError,
  type ModemSocketRx,
} from '../messages/index.js';

/** The messages the modem actor takes (the host refuses others before `receive`). */
export const MODEM_ACCEPTS = [
  'modem.serial-port',
  'modem.reconnect',
  'modem.status',
  'modem.cell-measurements',
  'modem.socket.open',
  'modem.socket.send',
  'modem.socket.close',
  'modem.gnss.fix',
  'modem.gnss.need',
  'modem.gnss.inject',
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
  /** Asks the client for the RF (client.rf-hold / client.rf-release) around a fix of an exclusive receiver. */
  rf?: (msg: ClientRfHold | ClientRfRelease) => Promise<unknown>;
  /** Starts the GNSS machine (default: createActor on `timers`; the runtime's is wired to the inspector). */
  startGnssActor?: (machine: GnssMachine, input: GnssMachineInput) => Actor<GnssMachine>;
}

/** Added to a fix's timeout in the RF hold asked of the client: receiver start and stop, the release message. */
export const RF_HOLD_MARGIN_MS = 10_000;

/** The GNSS machine with the driver's fix and the client's RF hold as its services. */
export function gnssMachineFor(driver: () => ModemDriver | undefined, rf: ModemServiceOptions['rf']): GnssMachine {
  const noRf = (): Promise<never> =>
    Promise.reject(new CodedError('GNSS_RF_REFUSED', 'no client to hold the RF for an exclusive GNSS receiver'));
  return gnssMachine.provide({
    actors: {
      holdRf: fromPromise(({ input }: { input: { maxMs: number } }) =>
        rf ? rf({ type: 'client.rf-hold', maxMs: input.maxMs, reason: 'gnss' }) : noRf(),
      ),
      acquire: fromPromise(
        ({ input, signal }: { input: { timeoutMs: number; accuracyM?: number }; signal: AbortSignal }) => {
          const d = driver();
          if (!d?.gnssFix) return Promise.reject(new CodedError('MODEM_NO_GNSS', 'this modem drives no GNSS receiver'));
          return d.gnssFix(input, signal);
        },
      ),
      releaseRf: fromPromise(() => (rf ? rf({ type: 'client.rf-release' }) : Promise.resolve())),
    },
  });
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
  /** The caller of the GNSS fix in progress (one at a time). */
  let gnssWaiter: { resolve(v: GnssFix): void; reject(e: unknown): void } | undefined;
  const gnssInput = { holdMarginMs: RF_HOLD_MARGIN_MS };
  const startGnss =
    o.startGnssActor ??
    ((m: GnssMachine, input: GnssMachineInput) => createActor(m, { input, clock: o.timers }).start());
  const gnss = startGnss(
    gnssMachineFor(() => driver, o.rf),
    gnssInput,
  );
  gnss.on('modem.gnss.done', ({ result }) => {
    const w = gnssWaiter;
    gnssWaiter = undefined;
    if ('fix' in result) w?.resolve(result.fix);
    else w?.reject(new CodedError(result.error.code, result.error.message));
  });
  /** The driver's GNSS receiver, or MODEM_NO_GNSS. */
  const gnssDriver = (): ModemDriver & Required<Pick<ModemDriver, 'gnssFix' | 'gnssNeed' | 'gnssInject'>> => {
    if (!driver) throw new CodedError('MODEM_NOT_READY', 'modem has no serial link yet');
    const info = driver.gnssInfo?.();
    if (!info || !driver.gnssFix || !driver.gnssNeed || !driver.gnssInject)
      throw new CodedError('MODEM_NO_GNSS', 'this modem drives no GNSS receiver');
    return driver as ModemDriver & Required<Pick<ModemDriver, 'gnssFix' | 'gnssNeed' | 'gnssInject'>>;
  };

  const emit = (m: ModemOutput): void => {
    if (m.type === 'network.up') {
      up = true;
      lastUp = m;
      for (const w of waiters.splice(0)) w.resolve({ ok: true });
    } else if (m.type === 'network.down') {
      up = false;
      gnss.send({ type: 'network.down', reason: m.reason });
    }
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
        case 'modem.gnss.fix': {
          const d = gnssDriver();
          if (!up) throw new CodedError('MODEM_NOT_READY', 'no GNSS fix while the modem is not online');
          if (gnssWaiter || !gnss.getSnapshot().matches('idle'))
            throw new CodedError('GNSS_BUSY', 'a GNSS fix attempt is running');
          const info = d.gnssInfo?.();
          return new Promise<GnssFix>((resolve, reject) => {
            gnssWaiter = { resolve, reject };
            gnss.send({
              type: 'modem.gnss.fix',
              timeoutMs: msg.timeoutMs,
              rf: info?.rf ?? 'exclusive',
              ...(msg.accuracyM !== undefined ? { accuracyM: msg.accuracyM } : {}),
            });
          });
        }
        case 'modem.gnss.need': {
          const d = gnssDriver();
          const info = d.gnssInfo?.();
          return d.gnssNeed().then((need) => ({ ...need, format: info?.assistanceFormat, rf: info?.rf }));
        }
        case 'modem.gnss.inject':
          return gnssDriver()
            .gnssInject(msg.data)
            .then(() => ({ ok: true }) as const);
        default:
          return unhandled('modem', msg);
      }
    },
    stop() {
      socket?.dispose();
      for (const w of waiters.splice(0)) w.reject(toWireError(new CodedError('ACTOR_STOPPED', 'modem stopping')));
      gnssWaiter?.reject(new CodedError('ACTOR_STOPPED', 'modem stopping'));
      gnssWaiter = undefined;
      gnss.stop();
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
      // A hold may wait for the client's exchange in flight: the request may take up to the hold itself.
      rf: (m) =>
        m.type === 'client.rf-hold'
          ? ctx.request(ActorNames.client, m, { timeoutMs: m.maxMs })
          : ctx.request(ActorNames.client, m),
      startActor: (machine, input) => startMachine(ctx, machine, { input }),
      startGnssActor: (machine, input) => startMachine(ctx, machine, { input }),
    });
    if (config.kind === 'serial') log.info({ port: config.port }, 'waiting for the serial bridge (modem.serial-port)');
    return svc;
  },
});
