#!/usr/bin/env bash
# Checks a DB Helper MSI built by installer/build-msi.sh.
#
# Static (msitools, always): properties, upgrade table, sequences, shortcuts, directories,
#   files, registry, searches, and the exe's version resource.
# Dynamic (wine, where it works): in a throwaway WINEPREFIX and HOME it installs silently with
#   SERVER_URL/DAPODIK_URL/NAMA_DINAS, checks HKLM\SOFTWARE\Dispendik\DB Helper, the ARP
#   entry, the shortcuts and %ProgramData%\DB Helper, runs `db-helper.exe --version`, repairs,
#   upgrades to a rebuilt X.Y.(Z+1) package without the properties (values must survive),
#   refuses the downgrade, changes the URL (REINSTALLMODE=m), and uninstalls.
#
# Usage: installer/check-msi.sh [--require-wine | --no-wine] [--no-upgrade] [MSI]
#   MSI defaults to the newest target/installer/db-helper-*-x64.msi.
#   --require-wine  fail (instead of skip) when wine is missing or broken
#   --no-wine       static checks only
# Exits non-zero on any failure; prints "SKIP wine: <reason>" when wine is unavailable.
set -uo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
UPGRADE_CODE="{1FA757C5-ADB8-409D-BDCA-E229A7D8E2E9}"
PUBLISHER="${PUBLISHER:-Dinas Pendidikan Kabupaten}"
TEST_SERVER_URL="https://kirim.disdik.example.go.id"
TEST_DAPODIK_URL="http://localhost:5774"
TEST_NAMA_DINAS="DINAS PENDIDIKAN KABUPATEN CONTOH"
REG_KEY='SOFTWARE\Dispendik\DB Helper'   # what crates/helper-gui/src/config.rs reads
PUBLIC_PROPS=(SERVER_URL DAPODIK_URL NAMA_DINAS ALAMAT_DINAS TELEPON_DINAS)
REG_NAMES=(ServerUrl DapodikUrl NamaDinas AlamatDinas TeleponDinas)

require_wine=0
use_wine=1
upgrade=1
msi=""
while [ $# -gt 0 ]; do
  case "$1" in
    --require-wine) require_wine=1; shift ;;
    --no-wine) use_wine=0; shift ;;
    --no-upgrade) upgrade=0; shift ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    -*) echo "check-msi: unknown option $1" >&2; exit 2 ;;
    *) msi="$(realpath "$1")"; shift ;;
  esac
done
if [ -z "$msi" ]; then
  msi="$(find "$repo/target/installer" -maxdepth 1 -name 'db-helper-*-x64.msi' -printf '%T@ %p\n' 2>/dev/null | sort -rn | head -n1 | cut -d' ' -f2-)"
fi
if [ -z "$msi" ] || [ ! -f "$msi" ]; then
  echo "check-msi: no MSI (build one with installer/build-msi.sh)" >&2; exit 1
fi

failures=0
pass() { printf 'ok    %s\n' "$*"; }
fail() { printf 'FAIL  %s\n' "$*"; failures=$((failures + 1)); }
check() { # check "description" command...
  local what="$1"; shift
  if "$@"; then pass "$what"; else fail "$what"; fi
}

for tool in msiinfo msiextract; do
  command -v "$tool" >/dev/null || { echo "check-msi: $tool not found (Debian: msitools)" >&2; exit 1; }
done

work="$(mktemp -d /tmp/check-msi.XXXXXX)"
cleanup() {
  if [ -n "${WINEPREFIX:-}" ] && [ -d "${WINEPREFIX:-}" ] && command -v wineserver >/dev/null; then
    wineserver -k >/dev/null 2>&1 || true   # only this prefix's server
  fi
  rm -rf "$work"
}
trap cleanup EXIT
# Work inside $work: `msiinfo export … Icon` writes the icon streams to ./Icon/.
cd "$work" || exit 1

echo "== static checks: $msi"
table() { msiinfo export "$msi" "$1" | tr -d '\r' | tail -n +4; }
for t in Property Upgrade InstallExecuteSequence Shortcut Directory File Component Registry RegLocator AppSearch CustomAction LaunchCondition CreateFolder Icon; do
  table "$t" >"$work/$t.tsv" 2>/dev/null || : >"$work/$t.tsv"
done
prop() { awk -F'\t' -v k="$1" '$1==k{print $2}' "$work/Property.tsv"; }
has_row() { grep -qP -- "$2" "$work/$1.tsv"; }
# The shipped exe must not be a build with test-only parts (`--version` says "(build uji)").
not_test_build() { ! grep -qF "(build uji)" <<<"$1"; }

version="$(prop ProductVersion)"
check "ProductName = DB Helper" test "$(prop ProductName)" = "DB Helper"
check "Manufacturer = $PUBLISHER" test "$(prop Manufacturer)" = "$PUBLISHER"
check "ProductVersion X.Y.Z ($version)" grep -qxE '[0-9]+\.[0-9]+\.[0-9]+' <<<"$version"
check "file name matches version" test "$(basename "$msi")" = "db-helper-$version-x64.msi"
check "UpgradeCode is the stable $UPGRADE_CODE" test "$(prop UpgradeCode)" = "$UPGRADE_CODE"
check "ProductCode is a GUID" grep -qxE '\{[0-9A-F-]{36}\}' <<<"$(prop ProductCode)"
check "ALLUSERS = 1 (per machine)" test "$(prop ALLUSERS)" = "1"
check "ARPPRODUCTICON names an Icon row" has_row Icon "^$(prop ARPPRODUCTICON)\t"
secure=";$(prop SecureCustomProperties);"
for p in "${PUBLIC_PROPS[@]}" "${PUBLIC_PROPS[@]/#/SAVED_}" WIX_UPGRADE_DETECTED WIX_DOWNGRADE_DETECTED; do
  check "SecureCustomProperties has $p" grep -qF ";$p;" <<<"$secure"
done
for p in "${PUBLIC_PROPS[@]}"; do
  check "$p has no baked-in default" test -z "$(prop "$p")"
done
check "summary: x64 package" bash -c "msiinfo suminfo '$msi' | grep -qx 'Template: x64;1033'"

check "Upgrade: removes older versions (WIX_UPGRADE_DETECTED)" has_row Upgrade "^\Q$UPGRADE_CODE\E\t\t[0-9.]+\t.*\tWIX_UPGRADE_DETECTED"
check "Upgrade: detects newer versions (WIX_DOWNGRADE_DETECTED)" has_row Upgrade "^\Q$UPGRADE_CODE\E\t[0-9.]+\t.*\tWIX_DOWNGRADE_DETECTED"
check "LaunchCondition blocks downgrades" has_row LaunchCondition "^NOT WIX_DOWNGRADE_DETECTED\t"
seq() { awk -F'\t' -v a="$1" '$1==a{print $3}' "$work/InstallExecuteSequence.tsv"; }
check "RemoveExistingProducts scheduled" test -n "$(seq RemoveExistingProducts)"
key_re='SOFTWARE\\Dispendik\\DB Helper'
for i in "${!PUBLIC_PROPS[@]}"; do
  p="${PUBLIC_PROPS[$i]}" n="${REG_NAMES[$i]}" ca="UseSaved${REG_NAMES[$i]}"
  s="$(seq "$ca")"
  check "$ca runs between AppSearch and CostFinalize" test -n "$s" && test "${s:-0}" -gt "$(seq AppSearch)" -a "${s:-0}" -lt "$(seq CostFinalize)"
  check "$ca only when $p is not on the command line" has_row InstallExecuteSequence "^$ca\tSAVED_$p AND NOT $p\t"
  check "CustomAction $ca sets $p" has_row CustomAction "^$ca\t[0-9]+\t$p\t\[SAVED_$p\]"
  check "RegistrySearch HKLM $n (64-bit view)" has_row RegLocator "^Saved$n\t2\t$key_re\t$n\t18$"
  check "AppSearch wires SAVED_$p" has_row AppSearch "^SAVED_$p\tSaved$n$"
  check "Registry HKLM\\$REG_KEY\\$n = [$p]" has_row Registry "\t2\t$key_re\\\\?\t$n\t\[$p\]\tMachineSettings$"
done
g="$(seq GrantUsersDataDir)"
check "icacls on the data folder: deferred, after CreateFolders, before InstallFinalize" \
  test -n "$g" && test "${g:-0}" -gt "$(seq CreateFolders)" -a "${g:-0}" -lt "$(seq InstallFinalize)"
check "icacls grants BUILTIN\\Users (S-1-5-32-545) modify on [DATADIR]" \
  has_row CustomAction '^GrantUsersDataDir\t[0-9]+\tICACLS_EXE\t"\[DATADIR\]\." /grant \*S-1-5-32-545:\(OI\)\(CI\)M'
check "DATADIR = CommonAppDataFolder\\DB Helper (created)" has_row Directory "^DATADIR\tCommonAppDataFolder\t([^|\t]+\|)?DB Helper$"
check "CreateFolder DATADIR" has_row CreateFolder "^DATADIR\tDataFolder$"
comp_attr() { awk -F'\t' -v c="$1" '$1==c{print $4}' "$work/Component.tsv"; }
for c in MainExecutable MachineSettings DataFolder StartMenuShortcut DesktopShortcut; do
  a="$(comp_attr "$c")"
  check "component $c is 64-bit" test -n "$a" -a $(( ${a:-0} & 256 )) -eq 256
done

check "INSTALLDIR = ProgramFiles64Folder\\DB Helper" has_row Directory "^INSTALLDIR\tProgramFiles64Folder\t([^|\t]+\|)?DB Helper$"
check "Start-menu shortcut \"DB Helper\"" has_row Shortcut "^[^\t]+\tProgramMenuFolder\t([^|\t]+\|)?DB Helper\t[^\t]+\t\[INSTALLDIR\]db-helper\.exe\t"
check "desktop shortcut \"DB Helper\"" has_row Shortcut "^[^\t]+\tDesktopFolder\t([^|\t]+\|)?DB Helper\t[^\t]+\t\[INSTALLDIR\]db-helper\.exe\t"
check "File table: exactly db-helper.exe" test "$(cut -f3 "$work/File.tsv" | sed 's/.*|//' | sort | paste -sd,)" = "db-helper.exe"

mkdir -p "$work/extract"
msiextract -C "$work/extract" "$msi" >/dev/null
exe="$(find "$work/extract" -name db-helper.exe | head -n1)"
check "cabinet holds db-helper.exe" test -n "$exe"
if [ -n "$exe" ]; then
  desc="$(file -b "$exe")"
  check "db-helper.exe is PE32+ x86-64 ($desc)" grep -q "PE32+ executable.*x86-64" <<<"$desc"
  exe_strings="$(strings -el "$exe")"
  check "exe version resource: ProductName DB Helper" grep -qx "DB Helper" <<<"$exe_strings"
  check "exe version resource: version $version" grep -qxF "$version" <<<"$exe_strings"
  check "exe version resource: CompanyName" grep -qxF "$PUBLISHER" <<<"$exe_strings"
  echo "      exe $(du -h "$exe" | cut -f1), msi $(du -h "$msi" | cut -f1)"
fi

# ---------------------------------------------------------------------------------------------
wine_skip() {
  if [ "$require_wine" -eq 1 ]; then fail "wine required: $1"; else echo "SKIP wine: $1"; fi
}
run_wine_checks() {
  if ! command -v wine >/dev/null; then wine_skip "wine not installed (Debian: wine wine64)"; return; fi
  export HOME="$work/home" WINEPREFIX="$work/prefix" WINEARCH=win64 WINEDEBUG=-all
  # No menu/desktop entries in the real HOME, no Mono/Gecko prompts.
  export WINEDLLOVERRIDES="winemenubuilder.exe=d;mscoree=d;mshtml=d"
  unset DISPLAY WAYLAND_DISPLAY
  mkdir -p "$HOME"
  echo "== wine checks ($(wine --version 2>/dev/null), prefix $WINEPREFIX)"
  if ! timeout 300 wineboot -i >"$work/wineboot.log" 2>&1 || [ ! -d "$WINEPREFIX/drive_c/windows" ]; then
    wine_skip "wineboot failed: $(tail -n1 "$work/wineboot.log")"; return
  fi
  local pf="$WINEPREFIX/drive_c/Program Files/DB Helper"
  msiexec() { timeout 300 wine msiexec "$@" </dev/null >>"$work/msiexec.out" 2>&1; }
  regval() { # regval NAME -> value of HKLM\$REG_KEY\NAME (64-bit view), or nothing
    wine reg query "HKLM\\$REG_KEY" /v "$1" /reg:64 2>/dev/null | tr -d '\r' |
      awk -v n="$1" '$1==n && $2 ~ /^REG_/ { sub(/^[ \t]*[^ \t]+[ \t]+REG_[A-Z_]+[ \t]*/, ""); print; exit }'
  }
  uninstall_key() { # value of the product's ARP entry
    wine reg query "HKLM\\Software\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\$1" /v "$2" /reg:64 2>/dev/null |
      tr -d '\r' | awk -v n="$2" '$1==n { sub(/^[ \t]*[^ \t]+[ \t]+REG_[A-Z_]+[ \t]*/, ""); print; exit }'
  }

  # 1. silent install with both properties
  msiexec /i "$msi" /qn /l*v "$work/install.log" SERVER_URL="$TEST_SERVER_URL" DAPODIK_URL="$TEST_DAPODIK_URL" NAMA_DINAS="$TEST_NAMA_DINAS"
  check "wine: msiexec /i /qn SERVER_URL=… succeeds" test $? -eq 0
  check "wine: C:\\Program Files\\DB Helper\\db-helper.exe installed" test -f "$pf/db-helper.exe"
  check "wine: C:\\ProgramData\\DB Helper created" test -d "$WINEPREFIX/drive_c/ProgramData/DB Helper"
  check "wine: HKLM ServerUrl = $TEST_SERVER_URL" test "$(regval ServerUrl)" = "$TEST_SERVER_URL"
  check "wine: HKLM DapodikUrl = $TEST_DAPODIK_URL" test "$(regval DapodikUrl)" = "$TEST_DAPODIK_URL"
  check "wine: HKLM NamaDinas = $TEST_NAMA_DINAS" test "$(regval NamaDinas)" = "$TEST_NAMA_DINAS"
  check "wine: HKLM Version = $version" test "$(regval Version)" = "$version"
  local pc; pc="$(prop ProductCode)"
  check "wine: ARP DisplayVersion = $version" test "$(uninstall_key "$pc" DisplayVersion)" = "$version"
  check "wine: ARP Publisher = $PUBLISHER" test "$(uninstall_key "$pc" Publisher)" = "$PUBLISHER"
  local lnk; lnk="$(find "$WINEPREFIX/drive_c" "$HOME" -name 'DB Helper.lnk' 2>/dev/null | wc -l)"
  check "wine: two \"DB Helper.lnk\" shortcuts (Start menu, desktop)" test "$lnk" -eq 2

  # 2. db-helper.exe --version (Wine 8 lacks bcryptprimitives.dll: test-only stub beside the exe)
  if [ ! -f "$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll" ] && [ -f "$pf/db-helper.exe" ]; then
    if command -v x86_64-w64-mingw32-gcc >/dev/null; then
      x86_64-w64-mingw32-gcc -shared -O2 -s -o "$pf/bcryptprimitives.dll" \
        "$repo/installer/windows/wine-bcryptprimitives.c" -ladvapi32
    else
      echo "      (no x86_64-w64-mingw32-gcc: cannot build the ProcessPrng stub; --version may fail)"
    fi
  fi
  if [ -f "$pf/db-helper.exe" ]; then
    local out
    out="$(timeout 120 wine "C:\\Program Files\\DB Helper\\db-helper.exe" --version 2>"$work/version.err" </dev/null | tr -d '\r')"
    check "wine: db-helper.exe --version prints $version (got: '$out')" grep -qF "$version" <<<"$out"
    check "wine: not a test build (no '(build uji)')" not_test_build "$out"
    rm -f "$pf/bcryptprimitives.dll"   # so uninstall can prove the folder is left empty
  fi

  # 3. repair without properties keeps the values. REINSTALL=ALL REINSTALLMODE=amus is what
  #    `msiexec /fa` does; Wine 8's msiexec does not implement /f.
  msiexec /i "$msi" REINSTALL=ALL REINSTALLMODE=amus /qn /l*v "$work/repair.log"
  check "wine: repair (REINSTALL=ALL REINSTALLMODE=amus, = /fa) succeeds" test $? -eq 0
  check "wine: repair keeps ServerUrl" test "$(regval ServerUrl)" = "$TEST_SERVER_URL"
  check "wine: repair keeps DapodikUrl" test "$(regval DapodikUrl)" = "$TEST_DAPODIK_URL"

  # 4. major upgrade to X.Y.(Z+1) without properties keeps the values
  if [ "$upgrade" -eq 1 ] && [ -n "$exe" ]; then
    IFS=. read -r ma mi pa <<<"$version"
    local newer="$ma.$mi.$((pa + 1))" newdir="$work/newer"
    if MSI_OUT_DIR="$newdir" "$repo/installer/build-msi.sh" --skip-deps --exe "$exe" --version "$newer" >"$work/build-newer.log" 2>&1; then
      local newmsi="$newdir/db-helper-$newer-x64.msi" newpc
      newpc="$(msiinfo export "$newmsi" Property | tr -d '\r' | awk -F'\t' '$1=="ProductCode"{print $2}')"
      msiexec /i "$newmsi" /qn /l*v "$work/upgrade.log"
      check "wine: upgrade $version -> $newer succeeds" test $? -eq 0
      check "wine: upgrade keeps ServerUrl" test "$(regval ServerUrl)" = "$TEST_SERVER_URL"
      check "wine: upgrade keeps DapodikUrl" test "$(regval DapodikUrl)" = "$TEST_DAPODIK_URL"
      check "wine: upgrade keeps NamaDinas" test "$(regval NamaDinas)" = "$TEST_NAMA_DINAS"
      check "wine: HKLM Version = $newer after upgrade" test "$(regval Version)" = "$newer"
      check "wine: ARP shows $newer" test "$(uninstall_key "$newpc" DisplayVersion)" = "$newer"
      check "wine: old product removed from ARP" test -z "$(uninstall_key "$pc" DisplayVersion)"
      check "wine: exe still installed after upgrade" test -f "$pf/db-helper.exe"
      # the older package must now refuse to install (downgrade)
      msiexec /i "$msi" /qn /l*v "$work/downgrade.log"
      check "wine: downgrade to $version is refused" test $? -ne 0
      pc="$newpc"; msi="$newmsi"
    else
      fail "build of upgrade package $newer (see $work/build-newer.log)"; cat "$work/build-newer.log"
    fi
  fi

  # 5. an admin changes the URL later (= msiexec /fm … SERVER_URL=<new>): the command line
  #    wins over the saved value.
  msiexec /i "$msi" REINSTALL=ALL REINSTALLMODE=m SERVER_URL="https://baru.example.go.id" /qn /l*v "$work/change.log"
  check "wine: REINSTALLMODE=m SERVER_URL=<new> changes ServerUrl" test "$(regval ServerUrl)" = "https://baru.example.go.id"
  check "wine: … and keeps DapodikUrl" test "$(regval DapodikUrl)" = "$TEST_DAPODIK_URL"

  # 6. uninstall removes files, values and shortcuts, and keeps the helper's data
  echo "outbox" >"$WINEPREFIX/drive_c/ProgramData/DB Helper/outbox.sqlite"
  msiexec /x "$msi" /qn /l*v "$work/uninstall.log"
  check "wine: uninstall (/x) succeeds" test $? -eq 0
  check "wine: exe removed" test ! -e "$pf/db-helper.exe"
  check "wine: HKLM ServerUrl removed" test -z "$(regval ServerUrl)"
  check "wine: data in C:\\ProgramData\\DB Helper kept" test -f "$WINEPREFIX/drive_c/ProgramData/DB Helper/outbox.sqlite"
  lnk="$(find "$WINEPREFIX/drive_c" "$HOME" -name 'DB Helper.lnk' 2>/dev/null | wc -l)"
  check "wine: shortcuts removed" test "$lnk" -eq 0
}
if [ "$use_wine" -eq 1 ]; then run_wine_checks; else echo "SKIP wine: --no-wine"; fi

echo
if [ "$failures" -gt 0 ]; then
  echo "check-msi: $failures check(s) FAILED (logs were in $work, removed on exit; set KEEP=1 to keep)"
  [ "${KEEP:-0}" = 1 ] && trap - EXIT && echo "kept: $work"
  exit 1
fi
echo "check-msi: all checks passed"
