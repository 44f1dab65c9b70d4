/**
 * The console pages' server-rendered bodies: headings, empty regions the client script
 * fills and keeps live, and the forms with labelled fields. Controls a user may not use are
 * added by the script only when the capabilities allow them.
 * @module
 */
import type { Child } from "hono/jsx";

function Field(
  props: {
    name: string;
    label: string;
    type?: string;
    hint?: string;
    required?: boolean;
    placeholder?: string;
  },
) {
  const id = `f-${props.name.replace(/\./g, "-")}`;
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      <input
        id={id}
        name={props.name}
        type={props.type ?? "text"}
        required={props.required}
        placeholder={props.placeholder}
        aria-describedby={`${id}-error`}
      />
      {props.hint ? <small>{props.hint}</small> : null}
      <span class="field-error" id={`${id}-error`} data-error-for={props.name}></span>
    </div>
  );
}

function Section(props: { title: string; id: string; children?: Child; hidden?: boolean }) {
  return (
    <section aria-labelledby={`${props.id}-h`} id={props.id} hidden={props.hidden}>
      <h2 id={`${props.id}-h`}>{props.title}</h2>
      {props.children}
    </section>
  );
}

/** `/`: problems first, instances, then the charts by route and by connection. */
export function OverviewBody() {
  return (
    <>
      <Section title="Connections in error" id="problems">
        <div id="problem-list"></div>
      </Section>
      <Section title="Instances" id="instances-summary" hidden>
        <div id="instance-list"></div>
      </Section>
      <Section title="Traffic by route (last 15 minutes)" id="charts-routes">
        <div class="charts" data-charts="routes"></div>
      </Section>
      <Section title="Traffic by connection (last 15 minutes)" id="charts-connections">
        <div class="charts" data-charts="connections"></div>
      </Section>
    </>
  );
}

/** `/connections`: the list, and a create form. */
export function ConnectionsBody() {
  return (
    <>
      <div id="connection-list"></div>
      <Section title="New connection" id="connection-new">
        <form id="connection-create" class="card grid" novalidate>
          <p class="form-error" role="alert"></p>
          <Field name="name" label="Name" required />
          <Field name="host" label="Host" required />
          <Field name="port" label="AJP port" type="number" required />
          <Field name="secret" label="AJP secret" type="password" hint="Optional" />
          <div class="actions">
            <button type="submit">Create connection</button>
          </div>
        </form>
      </Section>
    </>
  );
}

/** `/connections/{name}`: state and actions, settings, references, permissions. */
export function ConnectionBody() {
  return (
    <>
      <div id="connection-state" class="card"></div>
      <div id="connection-actions" class="actions"></div>
      <p id="action-result" role="status" aria-live="polite"></p>
      <Section title="Settings" id="settings">
        <form id="connection-settings" class="card grid" novalidate>
          <p class="form-error" role="alert"></p>
          <Field name="name" label="Name" />
          <Field name="host" label="Host" />
          <Field name="port" label="AJP port" type="number" />
          <Field name="secret" label="AJP secret" type="password" hint="Leave empty to keep" />
          <Field name="packetSize" label="Packet size" type="number" />
          <Field name="pool.initial" label="Pool initial" type="number" />
          <Field name="pool.max" label="Pool max" type="number" />
          <Field name="pool.connectTimeoutMs" label="Connect timeout (ms)" type="number" />
          <Field name="pool.replyTimeoutMs" label="Reply timeout (ms)" type="number" />
          <Field name="pool.headTimeoutMs" label="Head timeout (ms)" type="number" />
          <Field name="pool.bodyTimeoutMs" label="Body timeout (ms)" type="number" />
          <Field name="pool.writeTimeoutMs" label="Write timeout (ms)" type="number" />
          <Field name="pool.idleTimeoutMs" label="Idle timeout (ms)" type="number" />
          <div class="field">
            <label for="f-ping-mode">Ping mode</label>
            <select id="f-ping-mode" name="ping.mode" aria-describedby="f-ping-mode-error">
              <option value="none">none</option>
              <option value="connect">connect</option>
              <option value="prepost">prepost</option>
              <option value="interval">interval</option>
            </select>
            <span class="field-error" id="f-ping-mode-error" data-error-for="ping.mode"></span>
          </div>
          <Field name="ping.timeoutMs" label="Ping timeout (ms)" type="number" />
          <Field name="description" label="Description" />
          <div class="actions">
            <button type="submit">Save settings</button>
          </div>
        </form>
      </Section>
      <Section title="References" id="references">
        <div id="reference-list"></div>
      </Section>
      <Section title="Permissions" id="permissions" hidden>
        <div id="permission-list"></div>
        <form id="permission-add" class="card grid" novalidate hidden>
          <p class="form-error" role="alert"></p>
          <Field name="user" label="User" required />
          <div class="field">
            <label for="f-role">Role</label>
            <select id="f-role" name="role"></select>
          </div>
          <div class="actions">
            <button type="submit">Add permission</button>
          </div>
        </form>
      </Section>
    </>
  );
}

/** `/routes`: the table and the create / edit form. */
export function RoutesBody() {
  return (
    <>
      <div id="route-list"></div>
      <Section title="New route" id="route-editor" hidden>
        <form id="route-form" class="card grid" novalidate>
          <p class="form-error" role="alert"></p>
          <Field name="host" label="Host" hint="Empty: any host" />
          <Field name="pathPrefix" label="Path prefix" required placeholder="/app" />
          <div class="field">
            <label for="f-target">Target</label>
            <select id="f-target" name="target" aria-describedby="f-target-error"></select>
            <span class="field-error" id="f-target-error" data-error-for="connection balancer">
            </span>
          </div>
          <Field name="backendPath" label="Backend path" hint="Empty: keep the prefix" />
          <div class="field check">
            <input id="f-preserveHost" name="preserveHost" type="checkbox" checked />
            <label for="f-preserveHost">Preserve Host</label>
          </div>
          <div class="actions">
            <button type="submit" id="route-submit">Create route</button>
            <button type="button" id="route-cancel" hidden>Cancel edit</button>
          </div>
        </form>
      </Section>
    </>
  );
}

/** `/balancers`: one card per balancer with members and the traffic share chart. */
export function BalancersBody() {
  return <div id="balancer-list"></div>;
}

/** `/users`: users (superusers) or the caller's own tokens. */
export function UsersBody() {
  return (
    <>
      <p id="new-token" class="card notice" role="alert" hidden></p>
      <div id="user-list"></div>
      <Section title="New user" id="user-new" hidden>
        <form id="user-create" class="card grid" novalidate>
          <p class="form-error" role="alert"></p>
          <Field name="name" label="Name" required />
          <div class="field check">
            <input id="f-superuser" name="superuser" type="checkbox" />
            <label for="f-superuser">Superuser</label>
          </div>
          <div class="actions">
            <button type="submit">Create user</button>
          </div>
        </form>
      </Section>
    </>
  );
}

/** `/audit`: filters, the entries, paging. */
export function AuditBody() {
  return (
    <>
      <form id="audit-filter" class="card grid" role="search">
        <Field name="actor" label="User" />
        <Field name="target" label="Object" />
        <Field name="action" label="Action" placeholder="connection.update" />
      </form>
      <div id="audit-list"></div>
      <nav class="pager" aria-label="Audit pages">
        <button type="button" id="audit-prev">Newer</button>
        <span id="audit-page"></span>
        <button type="button" id="audit-next">Older</button>
      </nav>
    </>
  );
}

/** `/instances`. */
export function InstancesBody() {
  return <div id="instance-list"></div>;
}
