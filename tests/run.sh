#!/usr/bin/env bash
# The whole ajpgate test suite, for a fresh Debian machine with Node/npm: `bash tests/run.sh`
# from the repository root. Installs Tomcat 10 and a JDK when they are missing and we are root,
# installs node_modules from the lockfile, runs `deno test` with type checking, and prints
# "N passed, N failed[, N skipped]" as the last line. Exits with deno test's exit code.
# Extra arguments go to `deno test` (e.g. a file, or --filter NAME).
set -uo pipefail
unset RUST_BACKTRACE
cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1

DENO_VERSION=2.9.6
if deno --version 2>/dev/null | head -n 1 | grep -q "^deno ${DENO_VERSION//./\\.} "; then
  DENO=(deno)
else
  DENO=(npx -y "deno@${DENO_VERSION}")
fi

# Tomcat 10.1 from Debian, and javac to build the test webapp (tests/support/tomcat.ts).
# A failure before the tests run still ends with the totals line that CI reads.
fail_early() {
  echo "tests/run.sh: $1" >&2
  echo "0 passed, 1 failed"
  exit 1
}

TOMCAT_HOME="${AJPGATE_TOMCAT_HOME:-/usr/share/tomcat10}"
missing_tools() {
  local missing=()
  [ -f "$TOMCAT_HOME/bin/bootstrap.jar" ] || missing+=("tomcat10 ($TOMCAT_HOME)")
  command -v java >/dev/null 2>&1 || missing+=("java")
  command -v javac >/dev/null 2>&1 || missing+=("javac")
  echo "${missing[*]}"
}
missing="$(missing_tools)"
if [ -n "$missing" ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "tests/run.sh: missing $missing; installing tomcat10 and default-jdk-headless" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update && apt-get install -y tomcat10 default-jdk-headless
    missing="$(missing_tools)"
  fi
  if [ -n "$missing" ]; then
    fail_early "missing $missing.
  Install them with: sudo apt-get install -y tomcat10 default-jdk-headless
  (or run tests/run.sh as root, which installs them)"
  fi
fi

# The benchmark smoke test also needs httpd and wrk; install them when root, else it skips.
if [ "$(id -u)" = 0 ] && { ! command -v apache2 >/dev/null 2>&1 || ! command -v wrk >/dev/null 2>&1; }; then
  echo "tests/run.sh: installing apache2 and wrk for the benchmark smoke test" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y apache2 wrk >/dev/null 2>&1 ||
    (apt-get update >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y apache2 wrk >/dev/null 2>&1) ||
    echo "tests/run.sh: could not install apache2/wrk; the benchmark smoke test will be skipped" >&2
fi

# The TLS load test drives the gateway with h2load; install it when root, else it skips.
if [ "$(id -u)" = 0 ] && ! command -v h2load >/dev/null 2>&1; then
  echo "tests/run.sh: installing nghttp2-client (h2load) for the TLS load test" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y nghttp2-client >/dev/null 2>&1 ||
    (apt-get update >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y nghttp2-client >/dev/null 2>&1) ||
    echo "tests/run.sh: could not install nghttp2-client; the TLS load test will be skipped" >&2
fi

# The console's browser tests drive Debian's chromium; install it when root, else they skip.
if [ "$(id -u)" = 0 ] && [ ! -x /usr/bin/chromium ]; then
  echo "tests/run.sh: installing chromium for the console's browser tests" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y chromium >/dev/null 2>&1 ||
    (apt-get update >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium >/dev/null 2>&1) ||
    echo "tests/run.sh: could not install chromium; the console's browser tests will be skipped" >&2
fi

"${DENO[@]}" install || fail_early "deno install failed"

log="$(mktemp "${TMPDIR:-/tmp}/ajpgate-test.XXXXXX")"
trap 'rm -f "$log"' EXIT
"${DENO[@]}" test -A --no-check=remote "$@" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}

# deno's last summary line: "ok | 5 passed (24 steps) | 0 failed | 1 ignored (105ms)" or
# "FAILED | 3 passed (20 steps) | 1 failed (2 steps) (2s)". Steps are the conformance cases
# inside one shared-Tomcat test, so they count too; ignored tests are "skipped".
summary="$(sed 's/\x1b\[[0-9;]*m//g' "$log" | grep -E '^(ok|FAILED) \| ' | tail -n 1)"
count() { grep -oE "[0-9]+ $1( \([0-9]+ steps?\))?" <<<"$summary" | head -n 1 |
  awk '{ n = $1; if ($3 != "") { gsub(/\(/, "", $3); n += $3 } print n }'; }
passed="$(count passed)"
failed="$(count failed)"
skipped="$(count ignored)"
if [ -z "$summary" ]; then
  # No summary: deno stopped before running tests (e.g. a type error); that is a failure.
  passed=0
  failed=$((rc == 0 ? 0 : 1))
fi
line="${passed:-0} passed, ${failed:-0} failed"
if [ "${skipped:-0}" -gt 0 ]; then line="$line, $skipped skipped"; fi
echo "$line"
exit "$rc"
