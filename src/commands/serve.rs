//! `mailguide serve`: builds the site into memory, serves it, rebuilds what a change touches and
//! reloads open pages; prints what it did. The pieces live in `crate::serve`.

use super::{EXIT_OK, EXIT_TOOL, print_human};
use crate::diagnostics::{Diagnostic, summary};
use crate::serve::hosts::AllowedHosts;
use crate::serve::http::{self, Shared};
use crate::serve::session::{Rebuild, Session};
use crate::serve::{overlay, watch};
use std::io;
use std::net::{IpAddr, TcpListener};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc;

/// The port tried first when none is given; the next ones are tried while it is taken.
pub const DEFAULT_PORT: u16 = 1111;
const PORTS_TRIED: u16 = 20;

pub struct ServeOptions {
    pub root: PathBuf,
    /// `None`: 1111 or the next free port. `Some(0)`: any free port.
    pub port: Option<u16>,
    pub bind: IpAddr,
    /// Open the site in the default browser.
    pub open: bool,
    /// Host names requests may name besides `localhost` and the bound address (`--allow-host`).
    pub allow_hosts: Vec<String>,
}

enum Message {
    Changed(Vec<PathBuf>),
    Stop,
}

pub fn run(opts: &ServeOptions) -> i32 {
    if !opts.root.is_dir() {
        eprintln!(
            "error: the root folder {} does not exist or is not a folder",
            opts.root.display()
        );
        return EXIT_TOOL;
    }
    // Watchers report absolute paths; the session compares them with its root.
    let root = opts.root.canonicalize().unwrap_or_else(|_| opts.root.clone());
    let listener = match bind(opts.bind, opts.port) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("error: cannot listen on {}: {e}", describe_port(opts.bind, opts.port));
            eprintln!("  = help: choose another port with --port, or --port 0 for any free one");
            return EXIT_TOOL;
        }
    };
    let addr = match listener.local_addr() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("error: cannot read the server's address: {e}");
            return EXIT_TOOL;
        }
    };
    let base_url = format!("http://{addr}");

    let (mut session, first) = Session::open(&root, &base_url);
    let shared = Arc::new(Shared::default());
    let mut shown = report(&session, &first, &[]);
    publish(&shared, &session, first.ok);

    let (tx, rx) = mpsc::channel::<Message>();
    let stop = tx.clone();
    if let Err(e) = ctrlc::set_handler(move || {
        let _ = stop.send(Message::Stop);
    }) {
        eprintln!("warning: Ctrl-C will not stop the server cleanly: {e}");
    }
    let changes = tx.clone();
    if let Err(e) = watch::spawn(&root, move |paths| changes.send(Message::Changed(paths)).is_ok()) {
        eprintln!("error: cannot watch {} for changes: {e}", root.display());
        eprintln!("  = help: on Linux, raise fs.inotify.max_user_watches; or use `mailguide build`");
        return EXIT_TOOL;
    }
    drop(tx);
    let server = Arc::clone(&shared);
    let hosts = AllowedHosts::new(addr.ip(), &opts.allow_hosts);
    std::thread::spawn(move || http::serve(listener, server, hosts));
    if let Some(warning) = exposure_warning(addr.ip()) {
        eprintln!("{warning}");
    }

    let url = format!("{base_url}/");
    println!("serving {url} (Ctrl-C to stop)");
    if opts.open {
        open_browser(&url);
    }

    while let Ok(Message::Changed(paths)) = rx.recv() {
        let Some(rebuild) = session.apply(&paths) else {
            continue;
        };
        shown = report(&session, &rebuild, &shown);
        publish(&shared, &session, rebuild.ok);
    }
    shared.close_streams();
    eprintln!("stopped");
    EXIT_OK
}

/// The warning for an address other machines can reach: `serve` is a preview for the editor,
/// and the site it shows may hold unpublished content.
pub fn exposure_warning(bind: IpAddr) -> Option<String> {
    if bind.is_loopback() {
        return None;
    }
    Some(format!(
        "warning: listening on {bind}, which other machines on the network can reach; the preview shows unpublished content\n  = help: use the default --bind 127.0.0.1 unless you mean to preview from another device (then add --allow-host with the name it uses)"
    ))
}

fn describe_port(bind: IpAddr, port: Option<u16>) -> String {
    match port {
        Some(p) => format!("{bind} port {p}"),
        None => format!("{bind} ports {DEFAULT_PORT}–{}", DEFAULT_PORT + PORTS_TRIED - 1),
    }
}

/// Binds the given port, or the first free one from 1111 on.
fn bind(bind: IpAddr, port: Option<u16>) -> io::Result<TcpListener> {
    if let Some(p) = port {
        return TcpListener::bind((bind, p));
    }
    let mut last = None;
    for p in DEFAULT_PORT..DEFAULT_PORT + PORTS_TRIED {
        match TcpListener::bind((bind, p)) {
            Ok(l) => return Ok(l),
            Err(e) if e.kind() == io::ErrorKind::AddrInUse => last = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last.unwrap_or_else(|| io::Error::from(io::ErrorKind::AddrInUse)))
}

/// Hands the server the session's state: the last good site, and the overlay while there are
/// errors.
fn publish(shared: &Shared, session: &Session, rebuilt: bool) {
    let overlay = if session.has_errors() {
        overlay::render(session.root(), &session.diagnostics())
    } else {
        None
    };
    shared.publish(rebuilt.then(|| session.files().clone()), overlay);
}

/// Prints the outcome of a build; diagnostics are printed when they differ from the ones shown
/// last (errors always). Returns what was shown.
fn report(session: &Session, rebuild: &Rebuild, shown: &[Diagnostic]) -> Vec<Diagnostic> {
    let root = session.root();
    if !rebuild.changed.is_empty() {
        eprintln!("changed: {}", list(&rebuild.changed));
    }
    let diagnostics = session.diagnostics();
    if session.has_errors() || diagnostics != shown {
        print_human(root, &diagnostics, session.allowed());
        if !diagnostics.is_empty() {
            eprintln!("{}", summary(&diagnostics));
        }
    }
    let ms = rebuild.elapsed.as_secs_f64() * 1000.0;
    if rebuild.ok {
        let pages = session.files().keys().filter(|p| p.ends_with(".html")).count();
        let what = if rebuild.full {
            format!("built all {pages} pages")
        } else {
            format!(
                "rebuilt {} of {pages} pages ({} file{} re-read)",
                rebuild.rendered,
                rebuild.reparsed,
                if rebuild.reparsed == 1 { "" } else { "s" }
            )
        };
        eprintln!("{what} in {ms:.0} ms");
    } else if session.files().is_empty() {
        eprintln!("the site does not build yet: fix the errors above; the pages show them meanwhile");
    } else {
        eprintln!("not rebuilt ({ms:.0} ms): fix the errors above; the last good site is served meanwhile");
    }
    diagnostics
}

fn list(paths: &[String]) -> String {
    let mut names = paths.to_vec();
    names.dedup();
    let more = names.len().saturating_sub(5);
    names.truncate(5);
    let mut out = names.join(", ");
    if more > 0 {
        out.push_str(&format!(" and {more} more"));
    }
    out
}

fn open_browser(url: &str) {
    let (program, args): (&str, Vec<&str>) = if cfg!(target_os = "macos") {
        ("open", vec![url])
    } else if cfg!(windows) {
        ("cmd", vec!["/C", "start", "", url])
    } else {
        ("xdg-open", vec![url])
    };
    if let Err(e) = std::process::Command::new(program)
        .args(args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
    {
        eprintln!("warning: could not open a browser ({program}: {e}); open {url} yourself");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_non_loopback_address_gets_a_warning() {
        for quiet in ["127.0.0.1", "::1", "127.0.0.2"] {
            assert_eq!(exposure_warning(quiet.parse().expect("ip")), None, "{quiet}");
        }
        for loud in ["0.0.0.0", "::", "192.168.1.5"] {
            let warning = exposure_warning(loud.parse().expect("ip")).unwrap_or_default();
            assert!(
                warning.starts_with(&format!("warning: listening on {loud}")),
                "{warning}"
            );
        }
    }
}
