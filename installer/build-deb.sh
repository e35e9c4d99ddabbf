#!/usr/bin/env bash
# Builds the district server package: target/debian/ingest-server_<version>-1_<arch>.deb
#
# The cargo-deb metadata lives in crates/ingest-server/Cargo.toml ([package.metadata.deb]);
# its canonical text is installer/linux/cargo-deb.toml. Run once with --add-metadata to append
# it (then commit the Cargo.toml); afterwards the script only warns if the two drift apart.
#
# The .deb carries the helper MSI offered on /unduhan: the newest
# target/installer/db-helper-*-x64.msi (build it first with installer/build-msi.sh), or none
# with --no-msi.
#
# Usage: installer/build-deb.sh [--add-metadata] [--no-msi] [--skip-deps] [-- cargo-deb args…]
# Environment: CARGO_TARGET_DIR, DEB_MAINTAINER ("Name <email>", overrides the metadata).
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
cd "$repo"
manifest="crates/ingest-server/Cargo.toml"
canonical="installer/linux/cargo-deb.toml"

add_metadata=0
with_msi=1
skip_deps=0
extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --add-metadata) add_metadata=1; shift ;;
    --no-msi) with_msi=0; shift ;;
    --skip-deps) skip_deps=1; shift ;;
    --) shift; extra=("$@"); break ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "build-deb: unknown argument $1" >&2; exit 2 ;;
  esac
done
log() { printf '== %s\n' "$*"; }

# The block without its leading comment lines, as it must appear in the manifest.
block="$(sed -n '/^\[package\.metadata\.deb\]/,$p' "$canonical")"
if ! grep -q '^\[package\.metadata\.deb\]' "$manifest"; then
  if [ "$add_metadata" -eq 1 ]; then
    log "appending [package.metadata.deb] to $manifest"
    printf '\n%s\n' "$block" >>"$manifest"
  else
    cat >&2 <<EOF
build-deb: $manifest has no [package.metadata.deb] block.
Append it once (and commit it):  installer/build-deb.sh --add-metadata
(the block is $canonical)
EOF
    exit 1
  fi
else
  current="$(sed -n '/^\[package\.metadata\.deb\]/,/^\[[^p]/p' "$manifest" | sed '/^\[[^p]/d')"
  if [ "$(printf '%s' "$current" | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}')" != "$block" ]; then
    echo "build-deb: warning: [package.metadata.deb] in $manifest differs from $canonical" >&2
  fi
fi

# The changelog's newest entry must be this version (cargo-deb ships it as changelog.Debian.gz).
version="$(sed -n 's/^version *= *"\(.*\)"/\1/p' Cargo.toml | head -n1)"
changelog="installer/linux/debian/changelog"
if ! head -n1 "$changelog" | grep -q "^ingest-server (${version}-"; then
  echo "build-deb: warning: $changelog does not start with ingest-server (${version}-N); add an entry" >&2
fi

if [ "$skip_deps" -eq 0 ] && ! cargo deb --version >/dev/null 2>&1; then
  log "cargo install cargo-deb --locked"
  cargo install cargo-deb --locked
fi

# Stage the MSI for /unduhan (the asset glob target/deb-unduhan/* of crates/ingest-server/Cargo.toml
# needs at least one file).
stage="$repo/target/deb-unduhan"
rm -rf "$stage"
mkdir -p "$stage"
if [ "$with_msi" -eq 1 ]; then
  msi="$(find "$repo/target/installer" -maxdepth 1 -name 'db-helper-*-x64.msi' -printf '%T@ %p\n' 2>/dev/null | sort -rn | head -n1 | cut -d' ' -f2-)"
  if [ -z "$msi" ]; then
    echo "build-deb: no target/installer/db-helper-*-x64.msi: run installer/build-msi.sh first, or pass --no-msi" >&2
    exit 1
  fi
  cp "$msi" "$stage/"
  [ -f "$msi.sha256" ] && cp "$msi.sha256" "$stage/"
  log "bundling $(basename "$msi") for /unduhan"
else
  printf 'Put db-helper-<version>-x64.msi here to offer it on /unduhan.\n' >"$stage/README.txt"
fi

args=(-p ingest-server --locked -o "$repo/target/debian/")
[ -n "${DEB_MAINTAINER:-}" ] && args+=(--maintainer "$DEB_MAINTAINER")
log "cargo deb ${args[*]} ${extra[*]:-}"
start=$(date +%s)
cargo deb "${args[@]}" "${extra[@]}" >"$repo/target/debian-build.log" 2>&1 || {
  tail -n 40 "$repo/target/debian-build.log" >&2; exit 1; }
deb="$(tail -n1 "$repo/target/debian-build.log")"
log "built in $(( $(date +%s) - start ))s: $deb ($(du -h "$deb" | cut -f1))"

# Sanity checks on the result.
fail=0
contents="$(dpkg-deb --contents "$deb")"
for path in ./usr/bin/ingest-server ./etc/ingest-server/ingest-server.toml \
            'lib/systemd/system/ingest-server.service' ./usr/share/doc/ingest-server/sysadmin-guide.md; do
  grep -q "$path\$" <<<"$contents" || { echo "build-deb: $path missing from the package" >&2; fail=1; }
done
if [ "$with_msi" -eq 1 ]; then
  grep -q "./usr/share/ingest-server/unduhan/db-helper-.*-x64.msi" <<<"$contents" \
    || { echo "build-deb: MSI missing from the package" >&2; fail=1; }
fi
# (the listing is captured first: `… | grep -q` would end tar with SIGPIPE under pipefail)
control="$(dpkg-deb --ctrl-tarfile "$deb" | tar -t)"
grep -qx './conffiles' <<<"$control" || { echo "build-deb: no conffiles" >&2; fail=1; }
grep -q '/usr/share/doc/ingest-server/changelog.Debian.gz$' <<<"$contents" \
  || { echo "build-deb: no changelog.Debian.gz" >&2; fail=1; }
if command -v lintian >/dev/null; then
  lintian --tag-display-limit 0 "$deb" || true
fi
[ "$fail" -eq 0 ] || exit 1
echo "$deb"
