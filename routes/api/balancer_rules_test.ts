import assert from "node:assert/strict";
import { memberIssues } from "./balancer_rules.ts";

const known = new Map([["tomcat-a", "tomcat-a"], ["tomcat-b", "Tomcat-B"]]);

Deno.test("memberIssues: a valid list, names in any case, null routes repeated", () => {
  assert.deepEqual(memberIssues([], known), []);
  assert.deepEqual(
    memberIssues([
      { connection: "TOMCAT-A", route: null },
      { connection: "tomcat-b" },
    ], known),
    [],
  );
  assert.deepEqual(
    memberIssues(
      [{ connection: "tomcat-a", route: "n" }, { connection: "tomcat-b", route: "N" }],
      known,
    ),
    [],
    "routes differing in case are different routes",
  );
});

Deno.test("memberIssues: unknown connection, duplicate connection, duplicate route", () => {
  assert.deepEqual(memberIssues([{ connection: "ghost" }], known), [
    { field: "members.0.connection", message: 'no connection named "ghost"' },
  ]);
  assert.deepEqual(
    memberIssues([
      { connection: "tomcat-b", route: "n1" },
      { connection: "tomcat-a", route: "n1" },
      { connection: "TOMCAT-B", route: "n2" },
    ], known),
    [
      { field: "members.1.route", message: 'route "n1" is already the route of members.0' },
      { field: "members.2.connection", message: 'connection "Tomcat-B" is already members.0' },
    ],
  );
});
