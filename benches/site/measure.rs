//! Running and measuring child processes: every figure of the site benchmark is a real binary
//! (`mailguide`, `cp`, `hugo`) run to completion, its wall time, CPU time and peak memory read with
//! `wait4` on that child alone, so the benchmark's own work (generating, counting) is never in it.

use crate::common::median;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

/// One run of a child process: wall time, CPU time (user + system, all threads) and its peak
/// resident memory. On a machine shared with other work, CPU time is the steadier figure.
pub struct Sample {
    /// Wall time, seconds.
    pub secs: f64,
    /// User + system CPU time, seconds.
    pub cpu: f64,
    /// Peak resident memory, MB (MiB).
    pub rss_mb: f64,
}

/// Runs `cmd` to completion; wall time and max RSS come from `wait4` on that child alone.
fn run(cmd: &mut Command) -> Result<Sample, String> {
    cmd.stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::piped());
    let start = Instant::now();
    let mut child = cmd.spawn().map_err(|e| format!("cannot start {cmd:?}: {e}"))?;
    // Drain stderr in a thread so a chatty child cannot block on a full pipe.
    let mut stderr = child.stderr.take().expect("stderr was piped above");
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = std::io::Read::read_to_string(&mut stderr, &mut s);
        s
    });
    let pid = child.id() as libc::pid_t;
    let mut status: libc::c_int = 0;
    // SAFETY: an all-zero rusage is a valid value of a plain C struct.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: pid is our own child, not yet waited for; status and usage are valid for writes.
    let rc = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let secs = start.elapsed().as_secs_f64();
    let err = reader.join().unwrap_or_default();
    if rc != pid {
        return Err(format!("wait4 failed for {cmd:?}"));
    }
    if !(libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0) {
        return Err(format!(
            "{cmd:?} failed:\n{}",
            err.lines().take(30).collect::<Vec<_>>().join("\n")
        ));
    }
    let tv = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    // Linux reports ru_maxrss in KiB.
    Ok(Sample {
        secs,
        cpu: tv(usage.ru_utime) + tv(usage.ru_stime),
        rss_mb: usage.ru_maxrss as f64 / 1024.0,
    })
}

/// Repeats a measurement `runs` (at least 1) times: the median wall and CPU time, the highest
/// peak RSS. `cmd` gets the run's number, to write each run into a folder of its own.
pub fn repeat(runs: usize, mut cmd: impl FnMut(usize) -> Command) -> Result<Sample, String> {
    let mut times = Vec::new();
    let mut cpus = Vec::new();
    let mut rss: f64 = 0.0;
    for k in 0..runs {
        let s = run(&mut cmd(k))?;
        times.push(s.secs);
        cpus.push(s.cpu);
        rss = rss.max(s.rss_mb);
    }
    Ok(Sample {
        secs: median(times),
        cpu: median(cpus),
        rss_mb: rss,
    })
}

/// The pages of an output folder: its `.html` files, counted the same way for every tool.
pub fn count_html(dir: &Path) -> usize {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "html"))
        .count()
}
