/**
 * Real Apache Tomcat instances for integration tests. Each instance gets its own CATALINA_BASE
 * in a temporary directory, AJP connectors (and optionally an HTTP one) on free loopback ports,
 * and the test webapp of tests/webapp deployed twice, as ROOT ("") and as "/app".
 *
 * A start takes about 0.7 s, so a test file should start one instance and share it across its
 * steps:
 *
 * ```ts
 * Deno.test({ name: "gateway vs Tomcat", ignore: tomcatAvailable() !== null }, async (t) => {
 *   await using tomcat = await startTomcat({ ajp: [{ name: "main", secret: "s3cret" }] });
 *   await t.step("GET", async () => {
 *     // point the gateway at 127.0.0.1:tomcat.ajpPort("main")
 *   });
 * });
 * ```
 *
 * Webapp endpoints (relative to either context; every method is accepted):
 * - `/probe/*`: JSON of what Tomcat saw (method, requestURI, queryString, scheme, secure,
 *   serverName/Port, remoteAddr/Port/Host, localAddr/Port, protocol, contextPath, servletPath,
 *   pathInfo, remoteUser, authType, headers as [name, value] pairs, attributes (add names with
 *   `?attr=NAME`), contentLength, bodyLength, bodySha256, jvmRoute, sessionId,
 *   requestedSessionId, servedBy, requestCount).
 * - `/basic/*`: as /probe behind Basic auth gate:gatepw, else 401 with WWW-Authenticate.
 * - `/stream?bytes=N[&chunk=K][&flush=1][&delayMs=D][&cl=1]`: byte i is `(i * 31 + 7) & 0xFF`.
 * - `/echo` (body copied back as read), `/sha` (JSON bodyLength, bodySha256, contentLength,
 *   transferEncoding), `/ignore-body` ("ignored", body unread).
 * - `/headers?n=N` (X-Test-i: v-i), `/cookies?n=N` (Set-Cookie ci=vi), `/sleep?ms=N`,
 *   `/status?code=N[&body=text]`, `/redirect?to=URL[&code=302]`.
 * - `/session` (creates one; JSON sessionId, isNew, servedBy, jvmRoute), `/count[?reset=1]`
 *   (JSON requestCount of /probe and /basic for the whole instance; reset answers the value
 *   before zeroing), `/hello.txt` (a static file from the default servlet).
 * @module
 */

import { freePort } from "./ports.ts";
import {
  CATALINA_PROPERTIES,
  DEFAULT_WEB_XML,
  LOGGING_PROPERTIES,
  renderServerXml,
} from "./tomcat_config.ts";
import { tail, TomcatProcess } from "./tomcat_process.ts";
import { buildWebapp } from "./webapp_build.ts";

/** One AJP connector of a test Tomcat. Unset numbers keep Tomcat's defaults. */
export interface AjpConnectorOptions {
  /** How the test refers to the connector, e.g. in {@link TomcatInstance.ajpPort}. */
  name: string;
  /** The connector's `secret`. Default: none. */
  secret?: string;
  /** `packetSize` in bytes. Default 8192 (Tomcat's). */
  packetSize?: number;
  /** `keepAliveTimeout`. Default: Tomcat's (-1, infinite). */
  keepAliveTimeoutMs?: number;
  /** `connectionTimeout`. Default: Tomcat's (-1, infinite). */
  connectionTimeoutMs?: number;
  /** `maxThreads`. Default: Tomcat's (200). */
  maxThreads?: number;
  /** `secretRequired`. Default: true when a secret is set, else false. */
  secretRequired?: boolean;
  /** `allowedRequestAttributesPattern`. Default: Tomcat's (none: unknown attributes get 403). */
  allowedRequestAttributesPattern?: string;
  /** `tomcatAuthentication`. Default: Tomcat's (true: remote_user is ignored). */
  tomcatAuthentication?: boolean;
  /** Any other Connector attributes, written into server.xml as given. */
  extraAttributes?: Record<string, string>;
}

/** What to start. */
export interface TomcatOptions {
  /** The AJP connectors, each on its own free port of 127.0.0.1. */
  ajp: AjpConnectorOptions[];
  /** Also open an HTTP/1.1 connector on 127.0.0.1 (see {@link TomcatInstance.httpPort}). Default false. */
  http?: boolean;
  /** The Engine's jvmRoute, which Tomcat appends to session ids. Default: none. */
  jvmRoute?: string;
  /** The name the webapp reports as `servedBy`. Default: the jvmRoute, else "tomcat". */
  instance?: string;
  /** How long a start or restart may take. Default 60000 ms. */
  startupTimeoutMs?: number;
}

/** A running Tomcat. Dispose it (`await using`) or call {@link stop} when done. */
export interface TomcatInstance {
  /** The port of the AJP connector named `name`; throws for an unknown name. */
  ajpPort(name: string): number;
  /** The HTTP connector's port, or 0 if there is none. */
  readonly httpPort: number;
  /** The JVM's process id (a new one after {@link restart}), 0 once stopped or killed. */
  readonly pid: number;
  /** The instance's CATALINA_BASE (removed by {@link stop}). */
  readonly base: string;
  /** How long the last start or restart took until every connector served, in ms. */
  readonly startupMs: number;
  /** SIGTERM, up to 10 s for a clean shutdown, then SIGKILL; removes the base. Idempotent. */
  stop(): Promise<void>;
  /** SIGKILL, as a crash would; keeps the base so that {@link restart} can bring it back. */
  kill(): Promise<void>;
  /** Stops Tomcat if it runs and starts it again on the same ports. Sessions are not kept. */
  restart(): Promise<void>;
  /** Same as {@link stop}. */
  [Symbol.asyncDispose](): Promise<void>;
  /** Everything Tomcat wrote to stdout and stderr so far (kept after {@link stop}). */
  logs(): Promise<string>;
}

/** Where Tomcat lives: `$AJPGATE_TOMCAT_HOME`, default Debian's /usr/share/tomcat10. */
function tomcatHome(): string {
  return Deno.env.get("AJPGATE_TOMCAT_HOME") ?? "/usr/share/tomcat10";
}

/** `tool` in $JAVA_HOME/bin or on $PATH, or null. */
function findExecutable(tool: string): string | null {
  const javaHome = Deno.env.get("JAVA_HOME");
  const dirs = [
    ...(javaHome ? [`${javaHome}/bin`] : []),
    ...(Deno.env.get("PATH") ?? "").split(":"),
  ];
  for (const dir of dirs) {
    if (!dir) continue;
    try {
      const info = Deno.statSync(`${dir}/${tool}`);
      if (info.isFile && ((info.mode ?? 0o111) & 0o111) !== 0) return `${dir}/${tool}`;
    } catch { /* not here */ }
  }
  return null;
}

/**
 * Answers null when {@link startTomcat} can work here, else why not, so tests can be skipped
 * with a reason: `Deno.test({ ignore: tomcatAvailable() !== null, ... })`.
 */
export function tomcatAvailable(): string | null {
  try {
    const home = tomcatHome();
    for (const file of ["bin/bootstrap.jar", "bin/tomcat-juli.jar", "lib/servlet-api.jar"]) {
      try {
        Deno.statSync(`${home}/${file}`);
      } catch {
        return `tomcat10 is not installed (${home}/${file} is missing): run tests/run.sh as ` +
          `root, or apt-get install tomcat10 default-jdk-headless`;
      }
    }
    for (const tool of ["java", "javac"]) {
      if (!findExecutable(tool)) {
        return `${tool} is not on PATH: apt-get install default-jdk-headless`;
      }
    }
    return null;
  } catch (err) {
    return `cannot tell whether Tomcat is installed: ${(err as Error).message}`;
  }
}

/**
 * Starts a Tomcat with the given connectors and waits until it serves: the log says "Server
 * startup", every AJP port answers CPING with CPONG and, with `http`, both contexts answer over
 * HTTP. Ports are picked free; if one is taken before Tomcat binds it, startup is retried with
 * new ports. Throws with the tail of Tomcat's log if it does not serve within the timeout.
 *
 * @example
 * ```ts
 * await using tomcat = await startTomcat({
 *   ajp: [{ name: "main", secret: "s3cret" }],
 *   http: true,
 *   jvmRoute: "t1",
 * });
 * const res = await fetch(`http://127.0.0.1:${tomcat.httpPort}/probe/x`);
 * ```
 */
export async function startTomcat(options: TomcatOptions): Promise<TomcatInstance> {
  const reason = tomcatAvailable();
  if (reason !== null) throw new Error(`cannot start Tomcat: ${reason}`);
  const names = options.ajp.map((c) => c.name);
  if (new Set(names).size !== names.length) {
    throw new Error(`AJP connector names must be unique; got ${names.join(", ")}`);
  }
  const home = tomcatHome();
  const docBase = await buildWebapp({ servletApiJar: `${home}/lib/servlet-api.jar` });
  const base = await Deno.makeTempDir({ prefix: "ajpgate-tomcat-" });
  try {
    for (const dir of ["conf", "logs", "temp", "work", "webapps"]) {
      await Deno.mkdir(`${base}/${dir}`);
    }
    await Deno.writeTextFile(`${base}/conf/web.xml`, DEFAULT_WEB_XML);
    await Deno.writeTextFile(`${base}/conf/logging.properties`, LOGGING_PROPERTIES);
    await Deno.writeTextFile(`${base}/conf/catalina.properties`, CATALINA_PROPERTIES);
    for (let attempt = 1;; attempt++) {
      const ajpPorts = new Map<string, number>();
      for (const c of options.ajp) ajpPorts.set(c.name, await freePort());
      const httpPort = options.http ? await freePort() : 0;
      await Deno.writeTextFile(
        `${base}/conf/server.xml`,
        renderServerXml({
          ajp: options.ajp.map(({ name, ...rest }) => ({ ...rest, port: ajpPorts.get(name)! })),
          httpPort,
          jvmRoute: options.jvmRoute,
          docBase,
        }),
      );
      const tomcat = new TomcatProcess({
        base,
        ajpPorts,
        httpPort,
        javaArgs: javaArgs(home, base, options),
        startupTimeoutMs: options.startupTimeoutMs ?? 60_000,
      });
      if (await tomcat.start() === "ready") return tomcat;
      if (attempt === 3) {
        throw new Error(
          `Tomcat could not bind its ports in 3 attempts:\n${tail(await tomcat.logs())}`,
        );
      }
    }
  } catch (err) {
    await Deno.remove(base, { recursive: true }).catch(() => {});
    throw err;
  }
}

/** The JVM command line: a small heap and C1 only, because test Tomcats live for seconds. */
function javaArgs(home: string, base: string, options: TomcatOptions): string[] {
  const instance = options.instance ?? options.jvmRoute ?? "tomcat";
  return [
    findExecutable("java")!,
    "-Xmx256m",
    "-XX:TieredStopAtLevel=1",
    "-XX:+UseSerialGC",
    "-Xshare:auto",
    "-XX:-UsePerfData",
    // As catalina.sh does, so that Tomcat's leak detection on shutdown works without warnings.
    "--add-opens=java.base/java.lang=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/java.util=ALL-UNNAMED",
    "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
    "--add-opens=java.rmi/sun.rmi.transport=ALL-UNNAMED",
    `-Dcatalina.home=${home}`,
    `-Dcatalina.base=${base}`,
    `-Djava.io.tmpdir=${base}/temp`,
    "-Djava.util.logging.manager=org.apache.juli.ClassLoaderLogManager",
    `-Djava.util.logging.config.file=${base}/conf/logging.properties`,
    // A connector that cannot bind its port ends the JVM, so startTomcat can retry.
    "-Dorg.apache.catalina.startup.EXIT_ON_INIT_FAILURE=true",
    `-Dajpgate.test.instance=${instance}`,
    // The webapp halts the JVM when this process is gone (tests/webapp ParentWatchdog).
    `-Dajpgate.test.parentPid=${Deno.pid}`,
    // StandardEngine takes its default jvmRoute from this property; the webapp reads it too.
    ...(options.jvmRoute !== undefined ? [`-DjvmRoute=${options.jvmRoute}`] : []),
    // Extra JVM options for debugging, e.g. "-Xlog:class+load" (split on spaces).
    ...(Deno.env.get("AJPGATE_TOMCAT_JAVA_OPTS") ?? "").split(" ").filter((o) => o !== ""),
    "-cp",
    `${home}/bin/bootstrap.jar:${home}/bin/tomcat-juli.jar`,
    "org.apache.catalina.startup.Bootstrap",
    "start",
  ];
}
