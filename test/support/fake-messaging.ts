// fake-messaging.ts: the messaging part of a hand-made ActorContext for tests: one set of functions serves the typed
// form and the open one (ctx.open).
import type { ActorContext } from '../../src/runtime/actor-api.js';
import type { WireMessage } from '../../src/runtime/wire.js';

export interface FakeMessaging {
  send?(to: string, msg: WireMessage): unknown;
  request?(to: string, msg: WireMessage, opts?: { timeoutMs?: number }): unknown;
  publish?(msg: WireMessage): unknown;
}

/**
 * send / request / publish (and `open`) from plain functions; a missing one does nothing (request: rejects
 * ACTOR_UNAVAILABLE-like).
 */
export function fakeMessaging(m: FakeMessaging): Pick<ActorContext, 'send' | 'request' | 'publish' | 'open'> {
  const f = {
    send: (to: string, msg: WireMessage): void => {
      m.send?.(to, msg);
    },
    // the reply is whatever the fake answers: typed by the caller's message, as the worker does
    request: <R>(to: string, msg: WireMessage, opts?: { timeoutMs?: number }): Promise<R> =>
      (m.request
        ? Promise.resolve(m.request(to, msg, opts))
        : Promise.reject(new Error(`no actor ${to}`))) as Promise<R>,
    publish: (msg: WireMessage): void => {
      m.publish?.(msg);
    },
  };
  return { ...f, open: f };
}
