/**
 * Request and response schemas of balancers. Requests are strict: an unknown field, also
 * inside a member, is a 422 naming it. Rules across members (each connection and each
 * route at most once) and rules needing the store (the connection exists) are checked in
 * `balancer_rules.ts`, after the caller's role on the balancer.
 * @module
 */
import { z } from "@hono/zod-openapi";
import { objectName, plainText } from "./fields.ts";
import { UPSTREAM_STATES } from "../../src/proxy/upstream.ts";

/** The most members one balancer may list. */
export const MAX_MEMBERS = 100;

const method = z.enum(["byrequests", "bytraffic", "bybusyness"]);
const memberStatus = z.enum(["active", "disabled", "draining", "standby"]);

const loadFactorMessage = "must be an integer from 1 to 100";

/** "COOKIE" or "COOKIE|param", as mod_proxy_balancer's `stickysession`. */
const stickySession = z.string().regex(
  /^[A-Za-z0-9._-]{1,64}(\|[A-Za-z0-9._-]{1,64})?$/,
  'must be a cookie name or "cookie|param", each 1-64 characters of A-Z a-z 0-9 . _ -',
).openapi({ example: "JSESSIONID|jsessionid" });

/** One member as given in a POST or PATCH. */
export const memberInput = z.strictObject({
  connection: objectName.openapi({ description: "A connection's name (any case)." }),
  loadFactor: z.int(loadFactorMessage).min(1, loadFactorMessage).max(100, loadFactorMessage)
    .optional().openapi({ description: "Share of the traffic, 1-100; default 1." }),
  route: objectName.nullable().optional().openapi({
    description: "The backend's jvmRoute, matched against the part of the session id " +
      'after its first "."; unique in the balancer; default null.',
  }),
  status: memberStatus.optional().openapi({
    description: 'Default "active". "draining" keeps its sticky sessions but gets no new ' +
      'ones; "standby" is used only when no active member is usable; "disabled" never.',
  }),
}).openapi("BalancerMemberInput");

const common = {
  method: method.optional().openapi({ description: 'Default "byrequests".' }),
  stickySession: stickySession.nullable().optional().openapi({
    description: "Session cookie, or cookie|path parameter, carrying the route; " +
      "the parameter defaults to the cookie name in lower case. Default null: sticky on " +
      '"JSESSIONID|jsessionid" when any member declares a route (as mod_jk), else not sticky.',
  }),
  stickyForce: z.boolean().optional().openapi({
    description: "Answer 503 rather than move a sticky session off its member; default false.",
  }),
  enabled: z.boolean().optional().openapi({ description: "Default true." }),
  description: plainText(1024, true).nullable().optional(),
  members: z.array(memberInput).max(MAX_MEMBERS, `must list at most ${MAX_MEMBERS} members`)
    .optional().openapi({
      description: "Needs a role on each member connection. In a PATCH it replaces the list.",
    }),
};

/** POST /balancers. */
export const balancerCreate = z.strictObject({ name: objectName, ...common })
  .openapi("BalancerCreate");

/** PATCH /balancers/{name}: every field optional. */
export const balancerPatch = z.strictObject({ name: objectName.optional(), ...common })
  .openapi("BalancerPatch");

/** A member as shown: its settings and the live state of its connection. */
export const memberView = z.object({
  connection: z.string(),
  loadFactor: z.int(),
  route: z.string().nullable(),
  status: memberStatus,
  state: z.enum(UPSTREAM_STATES)
    .openapi({ description: "Live state of the member's connection." }),
  error: z.object({ message: z.string(), since: z.string() }).nullable(),
}).openapi("BalancerMember");

/** A balancer as shown: stored settings, members with live state, references, owners. */
export const balancerView = z.object({
  id: z.int(),
  name: z.string(),
  method,
  stickySession: z.string().nullable(),
  stickyForce: z.boolean(),
  enabled: z.boolean(),
  description: z.string().nullable(),
  members: z.array(memberView),
  createdAt: z.string(),
  updatedAt: z.string(),
  references: z.array(z.string()).openapi({ description: "Ids of the routes using it." }),
  usedBy: z.array(z.string()).openapi({
    description: 'The routes using it, as people name them: "route HOST/PREFIX".',
    example: ["route /shop"],
  }),
  owners: z.array(z.string()),
}).openapi("Balancer");

/** The response type of a balancer. */
export type BalancerView = z.infer<typeof balancerView>;

/** A member as given in a request. */
export type MemberInput = z.infer<typeof memberInput>;

/** Path parameter `{name}`. */
export const balancerNameParam = z.object({
  name: z.string().openapi({ param: { name: "name", in: "path" }, example: "app-lb" }),
});
