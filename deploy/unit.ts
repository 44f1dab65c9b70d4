/**
 * The systemd unit that runs `ajpgate start` as a dedicated, unprivileged user in a
 * read-only view of the system, with its state under /var/lib/ajpgate.
 * @module
 */
import { LAYOUT, type Layout, SERVICE_USER } from "./layout.ts";

/**
 * Renders `ajpgate.service` for the paths in `layout` (default {@link LAYOUT}).
 *
 * @example
 * await Deno.writeTextFile("ajpgate.service", renderUnit());
 */
export function renderUnit(layout: Layout = LAYOUT): string {
  return `# ajpgate: HTTP to AJP13 reverse proxy. Installed by deploy.ts (see INSTALL).
# Settings live in ${layout.envFile}; after editing it: systemctl restart ajpgate
[Unit]
Description=ajpgate HTTP to AJP13 reverse proxy
After=network-online.target
Wants=network-online.target

[Service]
Type=simple
User=${SERVICE_USER}
Group=${SERVICE_USER}
EnvironmentFile=${layout.envFile}
ExecStart=${layout.binary} start
WorkingDirectory=${layout.stateDir}
StateDirectory=ajpgate
StateDirectoryMode=0750
UMask=0027

# start handles SIGTERM by draining exchanges in flight for up to 10 s
KillSignal=SIGTERM
TimeoutStopSec=15
Restart=on-failure
RestartSec=2
LimitNOFILE=65536

# the only privilege kept: binding ports below 1024 (e.g. AJPGATE_LISTEN=0.0.0.0:80)
AmbientCapabilities=CAP_NET_BIND_SERVICE
CapabilityBoundingSet=CAP_NET_BIND_SERVICE
NoNewPrivileges=yes

# the whole file system is read-only except the state directory and a private /tmp
# (where a deno compile binary keeps its V8 code cache and extracts the libsql native addon)
ProtectSystem=strict
ReadWritePaths=${layout.stateDir}
ProtectHome=yes
PrivateTmp=yes
PrivateDevices=yes
ProtectKernelTunables=yes
ProtectKernelModules=yes
ProtectControlGroups=yes
RestrictSUIDSGID=yes
LockPersonality=yes
# no MemoryDenyWriteExecute: V8 compiles JavaScript to machine code at run time

[Install]
WantedBy=multi-user.target
`;
}
