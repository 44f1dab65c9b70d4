import assert from "node:assert/strict";
import { DbConflictError, DbNotFoundError } from "./errors.ts";
import { namedRows } from "./named_rows.ts";
import { openStore } from "../tests/support/db_store.ts";

Deno.test("namedRows: finds a row in any case, else DbNotFoundError naming the kind", async () => {
  const store = await openStore();
  const created = await store.repos.balancers.create({ name: "App-LB" }, "test");
  const balancers = namedRows("balancer");
  const row = await store.read((q) => balancers.find(q, "app-lb"));
  assert.equal(row.id, created.id);
  assert.equal(row.name, "App-LB");
  await assert.rejects(
    store.read((q) => namedRows("connection").find(q, "App-LB")),
    (err) => err instanceof DbNotFoundError && err.message === 'connection "App-LB" not found',
  );
});

Deno.test("namedRows: assertNameFree refuses a name taken in any case, but not by exceptId", async () => {
  const store = await openStore();
  const created = await store.repos.balancers.create({ name: "App-LB" }, "test");
  const balancers = namedRows("balancer");
  await assert.rejects(
    store.write((tx) => balancers.assertNameFree(tx, "APP-lb")),
    (err) =>
      err instanceof DbConflictError && err.message === 'a balancer named "App-LB" already exists',
  );
  await store.write((tx) => balancers.assertNameFree(tx, "app-lb", created.id));
  await store.write((tx) => balancers.assertNameFree(tx, "other"));
});
