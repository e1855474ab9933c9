// policy.js: when a ground fix request may go out (minimum interval, at most N per hour) and the SDK's retry backoff on
// result code 1. Pure: times are passed in.
// @ts-check

const HOUR_MS = 3_600_000;

/**
 * Rate limit: no request within `minIntervalS` of the last one, at most `maxPerHour` in any sliding hour (0 = no cap).
 * @param {{ minIntervalS: number; maxPerHour: number }} o
 */
export function createRateLimit(o) {
  /** @type {number[]} send times, ms, oldest first */
  const sent = [];
  const prune = (/** @type {number} */ now) => {
    while (sent.length > 0 && sent[0] <= now - HOUR_MS) sent.shift();
  };
  return {
    /** The earliest time (ms) a request may go out, given `now` (== now when allowed at once). @param {number} now */
    nextAllowed(now) {
      prune(now);
      let at = now;
      const last = sent[sent.length - 1];
      if (last !== undefined) at = Math.max(at, last + o.minIntervalS * 1000);
      if (o.maxPerHour > 0 && sent.length >= o.maxPerHour)
        at = Math.max(at, sent[sent.length - o.maxPerHour] + HOUR_MS);
      return at;
    },
    /** @param {number} now */
    record(now) {
      sent.push(now);
    },
    /** Takes back the last record (the request never left: not registered, modem down). @param {number} at */
    unrecord(at) {
      const i = sent.lastIndexOf(at);
      if (i >= 0) sent.splice(i, 1);
    },
    get count() {
      return sent.length;
    },
  };
}

/**
 * Result-code backoff as sdk-nrf location/location_assistance.c: a temporary error (1) schedules a retry in
 * `retry_seconds`, which starts at INITIAL_RETRY_INTERVAL (675 s) and doubles up to MAXIMUM_RETRY_INTERVAL (86400 s);
 * OK (0) resets it; a permanent error (-1) stops requests until restart.
 * @param {{ initialS: number; maxS: number }} o
 */
export function createBackoff(o) {
  let seconds = o.initialS;
  return {
    /** Seconds to wait before this retry; then doubles (capped). */
    next() {
      const s = seconds;
      if (seconds < o.maxS) seconds = Math.min(o.maxS, seconds * 2);
      return s;
    },
    reset() {
      seconds = o.initialS;
    },
    get seconds() {
      return seconds;
    },
  };
}
