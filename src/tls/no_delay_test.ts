import assert from "node:assert/strict";
import { hasNoDelay, portOfSockaddr, setListenerNoDelay, socketsOnPort } from "./no_delay.ts";

Deno.test("portOfSockaddr reads the port of IPv4 and IPv6 addresses only", () => {
  // family 2 (AF_INET, host order), port 8080 (network order), 127.0.0.1
  assert.equal(portOfSockaddr(new Uint8Array([2, 0, 0x1f, 0x90, 127, 0, 0, 1])), 8080);
  assert.equal(portOfSockaddr(new Uint8Array([10, 0, 0x01, 0xbb, 0, 0, 0, 0])), 443);
  assert.equal(portOfSockaddr(new Uint8Array([1, 0, 0x2f, 0x74, 0x6d, 0x70, 0, 0])), undefined);
});

/** Accepts one connection on `listener` and says whether its socket has TCP_NODELAY. */
async function acceptedHasNoDelay(listener: Deno.TcpListener): Promise<boolean> {
  const port = listener.addr.port;
  const client = await Deno.connect({ hostname: "127.0.0.1", port });
  const accepted = await listener.accept();
  try {
    const fds = [...socketsOnPort(port, false)];
    assert.equal(fds.length, 1, "one accepted socket on the port");
    return hasNoDelay(fds[0]);
  } finally {
    client.close();
    accepted.close();
  }
}

Deno.test({
  name: "setListenerNoDelay gives the connections accepted afterwards TCP_NODELAY",
  ignore: Deno.build.os !== "linux",
  fn: async () => {
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    try {
      assert.deepEqual([...socketsOnPort(listener.addr.port, true)].length, 1);
      assert.equal(await acceptedHasNoDelay(listener), false, "off before");
      assert.equal(setListenerNoDelay(listener.addr.port), undefined);
      assert.equal(await acceptedHasNoDelay(listener), true, "on after");
    } finally {
      listener.close();
    }
  },
});

Deno.test({
  name: "setListenerNoDelay sets the listener that lacks it when two share a port",
  ignore: Deno.build.os !== "linux",
  fn: () => {
    const first = Deno.listen({ hostname: "127.0.0.1", port: 0, reusePort: true });
    const port = first.addr.port;
    const second = Deno.listen({ hostname: "127.0.0.1", port, reusePort: true });
    try {
      assert.equal(setListenerNoDelay(port), undefined);
      assert.equal(setListenerNoDelay(port), undefined);
      assert.deepEqual([...socketsOnPort(port, true)].map(hasNoDelay), [true, true]);
      assert.match(setListenerNoDelay(port) ?? "", /without TCP_NODELAY/);
    } finally {
      first.close();
      second.close();
    }
  },
});

Deno.test("setListenerNoDelay says why when nothing listens on the port", () => {
  const probe = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = probe.addr.port;
  probe.close();
  assert.match(setListenerNoDelay(port) ?? "", /no listening socket|Linux only/);
});
