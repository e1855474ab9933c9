// device-errors.ts: the Device object's Error Code values (/3/0/11): OMA's standard ones (1..8) and this device's own
// (16..32) (the message that adds one: "device.error", src/messages/device.ts).
/** OMA object 3, resource 11: 0 = no error, 1..8 standard, 9..15 reserved, 16..32 device specific. */
export const DeviceErrorCode = {
  lowBattery: 1,
  externalPowerOff: 2,
  gpsFailure: 3,
  lowSignal: 4,
  outOfMemory: 5,
  smsFailure: 6,
  ipConnectivityFailure: 7,
  peripheralMalfunction: 8,
  /**
   * Device specific: the meter's durable state was damaged (its pulse journal unreadable, missing or behind another
   * durable copy). The total went on from the highest durable value; pulses counted after it and before the damage are
   * lost.
   */
  meterStateDamaged: 16,
} as const;
