/**
 * A balancer at run time: members (connections with a load factor, a jvmRoute and a
 * status), a method (byrequests: smooth weighted round robin; bytraffic: fewest bytes per
 * load factor; bybusyness: fewest exchanges in flight per load factor), sticky sessions
 * and failover. A member is tried at most once per request, and only while the exchange
 * says the request can still be replayed.
 * @module
 */
import { GatewayError } from "./errors.ts";
import { type StickyNames, stickyRouteOf } from "./sticky_route.ts";
import type { RouteTarget, Upstream, UpstreamRequest } from "./upstream.ts";

/** How a member takes part: `draining` keeps its sessions but gets no new ones; `standby`
 * is used only when no active member is usable; `disabled` is never used. */
export type MemberStatus = "active" | "disabled" | "draining" | "standby";

/** Balancing methods, as in mod_proxy_balancer. */
export type BalancerMethod = "byrequests" | "bytraffic" | "bybusyness";

/** A member at run time. */
export interface Member {
  upstream: Upstream;
  /** 1-100. */
  loadFactor: number;
  /** The backend's jvmRoute; sent as AJP jvm_route. */
  route: string | null;
  status: MemberStatus;
  /** Smooth weighted round robin state. */
  current: number;
  /** Requests sent to this member by this balancer. */
  elected: number;
}

/** Balancer settings. */
export interface BalancerSettings {
  name: string;
  method: BalancerMethod;
  /** Null: not sticky. */
  sticky: StickyNames | null;
  /** Answer 503 instead of moving a sticky session to another member. */
  stickyForce: boolean;
  enabled: boolean;
}

/** See module doc. */
export class Balancer implements RouteTarget {
  readonly members: Member[];

  constructor(
    readonly settings: BalancerSettings,
    members: Omit<Member, "current" | "elected">[],
  ) {
    this.members = members.map((m) => ({ ...m, current: 0, elected: 0 }));
  }

  get name(): string {
    return this.settings.name;
  }

  /** Sends the request to a member, failing over while the request can be replayed. */
  async send(req: UpstreamRequest): Promise<Response> {
    const { sticky, name } = this.settings;
    if (!this.settings.enabled) {
      throw new GatewayError("unavailable", `balancer "${name}" is disabled`, { retryAfter: 5 });
    }
    const route = sticky ? stickyRouteOf(sticky, req.headers.get("cookie"), req.path) : null;
    const tried = new Set<Member>();
    let last: GatewayError | null = null;
    for (;;) {
      const member = this.choose(route, tried);
      if (member === "forced") {
        throw new GatewayError(
          "unavailable",
          `balancer "${name}": member for session route "${route}" is unavailable`,
          { retryAfter: 5 },
        );
      }
      if (!member) {
        throw last ?? new GatewayError("unavailable", `balancer "${name}": no usable member`, {
          retryAfter: 5,
        });
      }
      tried.add(member);
      member.elected++;
      req.jvmRoute = member.route ?? undefined;
      try {
        return await member.upstream.send(req);
      } catch (err) {
        if (!(err instanceof GatewayError) || err.retry !== "other_member") throw err;
        member.upstream.markError(err.message);
        last = new GatewayError(err.kind, err.message, { retryAfter: err.retryAfter });
      }
    }
  }

  /**
   * The member for this attempt: the sticky one while usable; else (unless forced) the
   * best active member by the method; else a standby one. "forced" = sticky member down
   * with stickyForce.
   */
  choose(route: string | null, tried: ReadonlySet<Member>): Member | "forced" | null {
    if (route !== null) {
      const owner = this.members.find((m) => m.route === route && m.status !== "disabled");
      if (owner) {
        if (!tried.has(owner) && usable(owner)) return owner;
        if (this.settings.stickyForce) return "forced";
      }
    }
    const ready = (status: MemberStatus) =>
      this.members.filter((m) => m.status === status && !tried.has(m) && usable(m));
    let candidates = ready("active");
    if (candidates.length === 0) candidates = ready("standby");
    if (candidates.length === 0) return null;
    return this.pick(candidates);
  }

  private pick(candidates: Member[]): Member {
    switch (this.settings.method) {
      case "bytraffic":
        return this.roundRobin(lowest(candidates, (m) => traffic(m) / m.loadFactor));
      case "bybusyness":
        return this.roundRobin(lowest(candidates, (m) => m.upstream.inFlight / m.loadFactor));
      default:
        return this.roundRobin(candidates);
    }
  }

  /** Smooth weighted round robin: exact proportions, evenly interleaved. */
  private roundRobin(candidates: Member[]): Member {
    let total = 0;
    let best = candidates[0];
    for (const m of candidates) {
      m.current += m.loadFactor;
      total += m.loadFactor;
      if (m.current > best.current) best = m;
    }
    best.current -= total;
    return best;
  }
}

function usable(m: Member): boolean {
  return m.upstream.enabled && m.upstream.state !== "error";
}

function traffic(m: Member): number {
  return m.upstream.counters.bytesIn + m.upstream.counters.bytesOut;
}

/** The members sharing the lowest score; ties then go round robin. */
function lowest(items: Member[], score: (m: Member) => number): Member[] {
  let best: Member[] = [];
  let bestScore = Infinity;
  for (const m of items) {
    const s = score(m);
    if (s < bestScore) {
      best = [m];
      bestScore = s;
    } else if (s === bestScore) {
      best.push(m);
    }
  }
  return best;
}
