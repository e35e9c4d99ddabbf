#!/usr/bin/env bash
# The complete local demo on embedded defaults (SQLite), in one go:
#   1. build the release binaries (honours CARGO_TARGET_DIR),
#   2. generate a synthetic kabupaten (dapodik-sim),
#   3. import the reference list and issue kode registrasi,
#   4. start the Dapodik Web Service simulator and the ingest server,
#   5. send a sample of schools with the headless helper (progress printed),
#   6. print the URLs of the pages. Ctrl-C stops everything cleanly.
#
# Knobs (environment): DEMO_DIR (demo-data), DEMO_SCHOOLS (1200), DEMO_SEND (20),
# DEMO_SEED (42), SIM_PORT (5774), SERVER_PORT (8080), DEMO_ADMIN_PASSWORD (demo-admin-123, of the
# staff account "admin"), CARGO_TARGET_DIR, DEMO_PROFILE (release; `dev` builds faster),
# DEMO_STAY (1; 0 stops after the send, for checks such as scripts/check-bare-clone.sh).
# The fixture school (NPSN 20599901) comes from crates/dapodik-fixtures/webservice
# ($DAPODIK_FIXTURES overrides it).
set -euo pipefail
cd "$(dirname "$0")/.."

DEMO_DIR=${DEMO_DIR:-demo-data}
DEMO_SCHOOLS=${DEMO_SCHOOLS:-1200}
DEMO_SEND=${DEMO_SEND:-20}
DEMO_SEED=${DEMO_SEED:-42}
SIM_PORT=${SIM_PORT:-5774}
SERVER_PORT=${SERVER_PORT:-8080}
DEMO_ADMIN_PASSWORD=${DEMO_ADMIN_PASSWORD:-demo-admin-123}
SIM_URL="http://127.0.0.1:${SIM_PORT}"
SERVER_URL="http://127.0.0.1:${SERVER_PORT}"
DEMO_PROFILE=${DEMO_PROFILE:-release}
DEMO_STAY=${DEMO_STAY:-1}

if [ -t 1 ]; then B=$'\033[1m'; D=$'\033[2m'; R=$'\033[31m'; N=$'\033[0m'; else B=; D=; R=; N=; fi
step_no=0
step() { step_no=$((step_no + 1)); printf '\n%s== %d/6 %s%s\n' "$B" "$step_no" "$*" "$N"; }
die() { printf '%sdemo: %s%s\n' "$R" "$*" "$N" >&2; exit 1; }
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
need() { command -v "$1" >/dev/null || die "$1 tidak ditemukan (apt-get install $2)"; }

need cargo "a Rust toolchain: https://rustup.rs"
need curl curl
need python3 python3
for p in "$SIM_PORT" "$SERVER_PORT"; do
  port_busy "$p" && die "port $p sudah dipakai program lain. Hentikan program itu, atau pakai SIM_PORT=… / SERVER_PORT=…"
done

step "Membangun program (cargo build --profile $DEMO_PROFILE)"
cargo build --profile "$DEMO_PROFILE" --locked -p dapodik-sim -p ingest-server -p helper-gui
# cargo metadata resolves CARGO_TARGET_DIR, build.target-dir and the default alike.
profile_dir=$DEMO_PROFILE; [ "$profile_dir" = dev ] && profile_dir=debug
BIN="$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')/$profile_dir"
for b in dapodik-sim ingest-server db-helper; do [ -x "$BIN/$b" ] || die "$BIN/$b tidak ada setelah build"; done
echo "${D}program: $BIN${N}"

rm -rf "$DEMO_DIR"
mkdir -p "$DEMO_DIR"
KAB="$DEMO_DIR/kabupaten"
export INGEST_DATA_DIR="$DEMO_DIR/server"
export INGEST_BIND="127.0.0.1:${SERVER_PORT}"
export INGEST_PUBLIC_BASE_URL="$SERVER_URL"
export RUST_LOG="${RUST_LOG:-warn}"   # the admin commands and the helper stay quiet; servers log to files

step "Membuat kabupaten sintetis ($DEMO_SCHOOLS sekolah, seed $DEMO_SEED)"
"$BIN/dapodik-sim" generate --seed "$DEMO_SEED" --schools "$DEMO_SCHOOLS" --out "$KAB"
"$BIN/dapodik-sim" import-fixtures --out "$KAB"

step "Impor referensi sekolah dan kode registrasi"
"$BIN/ingest-server" reference import "$KAB/reference.csv"
"$BIN/ingest-server" kode-registrasi generate --out "$DEMO_DIR/kode-registrasi.csv"
INGEST_STAF_PASSWORD="$DEMO_ADMIN_PASSWORD" "$BIN/ingest-server" staf tambah \
  --username admin --nama "Admin Demo" --peran admin </dev/null

pids=()
cleanup() {
  trap - INT TERM EXIT
  if [ ${#pids[@]} -gt 0 ]; then
    echo
    echo "Menghentikan simulator dan server …"
    kill -TERM "${pids[@]}" 2>/dev/null || true
    for _ in $(seq 1 50); do
      alive=0
      for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
      [ "$alive" -eq 0 ] && break
      sleep 0.2
    done
    kill -KILL "${pids[@]}" 2>/dev/null || true
    wait "${pids[@]}" 2>/dev/null || true
    echo "Berhenti. Data demo tetap ada di $DEMO_DIR/."
  fi
}
trap cleanup INT TERM EXIT

step "Menjalankan simulator Dapodik ($SIM_URL) dan server Dinas ($SERVER_URL)"
NO_COLOR=1 RUST_LOG=info "$BIN/dapodik-sim" serve --data "$KAB" --bind "127.0.0.1:${SIM_PORT}" \
  >"$DEMO_DIR/dapodik-sim.log" 2>&1 </dev/null &
pids+=($!)
NO_COLOR=1 RUST_LOG=info "$BIN/ingest-server" serve >"$DEMO_DIR/ingest-server.log" 2>&1 </dev/null &
pids+=($!)
ready=0
for _ in $(seq 1 150); do
  if curl -fsS "$SERVER_URL/healthz" >/dev/null 2>&1 && curl -s -o /dev/null "$SIM_URL/WebService/getSekolah"; then
    ready=1; break
  fi
  kill -0 "${pids[0]}" 2>/dev/null || { tail -n 20 "$DEMO_DIR/dapodik-sim.log" >&2; die "simulator berhenti; lihat $DEMO_DIR/dapodik-sim.log"; }
  kill -0 "${pids[1]}" 2>/dev/null || { tail -n 20 "$DEMO_DIR/ingest-server.log" >&2; die "server berhenti; lihat $DEMO_DIR/ingest-server.log"; }
  sleep 0.2
done
[ "$ready" -eq 1 ] || die "server atau simulator tidak menjawab dalam 30 detik; lihat $DEMO_DIR/*.log"
echo "siap (log: $DEMO_DIR/dapodik-sim.log, $DEMO_DIR/ingest-server.log)"

step "Mengirim $DEMO_SEND sekolah dengan db-helper kirim (tanpa jendela)"
# credentials.csv: npsn,token,username — kode-registrasi.csv: no,kecamatan,npsn,nama_sekolah,kode_registrasi,…
# The sample: the fixture school (if imported), then schools of every bentuk in turn (SD, TK,
# KB, SMP, …), so the pages show a mix.
python3 - "$KAB/credentials.csv" "$DEMO_DIR/kode-registrasi.csv" "$DEMO_SEND" "$KAB/reference.csv" \
  >"$DEMO_DIR/sample.tsv" <<'PY'
import csv, sys
creds = list(csv.DictReader(open(sys.argv[1], encoding="utf-8")))
kode = {r["npsn"]: r["kode_registrasi"] for r in csv.DictReader(open(sys.argv[2], encoding="utf-8-sig"))}
bentuk = {r["npsn"]: r["bentuk"] for r in csv.DictReader(open(sys.argv[4], encoding="utf-8-sig"))}
want = int(sys.argv[3])
picked = [c for c in creds if c["npsn"] == "20599901"]
groups = {}
for c in creds:
    if c["npsn"] != "20599901":
        groups.setdefault(bentuk.get(c["npsn"], "?"), []).append(c)
order = sorted(groups, key=lambda b: (-len(groups[b]), b))
while len(picked) < want and any(groups.values()):
    for b in order:
        if groups[b] and len(picked) < want:
            picked.append(groups[b].pop(0))
for c in picked:
    print("\t".join([c["npsn"], c["token"], c["username"], kode[c["npsn"]]]))
PY
total=$(wc -l <"$DEMO_DIR/sample.tsv")
log="$DEMO_DIR/db-helper-kirim.log"
: >"$log"
echo "${D}Keluaran lengkap tiap sekolah: $log${N}"
sent=0; failed=0; i=0
while IFS=$'\t' read -r npsn token username kode; do
  i=$((i + 1))
  out="$DEMO_DIR/helper/$npsn.out"
  mkdir -p "$(dirname "$out")"
  t0=$EPOCHREALTIME
  rc=0
  DBHELPER_DAPODIK_TOKEN="$token" "$BIN/db-helper" --data-dir "$DEMO_DIR/helper/$npsn" \
    --server-url "$SERVER_URL" --dapodik-url "$SIM_URL" \
    kirim --npsn "$npsn" --username "$username" --kode-registrasi "$kode" \
    >"$out" 2>&1 </dev/null || rc=$?
  secs=$(python3 -c "print(f'{$EPOCHREALTIME - $t0:.1f}')")
  { echo "### [$i/$total] NPSN $npsn (exit $rc, $secs s)"; cat "$out"; echo; } >>"$log"
  if [ "$i" -eq 1 ]; then
    # The first school in full, as an operator's scheduled task would log it.
    echo "${D}[1/$total] NPSN $npsn, keluaran lengkap:${N}"
    sed 's/^/    /' "$out"
  fi
  if [ "$rc" -eq 0 ]; then
    sent=$((sent + 1))
    python3 - "$out" "$i" "$total" "$npsn" "$secs" <<'PY'
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
def count(label):
    m = re.search(r"^  " + re.escape(label) + r": (\d+)$", text, re.M)
    return m.group(1) if m else "?"
nama = re.search(r"^  Sekolah: (.*)$", text, re.M)
wire = re.search(r"(\d+) byte terkirim", text)
kb = f"{int(wire.group(1)) / 1024:.0f} KB" if wire else "?"
i, total, npsn, secs = sys.argv[2:]
print(f"  [{int(i):>2}/{total}] {npsn}  {(nama.group(1) if nama else '')[:34]:<34}"
      f"  PD {count('Data PD'):>4}  PTK {count('Data PTK'):>3}  Rombel {count('Data Rombel'):>3}"
      f"  {kb:>7} terkirim  {secs:>4} s")
PY
  else
    failed=$((failed + 1))
    printf '  [%2d/%s] %s  %sGAGAL (exit %s): %s%s\n' "$i" "$total" "$npsn" "$R" "$rc" \
      "$(grep -m1 '^GAGAL' "$out" || tail -n1 "$out")" "$N"
  fi
done <"$DEMO_DIR/sample.tsv"

step "Selesai: $sent sekolah terkirim, $failed gagal"
on_server=$(curl -fsS "$SERVER_URL/api/v1/progres" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))' || echo "?")
echo "Server mencatat $on_server sekolah di Progres Kirim Data."
cat <<TXT

Halaman Dinas:
  Beranda              $SERVER_URL/
  Progres Kirim Data   $SERVER_URL/progres_data
  Belum Kirim          $SERVER_URL/belum_kirim
  Data Pokok           $SERVER_URL/data_pokok
  Contoh sekolah       $SERVER_URL/sekolah/$(head -n1 "$DEMO_DIR/sample.tsv" | cut -f1)
  Unduhan              $SERVER_URL/unduhan
  Area staf            $SERVER_URL/login  (admin / $DEMO_ADMIN_PASSWORD)
  API progres (JSON)   $SERVER_URL/api/v1/progres
Simulator Dapodik:     $SIM_URL/WebService/getSekolah?npsn=…  (token di $KAB/credentials.csv)
Kode registrasi:       $DEMO_DIR/kode-registrasi.csv
Log:                   $DEMO_DIR/*.log

TXT
if [ "$DEMO_STAY" = 0 ]; then
  [ "$failed" -eq 0 ] || exit 1
  exit 0
fi
echo "${B}Tekan Ctrl-C untuk berhenti.${N}"
wait
