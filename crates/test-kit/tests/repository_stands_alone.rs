//! The repository stands alone: no text file names an absolute path of a build machine, a
//! relative path that leaves the repository, or the reference folder that development
//! machines keep beside it. A bare clone must find everything it needs inside itself.

use std::path::{Component, Path, PathBuf};

/// Folders that are not the project's sources (build output, VCS data, demo data).
const SKIPPED_DIRS: [&str; 4] = [".git", "target", "demo-data", "node_modules"];

/// Home folders of build machines (`/work/...`, `/home/...`): never in the project's files.
const MACHINE_ROOTS: [&str; 5] = ["/work/", "/home/", "/root/", "/Users/", "C:\\Users\\"];

/// The folder of reference material beside the repository on development machines; the
/// project carries its own copies (crates/dapodik-fixtures, docs/dapodik-webservice.md).
const OUTSIDE_NAMES: [&str; 3] = ["shared/dapodik", "shared/seed", "WEBSERVICE.md"];

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("repository root")
}

fn text_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read dir").flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if path.is_dir() {
            if !SKIPPED_DIRS
                .iter()
                .any(|s| name == *s || name.starts_with("target-"))
            {
                text_files(&path, out);
            }
        } else if name != "Cargo.lock" {
            out.push(path);
        }
    }
}

/// The nearest folder holding a Cargo.toml, below the root: `CARGO_MANIFEST_DIR` of code there.
fn manifest_dir(file: &Path, root: &Path) -> Option<PathBuf> {
    file.ancestors()
        .skip(1)
        .take_while(|d| *d != root)
        .find(|d| d.join("Cargo.toml").is_file())
        .map(Path::to_path_buf)
}

/// Whether `rel` (a run of `../` and what follows) resolved against `base` leaves `root`.
fn leaves(root: &Path, base: &Path, rel: &str) -> bool {
    let mut depth = base
        .strip_prefix(root)
        .map_or(0, |p| p.components().count()) as i64;
    for c in Path::new(rel).components() {
        match c {
            Component::ParentDir => depth -= 1,
            Component::Normal(_) => depth += 1,
            _ => {}
        }
        if depth < 0 {
            return true;
        }
    }
    false
}

/// Every `../../x` in `line`, as the text from its first `../` to the next space or quote.
fn parent_paths(line: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = line;
    while let Some(i) = rest.find("../") {
        let start = if i > 0 && rest.as_bytes()[i - 1] == b'.' {
            i - 1
        } else {
            i
        };
        let tail = &rest[start..];
        let end = tail
            .find(|c: char| c.is_whitespace() || "\"'`()[]<>,;:".contains(c))
            .unwrap_or(tail.len());
        out.push(&tail[..end]);
        rest = &tail[end.max(3)..];
    }
    out
}

/// `needle` standing as a path of its own, not inside a URL or a longer path.
fn names_path(line: &str, needle: &str) -> bool {
    line.match_indices(needle).any(|(i, _)| {
        i == 0
            || !line[..i]
                .chars()
                .next_back()
                .is_some_and(|c| c.is_alphanumeric() || "._-~/:".contains(c))
    })
}

fn findings(root: &Path, file: &Path, text: &str) -> Vec<String> {
    let shown = file
        .strip_prefix(root)
        .unwrap_or(file)
        .display()
        .to_string();
    let dir = file.parent().unwrap_or(root);
    let manifest = manifest_dir(file, root);
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let at = format!("{shown}:{}", n + 1);
        for m in MACHINE_ROOTS.iter().filter(|m| names_path(line, m)) {
            out.push(format!(
                "{at}: absolute path of a build machine ({m}): {line}"
            ));
        }
        for m in OUTSIDE_NAMES.iter().filter(|m| line.contains(*m)) {
            out.push(format!(
                "{at}: reference folder outside the repository ({m}): {line}"
            ));
        }
        for rel in parent_paths(line) {
            let bases = std::iter::once(dir).chain(manifest.as_deref());
            if bases.into_iter().any(|b| leaves(root, b, rel)) {
                out.push(format!(
                    "{at}: relative path leaves the repository ({rel}): {line}"
                ));
            }
        }
    }
    out
}

#[test]
fn no_file_names_a_path_outside_the_repository() {
    let root = repo_root();
    let me = Path::new(file!()).file_name().unwrap().to_owned();
    let mut files = Vec::new();
    text_files(&root, &mut files);
    assert!(
        files.len() > 100,
        "walked the repository: {} files",
        files.len()
    );
    let mut bad = Vec::new();
    for file in files.iter().filter(|f| f.file_name() != Some(&me)) {
        // Binary files (images, the wine stub's sources are text) are not read as text.
        let Ok(text) = std::fs::read_to_string(file) else {
            continue;
        };
        bad.extend(findings(&root, file, &text));
    }
    assert!(
        bad.is_empty(),
        "paths outside the repository:\n{}",
        bad.join("\n")
    );
}

#[test]
fn the_check_catches_what_it_is_for() {
    let root = repo_root();
    let code = root.join("crates/dapodik-sim/src/fixtures.rs");
    let found = |text: &str| findings(&root, &code, text);
    // The shapes this repository once had.
    assert_eq!(
        found(r#"join("../../../shared/dapodik/fixtures")"#).len(),
        2
    );
    assert_eq!(found(r#".chain(["/work/shared/x".into()])"#).len(), 1);
    assert_eq!(found("see ../../../../etc/passwd").len(), 1);
    // Paths that stay inside, and URLs, are fine.
    assert!(found(r#"include_str!("../templates/base.html")"#).is_empty());
    assert!(found(r#"join("../../target/helper-window.png")"#).is_empty());
    assert!(found("https://example.org/work/x and http://host/home/").is_empty());
    let doc = root.join("docs/sysadmin-guide.md");
    assert!(findings(&root, &doc, "[guide](../crates/helper-gui/README.md)").is_empty());
    assert_eq!(findings(&root, &doc, "[x](../../outside.md)").len(), 1);
}
