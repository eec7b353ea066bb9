//! A small HTTP/1.1 server for the site in memory, on `std::net`: GET and HEAD only, one thread
//! per connection, every response closes its connection.
//!
//! It exists instead of a crate so that what reaches the file lookup is decided here, in a few
//! lines a reader can check: a request target is refused (400) unless it is an origin-form path
//! whose decoded segments hold no `.`/`..`, no empty segment, no encoded `/`, no backslash and no
//! control character. Files come from the in-memory site only ([`Files`]), so nothing outside
//! the output can be reached, whatever the path says.
//!
//! A client that sends its request slowly cannot crowd others out: the request head must arrive
//! within [`HEAD_DEADLINE`] in all (not per byte), and connections still reading their head are
//! counted apart from those being served. When [`MAX_READING`] connections are reading, the
//! oldest of them is closed to make room, so a flood of slow connections delays no one who
//! sends a request at once, and the limit of [`MAX_CONNECTIONS`] counts only requests already
//! read. Requests whose `Host` is not allowed ([`AllowedHosts`]) get 403.

use super::hosts::AllowedHosts;
use super::overlay;
use super::reload;
use super::session::Files;
use std::collections::VecDeque;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

/// Longest request head accepted.
const MAX_HEAD: usize = 16 * 1024;
/// Requests served at once (their heads read); more get 503.
pub const MAX_CONNECTIONS: usize = 128;
/// Connections reading their request head at once; a new one closes the oldest beyond this.
pub const MAX_READING: usize = 256;
/// The time a client has to send its whole request head.
pub const HEAD_DEADLINE: Duration = Duration::from_secs(10);
/// The longest a write to a client may block.
const WRITE_TIMEOUT: Duration = Duration::from_secs(10);

/// What the server serves right now.
#[derive(Default)]
pub struct Served {
    /// The last good site (empty until a build succeeds).
    pub files: Files,
    /// The error overlay, while the content has errors.
    pub overlay: Option<String>,
    /// Counts published states, so a page can tell whether it is out of date.
    pub generation: u64,
}

/// State shared by the connection threads and the rebuild loop.
#[derive(Default)]
pub struct Shared {
    served: RwLock<Served>,
    listeners: Mutex<Vec<Sender<String>>>,
    /// Requests being served (heads read).
    connections: AtomicUsize,
    /// Connections still reading their head, oldest first, with the id their thread knows.
    reading: Mutex<VecDeque<(u64, TcpStream)>>,
    next_id: AtomicU64,
}

impl Shared {
    /// Publishes a new state and tells open pages: reload after a good build, show the overlay
    /// while there are errors.
    pub fn publish(&self, files: Option<Files>, overlay: Option<String>) {
        let message = {
            let mut served = self.served.write().unwrap_or_else(|e| e.into_inner());
            if let Some(files) = files {
                served.files = files;
            }
            served.generation += 1;
            let message = match &overlay {
                Some(html) => reload::event("overlay", &serde_json::to_string(html).unwrap_or_default()),
                None => reload::event("reload", &served.generation.to_string()),
            };
            served.overlay = overlay;
            message
        };
        self.broadcast(&message);
    }

    fn broadcast(&self, message: &str) {
        let mut listeners = self.listeners.lock().unwrap_or_else(|e| e.into_inner());
        listeners.retain(|tx| tx.send(message.to_string()).is_ok());
    }

    /// Ends every open event stream (on shutdown).
    pub fn close_streams(&self) {
        self.listeners.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }

    /// Counts a new connection among those reading their head, closing the oldest ones when
    /// there are too many. Returns its id.
    fn start_reading(&self, stream: &TcpStream) -> u64 {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let mut reading = self.reading.lock().unwrap_or_else(|e| e.into_inner());
        while reading.len() >= MAX_READING {
            if let Some((_, oldest)) = reading.pop_front() {
                // Its thread's read fails at once, and the thread ends.
                let _ = oldest.shutdown(Shutdown::Both);
            }
        }
        if let Ok(clone) = stream.try_clone() {
            reading.push_back((id, clone));
        }
        id
    }

    fn done_reading(&self, id: u64) {
        self.reading
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .retain(|(i, _)| *i != id);
    }

    /// A place among the requests being served, or `None` when all are taken.
    fn serving_slot(&self) -> Option<Slot<'_>> {
        if self.connections.fetch_add(1, Ordering::SeqCst) >= MAX_CONNECTIONS {
            self.connections.fetch_sub(1, Ordering::SeqCst);
            return None;
        }
        Some(Slot(&self.connections))
    }
}

/// A request being served; dropping it frees the place.
struct Slot<'a>(&'a AtomicUsize);

impl Drop for Slot<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// A socket read against one deadline for the whole request head, however slowly the bytes come.
struct Deadline {
    stream: TcpStream,
    until: Instant,
}

impl Read for Deadline {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let left = self.until.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(io::Error::from(io::ErrorKind::TimedOut));
        }
        self.stream.set_read_timeout(Some(left))?;
        self.stream.read(buf)
    }
}

/// Accepts connections until the listener fails; each is served on its own thread.
pub fn serve(listener: TcpListener, shared: Arc<Shared>, hosts: AllowedHosts) {
    let hosts = Arc::new(hosts);
    for stream in listener.incoming() {
        let Ok(stream) = stream else { continue };
        let (shared, hosts) = (Arc::clone(&shared), Arc::clone(&hosts));
        let id = shared.start_reading(&stream);
        std::thread::spawn(move || {
            let _ = handle(stream, &shared, &hosts, id);
        });
    }
}

/// A response before it is written.
pub struct Response {
    pub status: u16,
    pub content_type: &'static str,
    pub body: Vec<u8>,
    pub location: Option<String>,
}

impl Response {
    fn text(status: u16, text: &str) -> Response {
        Response {
            status,
            content_type: "text/plain; charset=utf-8",
            body: format!("{text}\n").into_bytes(),
            location: None,
        }
    }
}

fn handle(stream: TcpStream, shared: &Shared, hosts: &AllowedHosts, id: u64) -> io::Result<()> {
    let read = stream.try_clone().and_then(|clone| {
        stream.set_write_timeout(Some(WRITE_TIMEOUT))?;
        let mut reader = BufReader::new(Deadline {
            stream: clone,
            until: Instant::now() + HEAD_DEADLINE,
        });
        read_head(&mut reader)
    });
    shared.done_reading(id);
    let mut stream = stream;
    let head = match read {
        Ok(Some(head)) => head,
        Ok(None) => return respond(&mut stream, false, &Response::text(400, "bad request")),
        Err(e) if matches!(e.kind(), io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock) => {
            return respond(
                &mut stream,
                false,
                &Response::text(408, "the request took too long to arrive"),
            );
        }
        Err(e) => return Err(e),
    };
    let Some(_slot) = shared.serving_slot() else {
        return respond(&mut stream, false, &Response::text(503, "too many connections"));
    };
    let Head { line, host } = head;
    if !host.as_deref().is_some_and(|h| hosts.allows(h)) {
        let why = "this server answers requests for localhost and its own address only; start it with --allow-host NAME to be reached as NAME";
        return respond(&mut stream, false, &Response::text(403, why));
    }
    let mut parts = line.split(' ');
    let (Some(method), Some(target), Some(version), None) = (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return respond(&mut stream, false, &Response::text(400, "bad request"));
    };
    if !version.starts_with("HTTP/1.") {
        return respond(&mut stream, false, &Response::text(505, "HTTP/1.x only"));
    }
    let head_only = method == "HEAD";
    if method != "GET" && !head_only {
        let r = Response::text(405, "only GET and HEAD");
        return write_response(&mut stream, false, &r, &[("Allow", "GET, HEAD")]);
    }
    let path = match parse_target(target) {
        Ok(path) => path,
        Err(why) => return respond(&mut stream, head_only, &Response::text(400, why)),
    };
    if path.decoded == reload::EVENTS_PATH {
        return events(stream, shared);
    }
    let response = {
        let served = shared.served.read().unwrap_or_else(|e| e.into_inner());
        lookup(&served, &path)
    };
    respond(&mut stream, head_only, &response)
}

/// What is read of a request head: its first line and its `Host` header.
struct Head {
    line: String,
    host: Option<String>,
}

/// Reads the request line and the `Host` header, skipping the other headers (none changes what
/// is served). `None` for a request that is not HTTP.
fn read_head(reader: &mut impl BufRead) -> io::Result<Option<Head>> {
    let mut first = String::new();
    let mut host = None;
    let mut total = 0;
    loop {
        let mut line = Vec::new();
        let n = (&mut *reader)
            .take((MAX_HEAD - total) as u64 + 1)
            .read_until(b'\n', &mut line)?;
        total += n;
        if n == 0 || total > MAX_HEAD {
            return Ok(None);
        }
        let Ok(line) = String::from_utf8(line) else {
            return Ok(None);
        };
        let line = line.trim_end_matches(['\r', '\n']);
        if first.is_empty() {
            if line.is_empty() {
                continue;
            }
            first = line.to_string();
        } else if line.is_empty() {
            return Ok(Some(Head { line: first, host }));
        } else if let Some((name, value)) = line.split_once(':')
            && name.eq_ignore_ascii_case("host")
        {
            // Two Host headers: ambiguous, so neither is believed.
            host = if host.is_some() {
                Some(String::new())
            } else {
                Some(value.trim().to_string())
            };
        }
    }
}

/// A request target that passed the checks.
#[derive(Debug, PartialEq, Eq)]
pub struct Target {
    /// The path as sent (still percent-encoded), for redirects.
    pub raw: String,
    /// The decoded path, starting with `/`.
    pub decoded: String,
    /// The query, with its `?`, or empty.
    pub query: String,
}

/// Checks a request target and decodes its path. The error is the reason, for the 400 body.
pub fn parse_target(target: &str) -> Result<Target, &'static str> {
    if !target.starts_with('/') {
        return Err("the request target must be a path starting with /");
    }
    let (raw, query) = match target.find(['?', '#']) {
        Some(i) => (&target[..i], &target[i..]),
        None => (target, ""),
    };
    let query = query.split('#').next().unwrap_or("");
    if raw.contains('\\') {
        return Err("backslashes are not allowed in paths");
    }
    let lower = raw.to_ascii_lowercase();
    if lower.contains("%2f") || lower.contains("%5c") {
        return Err("encoded slashes are not allowed in paths");
    }
    let decoded = percent_decode(raw).ok_or("the path is not valid percent-encoded UTF-8")?;
    if decoded.chars().any(|c| c.is_control() || c == '\\') {
        return Err("control characters are not allowed in paths");
    }
    let segments: Vec<&str> = decoded[1..].split('/').collect();
    let last = segments.len() - 1;
    for (i, seg) in segments.iter().enumerate() {
        if *seg == "." || *seg == ".." {
            return Err("`.` and `..` are not allowed in paths");
        }
        if seg.is_empty() && i != last {
            return Err("empty path segments are not allowed");
        }
    }
    Ok(Target {
        raw: raw.to_string(),
        decoded,
        query: query.to_string(),
    })
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The response for a checked path: the file, a redirect to the folder, or the 404 page.
pub fn lookup(served: &Served, target: &Target) -> Response {
    let rel = &target.decoded[1..];
    let key = if rel.is_empty() || rel.ends_with('/') {
        format!("{rel}index.html")
    } else {
        rel.to_string()
    };
    if served.files.is_empty() {
        // No good build yet: every page shows the errors.
        return html(500, served, overlay::no_site_page().as_bytes());
    }
    if let Some(bytes) = served.files.get(&key) {
        let content_type = content_type(&key);
        if content_type.starts_with("text/html") {
            return html(200, served, bytes);
        }
        return Response {
            status: 200,
            content_type,
            body: bytes.to_vec(),
            location: None,
        };
    }
    if !rel.is_empty() && !rel.ends_with('/') && served.files.contains_key(&format!("{rel}/index.html")) {
        return Response {
            status: 301,
            content_type: "text/plain; charset=utf-8",
            body: b"moved\n".to_vec(),
            location: Some(format!("{}/{}", target.raw, target.query)),
        };
    }
    match served.files.get("404.html") {
        Some(page) => html(404, served, page),
        None => Response::text(404, "not found"),
    }
}

/// An HTML page with the live-reload script, and the overlay while there are errors.
fn html(status: u16, served: &Served, bytes: &[u8]) -> Response {
    Response {
        status,
        content_type: "text/html; charset=utf-8",
        body: reload::inject(bytes, served.generation, served.overlay.as_deref()),
        location: None,
    }
}

/// The content type of an output path, by extension.
pub fn content_type(path: &str) -> &'static str {
    let ext = path
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml",
        "txt" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "pdf" => "application/pdf",
        "mobileconfig" => "application/x-apple-aspen-config",
        _ => "application/octet-stream",
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        400 => "Bad Request",
        404 => "Not Found",
        403 => "Forbidden",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        505 => "HTTP Version Not Supported",
        _ => "",
    }
}

fn respond(stream: &mut TcpStream, head_only: bool, r: &Response) -> io::Result<()> {
    write_response(stream, head_only, r, &[])
}

fn write_response(stream: &mut TcpStream, head_only: bool, r: &Response, extra: &[(&str, &str)]) -> io::Result<()> {
    let mut head = format!(
        "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n",
        r.status,
        reason(r.status),
        r.content_type,
        r.body.len()
    );
    if let Some(location) = &r.location {
        head.push_str(&format!("Location: {location}\r\n"));
    }
    for (name, value) in extra {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes())?;
    if !head_only {
        stream.write_all(&r.body)?;
    }
    stream.flush()
}

/// The live-reload stream (Server-Sent Events): `hello` with the current generation at once,
/// then `reload` and `overlay` events as rebuilds happen, and a comment now and then so a
/// closed tab is noticed.
fn events(mut stream: TcpStream, shared: &Shared) -> io::Result<()> {
    let (tx, rx): (Sender<String>, Receiver<String>) = mpsc::channel();
    let generation = {
        let served = shared.served.read().unwrap_or_else(|e| e.into_inner());
        // Registered under the read lock, so no publish falls between the hello and the stream.
        shared.listeners.lock().unwrap_or_else(|e| e.into_inner()).push(tx);
        served.generation
    };
    stream.write_all(
        b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: close\r\n\r\nretry: 500\n\n",
    )?;
    stream.write_all(reload::event("hello", &generation.to_string()).as_bytes())?;
    stream.flush()?;
    loop {
        match rx.recv_timeout(Duration::from_secs(15)) {
            Ok(message) => stream.write_all(message.as_bytes())?,
            Err(RecvTimeoutError::Timeout) => stream.write_all(b": keep-alive\n\n")?,
            Err(RecvTimeoutError::Disconnected) => return Ok(()),
        }
        stream.flush()?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traversal_and_odd_paths_are_refused() {
        for bad in [
            "/../etc/passwd",
            "/static/../../etc/passwd",
            "/%2e%2e/etc/passwd",
            "/%2E%2E%2Fetc%2Fpasswd",
            "/static%2f..%2f..%2fetc",
            "/..%5c..%5cwindows",
            "/a\\b",
            "//etc/passwd",
            "/icloud//thunderbird/",
            "/%00",
            "/a%0d%0aSet-Cookie:x",
            "/%zz",
            "/%c0%ae%c0%ae/",
            "http://example.org/",
            "*",
            "C:/Windows",
            "/./index.html",
        ] {
            assert!(parse_target(bad).is_err(), "{bad} must be refused");
        }
    }

    #[test]
    fn ordinary_paths_decode() {
        let t = parse_target("/caf%C3%A9/x.html?a=1#f").expect("valid");
        assert_eq!(t.decoded, "/café/x.html");
        assert_eq!(t.query, "?a=1");
        assert_eq!(parse_target("/").expect("valid").decoded, "/");
        assert_eq!(parse_target("/icloud/").expect("valid").decoded, "/icloud/");
    }

    #[test]
    fn content_types_follow_the_extension() {
        assert_eq!(
            content_type("icloud/icloud.mobileconfig"),
            "application/x-apple-aspen-config"
        );
        assert_eq!(content_type("sitemap.xml"), "application/xml");
        assert_eq!(content_type("static/style.1a.css"), "text/css; charset=utf-8");
        assert_eq!(content_type("robots.txt"), "text/plain; charset=utf-8");
    }
}
