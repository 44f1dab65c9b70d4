/**
 * The web console of the management listener; see `app.tsx`.
 * @module
 */
export { type ConsoleDeps, createConsoleApp } from "./app.tsx";
export { SESSION_COOKIE, SESSION_TOKEN_NAME } from "./session.ts";
