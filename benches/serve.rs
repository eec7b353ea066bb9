//! The `serve` benchmark (issue 5): how long an editor waits between saving a provider file and
//! seeing the page again.
//!
//! ```text
//! cargo bench --bench serve                        # the bundled site
//! cargo bench --bench serve -- --site DIR          # any site, e.g. a large one kept by
//!                                                  # `cargo bench --bench site -- --keep`
//! cargo bench --bench serve -- --runs 9 --provider icloud
//! ```
//!
//! It measures, on a copy of the site (the original is never touched):
//! - in process, through the library: the full build into memory ([`Session::open`]) against the
//!   rebuild after one provider file changed ([`Session::apply`]);
//! - end to end, with the real binary: `mailguide serve --port 0`, a live-reload stream open, the
//!   provider file rewritten; the time until the `reload` event arrives (watcher, debounce,
//!   rebuild, publish), and until a fetched page shows the change.
//!
//! Each figure is the median of the runs. Nothing here asserts a time: it reports.

use mailguide::serve::session::Session;
use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

struct Args {
    site: PathBuf,
    runs: usize,
    provider: Option<String>,
    /// Grow the copy to this many providers by cloning the site's own (see [`grow`]).
    providers: Option<usize>,
    bench: bool,
}

fn usage() -> ! {
    eprintln!("usage: cargo bench --bench serve -- [--site DIR] [--providers N] [--runs R] [--provider SLUG]");
    std::process::exit(2)
}

fn parse_args() -> Args {
    let mut args = Args {
        site: PathBuf::from(env!("CARGO_MANIFEST_DIR")),
        runs: 5,
        provider: None,
        providers: None,
        bench: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        match a.as_str() {
            // `cargo bench` passes `--bench`; without it (`cargo test --all-targets`) this is a
            // smoke run: one run of each measurement.
            "--bench" => args.bench = true,
            "--site" => args.site = PathBuf::from(it.next().unwrap_or_else(|| usage())),
            "--runs" => {
                args.runs = it
                    .next()
                    .and_then(|v| v.parse::<usize>().ok())
                    .unwrap_or_else(|| usage())
                    .max(1)
            }
            "--provider" => args.provider = Some(it.next().unwrap_or_else(|| usage())),
            "--providers" => {
                args.providers = Some(
                    it.next()
                        .and_then(|v| v.parse::<usize>().ok())
                        .unwrap_or_else(|| usage()),
                )
            }
            _ => usage(),
        }
    }
    if !args.bench {
        args.runs = 1;
    }
    args
}

fn copy_site(from: &Path, to: &Path) {
    fs::copy(from.join("site.yaml"), to.join("site.yaml")).expect("copy site.yaml");
    for sub in ["content", "themes", "templates", "static"] {
        let dir = from.join(sub);
        if !dir.is_dir() {
            continue;
        }
        for entry in walkdir::WalkDir::new(&dir) {
            let entry = entry.expect("walk the site");
            let target = to.join(entry.path().strip_prefix(from).expect("inside the site"));
            if entry.file_type().is_dir() {
                fs::create_dir_all(&target).expect("create a folder");
            } else {
                fs::copy(entry.path(), &target).expect("copy a file");
            }
        }
    }
}

/// Clones the site's providers (with their provider-specific guide steps) until there are `n`:
/// `icloud` gives `icloud-c2`, `icloud-c3`, ... with the name numbered and every domain prefixed
/// (`c2-icloud.com`), so no two providers claim a domain.
fn grow(root: &Path, n: usize) {
    let dir = root.join("content/providers");
    let mut originals: Vec<String> = fs::read_dir(&dir)
        .expect("content/providers")
        .filter_map(Result::ok)
        .filter_map(|e| e.file_name().to_str()?.strip_suffix(".yaml").map(str::to_string))
        .collect();
    originals.sort();
    let mut count = originals.len();
    let mut copy = 2;
    while count < n {
        for slug in &originals {
            if count >= n {
                break;
            }
            let text = fs::read_to_string(dir.join(format!("{slug}.yaml"))).expect("read a provider");
            let mut value: serde_yaml::Value = serde_yaml::from_str(&text).expect("a provider parses");
            let map = value.as_mapping_mut().expect("a provider is a mapping");
            if let Some(serde_yaml::Value::String(name)) = map.get_mut("name") {
                name.push_str(&format!(" {copy}"));
            }
            if let Some(serde_yaml::Value::Sequence(domains)) = map.get_mut("domains") {
                for d in domains.iter_mut() {
                    if let serde_yaml::Value::String(d) = d {
                        *d = format!("c{copy}-{d}");
                    }
                }
            }
            let clone = format!("{slug}-c{copy}");
            fs::write(
                dir.join(format!("{clone}.yaml")),
                serde_yaml::to_string(&value).expect("serialise"),
            )
            .expect("write a clone");
            if dir.join(slug).is_dir() {
                fs::create_dir_all(dir.join(&clone)).expect("create a folder");
                for entry in fs::read_dir(dir.join(slug)).expect("read").filter_map(Result::ok) {
                    fs::copy(entry.path(), dir.join(&clone).join(entry.file_name())).expect("copy guide steps");
                }
            }
            count += 1;
        }
        copy += 1;
    }
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
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

fn main() {
    let args = parse_args();
    let tmp = tempfile::tempdir().expect("temp dir");
    let root = tmp.path().join("site");
    fs::create_dir_all(&root).expect("create the copy");
    copy_site(&args.site, &root);
    if let Some(n) = args.providers {
        grow(&root, n);
    }
    let slug = args.provider.clone().unwrap_or_else(|| {
        let mut names: Vec<String> = fs::read_dir(root.join("content/providers"))
            .expect("content/providers")
            .filter_map(Result::ok)
            .filter_map(|e| e.file_name().to_str()?.strip_suffix(".yaml").map(str::to_string))
            .collect();
        names.sort();
        names.into_iter().next().expect("at least one provider")
    });
    let provider = root.join(format!("content/providers/{slug}.yaml"));

    // In process.
    let mut full = Vec::new();
    let mut session = None;
    let mut pages = 0;
    for _ in 0..args.runs.min(3) {
        let (s, report) = Session::open(&root, "http://127.0.0.1:1111");
        assert!(report.ok, "the site must build: {:?}", s.diagnostics().first());
        pages = report.rendered;
        full.push(report.elapsed);
        session = Some(s);
    }
    let mut session = session.expect("opened at least once");
    let mut incremental = Vec::new();
    let mut rendered = 0;
    for run in 0..args.runs {
        edit_provider(&provider, run);
        let report = session.apply(std::slice::from_ref(&provider)).expect("a content file");
        assert!(report.ok && !report.full, "an incremental rebuild: {report:?}");
        rendered = report.rendered;
        incremental.push(report.elapsed);
    }
    let (full, incremental) = (median(full), median(incremental));
    println!(
        "mailguide serve benchmark: {} ({pages} pages), provider `{slug}`",
        args.site.display()
    );
    println!("  full build into memory:          {}", ms(full));
    println!(
        "  one-provider rebuild:            {} ({rendered} pages rendered, {:.1}% of the full build)",
        ms(incremental),
        100.0 * incremental.as_secs_f64() / full.as_secs_f64()
    );

    // End to end, with the binary.
    let mut child = Command::new(env!("CARGO_BIN_EXE_mailguide"))
        .args(["serve", "--port", "0", "--root"])
        .arg(&root)
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
    for run in 0..args.runs {
        let before = events.lock().expect("lock").matches("event: reload").count();
        // Let the watcher settle between runs, so each run is one burst.
        std::thread::sleep(Duration::from_millis(300));
        let start = Instant::now();
        let name = edit_provider(&provider, 100 + run);
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
    println!("  save → reload event (end to end): {}", ms(median(to_event)));
    println!("  save → edited page fetched:       {}", ms(median(to_page)));
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
