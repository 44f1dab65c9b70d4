// The ajpgate console's browser script: keeps each page live by polling the management API
// through /console/api/v1 (session cookie + CSRF header) and shows only the controls that
// /console/can allows. DOM is built with textContent only: no HTML from data.
"use strict";
(() => {
  const POLL_MS = 1000;
  const body = document.body;
  const page = body.dataset.page;
  const arg = body.dataset.arg || "";
  const csrf = document.querySelector('meta[name="csrf-token"]')?.getAttribute("content") ?? "";
  const $ = (sel, root = document) => root.querySelector(sel);

  // ---- DOM helpers -------------------------------------------------------------------
  function h(tag, attrs = {}, ...children) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
      else if (k === "class") el.className = v;
      else el.setAttribute(k, v === true ? "" : String(v));
    }
    for (const c of children.flat()) {
      if (c === null || c === undefined || c === false) continue;
      el.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return el;
  }
  const link = (href, text) => h("a", { href }, text);
  const connHref = (name) => `/connections/${encodeURIComponent(name)}`;
  function table(label, headers, rows) {
    if (rows.length === 0) return h("p", { class: "empty" }, `No ${label.toLowerCase()}.`);
    return h(
      "div",
      { class: "table-wrap" },
      h(
        "table",
        {},
        h("caption", { class: "sr-only" }, label),
        h("thead", {}, h("tr", {}, headers.map((t) => h("th", { scope: "col" }, t)))),
        h(
          "tbody",
          {},
          rows.map((r) =>
            h("tr", r.attrs || {}, r.cells.map((c, i) => h("td", { "data-label": headers[i] }, c)))
          ),
        ),
      ),
    );
  }
  function replace(el, ...children) {
    if (!el) return;
    el.replaceChildren(...children.flat().filter((c) => c !== null && c !== undefined));
  }
  /** Re-renders `el` only when `data` changed, so focus and open selects survive polling. */
  function renderIfChanged(el, data, render) {
    if (!el) return;
    const sig = JSON.stringify(data);
    if (el.dataset.sig === sig) return;
    const focusedId = document.activeElement?.id;
    el.dataset.sig = sig;
    replace(el, render());
    if (focusedId) document.getElementById(focusedId)?.focus();
  }
  function stateBadge(state) {
    return h("span", { class: `badge state-${state}` }, state);
  }
  const time = (iso) => iso ? new Date(iso).toLocaleString() : "";
  const ago = (iso) => {
    const s = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
    return s < 120 ? `${s} s ago` : `${Math.round(s / 60)} min ago`;
  };

  // ---- API ---------------------------------------------------------------------------
  async function api(method, path, payload) {
    const headers = { accept: "application/json" };
    if (method !== "GET") headers["x-csrf-token"] = csrf;
    if (payload !== undefined) headers["content-type"] = "application/json";
    const res = await fetch(`/console/api/v1${path}`, {
      method,
      headers,
      credentials: "same-origin",
      body: payload === undefined ? undefined : JSON.stringify(payload),
    });
    if (res.status === 401) {
      location.assign("/sign-in");
      throw new Error("signed out");
    }
    const text = await res.text();
    let data = null;
    try {
      data = text ? JSON.parse(text) : null;
    } catch {
      data = { detail: text };
    }
    return { ok: res.ok, status: res.status, data };
  }
  async function must(method, path, payload) {
    const r = await api(method, path, payload);
    if (!r.ok) throw new Error(r.data?.detail ?? `HTTP ${r.status}`);
    return r.data;
  }
  async function capabilities() {
    const res = await fetch("/console/can", { credentials: "same-origin" });
    if (res.status === 401) {
      location.assign("/sign-in");
      throw new Error("signed out");
    }
    return await res.json();
  }
  const allows = (caps, kind, name, action) => {
    if (kind === "global") return caps.global.includes(action);
    const map = kind === "connection" ? caps.connections : caps.balancers;
    const key = Object.keys(map).find((k) => k.toLowerCase() === String(name).toLowerCase());
    return key !== undefined && map[key].includes(action);
  };

  // ---- forms and messages ------------------------------------------------------------
  function clearErrors(form) {
    for (const el of form.querySelectorAll(".field-error")) el.textContent = "";
    for (const el of form.querySelectorAll("[aria-invalid]")) el.removeAttribute("aria-invalid");
    const top = $(".form-error", form);
    if (top) top.textContent = "";
  }
  /** Shows a problem+json answer: each `errors[]` entry next to its field, the rest on top. */
  function showProblem(form, problem, status) {
    clearErrors(form);
    const rest = [];
    for (const e of problem?.errors ?? []) {
      const slot = [...form.querySelectorAll("[data-error-for]")]
        .find((s) => s.dataset.errorFor.split(" ").includes(e.field));
      if (slot) {
        slot.textContent = e.message;
        const input = form.querySelector(`[name="${CSS.escape(e.field)}"]`) ??
          slot.parentElement.querySelector("input, select");
        input?.setAttribute("aria-invalid", "true");
      } else rest.push(`${e.field}: ${e.message}`);
    }
    const top = $(".form-error", form);
    if (top) {
      top.textContent = [problem?.detail ?? `HTTP ${status}`, ...rest].join(" — ");
    }
    form.querySelector('[aria-invalid="true"]')?.focus();
  }
  function say(el, text, isError = false) {
    if (!el) return;
    el.textContent = text;
    el.classList.toggle("error", isError);
    el.classList.toggle("ok", !isError);
  }
  function confirmDialog(text, okLabel) {
    let dialog = $("#confirm");
    if (!dialog) {
      dialog = h(
        "dialog",
        { id: "confirm", "aria-labelledby": "confirm-title" },
        h(
          "form",
          { method: "dialog" },
          h("h2", { id: "confirm-title" }, "Confirm"),
          h("p", { id: "confirm-text" }),
          h(
            "div",
            { class: "actions" },
            h("button", { type: "submit", value: "cancel", id: "confirm-cancel" }, "Cancel"),
            h(
              "button",
              { type: "submit", value: "ok", id: "confirm-ok", class: "danger" },
              "Confirm",
            ),
          ),
        ),
      );
      body.append(dialog);
    }
    $("#confirm-text").textContent = text;
    $("#confirm-ok").textContent = okLabel;
    dialog.returnValue = "";
    return new Promise((resolve) => {
      dialog.addEventListener("close", () => resolve(dialog.returnValue === "ok"), { once: true });
      dialog.showModal();
      $("#confirm-cancel").focus();
    });
  }

  // ---- polling -----------------------------------------------------------------------
  /** Runs `tick` now and every `everyMs`; returns a function that runs it again at once. */
  function live(tick, everyMs = POLL_MS) {
    const status = $("#live");
    let stopped = false;
    let timer;
    let running = false;
    const run = async () => {
      if (stopped || running) return;
      running = true;
      clearTimeout(timer);
      try {
        await tick();
        say(status, `Live · updated ${new Date().toLocaleTimeString()}`);
        status?.classList.remove("stale", "ok");
      } catch (err) {
        if (err.message === "signed out") return;
        say(status, `Not updated: ${err.message}`, true);
        status?.classList.add("stale");
      } finally {
        running = false;
      }
      timer = setTimeout(run, everyMs);
    };
    run();
    addEventListener("pagehide", () => stopped = true);
    return run;
  }

  // ---- charts (uPlot) ----------------------------------------------------------------
  const PALETTE = ["#2563eb", "#dc2626", "#16a34a", "#9333ea", "#ea580c", "#0891b2", "#ca8a04"];
  const charts = new Map();
  /**
   * One uPlot chart in its own figure with a legend of the latest values; the plot is
   * rebuilt when its series or its width change, else only fed new data.
   */
  function chart(container, id, title, labels, times, columns, unit) {
    let entry = charts.get(id);
    if (!entry) {
      const box = h("figure", { class: "chart", id: `chart-${id}` }, h("figcaption", {}, title));
      const plotBox = h("div", { class: "plot" });
      const legend = h("ul", { class: "legend", "aria-label": `${title}: latest values` });
      box.append(plotBox, legend);
      container.append(box);
      entry = { box, plotBox, legend, plot: null, key: "" };
      charts.set(id, entry);
    }
    const width = Math.max(240, entry.plotBox.clientWidth || 360);
    const key = labels.join("\u0000") + "|" + width;
    const data = [times.map((t) => t / 1000), ...columns];
    if (entry.key !== key) {
      entry.plot?.destroy();
      entry.key = key;
      entry.plot = new uPlot(
        {
          width,
          height: 170,
          series: [
            {},
            ...labels.map((l, i) => ({
              label: l,
              stroke: PALETTE[i % PALETTE.length],
              width: 1.5,
              points: { show: true, size: 4 },
            })),
          ],
          axes: [{}, { size: 50, values: (_u, ticks) => ticks.map((v) => `${+v.toFixed(2)}`) }],
          scales: {
            x: { time: true },
            y: {
              range: (
                _u,
                _min,
                max,
              ) => [0, max > 0 ? (unit === "%" ? Math.min(100, max * 1.15) : max * 1.15) : 1],
            },
          },
          legend: { show: false },
        },
        data,
        entry.plotBox,
      );
    } else entry.plot.setData(data);
    const latest = (col) => {
      for (let i = col.length - 1; i >= 0; i--) {
        if (col[i] !== null && col[i] !== undefined) return col[i];
      }
      return null;
    };
    replace(
      entry.legend,
      labels.map((l, i) => {
        const swatch = h("span", { class: "swatch", "aria-hidden": "true" });
        swatch.style.background = PALETTE[i % PALETTE.length];
        const v = latest(columns[i]);
        return h("li", {}, swatch, `${l}: ${v === null ? "–" : `${+v.toFixed(2)} ${unit}`}`);
      }),
    );
  }
  function seriesCharts(container, group, snap, labelOf) {
    const keys = Object.keys(snap[group]).filter((k) => snap[group][k].total > 0).sort();
    if (keys.length === 0) {
      if (!$(".empty", container)) {
        for (const [id, e] of charts) {
          if (id.startsWith(group)) {
            e.plot?.destroy();
            e.box.remove();
            charts.delete(id);
          }
        }
        container.append(h("p", { class: "empty" }, "No requests in the last 15 minutes."));
      }
      return;
    }
    $(".empty", container)?.remove();
    const labels = keys.map(labelOf);
    const s = keys.map((k) => snap[group][k]);
    chart(
      container,
      `${group}-rate`,
      "Requests per second",
      labels,
      snap.times,
      s.map((x) => x.rate),
      "req/s",
    );
    chart(
      container,
      `${group}-errors`,
      "Error rate (%)",
      labels,
      snap.times,
      s.map((x) => x.errorRate.map((v) => v === null ? null : v * 100)),
      "%",
    );
    chart(
      container,
      `${group}-latency`,
      "Latency p50 / p99 (ms)",
      labels.flatMap((l) => [`${l} p50`, `${l} p99`]),
      snap.times,
      s.flatMap((x) => [x.p50, x.p99]),
      "ms",
    );
  }
  const routeLabel = (routes) => (id) => {
    const r = routes.find((x) => x.id === id);
    return r ? `${r.host ?? "*"}${r.pathPrefix}` : id;
  };

  // ---- pages -------------------------------------------------------------------------
  function instanceTable(list) {
    return table(
      "Instances",
      [
        "Instance",
        "Status",
        "Heartbeat",
        "Version",
        "Host / pid",
        "Proxy",
        "Management",
        "Started",
      ],
      list.map((i) => ({
        cells: [
          i.id.slice(0, 8) + (i.self ? " (this one)" : ""),
          stateBadge(i.status),
          ago(i.heartbeatAt),
          i.version,
          `${i.host} / ${i.pid}`,
          i.proxyListen,
          i.adminListen,
          time(i.startedAt),
        ],
      })),
    );
  }

  async function overview() {
    const caps = await capabilities();
    if (caps.superuser) $("#instances-summary").hidden = false;
    live(async () => {
      const [conns, snap, routes, instances] = await Promise.all([
        must("GET", "/connections"),
        must("GET", "/series"),
        must("GET", "/routes"),
        caps.superuser ? must("GET", "/instances?status=live") : Promise.resolve(null),
      ]);
      const bad = conns.filter((c) => c.state === "error");
      renderIfChanged(
        $("#problem-list"),
        bad,
        () =>
          bad.length === 0
            ? h("p", { class: "ok-note" }, `All ${conns.length} connections are fine.`)
            : h(
              "ul",
              { class: "problems" },
              bad.map((c) =>
                h(
                  "li",
                  {},
                  link(connHref(c.name), c.name),
                  " ",
                  stateBadge("error"),
                  " ",
                  h("span", { class: "error-text" }, c.error?.message ?? ""),
                  h("small", {}, ` since ${time(c.error?.since)}`),
                )
              ),
            ),
      );
      if (instances) replace($("#instance-list"), instanceTable(instances));
      seriesCharts($('[data-charts="routes"]'), "routes", snap, routeLabel(routes));
      seriesCharts($('[data-charts="connections"]'), "connections", snap, (k) => k);
    });
  }

  async function connections() {
    const caps = await capabilities();
    const form = $("#connection-create");
    $("#connection-new").hidden = !allows(caps, "global", "", "connection.create");
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const f = new FormData(form);
      const payload = {
        name: f.get("name"),
        type: "direct",
        host: f.get("host"),
        port: f.get("port") === "" ? null : Number(f.get("port")),
      };
      if (f.get("secret")) payload.secret = f.get("secret");
      const r = await api("POST", "/connections", payload);
      if (!r.ok) return showProblem(form, r.data, r.status);
      location.assign(connHref(r.data.name));
    });
    live(async () => {
      const list = await must("GET", "/connections");
      list.sort((a, b) => (a.state === "error" ? 0 : 1) - (b.state === "error" ? 0 : 1));
      renderIfChanged($("#connection-list"), list.map((c) => [c, c.stats]), () =>
        table(
          "Connections",
          ["Name", "Type", "Host:port", "State", "Pool idle/busy/max", "Requests", "Failures"],
          list.map((c) => ({
            attrs: { "data-connection": c.name },
            cells: [
              link(connHref(c.name), c.name),
              c.type,
              `${c.host}:${c.port ?? c.proxyPort ?? ""}`,
              h(
                "span",
                { class: "state" },
                stateBadge(c.state),
                c.error ? h("span", { class: "error-text" }, ` ${c.error.message}`) : null,
                c.error ? h("small", {}, ` since ${time(c.error.since)}`) : null,
              ),
              `${c.stats.idle}/${c.stats.busy}/${c.pool.max ?? "∞"}`,
              c.stats.requests,
              c.stats.failures,
            ],
          })),
        ));
    });
  }

  // connection detail ---------------------------------------------------------------
  const SETTINGS = [
    ["name", "text"],
    ["host", "text"],
    ["port", "int"],
    ["packetSize", "int"],
    ["pool.initial", "int"],
    ["pool.max", "int?"],
    ["pool.connectTimeoutMs", "int"],
    ["pool.replyTimeoutMs", "int"],
    ["pool.headTimeoutMs", "int"],
    ["pool.bodyTimeoutMs", "int"],
    ["pool.writeTimeoutMs", "int"],
    ["pool.idleTimeoutMs", "int"],
    ["ping.mode", "text"],
    ["ping.timeoutMs", "int"],
    ["description", "text?"],
  ];
  const getPath = (o, p) => p.split(".").reduce((x, k) => x?.[k], o);
  function setPath(o, p, v) {
    const ks = p.split(".");
    let x = o;
    for (const k of ks.slice(0, -1)) x = x[k] ??= {};
    x[ks.at(-1)] = v;
  }

  function connection() {
    let name = arg;
    const form = $("#connection-settings");
    const result = $("#action-result");
    let view = null;
    let caps = null;
    let balancers = [];
    let routes = [];
    let filled = false;

    const refs = () => {
      const rs = routes.filter((r) => view.references.includes(r.id));
      const bs = balancers.filter((b) =>
        b.members.some((m) => m.connection.toLowerCase() === view.name.toLowerCase())
      );
      return { rs, bs };
    };
    const describeRefs = () => {
      const { rs, bs } = refs();
      const parts = [];
      if (rs.length) {
        parts.push(`routes ${rs.map((r) => `${r.host ?? "*"}${r.pathPrefix}`).join(", ")}`);
      }
      if (bs.length) parts.push(`balancers ${bs.map((b) => b.name).join(", ")}`);
      return parts.length ? parts.join(" and ") : null;
    };

    function fill() {
      for (const [path] of SETTINGS) {
        const input = form.elements.namedItem(path);
        const v = getPath(view, path);
        if (input) input.value = v === null || v === undefined ? "" : String(v);
      }
      form.elements.namedItem("secret").value = "";
      form.elements.namedItem("secret").placeholder = view.secretSet ? "(set)" : "(none)";
      const canEdit = allows(caps, "connection", view.name, "connection.update");
      for (const el of form.elements) el.disabled = !canEdit;
      $('button[type="submit"]', form).hidden = !canEdit;
      filled = true;
    }

    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const patch = {};
      for (const [path, kind] of SETTINGS) {
        const raw = form.elements.namedItem(path).value.trim();
        let v = raw;
        if (kind.startsWith("int")) {
          v = raw === "" ? (kind.endsWith("?") ? null : raw) : Number(raw);
        }
        if (kind === "text?" && raw === "") v = null;
        if (v !== getPath(view, path) && !(v === "" && getPath(view, path) === null)) {
          setPath(patch, path, v);
        }
      }
      const secret = form.elements.namedItem("secret").value;
      if (secret !== "") patch.secret = secret;
      const r = await api("PATCH", `/connections/${encodeURIComponent(view.name)}`, patch);
      if (!r.ok) return showProblem(form, r.data, r.status);
      clearErrors(form);
      say($(".form-error", form), "Saved.");
      if (r.data.name !== view.name) return location.assign(connHref(r.data.name));
      view = r.data;
      fill();
    });

    async function act(verb) {
      const what = describeRefs();
      const path = `/connections/${encodeURIComponent(view.name)}`;
      if (verb === "test") {
        say(result, "Testing: connect and CPING…");
        const r = await api("POST", `${path}/test`);
        if (!r.ok) return say(result, `Test refused: ${r.data?.detail}`, true);
        const t = r.data;
        return say(
          result,
          t.ok
            ? `CPONG from ${t.target} in ${t.cpongMs} ms (connect ${t.connectMs} ms).`
            : `Test failed at ${t.step}: ${t.error}`,
          !t.ok,
        );
      }
      const texts = {
        reset: [
          `Reset connection "${view.name}"? Every socket closes (requests in flight finish first) and the pool opens anew.`,
          "Reset",
        ],
        disable: [
          `Disable connection "${view.name}"? ${
            what ? `Requests through ${what} will answer 503` : "Nothing uses it"
          } until it is enabled again.`,
          "Disable",
        ],
        enable: null,
        delete: [
          `Delete connection "${view.name}"? ${
            what
              ? `This also deletes ${
                what.replace("balancers", "its membership in balancers")
              }; their URLs stop working.`
              : "Nothing uses it."
          } This cannot be undone.`,
          "Delete",
        ],
      };
      if (texts[verb] && !(await confirmDialog(...texts[verb]))) return;
      const r = verb === "delete"
        ? await api("DELETE", `${path}?force=true`)
        : await api("POST", `${path}/${verb}`);
      if (!r.ok) return say(result, `${verb} failed: ${r.data?.detail}`, true);
      if (verb === "delete") return location.assign("/connections");
      view = r.data;
      say(result, `${verb[0].toUpperCase()}${verb.slice(1)}: done.`);
      await tick();
    }

    function renderActions() {
      const can = (a) => allows(caps, "connection", view.name, a);
      const buttons = [
        can("connection.read") ? ["test", "Test (CPING)"] : null,
        can("connection.reset") ? ["reset", "Reset"] : null,
        can(view.enabled ? "connection.disable" : "connection.enable")
          ? [view.enabled ? "disable" : "enable", view.enabled ? "Disable" : "Enable"]
          : null,
        can("connection.delete") ? ["delete", "Delete"] : null,
      ].filter(Boolean);
      renderIfChanged(
        $("#connection-actions"),
        buttons,
        () =>
          buttons.map(([verb, label]) =>
            h("button", {
              type: "button",
              id: `action-${verb}`,
              class: verb === "delete" || verb === "disable" ? "danger" : "",
              onclick: () => act(verb).catch((e) => say(result, e.message, true)),
            }, label)
          ),
      );
    }

    function renderPermissions(perms) {
      const can = (a) => allows(caps, "connection", view.name, a);
      const section = $("#permissions");
      section.hidden = perms === null;
      if (perms === null) return;
      const roleKeys = [["owners", "owner", "connection.permissions.set"], [
        "admins",
        "admin",
        "connection.permissions.set",
      ], ["access", "access", "connection.permissions.setAccess"]];
      renderIfChanged($("#permission-list"), [perms, caps.connections], () =>
        table(
          "Permissions",
          ["User", "Role", ""],
          roleKeys.flatMap(([key, role, action]) =>
            perms[key].map((user) => ({
              cells: [
                user,
                role,
                can(action)
                  ? h("button", {
                    type: "button",
                    class: "danger small",
                    "aria-label": `Remove ${role} ${user}`,
                    onclick: async () => {
                      const next = { ...perms, [key]: perms[key].filter((u) => u !== user) };
                      const r = await api(
                        "PUT",
                        `/connections/${encodeURIComponent(view.name)}/permissions`,
                        next,
                      );
                      say(
                        result,
                        r.ok ? `Removed ${role} ${user}.` : `Not removed: ${r.data?.detail}`,
                        !r.ok,
                      );
                      await tick();
                    },
                  }, "Remove")
                  : "",
              ],
            }))
          ),
        ));
      const add = $("#permission-add");
      const roles = roleKeys.filter(([, , action]) => can(action));
      add.hidden = roles.length === 0;
      const select = $("#f-role");
      const sig = roles.map((r) => r[1]).join();
      if (select.dataset.sig !== sig) {
        select.dataset.sig = sig;
        replace(select, roles.map(([key, role]) => h("option", { value: key }, role)));
      }
      add.onsubmit = async (ev) => {
        ev.preventDefault();
        const user = add.elements.namedItem("user").value.trim();
        const key = select.value;
        const next = { ...perms, [key]: [...perms[key], user] };
        const r = await api(
          "PUT",
          `/connections/${encodeURIComponent(view.name)}/permissions`,
          next,
        );
        if (!r.ok) {
          return showProblem(add, {
            ...r.data,
            errors: (r.data?.errors ?? []).map((e) => ({ ...e, field: "user" })),
          }, r.status);
        }
        clearErrors(add);
        add.reset();
        await tick();
      };
    }

    async function tick() {
      // one round of parallel requests: the 2 s promise for live state holds under load
      const [r, nextCaps, nextBalancers, nextRoutes] = await Promise.all([
        api("GET", `/connections/${encodeURIComponent(name)}`),
        capabilities(),
        must("GET", "/balancers"),
        must("GET", "/routes"),
      ]);
      if (!r.ok) {
        replace(
          $("#connection-state"),
          h("p", { class: "error" }, r.data?.detail ?? `HTTP ${r.status}`),
        );
        return;
      }
      view = r.data;
      name = view.name;
      [caps, balancers, routes] = [nextCaps, nextBalancers, nextRoutes];
      const perms = allows(caps, "connection", view.name, "connection.permissions.read")
        ? await must("GET", `/connections/${encodeURIComponent(view.name)}/permissions`)
        : null;
      if (!filled) fill();
      renderIfChanged(
        $("#connection-state"),
        [view.state, view.error, view.stats, view.enabled],
        () =>
          h(
            "dl",
            { class: "facts" },
            h("dt", {}, "State"),
            h("dd", { id: "state" }, stateBadge(view.state)),
            view.error
              ? [
                h("dt", {}, "Error"),
                h("dd", { class: "error-text", id: "state-error" }, view.error.message),
              ]
              : null,
            view.error ? [h("dt", {}, "Since"), h("dd", {}, time(view.error.since))] : null,
            h("dt", {}, "Target"),
            h("dd", {}, `${view.type} ${view.host}:${view.port ?? view.proxyPort ?? ""}`),
            h("dt", {}, "Pool idle / busy / max"),
            h("dd", {}, `${view.stats.idle} / ${view.stats.busy} / ${view.pool.max ?? "∞"}`),
            h("dt", {}, "Requests / failures"),
            h("dd", {}, `${view.stats.requests} / ${view.stats.failures}`),
            h("dt", {}, "Owners"),
            h("dd", {}, view.owners.join(", ") || "none"),
          ),
      );
      renderActions();
      const { rs, bs } = refs();
      renderIfChanged(
        $("#reference-list"),
        [rs, bs.map((b) => b.name)],
        () =>
          rs.length + bs.length === 0
            ? h("p", { class: "empty" }, "No route or balancer uses this connection.")
            : h(
              "ul",
              {},
              rs.map((r) =>
                h(
                  "li",
                  {},
                  "Route ",
                  link(`/routes#route-${r.id}`, `${r.host ?? "*"}${r.pathPrefix}`),
                )
              ),
              bs.map((b) =>
                h("li", {}, "Balancer ", link(`/balancers#balancer-${b.name}`, b.name))
              ),
            ),
      );
      renderPermissions(perms);
    }
    live(tick);
  }

  // routes ----------------------------------------------------------------------------
  function routesPage() {
    const form = $("#route-form");
    const select = $("#f-target");
    let editing = null;
    let caps = null;
    const targetOf = (r) => r.connection ? `connection:${r.connection}` : `balancer:${r.balancer}`;
    const canOn = (target, action) => {
      const [kind, name] = [
        target.slice(0, target.indexOf(":")),
        target.slice(target.indexOf(":") + 1),
      ];
      return allows(caps, kind, name, action);
    };
    function startEdit(r) {
      editing = r;
      $("#route-editor-h").textContent = `Edit route ${r.host ?? "*"}${r.pathPrefix}`;
      form.elements.namedItem("host").value = r.host ?? "";
      form.elements.namedItem("pathPrefix").value = r.pathPrefix;
      select.value = targetOf(r);
      form.elements.namedItem("backendPath").value = r.backendPath ?? "";
      form.elements.namedItem("preserveHost").checked = r.preserveHost;
      $("#route-submit").textContent = "Save route";
      $("#route-cancel").hidden = false;
      form.elements.namedItem("pathPrefix").focus();
    }
    function stopEdit() {
      editing = null;
      form.reset();
      clearErrors(form);
      $("#route-editor-h").textContent = "New route";
      $("#route-submit").textContent = "Create route";
      $("#route-cancel").hidden = true;
    }
    $("#route-cancel").addEventListener("click", stopEdit);
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const f = new FormData(form);
      const target = String(f.get("target") ?? "");
      const kind = target.slice(0, target.indexOf(":"));
      const payload = {
        host: f.get("host") === "" ? null : f.get("host"),
        pathPrefix: f.get("pathPrefix"),
        connection: kind === "connection" ? target.slice(11) : null,
        balancer: kind === "balancer" ? target.slice(9) : null,
        backendPath: f.get("backendPath") === "" ? null : f.get("backendPath"),
        preserveHost: f.get("preserveHost") === "on",
      };
      const r = editing
        ? await api("PATCH", `/routes/${encodeURIComponent(editing.id)}`, payload)
        : await api("POST", "/routes", payload);
      if (!r.ok) return showProblem(form, r.data, r.status);
      stopEdit();
      say($(".form-error", form), `Saved route ${r.data.host ?? "*"}${r.data.pathPrefix}.`);
      await tick();
    });
    async function tick() {
      const [routes, c] = await Promise.all([must("GET", "/routes"), capabilities()]);
      caps = c;
      const targets = [
        ...Object.keys(caps.connections).map((n) => `connection:${n}`),
        ...Object.keys(caps.balancers).map((n) => `balancer:${n}`),
      ].filter((t) => canOn(t, "route.create"));
      $("#route-editor").hidden = targets.length === 0;
      if (select.dataset.sig !== targets.join()) {
        const keep = select.value;
        select.dataset.sig = targets.join();
        replace(select, targets.map((t) => h("option", { value: t }, t.replace(":", ": "))));
        if (targets.includes(keep)) select.value = keep;
      }
      renderIfChanged($("#route-list"), [routes, caps.connections, caps.balancers], () =>
        table(
          "Routes",
          ["Host", "Prefix", "Target", "Backend path", "Enabled", "Actions"],
          routes.map((r) => ({
            attrs: { id: `route-${r.id}`, "data-prefix": r.pathPrefix },
            cells: [
              r.host ?? "any",
              r.pathPrefix,
              r.readOnly
                ? `connection ${r.connection} (command line)`
                : r.connection
                ? link(connHref(r.connection), `connection ${r.connection}`)
                : link(`/balancers#balancer-${r.balancer}`, `balancer ${r.balancer}`),
              r.backendPath ?? "(same)",
              r.enabled ? "yes" : "no",
              r.readOnly ? h("span", { class: "badge" }, "command line (read-only)") : h(
                "span",
                { class: "row-actions" },
                canOn(targetOf(r), "route.update")
                  ? h("button", {
                    type: "button",
                    class: "small",
                    onclick: () => startEdit(r),
                    "aria-label": `Edit route ${r.pathPrefix}`,
                  }, "Edit")
                  : null,
                canOn(targetOf(r), "route.delete")
                  ? h("button", {
                    type: "button",
                    class: "small danger",
                    "aria-label": `Delete route ${r.pathPrefix}`,
                    onclick: async () => {
                      if (
                        !(await confirmDialog(
                          `Delete route ${
                            r.host ?? "*"
                          }${r.pathPrefix}? Requests to it will answer 404.`,
                          "Delete",
                        ))
                      ) return;
                      const res = await api("DELETE", `/routes/${encodeURIComponent(r.id)}`);
                      say(
                        $("#live"),
                        res.ok ? "Route deleted." : `Not deleted: ${res.data?.detail}`,
                        !res.ok,
                      );
                      await tick();
                    },
                  }, "Delete")
                  : null,
              ),
            ],
          })),
        ));
    }
    live(tick);
  }

  // balancers ---------------------------------------------------------------------------
  function balancersPage() {
    live(async () => {
      const [list, caps, snap] = await Promise.all([
        must("GET", "/balancers"),
        capabilities(),
        must("GET", "/series"),
      ]);
      const root = $("#balancer-list");
      if (list.length === 0) return replace(root, h("p", { class: "empty" }, "No balancers."));
      $(".empty", root)?.remove();
      for (const b of list) {
        let card = document.getElementById(`balancer-${b.name}`);
        if (!card) {
          card = h(
            "section",
            { class: "card", id: `balancer-${b.name}`, "aria-labelledby": `balancer-${b.name}-h` },
            h("h2", { id: `balancer-${b.name}-h` }, b.name),
            h("p", { class: "meta" }),
            h("div", { class: "members" }),
            h("p", { class: "result", role: "status" }),
            h("div", { class: "charts" }),
          );
          root.append(card);
        }
        const canEdit = allows(caps, "balancer", b.name, "balancer.update");
        $(".meta", card).textContent = `${b.method ?? "byrequests"} · sticky ${
          b.stickySession ?? "off"
        } · ${b.enabled ? "enabled" : "disabled"}`;
        renderIfChanged($(".members", card), [b.members, canEdit], () =>
          table(
            `Members of ${b.name}`,
            ["Connection", "Load factor", "jvmRoute", "Status", "Live state"],
            b.members.map((m, i) => ({
              cells: [
                link(connHref(m.connection), m.connection),
                m.loadFactor,
                m.route ?? "",
                canEdit
                  ? h(
                    "select",
                    {
                      id: `status-${b.name}-${i}`,
                      "aria-label": `Status of ${m.connection} in ${b.name}`,
                      onchange: async (ev) => {
                        const members = b.members.map((x, j) => ({
                          connection: x.connection,
                          loadFactor: x.loadFactor,
                          route: x.route,
                          status: j === i ? ev.target.value : x.status,
                        }));
                        const r = await api("PATCH", `/balancers/${encodeURIComponent(b.name)}`, {
                          members,
                        });
                        say(
                          $(".result", card),
                          r.ok
                            ? `${m.connection} is now ${ev.target.value}.`
                            : `Not changed: ${r.data?.detail}`,
                          !r.ok,
                        );
                      },
                    },
                    ["active", "draining", "standby", "disabled"].map((s) =>
                      h("option", { value: s, selected: s === m.status }, s)
                    ),
                  )
                  : m.status,
                h(
                  "span",
                  {},
                  stateBadge(m.state),
                  m.error ? h("span", { class: "error-text" }, ` ${m.error.message}`) : null,
                ),
              ],
            })),
          ));
        const rates = b.members.map((m) =>
          snap.connections[m.connection]?.rate ?? snap.times.map(() => 0)
        );
        const shares = rates.map((r) =>
          r.map((v, t) => {
            const sum = rates.reduce((s, x) => s + x[t], 0);
            return sum === 0 ? null : (v / sum) * 100;
          })
        );
        chart(
          $(".charts", card),
          `share-${b.name}`,
          "Share of traffic per member (%)",
          b.members.map((m) => m.connection),
          snap.times,
          shares,
          "%",
        );
      }
      for (const card of root.querySelectorAll("section.card")) {
        if (!list.some((b) => `balancer-${b.name}` === card.id)) card.remove();
      }
    });
  }

  // users ------------------------------------------------------------------------------
  async function usersPage() {
    const caps = await capabilities();
    const notice = $("#new-token");
    function showToken(user, token) {
      replace(
        notice,
        `New token for ${user} (shown once, copy it now): `,
        h("code", { id: "new-token-value" }, token),
      );
      notice.hidden = false;
    }
    function tokenTable(user, tokens, canRevoke) {
      return table(
        `Tokens of ${user}`,
        ["Token", "Created", "Last used", "State", ""],
        tokens.map((t) => ({
          cells: [
            `${t.name} (#${t.id})`,
            time(t.createdAt),
            t.lastUsedAt ? time(t.lastUsedAt) : "never",
            t.revokedAt ? `revoked ${time(t.revokedAt)}` : "active",
            canRevoke && !t.revokedAt
              ? h("button", {
                type: "button",
                class: "small danger",
                "aria-label": `Revoke token ${t.name} #${t.id} of ${user}`,
                onclick: async () => {
                  if (
                    !(await confirmDialog(
                      `Revoke token "${t.name}" (#${t.id}) of ${user}? Anything using it is refused from now on.`,
                      "Revoke",
                    ))
                  ) return;
                  const r = await api(
                    "DELETE",
                    `/users/${encodeURIComponent(user)}/tokens/${t.id}`,
                  );
                  say(
                    $("#live"),
                    r.ok ? "Token revoked." : `Not revoked: ${r.data?.detail}`,
                    !r.ok,
                  );
                },
              }, "Revoke")
              : "",
          ],
        })),
      );
    }
    function newTokenForm(user) {
      const id = `tok-${user}`;
      const form = h(
        "form",
        { class: "inline", novalidate: true },
        h("label", { for: id }, `New token name for ${user}`),
        h("input", { id, name: "name", required: true }),
        h("button", { type: "submit" }, "Create token"),
        h("span", { class: "form-error", role: "alert" }),
      );
      form.addEventListener("submit", async (ev) => {
        ev.preventDefault();
        const r = await api("POST", `/users/${encodeURIComponent(user)}/tokens`, {
          name: form.elements.namedItem("name").value,
        });
        if (!r.ok) return showProblem(form, r.data, r.status);
        showToken(user, r.data.token);
      });
      return form;
    }
    const createForm = $("#user-create");
    $("#user-new").hidden = !allows(caps, "global", "", "user.create");
    createForm.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const f = new FormData(createForm);
      const r = await api("POST", "/users", {
        name: f.get("name"),
        superuser: f.get("superuser") === "on",
      });
      if (!r.ok) return showProblem(createForm, r.data, r.status);
      createForm.reset();
      clearErrors(createForm);
    });
    live(async () => {
      const canCreate = allows(caps, "global", "", "token.create");
      const canRevoke = allows(caps, "global", "", "token.revoke");
      if (caps.superuser) {
        const users = await must("GET", "/users");
        renderIfChanged($("#user-list"), users, () =>
          users.map((u) =>
            h(
              "section",
              { class: "card", id: `user-${u.name}`, "aria-labelledby": `user-${u.name}-h` },
              h("h2", { id: `user-${u.name}-h` }, u.name, u.superuser ? " (superuser)" : ""),
              tokenTable(u.name, u.tokens, canRevoke),
              canCreate ? newTokenForm(u.name) : null,
              allows(caps, "global", "", "user.delete") && u.name !== caps.user
                ? h("button", {
                  type: "button",
                  class: "danger",
                  onclick: async () => {
                    if (
                      !(await confirmDialog(
                        `Delete user ${u.name}? Their tokens stop working and their permissions are removed.`,
                        "Delete",
                      ))
                    ) return;
                    const r = await api("DELETE", `/users/${encodeURIComponent(u.name)}`);
                    say(
                      $("#live"),
                      r.ok ? "User deleted." : `Not deleted: ${r.data?.detail}`,
                      !r.ok,
                    );
                  },
                }, `Delete user ${u.name}`)
                : null,
            )
          ));
      } else {
        const me = await must("GET", "/me");
        renderIfChanged($("#user-list"), me, () =>
          h(
            "section",
            { class: "card", "aria-labelledby": "me-h" },
            h("h2", { id: "me-h" }, `Your tokens (${me.name})`),
            tokenTable(me.name, me.tokens, canRevoke),
            canCreate ? newTokenForm(me.name) : null,
            h("h3", {}, "Your roles"),
            table(
              "Roles",
              ["Connection", "Role"],
              me.connections.map((c) => ({
                cells: [link(connHref(c.connection), c.connection), c.role],
              })),
            ),
          ));
      }
    }, 2000);
  }

  // audit ------------------------------------------------------------------------------
  function auditPage() {
    const PAGE = 25;
    let offset = 0;
    const form = $("#audit-filter");
    const filters = () => {
      const f = new FormData(form);
      return ["actor", "target", "action"].map((
        k,
      ) => [k, String(f.get(k) ?? "").trim().toLowerCase()])
        .filter(([, v]) => v !== "");
    };
    let refresh = () => {};
    form.addEventListener("input", () => {
      offset = 0;
      refresh();
    });
    form.addEventListener("submit", (ev) => ev.preventDefault());
    $("#audit-prev").addEventListener("click", () => {
      offset = Math.max(0, offset - PAGE);
      refresh();
    });
    $("#audit-next").addEventListener("click", () => {
      offset += PAGE;
      refresh();
    });
    const show = (v) => typeof v === "string" ? v : JSON.stringify(v);
    /** What changed, as "field: old → new" (times left out); whole objects when created or deleted. */
    const changes = (before, after) => {
      const obj = (v) => v !== null && typeof v === "object" && !Array.isArray(v);
      if (obj(before) && obj(after)) {
        return Object.keys({ ...before, ...after })
          .filter((k) => !/At$/.test(k) && show(before[k]) !== show(after[k]))
          .map((k) => `${k}: ${show(before[k])} → ${show(after[k])}`).join("; ");
      }
      const one = after ?? before;
      if (one === null || one === undefined) return "";
      const text = obj(one)
        ? Object.entries(one).filter(([k, v]) => !/At$/.test(k) && v !== null).map(([k, v]) =>
          `${k}: ${show(v)}`
        ).join("; ")
        : show(one);
      return `${after === null || after === undefined ? "was " : ""}${text}`.slice(0, 300);
    };
    refresh = live(async () => {
      const fs = filters();
      let entries;
      let more;
      if (fs.length === 0) {
        const got = await must("GET", `/audit?limit=${PAGE + 1}&offset=${offset}`);
        more = got.length > PAGE;
        entries = got.slice(0, PAGE);
      } else {
        // the API pages but does not filter: filter the newest 1000 here
        const all = (await must("GET", "/audit?limit=1000"))
          .filter((e) => fs.every(([k, v]) => String(e[k]).toLowerCase().includes(v)));
        entries = all.slice(offset, offset + PAGE);
        more = all.length > offset + PAGE;
      }
      $("#audit-prev").disabled = offset === 0;
      $("#audit-next").disabled = !more;
      $("#audit-page").textContent = entries.length
        ? `Entries ${offset + 1}-${offset + entries.length}`
        : "No entries";
      renderIfChanged($("#audit-list"), entries, () =>
        table(
          "Audit entries",
          ["When", "User", "Action", "Object", "Change"],
          entries.map((e) => ({
            cells: [time(e.at), e.actor, e.action, e.target, changes(e.before, e.after)],
          })),
        ));
    }, 2000);
  }

  function instancesPage() {
    live(async () => {
      const list = await must("GET", "/instances");
      replace($("#instance-list"), instanceTable(list));
    }, 2000);
  }

  const PAGES = {
    overview,
    connections,
    connection,
    routes: routesPage,
    balancers: balancersPage,
    users: usersPage,
    audit: auditPage,
    instances: instancesPage,
  };
  const run = PAGES[page];
  if (run) {
    Promise.resolve(run()).catch((err) => {
      if (err.message !== "signed out") say($("#live"), `Could not load: ${err.message}`, true);
    });
  }
})();
