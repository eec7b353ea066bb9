//! The `serve` benchmark (issue 5): how long an editor waits between saving a provider file and
//! seeing the page again.
//!
//! ```text
//! cargo bench --bench serve                        # the bundled site
//! cargo bench --bench serve -- --providers 1000    # the large corpus of `cargo bench --bench site`
//! cargo bench --bench serve -- --site DIR          # any site
//! cargo bench --bench serve -- --runs 9 --provider icloud
//! ```
//!
//! It measures, on a copy of the site (the original is never touched) or on the generated corpus
//! (benches/common, the same one the site benchmark builds):
//! - in process, through the library: the full build into memory ([`Session::open`]) against the
//!   rebuild after one provider file changed ([`Session::apply`]);
//! - end to end, with the real binary: `mailguide serve --port 0`, a live-reload stream open, the
//!   provider file rewritten; the time until the `reload` event arrives (watcher, debounce,
//!   rebuild, publish), and until a fetched page shows the change.
//!
//! Each figure is the median of the runs. Nothing here asserts a time: it reports.

#[path = "common/mod.rs"]
mod common;

use common::corpus::{self, CLIENTS};
use common::files::copy_tree;
use common::ispdb::load_shapes;
use common::median;
use mailguide::serve::session::Session;
use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

/// The command line (`cargo bench --bench serve -- …`).
struct Args {
    /// The site to copy (`--site`); the bundled one by default.
    site: Option<PathBuf>,
    /// Generate the large corpus with this many providers instead of copying a site.
    providers: Option<usize>,
    /// Where the corpus takes its provider shapes from.
    ispdb: PathBuf,
    runs: usize,
    /// The provider to edit; the first in file-name order by default.
    provider: Option<String>,
    bench: bool,
}

fn usage() -> ! {
    eprintln!(
        "usage: cargo bench --bench serve -- [--site DIR | --providers N [--ispdb DIR]] [--runs R] [--provider SLUG]"
    );
    std::process::exit(2)
}

fn parse_args() -> Args {
    let mut args = Args {
        site: None,
        providers: None,
        ispdb: common::repo().join("tests/data/ispdb"),
        runs: 5,
        provider: None,
        bench: false,
    };
    let mut flags = common::Flags::new(usage);
    while let Some(flag) = flags.next_flag() {
        match flag.as_str() {
            // `cargo bench` passes `--bench`; without it (`cargo test --all-targets`) this is a
            // smoke run: one run of each measurement.
            "--bench" => args.bench = true,
            "--site" => args.site = Some(flags.path()),
            "--runs" => args.runs = flags.count(),
            "--provider" => args.provider = Some(flags.value()),
            "--providers" => args.providers = Some(flags.count()),
            "--ispdb" => args.ispdb = flags.path(),
            _ => flags.unknown(),
        }
    }
    if args.site.is_some() && args.providers.is_some() {
        eprintln!("--site copies a site and --providers generates one: give one of them");
        usage();
    }
    if !args.bench {
        args.runs = 1;
    }
    args
}

/// Copies what mailguide reads of a site: `site.yaml` and its content, theme, template and
/// static folders.
fn copy_site(from: &Path, to: &Path) {
    fs::copy(from.join("site.yaml"), to.join("site.yaml")).expect("copy site.yaml");
    for sub in ["content", "themes", "templates", "static"] {
        if from.join(sub).is_dir() {
            copy_tree(&from.join(sub), &to.join(sub));
        }
    }
}

/// The first provider of the site at `root`, in file-name order.
fn first_provider(root: &Path) -> String {
    let mut names: Vec<String> = fs::read_dir(root.join("content/providers"))
        .expect("content/providers")
        .filter_map(Result::ok)
        .filter_map(|e| e.file_name().to_str()?.strip_suffix(".yaml").map(str::to_string))
        .collect();
    names.sort();
    names.into_iter().next().expect("at least one provider")
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

/// Rewrites the provider's `name:` line to carry a run number; returns the new name.
fn edit_provider(path: &Path, run: usize) -> String {
    let text = fs::read_to_string(path).expect("read the provider");
    let mut name = String::new();
    let edited: Vec<String> = text
        .lines()
        .map(|l| match l.strip_prefix("name: ") {
            Some(old) if name.is_empty() => {
                let base = old.split(" (edit ").next().unwrap_or(old);
                name = format!("{base} (edit {run})");
                format!("name: {name}")
            }
            _ => l.to_string(),
        })
        .collect();
    fs::write(path, edited.join("\n") + "\n").expect("write the provider");
    name
}

/// The in-process figures: medians of the full build into memory and of the one-provider rebuild.
struct InProcess {
    pages: usize,
    full: Duration,
    incremental: Duration,
    /// Pages the last one-provider rebuild rendered.
    rendered: usize,
}

/// Opens the site in a [`Session`] (at most 3 times), then rebuilds it `runs` times after an edit
/// of `provider`.
fn in_process(root: &Path, provider: &Path, runs: usize) -> InProcess {
    let mut full = Vec::new();
    let mut session = None;
    let mut pages = 0;
    for _ in 0..runs.min(3) {
        let (s, report) = Session::open(root, "http://127.0.0.1:1111");
        assert!(report.ok, "the site must build: {:?}", s.diagnostics().first());
        pages = report.rendered;
        full.push(report.elapsed);
        session = Some(s);
    }
    let mut session = session.expect("opened at least once");
    let changed = [provider.to_path_buf()];
    let mut incremental = Vec::new();
    let mut rendered = 0;
    for run in 0..runs {
        edit_provider(provider, run);
        let report = session.apply(&changed).expect("a content file");
        assert!(report.ok && !report.full, "an incremental rebuild: {report:?}");
        rendered = report.rendered;
        incremental.push(report.elapsed);
    }
    InProcess {
        pages,
        full: median(full),
        incremental: median(incremental),
        rendered,
    }
}

/// Runs `mailguide serve` on the site and edits `provider` `runs` times: the medians of the time
/// from the save to the `reload` event and to a fetched page `/slug/` that shows the change.
fn end_to_end(root: &Path, slug: &str, provider: &Path, runs: usize) -> (Duration, Duration) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_mailguide"))
        .args(["serve", "--port", "0", "--root"])
        .arg(root)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start mailguide serve");
    let stdout = child.stdout.take().expect("piped");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(rest) = line.strip_prefix("serving http://") {
                let _ = tx.send(rest.split('/').next().unwrap_or_default().to_string());
            }
        }
    });
    let addr: SocketAddr = rx
        .recv_timeout(Duration::from_secs(300))
        .expect("serve prints its address")
        .parse()
        .expect("an address");
    let mut stream = TcpStream::connect(addr).expect("connect");
    write!(stream, "GET /__mailguide/events HTTP/1.1\r\nHost: x\r\n\r\n").expect("send");
    let events = Arc::new(Mutex::new(String::new()));
    let sink = Arc::clone(&events);
    std::thread::spawn(move || {
        let mut buf = [0u8; 65536];
        while let Ok(n) = stream.read(&mut buf) {
            if n == 0 {
                break;
            }
            sink.lock().expect("lock").push_str(&String::from_utf8_lossy(&buf[..n]));
        }
    });
    let wait = |what: &str, f: &mut dyn FnMut() -> bool| {
        let start = Instant::now();
        while !f() {
            assert!(
                start.elapsed() < Duration::from_secs(120),
                "timed out waiting for {what}"
            );
            std::thread::sleep(Duration::from_millis(1));
        }
    };
    wait("the hello event", &mut || {
        events.lock().expect("lock").contains("event: hello")
    });
    let mut to_event = Vec::new();
    let mut to_page = Vec::new();
    for run in 0..runs {
        let before = events.lock().expect("lock").matches("event: reload").count();
        // Let the watcher settle between runs, so each run is one burst.
        std::thread::sleep(Duration::from_millis(300));
        let start = Instant::now();
        let name = edit_provider(provider, 100 + run);
        wait("the reload event", &mut || {
            events.lock().expect("lock").matches("event: reload").count() > before
        });
        to_event.push(start.elapsed());
        wait("the edited page", &mut || {
            get(addr, &format!("/{slug}/")).contains(&name)
        });
        to_page.push(start.elapsed());
    }
    let _ = child.kill();
    let _ = child.wait();
    (median(to_event), median(to_page))
}

fn main() {
    let args = parse_args();
    let tmp = tempfile::tempdir().expect("temp dir");
    let root = tmp.path().join("site");
    let label = match args.providers {
        Some(n) => {
            corpus::generate_site(&root, n, &load_shapes(&args.ispdb));
            format!("{n} generated providers, {} clients", CLIENTS.len())
        }
        None => {
            let site = args.site.clone().unwrap_or_else(|| common::repo().to_path_buf());
            fs::create_dir_all(&root).expect("create the copy");
            copy_site(&site, &root);
            site.display().to_string()
        }
    };
    let slug = args.provider.clone().unwrap_or_else(|| first_provider(&root));
    let provider = root.join(format!("content/providers/{slug}.yaml"));

    let m = in_process(&root, &provider, args.runs);
    println!(
        "mailguide serve benchmark: {label} ({} pages), provider `{slug}`",
        m.pages
    );
    println!("  full build into memory:          {}", ms(m.full));
    println!(
        "  one-provider rebuild:            {} ({} pages rendered, {:.1}% of the full build)",
        ms(m.incremental),
        m.rendered,
        100.0 * m.incremental.as_secs_f64() / m.full.as_secs_f64()
    );
    let (to_event, to_page) = end_to_end(&root, &slug, &provider, args.runs);
    println!("  save → reload event (end to end): {}", ms(to_event));
    println!("  save → edited page fetched:       {}", ms(to_page));
}

fn get(addr: SocketAddr, path: &str) -> String {
    let Ok(mut s) = TcpStream::connect(addr) else {
        return String::new();
    };
    if write!(s, "GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").is_err() {
        return String::new();
    }
    let mut body = String::new();
    let _ = s.read_to_string(&mut body);
    body
}
