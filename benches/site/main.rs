//! The large-site benchmark (issue 7): generates a site of N providers in a temporary folder,
//! then times the real `mailguide` binary building it (into a fresh output folder and over an
//! existing one), checking it, and its peak memory; copying the finished output with `cp -r` (the
//! floor); and, when `hugo` is installed, Hugo building a site of the same shape from flattened
//! Markdown, so the comparison is a ratio measured in one run.
//!
//! ```text
//! cargo bench --bench site                              # 1,000 providers (about 8,000 pages)
//! cargo bench --bench site -- --providers 100,1000,5000 # the scaling table
//! cargo bench --bench site -- --runs 5 --no-peer --keep
//! ```
//!
//! The corpus (shared with the serve benchmark, benches/common): provider shapes taken
//! round-robin from the Thunderbird ISPDB files in `tests/data/ispdb/` (or `--ispdb DIR`), with
//! hosts and domains renamed per provider (`imap.provider-0042.example`), and the bundled site's
//! clients, guides, free pages and theme plus a seventh client. Nothing is written into the
//! repository.
//!
//! This file holds the arguments, the order of the measurements and the table; measure.rs runs
//! the child processes, hugo.rs flattens the site for Hugo and times it.

#[path = "../common/mod.rs"]
mod common;
mod hugo;
mod measure;

use common::corpus::{self, CLIENTS};
use common::ispdb::{Shape, load_shapes};
use measure::{Sample, count_html, repeat};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// The command line (`cargo bench --bench site -- …`).
struct Args {
    providers: Vec<usize>,
    runs: usize,
    peer: bool,
    keep: bool,
    ispdb: PathBuf,
    tmp: Option<PathBuf>,
    bin: PathBuf,
}

fn usage() -> ! {
    eprintln!(
        "usage: cargo bench --bench site -- [--providers N[,N...]] [--runs R] [--no-peer] [--keep] [--ispdb DIR] [--tmp DIR] [--bin PATH]"
    );
    std::process::exit(2)
}

fn parse_args() -> Args {
    let repo = common::repo();
    let mut args = Args {
        providers: vec![1000],
        runs: 3,
        peer: true,
        keep: false,
        ispdb: repo.join("tests/data/ispdb"),
        tmp: None,
        bin: PathBuf::from(env!("CARGO_BIN_EXE_mailguide")),
    };
    // `cargo bench` passes `--bench`; `cargo test --all-targets` runs this target without it
    // (and perhaps with test-runner arguments): then a small smoke run, not the benchmark.
    if !std::env::args().any(|a| a == "--bench") {
        args.providers = vec![20];
        args.runs = 1;
        args.peer = false;
        return args;
    }
    let mut flags = common::Flags::new(usage);
    while let Some(flag) = flags.next_flag() {
        match flag.as_str() {
            // cargo bench passes `--bench` to harness-less targets.
            "--bench" => {}
            "--providers" | "-n" => args.providers = flags.counts(),
            "--runs" => args.runs = flags.count(),
            "--no-peer" => args.peer = false,
            "--keep" => args.keep = true,
            "--ispdb" => args.ispdb = flags.path(),
            "--tmp" => args.tmp = Some(flags.path()),
            // A copy of the binary, so a rebuild of the tree during a long run changes nothing.
            "--bin" => args.bin = flags.path(),
            _ => flags.unknown(),
        }
    }
    args
}

/// One line of a size's table: what was timed, over how many pages.
struct Row {
    what: String,
    pages: usize,
    sample: Sample,
}

impl Row {
    fn print(&self) {
        let ms = if self.pages > 0 {
            format!("{:>7.3}", self.sample.secs * 1000.0 / self.pages as f64)
        } else {
            "      -".into()
        };
        let rate = if self.pages > 0 {
            format!("{:>8.0}", self.pages as f64 / self.sample.secs)
        } else {
            "       -".into()
        };
        println!(
            "  {:<30} {:>6} pages {:>8.3} s {rate} pages/s {ms} ms/page {:>7.1} MB {:>8.2} s CPU",
            self.what, self.pages, self.sample.secs, self.sample.rss_mb, self.sample.cpu
        );
    }

    fn ms_per_page(&self) -> f64 {
        self.sample.secs * 1000.0 / self.pages.max(1) as f64
    }
}

/// One size's line of the final table, in ms per page unless named otherwise.
struct Summary {
    n: usize,
    pages: usize,
    cold: f64,
    cold_cpu: f64,
    warm: f64,
    same: f64,
    edited: f64,
    check: f64,
    rss: f64,
    cp: f64,
    hugo: Option<f64>,
    hugo_rss: Option<f64>,
}

/// Generates the site of `n` providers in `tmp` and takes every measurement of it, in an order
/// that never charges one measurement for another's cleanup; prints the size's rows.
fn bench_one(args: &Args, bin: &Path, shapes: &[Shape], n: usize, tmp: &Path) -> Result<Summary, String> {
    // Nothing is deleted while measuring: every cold build and copy gets a folder of its own.
    // On a file system without a journal (ext4 here), creating files right after many were
    // deleted is several times slower for minutes, which would charge one run for the last one's
    // cleanup. The rebuilds run last; they delete nothing either (the replaced output becomes
    // the spare that the next rebuild writes over).
    let site = tmp.join("site");
    let out = |k: usize| tmp.join(format!("public-{k}"));
    let t = Instant::now();
    corpus::generate_site(&site, n, shapes);
    println!(
        "\n== {n} providers ({} ISPDB shapes, {} clients), corpus in {} (generated in {:.1} s)",
        shapes.len(),
        CLIENTS.len(),
        tmp.display(),
        t.elapsed().as_secs_f64()
    );
    let mg = |sub: &str, output: Option<&Path>| {
        let mut c = Command::new(bin);
        c.arg(sub).arg("--root").arg(&site);
        if let Some(o) = output {
            c.arg("--output").arg(o);
        }
        c
    };
    // A provider with a finding gets a warning and no client files: the corpus must check clean,
    // or the build would skip work a real site's build does.
    let clean = mg("check", None)
        .arg("--deny-warnings")
        .output()
        .map_err(|e| format!("{}: {e}", bin.display()))?;
    if !clean.status.success() {
        let report = String::from_utf8_lossy(&clean.stdout) + String::from_utf8_lossy(&clean.stderr);
        let head: Vec<&str> = report.lines().take(12).collect();
        return Err(format!("the generated site does not check clean:\n{}", head.join("\n")));
    }
    let check = repeat(args.runs, |_| mg("check", None))?;
    let cold = repeat(args.runs, |k| mg("build", Some(&out(k))))?;
    let pages = count_html(&out(0));
    if pages < n * (CLIENTS.len() + 1) {
        return Err(format!(
            "the build wrote {pages} pages; {n} providers with {} clients need at least {}",
            CLIENTS.len(),
            n * (CLIENTS.len() + 1)
        ));
    }
    let cp = repeat(args.runs, |k| {
        let mut c = Command::new("cp");
        c.arg("-r").arg(out(0)).arg(tmp.join(format!("copy-{k}")));
        c
    })?;
    let hugo = if args.peer && hugo::installed() {
        Some(hugo::time(args.runs, &site, tmp)?)
    } else {
        None
    };
    // Rebuilds into out(0). The first one writes a new folder and keeps the replaced output as
    // the spare; the later ones write over the spare, unchanged files left alone (src/write).
    let warm = repeat(1, |_| mg("build", Some(&out(0))))?;
    let same = repeat(args.runs, |_| mg("build", Some(&out(0))))?;
    // One provider's name changes before each run: its pages change, and every page's link to
    // the (fingerprinted) search index.
    let provider = site.join(format!("content/providers/{}.yaml", corpus::slug(1)));
    let original = fs::read_to_string(&provider).map_err(|e| format!("{}: {e}", provider.display()))?;
    let name = format!("name: {}", corpus::name(1));
    let edited = repeat(args.runs, |k| {
        let text = original.replacen(&name, &format!("{name}, edit {k}"), 1);
        fs::write(&provider, text).expect("edit the generated provider");
        mg("build", Some(&out(0)))
    })?;
    fs::write(&provider, &original).map_err(|e| format!("{}: {e}", provider.display()))?;
    let row = |what: &str, sample: Sample| Row {
        what: what.into(),
        pages,
        sample,
    };
    let [check, cold, warm, cp, same, edited] = [
        row("mailguide check", check),
        row("mailguide build (cold)", cold),
        row("mailguide build (warm)", warm),
        row("cp -r of the output (floor)", cp),
        row("rebuild, nothing changed", same),
        row("rebuild, one provider changed", edited),
    ];
    for r in [&check, &cold, &warm, &cp, &same, &edited] {
        r.print();
    }
    let mut summary = Summary {
        n,
        pages,
        cold: cold.ms_per_page(),
        cold_cpu: cold.sample.cpu * 1000.0 / pages.max(1) as f64,
        warm: warm.ms_per_page(),
        same: same.ms_per_page(),
        edited: edited.ms_per_page(),
        check: check.sample.secs,
        rss: cold.sample.rss_mb.max(warm.sample.rss_mb),
        cp: cp.ms_per_page(),
        hugo: None,
        hugo_rss: None,
    };
    match hugo {
        Some(t) => {
            let hrow = |what: &str, sample: Sample| Row {
                what: what.into(),
                pages: t.pages,
                sample,
            };
            let (hcold, hwarm) = (
                hrow("hugo --minify (cold)", t.cold),
                hrow("hugo --minify (warm)", t.warm),
            );
            hcold.print();
            hwarm.print();
            println!(
                "  ratio, ms per page: hugo / mailguide = {:.2}x (cold), {:.2}x (warm); mailguide / cp -r = {:.2}x",
                hcold.ms_per_page() / summary.cold,
                hwarm.ms_per_page() / summary.warm,
                summary.cold / summary.cp
            );
            summary.hugo = Some(hcold.ms_per_page());
            summary.hugo_rss = Some(hcold.sample.rss_mb.max(hwarm.sample.rss_mb));
        }
        None => println!(
            "  mailguide / cp -r = {:.2}x{}",
            summary.cold / summary.cp,
            if args.peer {
                " (hugo is not installed: no peer timed)"
            } else {
                ""
            }
        ),
    }
    Ok(summary)
}

fn main() {
    let args = parse_args();
    let bin = args.bin.clone();
    let shapes = load_shapes(&args.ispdb);
    let cpus = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    println!(
        "mailguide benchmark: {} ({} cores), {} run(s) each, median time, peak RSS",
        bin.display(),
        cpus,
        args.runs
    );
    let mut summaries = Vec::new();
    let mut folders = Vec::new();
    for &n in &args.providers {
        let tmp = match &args.tmp {
            Some(base) => tempfile::Builder::new().prefix("mailguide-bench-").tempdir_in(base),
            None => tempfile::Builder::new().prefix("mailguide-bench-").tempdir(),
        }
        .expect("create a temporary folder");
        let result = bench_one(&args, &bin, &shapes, n, tmp.path());
        // Deleted at the very end, not between sizes (see bench_one).
        if args.keep {
            println!("  kept {}", tmp.keep().display());
        } else {
            folders.push(tmp);
        }
        match result {
            Ok(s) => summaries.push(s),
            Err(e) => {
                eprintln!("error: {e}");
                drop(folders);
                std::process::exit(1);
            }
        }
    }
    print_table(&summaries);
}

/// The final table, one line per size, and how the cost per page grows with the size.
fn print_table(summaries: &[Summary]) {
    println!(
        "\n| providers | pages | build cold ms/page | CPU ms/page | warm ms/page | rebuild same / one changed ms/page | check s | peak RSS MB | cp -r ms/page | hugo ms/page (RSS MB) |"
    );
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for s in summaries {
        let hugo = match (s.hugo, s.hugo_rss) {
            (Some(h), Some(r)) => format!("{h:.3} ({r:.0})"),
            _ => "-".into(),
        };
        println!(
            "| {} | {} | {:.3} | {:.3} | {:.3} | {:.3} / {:.3} | {:.3} | {:.0} | {:.3} | {hugo} |",
            s.n, s.pages, s.cold, s.cold_cpu, s.warm, s.same, s.edited, s.check, s.rss, s.cp
        );
    }
    if let (Some(first), Some(last)) = (summaries.first(), summaries.last())
        && summaries.len() > 1
    {
        println!(
            "\ncost per page at {} providers / at {}: {:.2}x (build, cold)",
            last.n,
            first.n,
            last.cold / first.cold
        );
    }
}
