import assert from "node:assert/strict";
import { type HostFacts, type InstallOptions, planInstall } from "./install.ts";

const HOST: InstallOptions = { binary: "dist/ajpgate", prefix: null, dryRun: false };
const FRESH: HostFacts = {
  binaryExists: true,
  envFileExists: false,
  userExists: false,
  systemd: true,
};
const said = (options: InstallOptions, facts: HostFacts) =>
  planInstall(options, facts).map((s) => `${s.run ? "run" : "say"}: ${s.say}`);

Deno.test("planInstall: a fresh systemd host gets the user, the files and the service", () => {
  assert.deepEqual(said(HOST, FRESH), [
    "run: create the system user ajpgate: useradd --system --user-group --home-dir " +
    "/var/lib/ajpgate --no-create-home --shell /usr/sbin/nologin ajpgate",
    "run: create /var/lib/ajpgate (mode 0750, owner ajpgate:ajpgate)",
    "run: create /etc/ajpgate (mode 0755)",
    "run: write /etc/ajpgate/ajpgate.env from the template (mode 0640, owner root:ajpgate)",
    "run: install dist/ajpgate as /usr/local/bin/ajpgate (mode 0755)",
    "run: write /etc/systemd/system/ajpgate.service (mode 0644)",
    "run: check /etc/ajpgate/ajpgate.env",
    "run: systemctl daemon-reload",
    "run: systemctl enable ajpgate",
    "run: systemctl restart ajpgate",
  ]);
});

Deno.test("planInstall: an existing user and env file are kept", () => {
  const steps = said(HOST, { ...FRESH, userExists: true, envFileExists: true });
  assert.equal(steps[0], "say: keep the existing user ajpgate");
  assert.equal(steps[3], "say: keep the existing /etc/ajpgate/ajpgate.env (never overwritten)");
});

Deno.test("planInstall: without systemd the service is left to the operator", () => {
  const steps = said(HOST, { ...FRESH, systemd: false });
  assert.match(steps.at(-1)!, /^say: skip systemctl: systemd does not run this host/);
  assert.ok(!steps.some((s) => s.startsWith("run: systemctl")));
});

Deno.test("planInstall: --prefix writes files below it and nothing else", () => {
  const steps = said({ ...HOST, prefix: "/stage" }, FRESH);
  assert.equal(steps[0], "say: skip creating the system user ajpgate (--prefix: files only)");
  assert.equal(steps[1], "run: create /stage/var/lib/ajpgate (mode 0750)");
  assert.equal(steps[3], "run: write /stage/etc/ajpgate/ajpgate.env from the template (mode 0640)");
  assert.equal(
    steps.at(-1),
    "say: skip systemctl daemon-reload, enable and restart (--prefix: files only)",
  );
});

Deno.test("planInstall: the unit step carries the unit file to show", () => {
  const unit = planInstall(HOST, FRESH).find((s) => s.show);
  assert.equal(unit?.show?.path, "/etc/systemd/system/ajpgate.service");
  assert.match(unit?.show?.text ?? "", /^ExecStart=\/usr\/local\/bin\/ajpgate start$/m);
});
