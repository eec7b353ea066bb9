//! One test's loopback world, set up the same way by every live test: the responders' runtime,
//! a test root (its PEM for `--ca-file`), a temporary site folder, a gauge over the mail
//! responders and the `--connect-to` list the responders are reached by. With the helpers to
//! write a provider file and to read the findings at a line.

use super::certs::{TestRoot, Validity};
use super::dns::DnsServer;
use super::mail::{self, Gauge, Proto, Script, Tls};
use super::web::{self, Answer};
use super::{runtime, site};
use mailguide::diagnostics::Diagnostic;
use mailguide::live::{ConnectTo, LiveOptions, LiveReport};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

pub struct Lab {
    pub rt: tokio::runtime::Runtime,
    pub root: TestRoot,
    /// The site's folder (and the PEM file's).
    pub dir: tempfile::TempDir,
    /// The test root in PEM, for `--ca-file`.
    pub ca: PathBuf,
    /// Counts the connections of every mail responder started here.
    pub gauge: Arc<Gauge>,
    /// Where each host and port is reached.
    pub connect_to: Vec<ConnectTo>,
}

impl Lab {
    pub fn new() -> Lab {
        let root = TestRoot::new();
        let dir = tempfile::tempdir().expect("tmp");
        let ca = dir.path().join("root.pem");
        std::fs::write(&ca, &root.pem).expect("ca");
        Lab {
            rt: runtime(),
            root,
            dir,
            ca,
            gauge: Arc::new(Gauge::default()),
            connect_to: Vec::new(),
        }
    }

    /// A server configuration with a certificate of the test root for `names`, long valid.
    pub fn cert(&self, names: &[&str]) -> Arc<rustls::ServerConfig> {
        self.root.server(names, Validity::Long)
    }

    /// Starts a mail responder, not yet reachable by any name.
    pub fn mail(&self, proto: Proto, tls: Tls, script: Script) -> SocketAddr {
        mail::start(&self.rt, proto, tls, script, self.gauge.clone())
    }

    /// Starts a mail responder reached as `host:port`.
    pub fn mail_at(&mut self, host: &str, port: u16, proto: Proto, tls: Tls, script: Script) -> SocketAddr {
        let addr = self.mail(proto, tls, script);
        self.map(host, port, addr);
        addr
    }

    /// Starts an HTTP server (HTTPS with `tls`) reached as `host:port`.
    pub fn web_at(
        &mut self,
        host: &str,
        port: u16,
        routes: HashMap<String, Answer>,
        tls: Option<Arc<rustls::ServerConfig>>,
    ) -> SocketAddr {
        let addr = web::start(&self.rt, routes, tls);
        self.map(host, port, addr);
        addr
    }

    /// `--connect-to host:port=addr`.
    pub fn map(&mut self, host: &str, port: u16, addr: SocketAddr) {
        self.connect_to.push(to(host, port, addr));
    }

    /// Writes the site with these provider files and loads it.
    pub fn site(&self, providers: &[(&str, &str)]) -> mailguide::model::Site {
        site(self.dir.path(), providers);
        load(self.dir.path())
    }

    /// The options of a test run: this lab's trust root and mappings, `dns` for every lookup,
    /// 2 s per connection, no pause between HTTP requests.
    pub fn options(&self, dns: &DnsServer) -> LiveOptions {
        options(&self.ca, dns.addr, self.connect_to.clone())
    }

    /// Writes the site, answers every lookup from an empty zone (NXDOMAIN: no SRV records, no
    /// autoconfig host) and runs the check with [`Lab::options`].
    pub fn check(&self, providers: &[(&str, &str)]) -> LiveReport {
        let site = self.site(providers);
        let dns = DnsServer::start(HashMap::new());
        mailguide::live::run(&site, &self.options(&dns)).expect("run")
    }
}

/// Loads a test site, which must load without errors.
pub fn load(dir: &std::path::Path) -> mailguide::model::Site {
    let loaded = mailguide::load::load_site(dir);
    assert!(
        loaded.diagnostics.iter().all(|d| !d.is_error()),
        "the test site loads: {:?}",
        loaded.diagnostics
    );
    loaded.site.expect("site")
}

pub fn options(ca: &std::path::Path, dns: SocketAddr, connect_to: Vec<ConnectTo>) -> LiveOptions {
    LiveOptions {
        connect_to,
        dns_server: Some(dns),
        ca_file: Some(ca.to_path_buf()),
        timeout: Duration::from_secs(2),
        deadline: Duration::from_secs(120),
        http_interval: Duration::ZERO,
        ..LiveOptions::default()
    }
}

pub fn to(host: &str, port: u16, addr: SocketAddr) -> ConnectTo {
    ConnectTo {
        host: host.to_string(),
        port,
        addr,
    }
}

/// One server entry of a provider file.
pub fn server(host: &str, port: u16, security: &str, auth: &str) -> String {
    format!("    - host: {host}\n      port: {port}\n      security: {security}\n      auth: [{auth}]\n")
}

/// The findings at a line, as `code` strings.
pub fn codes_at(report: &LiveReport, file: &str, line: usize) -> Vec<String> {
    let mut codes: Vec<String> = report
        .diagnostics
        .iter()
        .filter(|d| d.location.as_ref().is_some_and(|l| l.file == file && l.line == line))
        .map(|d| d.code.clone())
        .collect();
    codes.sort();
    codes
}

/// The finding of `code` whose message contains `needle`.
pub fn find<'a>(report: &'a LiveReport, code: &str, needle: &str) -> &'a Diagnostic {
    report
        .diagnostics
        .iter()
        .find(|d| d.code == code && d.message.contains(needle))
        .unwrap_or_else(|| panic!("no {code} about {needle:?} in {:#?}", report.diagnostics))
}

/// The one finding of a run.
pub fn only(report: &LiveReport) -> &Diagnostic {
    match report.diagnostics.as_slice() {
        [one] => one,
        other => panic!("expected one finding, got {other:#?}"),
    }
}

/// Where a finding points: `file:line`.
pub fn place(d: &Diagnostic) -> String {
    let l = d.location.as_ref().expect("a finding with a place");
    format!("{}:{}", l.file, l.line)
}
