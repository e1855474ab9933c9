// device.ts: messages about the device as a whole: error codes for /3/0/11, reboot and factory reset (to the main
// thread).

/**
 * anyone → object:3: adds an error code to /3/0/11 (see objects/device-errors.ts); the server clears all with Execute
 * /3/0/12.
 */
export type DeviceError = { type: 'device.error'; code: number };
/** object:3 → main thread (RUNTIME_ADDRESS): /3/0/4 Reboot: 2.04 first, then a clean stop (cli/reboot.ts). */
export type DeviceReboot = { type: 'device.reboot' };
/** object:3 → main thread: /3/0/5 Factory Reset: 2.04 first, then wipe and restart. */
export type DeviceFactoryReset = { type: 'device.factory-reset' };

export interface DeviceEvents {
  'device.error': DeviceError;
  'device.reboot': DeviceReboot;
  'device.factory-reset': DeviceFactoryReset;
}
