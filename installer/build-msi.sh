#!/usr/bin/env bash
# Builds the Windows installer for the school PC helper on Linux:
#   target/installer/db-helper-<version>-x64.msi  (+ .sha256)
#
# 1. installs what it needs if missing (Debian: gcc-mingw-w64-x86-64, binutils-mingw-w64-x86-64,
#    wixl, msitools; rustup target x86_64-pc-windows-gnu);
# 2. cross-compiles the release db-helper.exe (icon + VERSIONINFO from crates/helper-gui/build.rs);
# 3. runs wixl on installer/windows/db-helper.wxs with the version taken from the helper-gui
#    Cargo version and a fresh ProductCode (so every build major-upgrades the previous one);
# 4. post-processes the database with msibuild (SecureCustomProperties, 8.3|long names).
#
# Usage: installer/build-msi.sh [--exe PATH] [--version X.Y.Z] [--profile P] [--skip-deps] [--no-strip]
#   --exe PATH      package this db-helper.exe instead of building it (CI split, tests)
#   --version V     override the version (default: helper-gui's Cargo version)
#   --profile P     cargo profile for the exe (default release; CI uses ci-msi, see Cargo.toml)
#   --skip-deps     do not apt-get/rustup anything
#   --no-strip      keep the symbol table (the packaged copy is stripped by default: the
#                   release profile only drops debuginfo; symbols add ~25% to the exe)
# Environment: PUBLISHER (default "Dinas Pendidikan Kabupaten"), CARGO_TARGET_DIR,
#   MSI_OUT_DIR (default <repo>/target/installer), CARGO_BUILD_JOBS.
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
cd "$repo"

TARGET=x86_64-pc-windows-gnu
PUBLISHER="${PUBLISHER:-Dinas Pendidikan Kabupaten}"
OUT_DIR="${MSI_OUT_DIR:-$repo/target/installer}"
WXS="$repo/installer/windows/db-helper.wxs"
ICON="$repo/crates/helper-gui/assets/icon.ico"
# Public properties that must reach the server-side execute sequence (wixl ignores Secure=).
SECURE_PROPS="SERVER_URL;DAPODIK_URL;NAMA_DINAS;ALAMAT_DINAS;TELEPON_DINAS;SAVED_SERVER_URL;SAVED_DAPODIK_URL;SAVED_NAMA_DINAS;SAVED_ALAMAT_DINAS;SAVED_TELEPON_DINAS"

exe=""
version=""
profile=release
skip_deps=0
strip=1
while [ $# -gt 0 ]; do
  case "$1" in
    --exe) exe="$(realpath "$2")"; shift 2 ;;
    --version) version="$2"; shift 2 ;;
    --profile) profile="$2"; shift 2 ;;
    --skip-deps) skip_deps=1; shift ;;
    --no-strip) strip=0; shift ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "build-msi: unknown argument $1" >&2; exit 2 ;;
  esac
done

log() { printf '== %s\n' "$*"; }

# --- 1. dependencies --------------------------------------------------------------------------
if [ "$skip_deps" -eq 0 ]; then
  packages=(wixl msitools binutils-mingw-w64-x86-64)
  [ -n "$exe" ] || packages+=(gcc-mingw-w64-x86-64)
  missing=()
  for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
    log "installing ${missing[*]}"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
  if [ -z "$exe" ] && ! rustup target list --installed | grep -qx "$TARGET"; then
    log "rustup target add $TARGET"
    rustup target add "$TARGET"
  fi
fi
for tool in wixl msiinfo msibuild; do
  command -v "$tool" >/dev/null || { echo "build-msi: $tool not found (Debian: wixl, msitools)" >&2; exit 1; }
done

# --- 2. version ----------------------------------------------------------------------------------
if [ -z "$version" ]; then
  # "path+file:///…/crates/helper-gui#0.1.0" (or "…#helper-gui@0.1.0")
  version="$(cargo pkgid -p helper-gui --offline 2>/dev/null || cargo pkgid -p helper-gui)"
  version="${version##*[#@]}"
fi
# MSI ProductVersion is major.minor.build (<256, <256, <65536); drop "-rc.1"/"+meta".
msi_version="${version%%[-+]*}"
IFS=. read -r v_major v_minor v_patch v_extra <<<"$msi_version"
if ! [[ "$v_major" =~ ^[0-9]+$ && "$v_minor" =~ ^[0-9]+$ && "$v_patch" =~ ^[0-9]+$ && -z "${v_extra:-}" ]] \
   || [ "$v_major" -gt 255 ] || [ "$v_minor" -gt 255 ] || [ "$v_patch" -gt 65535 ]; then
  echo "build-msi: version '$version' cannot be an MSI ProductVersion (need X.Y.Z, X,Y<256, Z<65536)" >&2
  exit 1
fi
if [ "$msi_version" != "$version" ]; then
  echo "build-msi: note: pre-release '$version' packaged as MSI version $msi_version;" \
       "MajorUpgrade only sees $msi_version" >&2
fi

# --- 3. db-helper.exe ----------------------------------------------------------------------------
if [ -z "$exe" ]; then
  target_dir="${CARGO_TARGET_DIR:-$repo/target}"
  log "cargo build --profile $profile --target $TARGET -p helper-gui --bin db-helper (version $version)"
  start=$(date +%s)
  # The publisher goes into the exe's version resource (crates/helper-gui/build.rs).
  DBHELPER_PUBLISHER="$PUBLISHER" cargo build --profile "$profile" --locked --target "$TARGET" -p helper-gui --bin db-helper
  log "exe built in $(( $(date +%s) - start ))s"
  exe="$target_dir/$TARGET/$profile/db-helper.exe"
fi
[ -f "$exe" ] || { echo "build-msi: $exe not found" >&2; exit 1; }

# --- 4. MSI --------------------------------------------------------------------------------------
mkdir -p "$OUT_DIR"
stage="$(mktemp -d "$OUT_DIR/.stage.XXXXXX")"
trap 'rm -rf "$stage"' EXIT
# wixl resolves sources relative to the working directory and rejects absolute paths.
cp "$exe" "$stage/db-helper.exe"
if [ "$strip" -eq 1 ]; then
  if command -v x86_64-w64-mingw32-strip >/dev/null; then
    x86_64-w64-mingw32-strip --strip-all "$stage/db-helper.exe"
  else
    echo "build-msi: x86_64-w64-mingw32-strip not found, packaging the exe unstripped" >&2
  fi
fi
cp "$ICON" "$stage/icon.ico"
product_code="$(tr 'a-f' 'A-F' </proc/sys/kernel/random/uuid)"
msi_name="db-helper-$msi_version-x64.msi"
msi="$OUT_DIR/$msi_name"

log "wixl $msi_name (ProductCode {$product_code})"
(
  cd "$stage"
  wixl --arch x64 \
    -D "Version=$msi_version" \
    -D "ProductCode=$product_code" \
    -D "Publisher=$PUBLISHER" \
    -D "ExePath=db-helper.exe" \
    -D "IconPath=icon.ico" \
    -o "$stage/out.msi" "$WXS"
)

# wixl already wrote SecureCustomProperties for MajorUpgrade (WIX_*_DETECTED): extend that row.
existing="$(msiinfo export "$stage/out.msi" Property | tr -d '\r' | awk -F'\t' '$1=="SecureCustomProperties"{print $2}')"
secure="$(printf '%s;%s' "$SECURE_PROPS" "$existing" | tr ';' '\n' | sed '/^$/d' | sort -u | paste -sd';' -)"
q() { msibuild "$stage/out.msi" -q "$1"; }
if [ -n "$existing" ]; then
  q "UPDATE \`Property\` SET \`Value\` = '$secure' WHERE \`Property\` = 'SecureCustomProperties'"
else
  q "INSERT INTO \`Property\` (\`Property\`, \`Value\`) VALUES ('SecureCustomProperties', '$secure')"
fi
# 8.3|long names (wixl has no ShortName attribute).
q "UPDATE \`Directory\` SET \`DefaultDir\` = 'DBHELPER|DB Helper' WHERE \`Directory\` = 'INSTALLDIR'"
q "UPDATE \`Directory\` SET \`DefaultDir\` = 'DBHELPER|DB Helper' WHERE \`Directory\` = 'DATADIR'"
q "UPDATE \`File\` SET \`FileName\` = 'DBHELPER.EXE|db-helper.exe' WHERE \`File\` = 'DbHelperExe'"
q "UPDATE \`Shortcut\` SET \`Name\` = 'DBHELPER|DB Helper' WHERE \`Shortcut\` = 'StartMenuShortcut'"
q "UPDATE \`Shortcut\` SET \`Name\` = 'DBHELPER|DB Helper' WHERE \`Shortcut\` = 'DesktopShortcut'"

mv "$stage/out.msi" "$msi"
(cd "$OUT_DIR" && sha256sum "$msi_name" >"$msi_name.sha256")
log "$msi ($(du -h "$msi" | cut -f1); exe $(du -h "$stage/db-helper.exe" | cut -f1) packaged, $(du -h "$exe" | cut -f1) built)"
echo "$msi"
