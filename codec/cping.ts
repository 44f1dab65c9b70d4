/**
 * CPING and CPONG, the liveness probe (T AjpProcessor.service, bug 63859). A paused Tomcat
 * closes instead of answering, so CPING also probes for draining.
 * @module
 */

/** CPING, proxy to container: code 10 (0x0A). Shared: do not modify. */
export const CPING_PACKET: Uint8Array = new Uint8Array([0x12, 0x34, 0x00, 0x01, 0x0a]);

/** CPONG, container to proxy: code 9. Shared: do not modify. */
export const CPONG_PACKET: Uint8Array = new Uint8Array([0x41, 0x42, 0x00, 0x01, 0x09]);
