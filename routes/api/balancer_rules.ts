/**
 * The rules of a balancer's member list that span members or need the store: each member
 * names an existing connection, no connection appears twice (in any case), and no route
 * (jvmRoute) appears twice, since a session's route must lead to one member.
 * @module
 */
import type { FieldError } from "./problem.ts";

/** A member as the rules see it. */
export interface MemberShape {
  connection: string;
  route?: string | null;
}

/**
 * Every broken rule, named by field (`members.2.connection`); empty when the list is valid.
 * `connections` maps each existing connection's lower-case name to its name.
 *
 * @example
 * memberIssues([{ connection: "a" }, { connection: "A" }], new Map([["a", "a"]]));
 * // [{ field: "members.1.connection", message: 'connection "a" is already members.0' }]
 */
export function memberIssues(
  members: readonly MemberShape[],
  connections: ReadonlyMap<string, string>,
): FieldError[] {
  const issues: FieldError[] = [];
  const seenConnection = new Map<string, number>();
  const seenRoute = new Map<string, number>();
  members.forEach((m, i) => {
    const name = connections.get(m.connection.toLowerCase());
    if (name === undefined) {
      issues.push({
        field: `members.${i}.connection`,
        message: `no connection named "${m.connection}"`,
      });
    } else {
      const first = seenConnection.get(name);
      if (first === undefined) seenConnection.set(name, i);
      else {
        issues.push({
          field: `members.${i}.connection`,
          message: `connection "${name}" is already members.${first}`,
        });
      }
    }
    // routes compare exactly: the proxy matches a session's route case-sensitively
    if (m.route === undefined || m.route === null) return;
    const first = seenRoute.get(m.route);
    if (first === undefined) seenRoute.set(m.route, i);
    else {
      issues.push({
        field: `members.${i}.route`,
        message: `route "${m.route}" is already the route of members.${first}`,
      });
    }
  });
  return issues;
}
