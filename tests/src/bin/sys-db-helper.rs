//! The real `db-helper` command line (built with the test-only file secret store), for the
//! whole-system tests that run, kill and restart it as separate processes.

fn main() -> std::process::ExitCode {
    helper_gui::cli::main()
}
