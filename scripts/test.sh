#!/usr/bin/env bash
# Runs all tests: unit, integration, whole-system, page (headless Chromium) and window (Xvfb) tests,
# on SQLite and PostgreSQL (127.0.0.1:5432; TEST_DATABASE_URL_PG overrides).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-test-deps.sh
cargo test --workspace --locked "$@"
