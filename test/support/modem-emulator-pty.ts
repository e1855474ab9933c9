// modem-emulator-pty.ts: the test kit's view of the socat pty pair, which ships in src/modem/emulator/pty.ts.
export { ptyPair, type PtyPair } from '../../src/modem/emulator/pty.js';
