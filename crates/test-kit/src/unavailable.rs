//! Tests that cannot run on this machine.
//!
//! cargo's harness has no way for a running test to mark itself skipped, so a test that
//! finds a prerequisite missing calls [`cannot_run`] and returns: the line goes to stderr
//! and to the file named by [`ENV_SKIP_LOG`], which `scripts/test.sh` sets and prints in its
//! closing summary ("N tests could not run here"). CI installs every prerequisite, so
//! there a missing one fails the test instead.

use std::io::Write as _;
use std::path::Path;

/// Environment variable naming the file that collects the tests that could not run.
pub const ENV_SKIP_LOG: &str = "DBHELPER_SKIP_LOG";

/// True under CI (`CI=true` or `CI=1`), where every prerequisite is installed.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

/// Reports that `test` cannot run here because of `reason`; `fix` says how to make it run.
///
/// # Panics
/// Under CI: a prerequisite is missing that `.ci/run` should have installed.
pub fn cannot_run(test: &str, reason: &str, fix: &str) {
    let log = std::env::var_os(ENV_SKIP_LOG).filter(|v| !v.is_empty());
    report(
        &format!("{test}: {reason} ({fix})"),
        in_ci(),
        log.as_deref().map(Path::new),
    );
}

fn report(line: &str, ci: bool, log: Option<&Path>) {
    if ci {
        panic!("required in CI but cannot run: {line}");
    }
    eprintln!("\n!!!!!!!! NOT RUN on this machine: {line} !!!!!!!!\n");
    let Some(log) = log else { return };
    // One short append per line: lines from parallel test processes do not interleave.
    let appended = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(log)
        .and_then(|mut f| writeln!(f, "{line}"));
    if let Err(e) = appended {
        eprintln!(
            "cannot record the test that did not run in {}: {e}",
            log.display()
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_report_is_one_line_of_the_log() {
        let dir = std::env::temp_dir().join(format!("test-kit-skips-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let log = dir.join("skips.txt");
        let _ = std::fs::remove_file(&log);
        report("a: no display (install xvfb)", false, Some(&log));
        report("b: no browser (install chromium)", false, Some(&log));
        let text = std::fs::read_to_string(&log).unwrap();
        assert_eq!(
            text.lines().collect::<Vec<_>>(),
            [
                "a: no display (install xvfb)",
                "b: no browser (install chromium)"
            ]
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    #[should_panic(expected = "required in CI but cannot run: a: no display")]
    fn under_ci_a_missing_prerequisite_fails() {
        report("a: no display (install xvfb)", true, None);
    }
}
