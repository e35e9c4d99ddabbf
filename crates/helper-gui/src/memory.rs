//! Resident memory of this process (Linux `/proc/self/status`; `None` elsewhere), for the
//! benchmark and the helpdesk log.

fn status_kib(key: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix(key))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// Peak resident set size so far (VmHWM), KiB.
pub fn peak_rss_kib() -> Option<u64> {
    status_kib("VmHWM:")
}

/// Current resident set size (VmRSS), KiB.
pub fn current_rss_kib() -> Option<u64> {
    status_kib("VmRSS:")
}

#[cfg(test)]
mod tests {
    #[test]
    fn reads_proc_on_linux() {
        if cfg!(target_os = "linux") {
            assert!(super::peak_rss_kib().unwrap() >= super::current_rss_kib().unwrap() / 2);
        }
    }
}
