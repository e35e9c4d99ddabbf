//! `db-helper`: the window by default, `kirim` / `status` headless.
// Release builds on Windows start without a console window (operators double-click it);
// headless output then goes to a redirected stdout/stderr and always to the log.
#![cfg_attr(all(windows, not(debug_assertions)), windows_subsystem = "windows")]

fn main() -> std::process::ExitCode {
    helper_gui::cli::main()
}
