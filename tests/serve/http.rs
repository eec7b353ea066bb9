//! `mailguide serve` as an editor uses it: the real binary on a free port, pages fetched over
//! HTTP, files edited in a copy of the bundled site. Waits are polls with a bound (10 s), never
//! fixed sleeps that decide the outcome.

use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

const BOUND: Duration = Duration::from_secs(10);

/// A copy of the bundled site in a temporary folder.
fn bundled_copy() -> tempfile::TempDir {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().expect("temp dir");
    fs::copy(repo.join("site.yaml"), dir.path().join("site.yaml")).expect("copy site.yaml");
    for sub in ["content", "themes"] {
        for entry in walkdir::WalkDir::new(repo.join(sub)) {
            let entry = entry.expect("walk");
            let target = dir.path().join(entry.path().strip_prefix(repo).expect("inside"));
            if entry.file_type().is_dir() {
                fs::create_dir_all(&target).expect("mkdir");
            } else {
                fs::copy(entry.path(), &target).expect("copy");
            }
        }
    }
    dir
}

/// A running `mailguide serve`, stopped when dropped.
struct Server {
    child: Child,
    addr: SocketAddr,
    stderr: Arc<Mutex<String>>,
}

impl Server {
    fn start(root: &Path) -> Server {
        Server::start_with(root, &[])
    }

    /// `serve` with extra arguments.
    fn start_with(root: &Path, extra: &[&str]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_mailguide"))
            .args(["serve", "--port", "0", "--root"])
            .arg(root)
            .args(extra)
            .env("NO_COLOR", "1")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start mailguide serve");
        let stdout = child.stdout.take().expect("piped stdout");
        let stderr_pipe = child.stderr.take().expect("piped stderr");
        let stderr = Arc::new(Mutex::new(String::new()));
        let sink = Arc::clone(&stderr);
        std::thread::spawn(move || {
            for line in BufReader::new(stderr_pipe).lines().map_while(Result::ok) {
                let mut s = sink.lock().expect("lock");
                s.push_str(&line);
                s.push('\n');
            }
        });
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(rest) = line.strip_prefix("serving http://") {
                    let addr = rest.split('/').next().unwrap_or_default().to_string();
                    let _ = tx.send(addr);
                }
            }
        });
        // The first build of the bundled site takes about a second in a debug build.
        let addr = rx
            .recv_timeout(Duration::from_secs(60))
            .unwrap_or_else(|_| panic!("serve printed no address; stderr:\n{}", stderr.lock().expect("lock")));
        Server {
            child,
            addr: addr.parse().expect("a socket address"),
            stderr,
        }
    }

    fn get(&self, target: &str) -> Reply {
        request(self.addr, "GET", target)
    }

    fn stderr(&self) -> String {
        self.stderr.lock().expect("lock").clone()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[derive(Debug)]
struct Reply {
    status: u16,
    head: String,
    body: String,
}

impl Reply {
    fn header(&self, name: &str) -> Option<String> {
        self.head.lines().find_map(|l| {
            let (n, v) = l.split_once(':')?;
            n.eq_ignore_ascii_case(name).then(|| v.trim().to_string())
        })
    }

    fn has_overlay(&self) -> bool {
        self.body.contains(r#"<div id="mailguide-overlay""#)
    }
}

/// One raw HTTP/1.1 request, the target sent exactly as given (clients would normalise `..`).
fn request(addr: SocketAddr, method: &str, target: &str) -> Reply {
    request_to(addr, method, target, "localhost")
}

/// [`request`] with the given `Host` header.
fn request_to(addr: SocketAddr, method: &str, target: &str, host: &str) -> Reply {
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream.set_read_timeout(Some(BOUND)).expect("timeout");
    write!(
        stream,
        "{method} {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .expect("send");
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).expect("read the reply");
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status line in {head:?}"));
    Reply {
        status,
        head: head.to_string(),
        body: body.to_string(),
    }
}

/// Polls `f` until it holds, for at most [`BOUND`].
fn eventually(what: &str, mut f: impl FnMut() -> bool) {
    let start = Instant::now();
    while start.elapsed() < BOUND {
        if f() {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("not within {BOUND:?}: {what}");
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = fs::read_to_string(path).expect("read");
    assert!(text.contains(from), "{} should contain {from:?}", path.display());
    fs::write(path, text.replacen(from, to, 1)).expect("write");
}

/// The live-reload stream, read on a thread into a shared string.
fn listen(addr: SocketAddr) -> Arc<Mutex<String>> {
    let mut stream = TcpStream::connect(addr).expect("connect");
    write!(stream, "GET /__mailguide/events HTTP/1.1\r\nHost: localhost\r\n\r\n").expect("send");
    let seen = Arc::new(Mutex::new(String::new()));
    let sink = Arc::clone(&seen);
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n) = stream.read(&mut buf) {
            if n == 0 {
                break;
            }
            sink.lock().expect("lock").push_str(&String::from_utf8_lossy(&buf[..n]));
        }
    });
    seen
}

#[test]
fn pages_are_served_with_their_types_folders_and_the_404_page() {
    let site = bundled_copy();
    let server = Server::start(site.path());

    let home = server.get("/");
    assert_eq!(home.status, 200);
    assert_eq!(home.header("content-type").as_deref(), Some("text/html; charset=utf-8"));
    assert!(home.body.contains("Mail Setup Help"));
    assert!(
        home.body.contains("data-mailguide-live-reload"),
        "served pages get the reload script"
    );

    let folder = server.get("/icloud");
    assert_eq!(folder.status, 301);
    assert_eq!(folder.header("location").as_deref(), Some("/icloud/"));
    let page = server.get("/icloud/");
    assert_eq!(page.status, 200);
    assert!(page.body.contains("imap.mail.me.com"));

    let css = home
        .body
        .split('"')
        .chain(home.body.split(['=', ' ', '>']))
        .find(|s| s.starts_with("/static/style.") && s.ends_with(".css"))
        .expect("the home page links the style sheet")
        .to_string();
    let style = server.get(&css);
    assert_eq!(style.status, 200);
    assert_eq!(style.header("content-type").as_deref(), Some("text/css; charset=utf-8"));
    assert!(
        !style.body.contains("mailguide-live-reload"),
        "only HTML gets the script"
    );

    let sitemap = server.get("/sitemap.xml");
    assert_eq!(sitemap.header("content-type").as_deref(), Some("application/xml"));
    assert_eq!(
        server.get("/robots.txt").header("content-type").as_deref(),
        Some("text/plain; charset=utf-8")
    );

    let missing = server.get("/no-such-provider/");
    assert_eq!(missing.status, 404);
    assert!(
        missing.body.contains("There is no page at this address"),
        "the site's own 404 page"
    );

    let head = request(server.addr, "HEAD", "/");
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    assert_eq!(head.header("content-length"), home.header("content-length"));

    let post = request(server.addr, "POST", "/");
    assert_eq!(post.status, 405);
    assert_eq!(post.header("allow").as_deref(), Some("GET, HEAD"));

    assert!(!site.path().join("public").exists(), "serve never writes public/");
}

#[test]
fn an_edit_appears_an_error_shows_the_overlay_and_a_fix_removes_it() {
    let site = bundled_copy();
    let server = Server::start(site.path());
    let events = listen(server.addr);
    eventually("the event stream says hello", || {
        events.lock().expect("lock").contains("event: hello")
    });
    let provider = site.path().join("content/providers/icloud.yaml");

    // An edit: the guide shows the new host, and open pages are told to reload.
    edit(&provider, "host: imap.mail.me.com", "host: imap.edited.example");
    eventually("the guide shows the edited host", || {
        server.get("/icloud/thunderbird/").body.contains("imap.edited.example")
    });
    eventually("open pages are told to reload", || {
        events.lock().expect("lock").contains("event: reload")
    });

    // A typo: every page keeps the last good content and shows the error with file and line.
    edit(
        &provider,
        "    - host: imap.edited.example",
        "    - hots: imap.edited.example",
    );
    eventually("the page shows the error overlay", || {
        server.get("/icloud/").has_overlay()
    });
    let page = server.get("/icloud/");
    assert!(
        page.body.contains("imap.edited.example"),
        "the last good page stays under the overlay"
    );
    assert!(
        page.body.contains("content/providers/icloud.yaml:11:7"),
        "{}",
        page.body
    );
    assert!(page.body.contains("unknown key `hots`"));
    assert!(page.body.contains("did you mean `host`?"));
    assert!(
        server.get("/faq/").has_overlay(),
        "every page shows it, also on a fresh load"
    );
    eventually("open pages get the overlay", || {
        events.lock().expect("lock").contains("event: overlay")
    });
    eventually("the terminal shows the same diagnostic", || {
        let err = server.stderr();
        err.contains("error[yaml-unknown-key]") && err.contains("--> content/providers/icloud.yaml:11:7")
    });

    // The fix: the overlay goes by itself and the page is back.
    edit(&provider, "hots:", "host:");
    eventually("the overlay goes away", || !server.get("/icloud/").has_overlay());
    assert!(server.get("/icloud/").body.contains("imap.edited.example"));
}

#[test]
fn a_site_that_never_built_shows_its_errors_until_fixed() {
    let site = bundled_copy();
    let client = site.path().join("content/clients/thunderbird.yaml");
    edit(&client, "name: Thunderbird", "name: [Thunderbird");
    let server = Server::start(site.path());
    let page = server.get("/icloud/");
    assert_eq!(page.status, 500);
    assert!(page.has_overlay());
    assert!(page.body.contains("content/clients/thunderbird.yaml"));
    edit(&client, "name: [Thunderbird", "name: Thunderbird");
    eventually("the site appears once fixed", || server.get("/icloud/").status == 200);
    assert!(!server.get("/icloud/").has_overlay());
}

#[test]
fn traversal_attempts_are_refused() {
    let site = bundled_copy();
    fs::write(site.path().join("secret.txt"), "TOP-SECRET").expect("write");
    let server = Server::start(site.path());
    for target in [
        "/../secret.txt",
        "/../../../../etc/passwd",
        "/static/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E/%2E%2E/etc/passwd",
        "/..%2fsecret.txt",
        "/static%2f..%2f..%2fsecret.txt",
        "/..%5csecret.txt",
        "/..\\secret.txt",
        "//etc/passwd",
        "/%00",
        "/index.html%00.txt",
        "/%c0%ae%c0%ae/secret.txt",
        "secret.txt",
        "http://localhost/../secret.txt",
        "/site.yaml",
        "/content/providers/icloud.yaml",
        "/secret.txt",
    ] {
        let reply = server.get(target);
        assert!(
            reply.status == 400 || reply.status == 404,
            "{target} gave {} ",
            reply.status
        );
        assert!(
            !reply.body.contains("TOP-SECRET") && !reply.body.contains("root:"),
            "{target} leaked a file"
        );
    }
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_it_cleanly() {
    let site = bundled_copy();
    let mut server = Server::start(site.path());
    let status = Command::new("kill")
        .args(["-INT", &server.child.id().to_string()])
        .status()
        .expect("run kill");
    assert!(status.success());
    let mut exit = None;
    eventually("serve exits after Ctrl-C", || {
        exit = server.child.try_wait().expect("wait");
        exit.is_some()
    });
    assert!(exit.expect("exited").success(), "exit status 0 after Ctrl-C");
    eventually("it says it stopped", || server.stderr().contains("stopped"));
}

#[test]
fn a_burst_of_saves_causes_fewer_rebuilds_than_files() {
    let site = bundled_copy();
    let server = Server::start(site.path());
    let files: Vec<PathBuf> = ["icloud", "gmail", "outlook", "yahoo", "aol"]
        .iter()
        .map(|p| site.path().join(format!("content/providers/{p}.yaml")))
        .collect();
    for f in &files {
        let text = fs::read_to_string(f).expect("read");
        fs::write(f, text.replacen("name: ", "name: Burst ", 1)).expect("write");
    }
    eventually("every edit shows", || {
        ["icloud", "gmail", "outlook", "yahoo", "aol"]
            .iter()
            .all(|p| server.get(&format!("/{p}/")).body.contains("Burst "))
    });
    let rebuilds = server.stderr().lines().filter(|l| l.starts_with("rebuilt ")).count();
    assert!(
        (1..files.len()).contains(&rebuilds),
        "{rebuilds} rebuilds for {} saves",
        files.len()
    );
}

#[test]
fn slow_clients_do_not_crowd_out_others() {
    let site = bundled_copy();
    let server = Server::start(site.path());
    assert_eq!(server.get("/").status, 200);
    // More connections than the server serves at once, each trickling its request head.
    let mut slow: Vec<TcpStream> = (0..130)
        .map(|_| TcpStream::connect(server.addr).expect("connect"))
        .collect();
    let head = b"GET / HTTP/1.1\r\nHost: localhost\r\n";
    for round in 0..3 {
        for stream in &mut slow {
            // A connection the server already let go of may refuse the byte; that is fine.
            let _ = stream.write_all(&head[round..=round]);
        }
        for _ in 0..5 {
            let reply = server.get("/");
            assert_eq!(reply.status, 200, "round {round}: {}", reply.body);
        }
        std::thread::sleep(Duration::from_millis(500));
    }
}

#[test]
fn a_request_head_that_never_ends_is_cut_off() {
    let site = bundled_copy();
    let server = Server::start(site.path());
    let mut stream = TcpStream::connect(server.addr).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_millis(500)))
        .expect("timeout");
    // One byte every half second: each arrives well within any per-read timeout.
    let mut answer = Vec::new();
    let mut buf = [0u8; 256];
    for _ in 0..60 {
        if stream.write_all(b"X").is_err() {
            break;
        }
        match stream.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => answer.extend_from_slice(&buf[..n]),
            Err(_) => continue,
        }
    }
    let answer = String::from_utf8_lossy(&answer);
    assert!(
        answer.starts_with("HTTP/1.1 408"),
        "the server ends the request: {answer:?}"
    );
}

#[test]
fn requests_for_other_host_names_are_refused() {
    let site = bundled_copy();
    let server = Server::start_with(site.path(), &["--allow-host", "phone.lan"]);
    let refused = request_to(server.addr, "GET", "/", "evil.attacker.com");
    assert_eq!(refused.status, 403);
    assert!(refused.body.contains("--allow-host"), "{}", refused.body);
    assert_eq!(
        request_to(
            server.addr,
            "GET",
            "/",
            &format!("evil.attacker.com:{}", server.addr.port())
        )
        .status,
        403
    );
    for allowed in [
        "localhost".to_string(),
        server.addr.to_string(),
        format!("phone.lan:{}", server.addr.port()),
    ] {
        assert_eq!(request_to(server.addr, "GET", "/", &allowed).status, 200, "{allowed}");
    }
}

#[test]
fn watching_goes_on_after_content_is_renamed_away_and_back() {
    let site = bundled_copy();
    let server = Server::start(site.path());
    let changes = |server: &Server| server.stderr().matches("changed:").count();
    let content = site.path().join("content");
    let away = site.path().join("content-away");
    fs::rename(&content, &away).expect("rename away");
    eventually("serve sees the content go", || changes(&server) >= 1);
    fs::rename(&away, &content).expect("rename back");
    eventually("serve sees it come back", || changes(&server) >= 2);
    eventually("the site is whole again", || {
        let page = server.get("/icloud/");
        page.status == 200 && !page.has_overlay()
    });
    // A provider added afterwards is seen: a broken one shows the overlay.
    fs::write(content.join("providers/broken.yaml"), "name: [broken\n").expect("write");
    eventually("the broken provider shows the overlay", || {
        server.get("/icloud/").has_overlay()
    });
    assert!(server.get("/icloud/").body.contains("content/providers/broken.yaml"));
}

/// Asks for `target` and says how long the answer took: `serve` must answer other pages while a
/// broken guide is on disk (the issue saw a render that never ended wedge it for good).
fn timed_get(server: &Server, target: &str) -> (Reply, Duration) {
    let start = Instant::now();
    let reply = server.get(target);
    (reply, start.elapsed())
}

/// Other pages answer within a few seconds, each time.
fn assert_responsive(server: &Server) {
    for target in ["/", "/faq/", "/gmail/", "/icloud/"] {
        let (reply, took) = timed_get(server, target);
        assert_eq!(reply.status, 200, "{target}");
        assert!(took < Duration::from_secs(3), "{target} took {took:?}");
    }
}

/// A guide saved with Tera that would never finish (two nested `range(end=100000)` loops, 10^10
/// iterations) while `serve` runs: the page shows the overlay at the guide's file and line, other
/// pages answer at once, and the fixed guide, saved afterwards, is picked up: the overlay goes and
/// the page shows the new text.
#[test]
fn a_guide_outside_the_tera_subset_shows_the_overlay_and_serve_stays_responsive() {
    let site = bundled_copy();
    let server = Server::start(site.path());
    let guide = site.path().join("content/clients/thunderbird.md");
    let good = fs::read_to_string(&guide).expect("read the guide");
    let nested = "{% for a in range(end=100000) %}{% for b in range(end=100000) %}x{% endfor %}{% endfor %}";
    fs::write(&guide, format!("Repeat after me.\n\n{nested}\n\n{good}")).expect("save the bad guide");
    eventually("the guide page shows the overlay", || {
        server.get("/icloud/thunderbird/").has_overlay()
    });
    let page = server.get("/icloud/thunderbird/");
    assert!(page.body.contains("template-unbounded"), "{}", page.body);
    assert!(
        page.body.contains("content/clients/thunderbird.md:3:1"),
        "the file and line of the outer loop: {}",
        page.body
    );
    assert_responsive(&server);

    // Fixed: the marker shows that the page was rendered from the new text.
    fs::write(&guide, format!("Fixed guide, marker 4711.\n\n{good}")).expect("save the fixed guide");
    eventually("the overlay goes and the page shows the fixed guide", || {
        let page = server.get("/icloud/thunderbird/");
        !page.has_overlay() && page.body.contains("Fixed guide, marker 4711.")
    });
    assert_responsive(&server);
}

/// A guide that makes its pages larger than `limits.page_bytes`: the overlay names the limit's
/// code, the guide and the page; saving the guide back in its old size removes it.
#[test]
fn a_page_over_the_size_limit_shows_the_overlay_until_the_guide_is_shortened() {
    let site = bundled_copy();
    let config = site.path().join("site.yaml");
    let text = fs::read_to_string(&config).expect("read site.yaml");
    // The bundled site's largest page is under 40 KB.
    fs::write(&config, format!("{text}\nlimits:\n  page_bytes: 100000\n")).expect("write site.yaml");
    let server = Server::start(site.path());
    assert!(!server.get("/icloud/thunderbird/").has_overlay());
    let guide = site.path().join("content/clients/thunderbird.md");
    let good = fs::read_to_string(&guide).expect("read the guide");
    let long: String = (0..2_000)
        .map(|i| format!("Note {i}: keep Thunderbird open while the first sync runs.\n\n"))
        .collect();
    fs::write(&guide, format!("{good}\n{long}")).expect("save the long guide");
    eventually("the guide page shows the overlay", || {
        server.get("/icloud/thunderbird/").has_overlay()
    });
    let page = server.get("/icloud/thunderbird/");
    for expected in [
        "page-too-large",
        "content/clients/thunderbird.md:1:1",
        "/icloud/thunderbird/",
        "page_bytes",
    ] {
        assert!(page.body.contains(expected), "{expected} in {}", page.body);
    }
    assert_responsive(&server);
    fs::write(&guide, format!("{good}\nShort again, marker 4712.\n")).expect("save the short guide");
    eventually("the overlay goes and the page shows the short guide", || {
        let page = server.get("/icloud/thunderbird/");
        !page.has_overlay() && page.body.contains("Short again, marker 4712.")
    });
}
