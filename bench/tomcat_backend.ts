/**
 * The benchmark's Tomcat, through the test harness (tests/support/tomcat.ts): an HTTP
 * connector (the "Tomcat direct" front) and two AJP connectors with a secret, one with
 * packetSize 8192 and one with 65536, all sized for 256 concurrent connections.
 * @module
 */

import { startTomcat, type TomcatInstance } from "../tests/support/tomcat.ts";

/** Connector names in {@link TomcatInstance.ajpPort}. */
export const AJP_8K = "ajp8k";
export const AJP_64K = "ajp64k";

/** Worker threads per connector: more than the 256 connections of the largest scenario. */
const MAX_THREADS = 400;

/**
 * JVM options for a run of minutes, appended after the harness's test-oriented ones (a
 * 256 MiB heap and C1 only), which they override: a fixed 1 GiB heap and the C2 compiler.
 * The harness's serial GC stays (a second collector flag would be a conflict).
 */
export const BENCH_JAVA_OPTS = "-Xms1g -Xmx1g -XX:TieredStopAtLevel=4";

/** What the benchmark needs of Tomcat. */
export interface BenchTomcat {
  readonly instance: TomcatInstance;
  readonly httpPort: number;
  readonly ajp8kPort: number;
  readonly ajp64kPort: number;
}

/**
 * Starts Tomcat. The harness's HTTP connector uses Tomcat's defaults (200 threads, and a
 * connection closed after 100 requests), which would make "Tomcat direct" reconnect where the
 * AJP fronts keep their connections; so its server.xml entry gets `maxThreads` and unlimited
 * `maxKeepAliveRequests` and Tomcat is restarted once on the same ports.
 */
export async function startBenchTomcat(secret: string): Promise<BenchTomcat> {
  const previous = Deno.env.get("AJPGATE_TOMCAT_JAVA_OPTS");
  Deno.env.set("AJPGATE_TOMCAT_JAVA_OPTS", `${BENCH_JAVA_OPTS} ${previous ?? ""}`.trim());
  const common = {
    secret,
    maxThreads: MAX_THREADS,
    extraAttributes: { maxConnections: "2048", acceptCount: "512" },
  };
  let instance: TomcatInstance;
  try {
    instance = await startTomcat({
      ajp: [
        { name: AJP_8K, packetSize: 8192, ...common },
        { name: AJP_64K, packetSize: 65536, ...common },
      ],
      http: true,
      instance: "bench",
    });
    try {
      await tuneHttpConnector(instance);
      await instance.restart();
    } catch (err) {
      await instance.stop();
      throw err;
    }
  } finally {
    if (previous === undefined) Deno.env.delete("AJPGATE_TOMCAT_JAVA_OPTS");
    else Deno.env.set("AJPGATE_TOMCAT_JAVA_OPTS", previous);
  }
  return {
    instance,
    httpPort: instance.httpPort,
    ajp8kPort: instance.ajpPort(AJP_8K),
    ajp64kPort: instance.ajpPort(AJP_64K),
  };
}

/** Adds the benchmark's attributes to the HTTP/1.1 Connector of the instance's server.xml. */
async function tuneHttpConnector(instance: TomcatInstance): Promise<void> {
  const path = `${instance.base}/conf/server.xml`;
  const xml = await Deno.readTextFile(path);
  const tuned = xml.replace(
    'protocol="HTTP/1.1"',
    `protocol="HTTP/1.1" maxThreads="${MAX_THREADS}" maxKeepAliveRequests="-1" ` +
      'maxConnections="2048" acceptCount="512"',
  );
  if (tuned === xml) throw new Error(`${path} has no HTTP/1.1 connector to tune`);
  await Deno.writeTextFile(path, tuned);
}
