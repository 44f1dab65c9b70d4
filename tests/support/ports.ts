/**
 * Free TCP ports for test peers that cannot listen on port 0 themselves (Tomcat reads its ports
 * from server.xml).
 * @module
 */

/**
 * Returns a TCP port on 127.0.0.1 that was free a moment ago: the kernel picks it for a listener
 * on port 0, which is then closed. Another process may still take it before the caller binds,
 * so callers that can must retry on "address in use" (startTomcat does).
 *
 * @example
 * ```ts
 * const port = await freePort();
 * ```
 */
export function freePort(): Promise<number> {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr;
  listener.close();
  return Promise.resolve(port);
}
