// security.test.ts: the ETS Security cases: int-401 (UDP channel security, PSK) listed as not supported here, with the reason.
import { etsUnsupported } from './support/ets.js';

etsUnsupported(401, 'UDP Channel Security - Pre-shared Key Mode', 'the suite has no DTLS-PSK server that can play LwM2M server (node-dtls-client is client-only, libcoap\'s DTLS servers cannot answer Register); the device\'s DTLS-PSK transport is tested against coap-server-gnutls in test/actors/socket-dtls.test.ts and test/firmware/pull-coaps.test.ts');
