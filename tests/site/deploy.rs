//! Publishing: files of `root/` at the output root, and the host configuration `build` writes
//! (`_headers`, the nginx snippet, `.htaccess`), checked by serving a built site through real
//! nginx and Apache bound to 127.0.0.1 and reading the response headers a phone would get.
//!
//! The servers come from Debian (`.ci/install`). Without them these tests say so and pass, except
//! with `CI=true`, where a missing server is a failure.

use crate::common::*;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const SITE_YAML_DEPLOY: &str = "deploy: [netlify, nginx, apache]\n";

/// A copy of the bundled site that asks for every host's configuration and has root files:
/// a `CNAME`, its own `_headers` rules, and a `.well-known` autoconfig file.
fn site_with_root_files() -> tempfile::TempDir {
    let dir = bundled_copy();
    let root = dir.path();
    let mut yaml = std::fs::read_to_string(root.join("site.yaml")).expect("site.yaml");
    yaml.push_str(SITE_YAML_DEPLOY);
    std::fs::write(root.join("site.yaml"), yaml).expect("write site.yaml");
    let files: [(&str, &[u8]); 3] = [
        ("root/CNAME", b"mail-help.example.org\n"),
        ("root/_headers", b"/*\n  X-Frame-Options: DENY\n"),
        (
            "root/.well-known/autoconfig/mail/config-v1.1.xml",
            b"<?xml version=\"1.0\"?>\n<clientConfig version=\"1.1\"/>\n",
        ),
    ];
    for (rel, bytes) in files {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().expect("a folder")).expect("mkdir");
        std::fs::write(path, bytes).expect("write a root file");
    }
    dir
}

fn built(root: &Path) -> (tempfile::TempDir, PathBuf) {
    let out_dir = tempfile::tempdir().expect("temp dir");
    let out = out_dir.path().join("public");
    let o = build(root, &out, &[]);
    assert!(o.status.success(), "build: {}", String::from_utf8_lossy(&o.stderr));
    (out_dir, out)
}

fn read(out: &Path, rel: &str) -> String {
    std::fs::read_to_string(out.join(rel)).unwrap_or_else(|e| panic!("{rel} should be written: {e}"))
}

#[test]
fn root_files_are_published_as_they_are_and_recorded() {
    let site = site_with_root_files();
    let (_keep, out) = built(site.path());
    assert_eq!(read(&out, "CNAME"), "mail-help.example.org\n");
    assert!(read(&out, ".well-known/autoconfig/mail/config-v1.1.xml").contains("clientConfig"));
    assert_eq!(read(&out, ".nojekyll"), "");
    // The site's own rules first, then the generated ones.
    let headers = read(&out, "_headers");
    assert!(headers.starts_with("/*\n  X-Frame-Options: DENY\n"), "{headers}");
    assert!(
        headers.contains("/icloud/icloud.mobileconfig\n  Content-Type: application/x-apple-aspen-config\n"),
        "{headers}"
    );
    let manifest = read(&out, ".mailguide-manifest");
    for listed in [
        "CNAME",
        "_headers",
        ".nojekyll",
        ".well-known/autoconfig/mail/config-v1.1.xml",
        ".htaccess",
    ] {
        assert!(manifest.lines().any(|l| l == listed), "{listed} not in the manifest");
    }
    // Recorded, so the next build replaces the folder instead of refusing it.
    let again = build(site.path(), &out, &[]);
    assert!(again.status.success(), "{}", String::from_utf8_lossy(&again.stderr));
}

#[test]
fn a_root_file_where_the_build_writes_is_an_error_at_that_file() {
    let site = bundled_copy();
    std::fs::create_dir_all(site.path().join("root")).expect("mkdir");
    std::fs::write(site.path().join("root/sitemap.xml"), "<urlset/>").expect("write");
    let out = site.path().join("public");
    let o = build(site.path(), &out, &[]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("error[root-file-collision]"), "{stderr}");
    assert!(stderr.contains("root/sitemap.xml"), "{stderr}");
    assert!(!out.exists(), "nothing may be written");
}

/// Whether the server binary is there; otherwise says why the test does not run, and fails
/// in CI.
fn server(name: &str, path: &str) -> Option<PathBuf> {
    let path = PathBuf::from(path);
    if path.is_file() {
        return Some(path);
    }
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!(
            "{name} is not installed at {} (.ci/install installs it)",
            path.display()
        );
    }
    eprintln!("{name} NOT tested: no {} (apt-get install -y {name})", path.display());
    None
}

fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    listener.local_addr().expect("local address").port()
}

/// The server process; stopped when dropped, whatever the test's outcome. SIGTERM, not
/// SIGKILL: a killed master would leave its workers holding the port.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let pid = libc::pid_t::try_from(self.0.id()).expect("a process id fits pid_t");
        // SAFETY: kill has no memory effects; the pid is our child, not yet reaped.
        unsafe { libc::kill(pid, libc::SIGTERM) };
        let _ = self.0.wait();
    }
}

struct Reply {
    status: u16,
    head: String,
}

impl Reply {
    fn header(&self, name: &str) -> Option<String> {
        self.head.lines().find_map(|l| {
            let (n, v) = l.split_once(':')?;
            n.eq_ignore_ascii_case(name).then(|| v.trim().to_string())
        })
    }
}

fn get(addr: SocketAddr, target: &str) -> Reply {
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream.set_read_timeout(Some(Duration::from_secs(10))).expect("timeout");
    write!(
        stream,
        "GET {target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    )
    .expect("send");
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).expect("read the reply");
    let text = String::from_utf8_lossy(&raw).into_owned();
    let head = text
        .split_once("\r\n\r\n")
        .map_or(text.as_str(), |(h, _)| h)
        .to_string();
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status line in {head:?}"));
    Reply { status, head }
}

fn wait_until_up(addr: SocketAddr, child: &mut Child, log: &Path) {
    let start = Instant::now();
    while TcpStream::connect(addr).is_err() {
        if let Ok(Some(status)) = child.try_wait() {
            panic!(
                "the server exited ({status}): {}",
                std::fs::read_to_string(log).unwrap_or_default()
            );
        }
        assert!(start.elapsed() < Duration::from_secs(20), "the server did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// What every server must send for the built site.
fn check_responses(addr: SocketAddr, out: &Path) {
    let profile = get(addr, "/icloud/icloud.mobileconfig");
    assert_eq!(profile.status, 200, "{}", profile.head);
    assert_eq!(
        profile.header("content-type").as_deref(),
        Some("application/x-apple-aspen-config"),
        "{}",
        profile.head
    );
    for xml in [
        "/autoconfig/me.com/mail/config-v1.1.xml",
        "/icloud/config-v1.1.xml",
        "/.well-known/autoconfig/mail/config-v1.1.xml",
    ] {
        let reply = get(addr, xml);
        assert_eq!(reply.status, 200, "{xml}: {}", reply.head);
        let ct = reply.header("content-type").unwrap_or_default();
        assert!(ct.starts_with("text/xml"), "{xml}: {}", reply.head);
    }
    let style = std::fs::read_dir(out.join("static"))
        .expect("static/")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .find(|n| n.starts_with("style.") && n.ends_with(".css"))
        .expect("a fingerprinted style sheet");
    let css = get(addr, &format!("/static/{style}"));
    assert_eq!(css.status, 200, "{}", css.head);
    assert_eq!(css.header("content-type").as_deref(), Some("text/css"), "{}", css.head);
    assert_eq!(
        css.header("cache-control").as_deref(),
        Some("public, max-age=31536000, immutable"),
        "{}",
        css.head
    );
    // The search index keeps its name between builds: it must not be cached for a year.
    let index = get(addr, "/static/search-index.json");
    assert_eq!(index.status, 200, "{}", index.head);
    assert_eq!(index.header("cache-control"), None, "{}", index.head);
    let page = get(addr, "/icloud/");
    assert_eq!(page.status, 200, "{}", page.head);
    assert!(page.header("content-type").unwrap_or_default().starts_with("text/html"));
    for hidden in ["/.mailguide-manifest", "/.mailguide-nginx.conf", "/.htaccess"] {
        assert_eq!(get(addr, hidden).status, 404, "{hidden} must not be served");
    }
    assert_eq!(get(addr, "/no-such-page/").status, 404);
}

#[test]
fn nginx_serves_the_client_files_with_their_types() {
    let Some(nginx) = server("nginx", "/usr/sbin/nginx") else {
        return;
    };
    let site = site_with_root_files();
    let (work, out) = built(site.path());
    let port = free_port();
    let prefix = work.path().join("nginx");
    std::fs::create_dir_all(prefix.join("logs")).expect("mkdir");
    // As root, nginx's workers would run as `nobody`, who cannot read the private temp folder.
    // SAFETY: geteuid has no preconditions and cannot fail.
    let user = if unsafe { libc::geteuid() } == 0 {
        "user root;\n"
    } else {
        ""
    };
    let conf = format!(
        "{user}daemon off;\nworker_processes 1;\npid {prefix}/nginx.pid;\nerror_log {prefix}/logs/error.log;\n\
         events {{ worker_connections 64; }}\n\
         http {{\n  include /etc/nginx/mime.types;\n  default_type application/octet-stream;\n  access_log off;\n\
         client_body_temp_path {prefix}/body;\n  proxy_temp_path {prefix}/proxy;\n  fastcgi_temp_path {prefix}/fastcgi;\n\
         uwsgi_temp_path {prefix}/uwsgi;\n  scgi_temp_path {prefix}/scgi;\n\
         server {{\n    listen 127.0.0.1:{port};\n    root {out};\n    include {out}/.mailguide-nginx.conf;\n  }}\n}}\n",
        prefix = prefix.display(),
        out = out.display(),
    );
    let conf_path = prefix.join("nginx.conf");
    std::fs::write(&conf_path, conf).expect("write nginx.conf");
    let log = prefix.join("logs/error.log");
    let mut child = Command::new(nginx)
        .arg("-p")
        .arg(&prefix)
        .arg("-e")
        .arg(&log)
        .arg("-c")
        .arg(&conf_path)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start nginx");
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    wait_until_up(addr, &mut child, &log);
    let _running = Running(child);
    check_responses(addr, &out);
}

#[test]
fn apache_serves_the_client_files_with_their_types() {
    let Some(apache) = server("apache2", "/usr/sbin/apache2") else {
        return;
    };
    let site = site_with_root_files();
    let (work, out) = built(site.path());
    // Apache will not run its workers as root: they run as www-data, who must read the site.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(work.path(), std::fs::Permissions::from_mode(0o755)).expect("chmod");
    }
    let port = free_port();
    let prefix = work.path().join("apache");
    std::fs::create_dir_all(&prefix).expect("mkdir");
    // SAFETY: geteuid has no preconditions and cannot fail.
    let user = if unsafe { libc::geteuid() } == 0 {
        "User www-data\nGroup www-data\n"
    } else {
        ""
    };
    let modules = [
        ("mpm_event", "mod_mpm_event"),
        ("authz_core", "mod_authz_core"),
        ("mime", "mod_mime"),
        ("headers", "mod_headers"),
        ("alias", "mod_alias"),
        ("dir", "mod_dir"),
    ]
    .map(|(name, file)| format!("LoadModule {name}_module /usr/lib/apache2/modules/{file}.so\n"))
    .concat();
    let conf = format!(
        "ServerName localhost\nListen 127.0.0.1:{port}\nPidFile {prefix}/httpd.pid\nErrorLog {prefix}/error.log\n\
         DefaultRuntimeDir {prefix}\n{modules}{user}TypesConfig /etc/mime.types\nDocumentRoot {out}\n\
         <Directory {out}>\n  AllowOverride All\n  Require all granted\n</Directory>\nDirectoryIndex index.html\n",
        prefix = prefix.display(),
        out = out.display(),
    );
    let conf_path = prefix.join("httpd.conf");
    std::fs::write(&conf_path, conf).expect("write httpd.conf");
    let mut child = Command::new(apache)
        .arg("-f")
        .arg(&conf_path)
        .arg("-DFOREGROUND")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start apache2");
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    wait_until_up(addr, &mut child, &prefix.join("error.log"));
    let _running = Running(child);
    check_responses(addr, &out);
}
