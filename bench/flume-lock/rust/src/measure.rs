//! Wall clock, process CPU time and resident memory, read as the C++ program reads them
//! (getrusage and /proc/self/status VmHWM).

use std::fs;

/// User + system CPU seconds of all threads of this process.
pub fn cpu_seconds() -> f64 {
    // Safety: getrusage only writes the rusage struct we own.
    let mut u: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut u) };
    let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 * 1e-6;
    secs(u.ru_utime) + secs(u.ru_stime)
}

/// Peak resident set size of this process so far, in bytes.
pub fn peak_rss_bytes() -> u64 {
    proc_status_bytes("VmHWM:")
}

/// Resident set size now, in bytes.
pub fn current_rss_bytes() -> u64 {
    proc_status_bytes("VmRSS:")
}

/// A "Vm...:  <kB> kB" line of /proc/self/status, in bytes (0 if absent).
fn proc_status_bytes(key: &str) -> u64 {
    let status = fs::read_to_string("/proc/self/status").unwrap_or_default();
    for line in status.lines() {
        if let Some(rest) = line.strip_prefix(key) {
            let kb: u64 = rest.trim().trim_end_matches("kB").trim().parse().unwrap_or(0);
            return kb * 1024;
        }
    }
    0
}
