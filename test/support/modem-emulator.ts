// modem-emulator.ts: the test kit's view of the modem emulator, which ships in src/modem/emulator/ (`lwm2m-meter
// modem-emulator`).
export { ModemEmulator, type EmulatedProfile } from '../../src/modem/emulator/emulator.js';
