//! Windows resources for `db-helper.exe`: the icon, VERSIONINFO (what Explorer shows under
//! Properties → Details) and an application manifest.
//!
//! Nothing happens unless the *target* is Windows. Cross builds from Linux (the release path,
//! `installer/build-msi.sh`) use the MinGW `windres` (`x86_64-w64-mingw32-windres`, from
//! Debian's `binutils-mingw-w64-x86-64`); native MSVC builds use `rc.exe` when it is on PATH.
//! No build-dependency is needed, so the lock file is untouched and Linux builds pay nothing.
//!
//! Build-time environment (all optional):
//! * `DBHELPER_PUBLISHER` — CompanyName in the version resource (default
//!   "Dinas Pendidikan Kabupaten"; `installer/build-msi.sh` passes its `PUBLISHER`).
//! * `WINDRES` — the resource compiler for GNU targets (default: `x86_64-w64-mingw32-windres`
//!   when cross-compiling, else `windres`; Debian package `binutils-mingw-w64-x86-64`).

use std::env;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

const DEFAULT_PUBLISHER: &str = "Dinas Pendidikan Kabupaten";

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=assets/icon.ico");
    println!("cargo:rerun-if-env-changed=DBHELPER_PUBLISHER");
    println!("cargo:rerun-if-env-changed=WINDRES");

    if env::var("CARGO_CFG_TARGET_OS").as_deref() != Ok("windows") {
        return;
    }
    let manifest_dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR"));
    let out_dir = PathBuf::from(env::var("OUT_DIR").expect("OUT_DIR"));
    let icon = manifest_dir.join("assets").join("icon.ico");

    let manifest_path = out_dir.join("db-helper.manifest");
    std::fs::write(&manifest_path, MANIFEST).expect("write manifest");
    let rc_path = out_dir.join("db-helper.rc");
    std::fs::write(&rc_path, resource_script(&icon, &manifest_path)).expect("write .rc");

    match env::var("CARGO_CFG_TARGET_ENV").as_deref() {
        Ok("gnu") | Ok("gnullvm") => {
            let obj = out_dir.join("db-helper-res.o");
            let windres = env::var("WINDRES").unwrap_or_else(|_| default_windres());
            let status = Command::new(&windres)
                .arg("--input")
                .arg(&rc_path)
                .arg("--output")
                .arg(&obj)
                .arg("--output-format=coff")
                .status();
            match status {
                Ok(s) if s.success() => {
                    // Only the shipped binary gets the resources (not the test binaries).
                    println!("cargo:rustc-link-arg-bin=db-helper={}", obj.display());
                }
                Ok(s) => panic!("{windres} failed ({s}) on {}", rc_path.display()),
                Err(e) => panic!("cannot run {windres} ({e}): see WINDRES in build.rs"),
            }
        }
        Ok("msvc") => {
            let res = out_dir.join("db-helper.res");
            let mut rc = Command::new("rc.exe");
            rc.arg("/nologo").arg(format!("/fo{}", res.display()));
            rc.arg(&rc_path);
            match rc.status() {
                Ok(s) if s.success() => {
                    println!("cargo:rustc-link-arg-bin=db-helper={}", res.display());
                }
                _ => println!("cargo:warning=no rc.exe: exe without icon and version info"),
            }
        }
        _ => println!("cargo:warning=unknown Windows target env: no icon or version info"),
    }
}

fn default_windres() -> String {
    let target = env::var("TARGET").unwrap_or_default();
    let host = env::var("HOST").unwrap_or_default();
    if target != host && target.starts_with("x86_64-") {
        "x86_64-w64-mingw32-windres".to_owned()
    } else if target != host && target.starts_with("i686-") {
        "i686-w64-mingw32-windres".to_owned()
    } else {
        "windres".to_owned()
    }
}

fn version_part(name: &str) -> u16 {
    let value = env::var(name).unwrap_or_default();
    value.parse().unwrap_or(0)
}

/// A quoted .rc string literal (quotes are doubled; paths use forward slashes).
fn rc_str(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "/").replace('"', "\"\""))
}

fn resource_script(icon: &Path, manifest: &Path) -> String {
    let version = env::var("CARGO_PKG_VERSION").expect("CARGO_PKG_VERSION");
    let major = version_part("CARGO_PKG_VERSION_MAJOR");
    let minor = version_part("CARGO_PKG_VERSION_MINOR");
    let patch = version_part("CARGO_PKG_VERSION_PATCH");
    let publisher = env::var("DBHELPER_PUBLISHER")
        .ok()
        .filter(|p| !p.trim().is_empty())
        .unwrap_or_else(|| DEFAULT_PUBLISHER.to_owned());
    let description = env::var("CARGO_PKG_DESCRIPTION").unwrap_or_default();

    let mut rc = String::new();
    // 1 = the first icon group: Explorer, the taskbar and shortcuts use it.
    writeln!(rc, "1 ICON {}", rc_str(&icon.display().to_string())).unwrap();
    // 1 24 = CREATEPROCESS_MANIFEST_RESOURCE_ID, RT_MANIFEST.
    writeln!(rc, "1 24 {}", rc_str(&manifest.display().to_string())).unwrap();
    let strings = [
        ("CompanyName", publisher.as_str()),
        ("FileDescription", "DB Helper"),
        ("FileVersion", version.as_str()),
        ("InternalName", "db-helper"),
        ("LegalCopyright", publisher.as_str()),
        ("OriginalFilename", "db-helper.exe"),
        ("ProductName", "DB Helper"),
        ("ProductVersion", version.as_str()),
        ("Comments", description.as_str()),
    ];
    writeln!(
        rc,
        "1 VERSIONINFO\nFILEVERSION {major},{minor},{patch},0\nPRODUCTVERSION {major},{minor},{patch},0\n\
         FILEFLAGSMASK 0x3f\nFILEFLAGS 0x0\nFILEOS 0x40004\nFILETYPE 0x1\nFILESUBTYPE 0x0\nBEGIN\n\
         \x20 BLOCK \"StringFileInfo\"\n  BEGIN\n    BLOCK \"042104b0\"\n    BEGIN"
    )
    .unwrap();
    for (key, value) in strings {
        writeln!(rc, "      VALUE {}, {}", rc_str(key), rc_str(value)).unwrap();
    }
    // 0x0421 = Indonesian, 1200 = Unicode.
    writeln!(
        rc,
        "    END\n  END\n  BLOCK \"VarFileInfo\"\n  BEGIN\n    VALUE \"Translation\", 0x421, 1200\n  END\nEND"
    )
    .unwrap();
    rc
}

/// Runs as the invoking user (no UAC prompt), declares Windows 10/11 and common controls v6.
/// DPI awareness is set at run time by winit.
const MANIFEST: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<assembly xmlns="urn:schemas-microsoft-com:asm.v1" manifestVersion="1.0">
  <assemblyIdentity type="win32" name="DinasPendidikan.DBHelper" version="1.0.0.0"/>
  <description>DB Helper</description>
  <trustInfo xmlns="urn:schemas-microsoft-com:asm.v3">
    <security>
      <requestedPrivileges>
        <requestedExecutionLevel level="asInvoker" uiAccess="false"/>
      </requestedPrivileges>
    </security>
  </trustInfo>
  <compatibility xmlns="urn:schemas-microsoft-com:compatibility.v1">
    <application>
      <supportedOS Id="{8e0f7a12-bfb3-4fe8-b9a5-48fd50a15a9a}"/>
    </application>
  </compatibility>
  <dependency>
    <dependentAssembly>
      <assemblyIdentity type="win32" name="Microsoft.Windows.Common-Controls" version="6.0.0.0" processorArchitecture="*" publicKeyToken="6595b64144ccf1df" language="*"/>
    </dependentAssembly>
  </dependency>
</assembly>
"#;
