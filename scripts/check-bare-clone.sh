#!/usr/bin/env bash
# Proof that the repository stands alone (issue 19): clone the committed HEAD into an empty
# temporary folder with nothing beside it, then run there the tests that read the Dapodik
# fixtures and the demo's set-up steps (build, kabupaten, fixture school, reference import,
# kode registrasi, staff account, a short send). Anything read from outside the clone fails.
#
# The clone's intermediate build files go to this checkout's target/ (CARGO_BUILD_BUILD_DIR),
# so dependencies compiled by the main test run are reused; its binaries go to the clone's
# own target/. Cargo names a workspace crate's artifacts by its path *relative* to the
# workspace, so the clone's crates would overwrite this checkout's (with the clone's paths
# baked in by env!("CARGO_MANIFEST_DIR")); a profile setting of no effect on the code
# (codegen-units 255 instead of 256) in the clone's .cargo/config.toml gives them names of
# their own. Uncommitted changes are not in the clone: commit first.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
build_dir="${CARGO_BUILD_BUILD_DIR:-$(cargo metadata --manifest-path "$repo/Cargo.toml" --format-version 1 --no-deps \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')}"

outer="$(mktemp -d)"
trap 'rm -rf "$outer"' EXIT
git clone --quiet --no-local "$repo" "$outer/db-helper"
clone="$outer/db-helper"
beside="$(ls -A "$outer" | grep -vx db-helper || true)"
[ -z "$beside" ] || { echo "bare clone: unexpected files beside the clone: $beside" >&2; exit 1; }
echo "== bare clone of $(git -C "$clone" rev-parse --short HEAD) in $clone (nothing beside it)"

cd "$clone"
mkdir -p .cargo
{
  echo "# Written by scripts/check-bare-clone.sh: own artifact names in the shared build dir."
  cargo metadata --format-version 1 --no-deps --offline \
    | python3 -c 'import json,sys
for p in json.load(sys.stdin)["packages"]:
    print("[profile.dev.package.%s]\ncodegen-units = 255" % p["name"])'
} >.cargo/config.toml
unset DAPODIK_FIXTURES
export CARGO_TARGET_DIR="$clone/target"
export CARGO_BUILD_BUILD_DIR="$build_dir"

echo "== bare clone: the tests that read the fixtures"
cargo test --locked -p dapodik-fixtures -p test-kit -p shared-model -p dapodik-sim
cargo test --locked -p helper-gui --lib --test engine_e2e --test headless
cargo test --locked -p ingest-server --test store_suite --test http_suite

echo "== bare clone: the demo's set-up steps and a short send (scripts/demo.sh)"
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
DEMO_PROFILE=dev DEMO_STAY=0 DEMO_SCHOOLS=12 DEMO_SEND=3 \
  SIM_PORT="$(port)" SERVER_PORT="$(port)" DEMO_DIR="$outer/demo" \
  scripts/demo.sh | tee "$outer/demo.out"
grep -q "20599901" "$outer/demo.out" || { echo "bare clone: the demo did not send the fixture school" >&2; exit 1; }
echo "== bare clone: passed"
