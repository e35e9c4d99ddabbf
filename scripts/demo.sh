#!/usr/bin/env bash
# The complete local demo on embedded defaults (SQLite), in one go:
#   1. generate a synthetic kabupaten (dapodik-sim),
#   2. start the Dapodik Web Service simulator and the ingest server,
#   3. import the reference list and issue kode registrasi,
#   4. send a sample of schools with the headless helper (progress printed),
#   5. print the URLs of the pages. Ctrl-C stops everything cleanly.
#
# Knobs (environment): DEMO_DIR (demo-data), DEMO_SCHOOLS (1200), DEMO_SEND (20),
# DEMO_SEED (42), SIM_PORT (5774), SERVER_PORT (8080).
set -euo pipefail
cd "$(dirname "$0")/.."

DEMO_DIR=${DEMO_DIR:-demo-data}
DEMO_SCHOOLS=${DEMO_SCHOOLS:-1200}
DEMO_SEND=${DEMO_SEND:-20}
DEMO_SEED=${DEMO_SEED:-42}
SIM_PORT=${SIM_PORT:-5774}
SERVER_PORT=${SERVER_PORT:-8080}
SIM_URL="http://127.0.0.1:${SIM_PORT}"
SERVER_URL="http://127.0.0.1:${SERVER_PORT}"
FIXTURES="../shared/dapodik/fixtures"

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "Membangun program (cargo build --release)"
cargo build --release --locked -p dapodik-sim -p ingest-server -p helper-gui
BIN="$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')/release"

rm -rf "$DEMO_DIR"
mkdir -p "$DEMO_DIR"
KAB="$DEMO_DIR/kabupaten"
export INGEST_DATA_DIR="$DEMO_DIR/server"
export INGEST_BIND="127.0.0.1:${SERVER_PORT}"
export INGEST_PUBLIC_BASE_URL="$SERVER_URL"

step "Membuat kabupaten sintetis ($DEMO_SCHOOLS sekolah, seed $DEMO_SEED)"
"$BIN/dapodik-sim" generate --seed "$DEMO_SEED" --schools "$DEMO_SCHOOLS" --out "$KAB"
if [ -f "$FIXTURES/getSekolah.json" ]; then
  "$BIN/dapodik-sim" import-fixtures --from "$FIXTURES" --out "$KAB"
fi

step "Impor referensi sekolah dan kode registrasi"
"$BIN/ingest-server" reference import "$KAB/reference.csv"
"$BIN/ingest-server" kode-registrasi generate --out "$DEMO_DIR/kode-registrasi.csv"

pids=()
cleanup() {
  trap - INT TERM EXIT
  if [ ${#pids[@]} -gt 0 ]; then
    echo
    echo "Menghentikan simulator dan server…"
    kill -TERM "${pids[@]}" 2>/dev/null || true
    wait "${pids[@]}" 2>/dev/null || true
  fi
}
trap cleanup INT TERM EXIT

step "Menjalankan simulator Dapodik ($SIM_URL) dan server Dinas ($SERVER_URL)"
"$BIN/dapodik-sim" serve --data "$KAB" --bind "127.0.0.1:${SIM_PORT}" 2>"$DEMO_DIR/dapodik-sim.log" &
pids+=($!)
"$BIN/ingest-server" serve 2>"$DEMO_DIR/ingest-server.log" &
pids+=($!)
for _ in $(seq 1 100); do
  if curl -fsS "$SERVER_URL/healthz" >/dev/null 2>&1 && curl -s -o /dev/null "$SIM_URL/WebService/getSekolah"; then break; fi
  sleep 0.2
done
curl -fsS "$SERVER_URL/healthz" >/dev/null || { echo "Server tidak menyala; lihat $DEMO_DIR/ingest-server.log"; exit 1; }

step "Mengirim $DEMO_SEND sekolah dengan db-helper (tanpa jendela)"
# credentials.csv: npsn,token,username — kode-registrasi.csv: no,kecamatan,npsn,nama_sekolah,kode_registrasi,…
python3 - "$KAB/credentials.csv" "$DEMO_DIR/kode-registrasi.csv" "$DEMO_SEND" >"$DEMO_DIR/sample.tsv" <<'PY'
import csv, sys
creds = list(csv.DictReader(open(sys.argv[1], encoding="utf-8")))
kode = {r["npsn"]: r["kode_registrasi"] for r in csv.DictReader(open(sys.argv[2], encoding="utf-8-sig"))}
fixture = [c for c in creds if c["npsn"] == "20599901"]
rest = [c for c in creds if c["npsn"] != "20599901"]
for c in (fixture + rest)[: int(sys.argv[3])]:
    print("\t".join([c["npsn"], c["token"], c["username"], kode[c["npsn"]]]))
PY
sent=0; failed=0
while IFS=$'\t' read -r npsn token username kode; do
  echo "-- NPSN $npsn"
  if DBHELPER_DAPODIK_TOKEN="$token" "$BIN/db-helper" --data-dir "$DEMO_DIR/helper/$npsn" \
      --server-url "$SERVER_URL" --dapodik-url "$SIM_URL" \
      kirim --npsn "$npsn" --username "$username" --kode-registrasi "$kode"; then
    sent=$((sent + 1))
  else
    failed=$((failed + 1))
  fi
done <"$DEMO_DIR/sample.tsv"

step "Selesai: $sent sekolah terkirim, $failed gagal"
cat <<TXT
Halaman Dinas:
  Beranda              $SERVER_URL/
  Progres Kirim Data   $SERVER_URL/progres_data
  Belum Kirim          $SERVER_URL/belum_kirim
  Data Pokok           $SERVER_URL/data_pokok
  Contoh sekolah       $SERVER_URL/sekolah/$(head -n1 "$DEMO_DIR/sample.tsv" | cut -f1)
  API progres (JSON)   $SERVER_URL/api/v1/progres
Simulator Dapodik:     $SIM_URL/WebService/getSekolah?npsn=…  (token di $KAB/credentials.csv)
Kode registrasi:       $DEMO_DIR/kode-registrasi.csv
Log:                   $DEMO_DIR/*.log

Tekan Ctrl-C untuk berhenti.
TXT
wait
