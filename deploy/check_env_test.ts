import assert from "node:assert/strict";
import { checkEnv, isStartOption } from "./check_env.ts";
import { parseEnvFile } from "./env_file.ts";
import { renderEnvTemplate } from "./env_template.ts";

const check = (entries: Record<string, string>) => checkEnv(new Map(Object.entries(entries)));

Deno.test("isStartOption: asks parseStartOptions", () => {
  for (
    const name of ["AJPGATE_LISTEN", "AJPGATE_ADMIN_LISTEN", "AJPGATE_DB", "AJPGATE_PROXY_PASS"]
  ) {
    assert.ok(isStartOption(name), name);
  }
  assert.ok(!isStartOption("AJPGATE_LISTNE"));
});

Deno.test("checkEnv: the template passes, and names only known settings", async () => {
  const file = parseEnvFile(renderEnvTemplate());
  assert.deepEqual(file.problems, []);
  assert.deepEqual(await checkEnv(file.vars), {
    problems: [],
    warnings: [],
    summary: [
      "proxy on 0.0.0.0:8080, management on 127.0.0.1:9090, " +
      "database file:/var/lib/ajpgate/ajpgate.db, 0 routes from AJPGATE_PROXY_PASS",
    ],
  });
  // the commented-out variables, uncommented, are all settings start knows
  const commented = renderEnvTemplate().match(/^#(AJPGATE_[A-Z_]+)=/gm) ?? [];
  assert.ok(commented.length >= 10, commented.join(" "));
  const known = ["AJPGATE_ADMIN_TOKEN", "AJPGATE_SECRET_KEY", "AJPGATE_DB_AUTH_TOKEN"];
  for (const line of commented) {
    const name = line.slice(1, -1);
    assert.ok(known.includes(name) || isStartOption(name), `${name} is not a start option`);
  }
});

Deno.test("checkEnv: every mistake is reported, not only the first", async () => {
  const { problems } = await check({
    AJPGATE_LISTEN: "nowhere",
    AJPGATE_ADMIN_LISTEN: "127.0.0.1:99999",
    AJPGATE_PROXY_PASS: "/a ajp://h:1/ max=x\nb ajp://h:2/",
    AJPGATE_ADMIN_TOKEN: "x".repeat(31),
    AJPGATE_SECRET_KEY: "not-a-key",
  });
  assert.equal(problems.length, 6, problems.join("\n"));
  assert.match(problems.join("\n"), /--listen "nowhere"/);
  assert.match(problems.join("\n"), /--admin-listen "127\.0\.0\.1:99999"/);
  assert.match(problems.join("\n"), /max=x/);
  assert.match(problems.join("\n"), /prefix "b" must start with "\/"/);
  assert.match(problems.join("\n"), /AJPGATE_ADMIN_TOKEN has 31 characters/);
  assert.match(problems.join("\n"), /AJPGATE_SECRET_KEY must be 32 bytes/);
});

Deno.test("checkEnv: a remote database needs AJPGATE_SECRET_KEY", async () => {
  const without = await check({ AJPGATE_DB: "libsql://db.internal" });
  assert.match(without.problems.join("\n"), /AJPGATE_SECRET_KEY must be set for a remote/);
  const key = btoa(String.fromCharCode(...new Uint8Array(32)));
  const withKey = await check({ AJPGATE_DB: "libsql://db.internal", AJPGATE_SECRET_KEY: key });
  assert.deepEqual(withKey.problems, []);
});

Deno.test("checkEnv: warnings for typos and a database the unit cannot write", async () => {
  const { problems, warnings } = await check({
    AJPGATE_LISTNE: "0.0.0.0:80",
    AJPGATE_DB: "file:/srv/ajpgate.db",
  });
  assert.deepEqual(problems, []);
  assert.deepEqual(warnings, [
    "AJPGATE_LISTNE is not an ajpgate setting (a typo?); start ignores it",
    'AJPGATE_DB "file:/srv/ajpgate.db" is outside /var/lib/ajpgate: ' +
    "the systemd unit lets the service write only there",
  ]);
  // relative paths are relative to the unit's WorkingDirectory, the state directory
  assert.deepEqual((await check({ AJPGATE_DB: "file:data/a.db" })).warnings, []);
});
