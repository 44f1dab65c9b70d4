/**
 * The plain proxy listener's HTTP/1.1 server (see server.ts).
 * @module
 */
export { HTTP1_DEFAULTS, serveHttp1 } from "./server.ts";
export type {
  Http1Handler,
  Http1Limits,
  Http1Options,
  Http1Request,
  Http1Server,
} from "./server.ts";
