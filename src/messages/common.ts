// common.ts: reply shapes shared by several message domains.

/** The plain acknowledgement of a request that has nothing else to say. */
export type Ok = { ok: true };
