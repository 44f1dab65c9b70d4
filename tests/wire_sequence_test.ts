/**
 * The AJP packets each kind of request puts on the wire, watched by a relay between the
 * gateway and the real Tomcat: a request without a body is one FORWARD_REQUEST (it carries
 * `content-length: 0`, so Tomcat never asks for a body), a small body with a known length goes
 * out whole with the request (its end packet included) and Tomcat's asks find it there, a
 * larger one goes out with its first packet unasked, and a body of unknown length (chunked,
 * HTTP/2 without content-length) is sent only as Tomcat asks for it. Over HTTP/1.1 and
 * HTTP/2 with TLS.
 */
import assert from "node:assert/strict";
import { connect as h2connect } from "node:http2";
import { startAjpRelay, type WireEvent } from "./support/ajp_relay.ts";
import { makeCerts, tlsArgs } from "./support/certs.ts";
import { startTestGateway } from "./support/gateway.ts";
import { rawRequest } from "./support/raw_http.ts";
import { startTomcat, tomcatAvailable } from "./support/tomcat.ts";

const SECRET = "wire-secret";
const BODY = 20_000;

const sent = (events: WireEvent[]) => events.filter((e) => e.startsWith(">"));
const asks = (events: WireEvent[]) => events.filter((e) => e === "< GET_BODY_CHUNK").length;
const bodyBytes = (events: WireEvent[]) =>
  sent(events).filter((e) => e.startsWith("> body ")).reduce((n, e) => n + Number(e.slice(7)), 0);

/** A body-less exchange: FORWARD_REQUEST alone out, headers and END_RESPONSE back. */
function assertBodyless(events: WireEvent[]): void {
  assert.deepEqual(sent(events), ["> FORWARD_REQUEST"], events.join(", "));
  assert.equal(asks(events), 0, events.join(", "));
  assert.equal(events.at(-1), "< END_RESPONSE");
}

/** A known-length body: its first packet unasked, then one packet per GET_BODY_CHUNK. */
function assertKnownLength(events: WireEvent[], length: number): void {
  const out = sent(events);
  assert.equal(out[0], "> FORWARD_REQUEST");
  assert.equal(events[1], `> body ${Math.min(length, 8186)}`, events.join(", "));
  assert.equal(bodyBytes(events), length);
  assert.equal(asks(events), out.length - 2, events.join(", "));
}

/** The packets the gateway sent before Tomcat's first answer or request. */
const sentAhead = (events: WireEvent[]) => {
  const first = events.findIndex((e) => e.startsWith("<"));
  return events.slice(0, first < 0 ? events.length : first);
};

/** A body of unknown length: nothing before Tomcat asks, an empty packet to end it. */
function assertAskedFor(events: WireEvent[], length: number): void {
  assert.equal(events[0], "> FORWARD_REQUEST");
  assert.equal(events[1], "< GET_BODY_CHUNK", events.join(", "));
  assert.equal(bodyBytes(events), length);
  assert.equal(sent(events).at(-1), "> body 0", events.join(", "));
  assert.equal(asks(events), sent(events).length - 1, events.join(", "));
}

const pattern = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 7) & 0xff);

Deno.test({
  name: "AJP wire sequence: one FORWARD_REQUEST per body-less request, bodies only as framed",
  ignore: tomcatAvailable() !== null,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    await using tomcat = await startTomcat({ ajp: [{ name: "ajp", secret: SECRET }] });
    await using relay = startAjpRelay(tomcat.ajpPort("ajp"));
    const pass = `/app ajp://127.0.0.1:${relay.port}/app secret=${SECRET}`;
    await using gw = await startTestGateway([pass]);
    const port = gw.proxyAddr.port;

    /** Runs `request`, then returns the packets it caused. */
    const wire = async (request: () => Promise<void>) => {
      relay.clear();
      await request();
      return [...relay.events];
    };
    const raw = async (head: string, body?: Uint8Array, status = 200) => {
      const r = await rawRequest(port, head + "\r\nHost: 127.0.0.1\r\nConnection: close", body);
      assert.equal(r.status, status, r.raw.slice(0, 300));
      return r;
    };

    await t.step("GET", async () => {
      assertBodyless(await wire(() => raw("GET /app/echo HTTP/1.1").then(() => {})));
    });
    await t.step("HEAD", async () => {
      assertBodyless(await wire(() => raw("HEAD /app/probe/x HTTP/1.1").then(() => {})));
    });
    await t.step("GET with Content-Length: 0", async () => {
      assertBodyless(
        await wire(() => raw("GET /app/echo HTTP/1.1\r\nContent-Length: 0").then(() => {})),
      );
    });
    await t.step("POST without a body or framing headers", async () => {
      assertBodyless(await wire(() => raw("POST /app/echo HTTP/1.1").then(() => {})));
    });
    await t.step("POST with a 20,000-byte body", async () => {
      const body = pattern(BODY);
      const events = await wire(async () => {
        const r = await raw(`POST /app/echo HTTP/1.1\r\nContent-Length: ${BODY}`, body);
        assert.deepEqual(r.body, body);
      });
      assertKnownLength(events, BODY);
    });
    await t.step(
      "POST with an 8,192-byte body: sent whole at once, the socket reused",
      async () => {
        const body = pattern(8192);
        const events = await wire(async () => {
          const r = await raw("POST /app/echo HTTP/1.1\r\nContent-Length: 8192", body);
          assert.deepEqual(r.body, body);
        });
        const ahead = ["> FORWARD_REQUEST", "> body 8186", "> body 6", "> body 0"];
        assert.deepEqual(sentAhead(events), ahead, events.join(", "));
        assert.deepEqual(sent(events), ahead, "nothing sent after Tomcat's asks");
        assert.equal(asks(events), 2, "Tomcat still asks for each packet after the first");
        const opened = relay.opened;
        assertBodyless(await wire(() => raw("GET /app/echo HTTP/1.1").then(() => {})));
        assert.equal(relay.opened, opened, "the next request reuses the socket");
      },
    );
    await t.step(
      "a small body the servlet never reads: its socket is closed, not reused",
      async () => {
        const events = await wire(() =>
          raw("POST /app/ignore-body HTTP/1.1\r\nContent-Length: 5000", pattern(5000)).then(
            () => {},
          )
        );
        assert.deepEqual(sentAhead(events), ["> FORWARD_REQUEST", "> body 5000", "> body 0"]);
        assert.equal(asks(events), 0, events.join(", "));
        const opened = relay.opened;
        assertBodyless(await wire(() => raw("GET /app/echo HTTP/1.1").then(() => {})));
        assert.equal(
          relay.opened,
          opened + 1,
          "the end packet Tomcat never read went with its socket",
        );
      },
    );
    await t.step("chunked POST", async () => {
      const body = pattern(BODY);
      const events = await wire(async () => {
        const r = await fetch(gw.url("/app/echo"), {
          method: "POST",
          body: new ReadableStream({
            start(c) {
              c.enqueue(body.subarray(0, 5000));
              c.enqueue(body.subarray(5000));
              c.close();
            },
          }),
          duplex: "half",
        } as RequestInit);
        assert.deepEqual(new Uint8Array(await r.arrayBuffer()), body);
      });
      assertAskedFor(events, BODY);
    });
    await t.step("a GET with a Content-Length body forwards it like a POST", async () => {
      const events = await wire(async () => {
        const r = await raw("GET /app/echo HTTP/1.1\r\nContent-Length: 1", new Uint8Array([120]));
        assert.deepEqual(r.body, new Uint8Array([120]));
      });
      assertKnownLength(events, 1);
    });
    await t.step("a chunked GET body reaches Tomcat", async () => {
      const chunked = new TextEncoder().encode("3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n");
      const events = await wire(async () => {
        const r = await raw("GET /app/echo HTTP/1.1\r\nTransfer-Encoding: chunked", chunked);
        assert.equal(new TextDecoder().decode(r.body), "abcde");
      });
      assertAskedFor(events, 5);
    });

    await using certs = await makeCerts();
    await using tls = await startTestGateway([pass], {
      args: tlsArgs(certs),
    });
    const session = h2connect(`https://127.0.0.1:${tls.proxyAddr.port}`, { ca: certs.ca });
    const h2 = (headers: Record<string, string>, body?: Uint8Array) =>
      new Promise<Uint8Array>((resolve, reject) => {
        const req = session.request(headers, { endStream: body === undefined });
        const chunks: Uint8Array[] = [];
        req.on("data", (d: Uint8Array) => chunks.push(new Uint8Array(d)));
        req.on("end", () => {
          const all = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
          let at = 0;
          for (const c of chunks) all.set(c, (at += c.length) - c.length);
          resolve(all);
        });
        req.on("error", reject);
        if (body !== undefined) req.end(body);
      });
    try {
      await t.step("HTTP/2 GET over TLS", async () => {
        assertBodyless(await wire(() => h2({ ":path": "/app/echo" }).then(() => {})));
      });
      await t.step("HTTP/2 POST that ends with its HEADERS frame", async () => {
        assertBodyless(
          await wire(() => h2({ ":method": "POST", ":path": "/app/echo" }).then(() => {})),
        );
      });
      await t.step("HTTP/2 POST with content-length", async () => {
        const body = pattern(BODY);
        const events = await wire(async () => {
          const got = await h2(
            { ":method": "POST", ":path": "/app/echo", "content-length": String(BODY) },
            body,
          );
          assert.deepEqual(got, body);
        });
        assertKnownLength(events, BODY);
      });
      await t.step("HTTP/2 POST without content-length", async () => {
        const body = pattern(BODY);
        const events = await wire(async () => {
          const got = await h2({ ":method": "POST", ":path": "/app/echo" }, body);
          assert.deepEqual(got, body);
        });
        assertAskedFor(events, BODY);
      });
    } finally {
      session.close();
    }
  },
});
