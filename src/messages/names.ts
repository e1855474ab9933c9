// names.ts: the names the built-in actors are addressed by.

/** Actor names. Object actors are `object:<objectId>` (built-in and plugin objects alike). */
export const ActorNames = {
  client: 'client',
  socket: 'socket',
  modem: 'modem',
  meter: 'meter',
  firmware: 'firmware',
  object: (objectId: number): string => `object:${objectId}`,
} as const;
