//! `mailguide check --live`: the data against the servers it describes.
//!
//! Consistent data can still be false: a provider moves a server, drops POP3 or stops offering
//! password sign-in, and every page stays consistent. This connects to every server in the data
//! (DNS, TCP, TLS or STARTTLS, the capability list), looks up the domains' SRV records, fetches
//! the providers' own autoconfig files and every link, and reports where the world disagrees,
//! as diagnostics at the content's lines. A capability list says what a server advertises, not
//! what it accepts, and the findings say so; a server that cannot be reached is "not checked",
//! never a disagreement. No credential is ever sent.
//!
//! The model is read only through [`targets`]; the network only through [`connect::Net`], which
//! honours `--connect-to`, `--dns-server` and `--ca-file` for mail and HTTP alike.

mod cert;
mod conn;
mod connect;
mod dns;
mod domain;
mod fail;
mod finding;
mod http;
mod links;
mod protocol;
mod published;
mod report;
pub mod results;
mod run;
mod server;
pub mod targets;
pub use published::{Published, publish};
pub mod time;

use crate::diagnostics::Diagnostic;
use crate::model::Site;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use thiserror::Error;

/// How a run goes; [`LiveOptions::default`] has the documented defaults.
#[derive(Debug, Clone)]
pub struct LiveOptions {
    /// Only these providers (slugs); empty: all, and the links of every content file.
    pub providers: Vec<String>,
    /// `HOST:PORT=ADDR:PORT`: that host and port are reached at that address, without DNS.
    pub connect_to: Vec<ConnectTo>,
    /// The name server for every lookup, instead of the system's.
    pub dns_server: Option<SocketAddr>,
    /// PEM trust roots instead of Mozilla's.
    pub ca_file: Option<PathBuf>,
    /// Hosts checked at once.
    pub concurrency: usize,
    /// Time per connection (and per DNS query).
    pub timeout: Duration,
    /// Time for the whole run; what is left after it is "not checked".
    pub deadline: Duration,
    /// Least time between two HTTP requests to one host.
    pub http_interval: Duration,
    /// Warn when a certificate expires within this many days.
    pub expiry_warning_days: i64,
    /// For a host written as `mail.{domain}`: check the hosts of the first N listed domains
    /// only; `None`, every listed domain's.
    pub template_domains: Option<usize>,
    /// Check links too.
    pub links: bool,
    /// Show progress on stderr.
    pub progress: bool,
}

impl Default for LiveOptions {
    fn default() -> Self {
        LiveOptions {
            providers: Vec::new(),
            connect_to: Vec::new(),
            dns_server: None,
            ca_file: None,
            concurrency: 8,
            timeout: Duration::from_secs(10),
            deadline: Duration::from_secs(600),
            http_interval: Duration::from_secs(1),
            expiry_warning_days: 30,
            template_domains: None,
            links: true,
            progress: false,
        }
    }
}

/// One `--connect-to` mapping.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectTo {
    pub host: String,
    pub port: u16,
    pub addr: SocketAddr,
}

impl std::str::FromStr for ConnectTo {
    type Err = String;

    /// `HOST:PORT=ADDR:PORT`, as curl's `--connect-to` (with the address required).
    fn from_str(text: &str) -> Result<Self, String> {
        let (from, to) = text
            .split_once('=')
            .ok_or_else(|| format!("{text:?}: expected HOST:PORT=ADDR:PORT"))?;
        let (host, port) = from
            .rsplit_once(':')
            .ok_or_else(|| format!("{from:?}: expected HOST:PORT"))?;
        let port = port.parse().map_err(|_| format!("{port:?} is not a port"))?;
        let addr = to
            .parse()
            .map_err(|_| format!("{to:?}: expected an address and port such as 127.0.0.1:1993"))?;
        if host.is_empty() {
            return Err(format!("{text:?}: the host is empty"));
        }
        Ok(ConnectTo {
            host: host.to_ascii_lowercase(),
            port,
            addr,
        })
    }
}

/// Why the run could not start.
#[derive(Debug, Error)]
pub enum LiveError {
    #[error("--ca-file: {0}")]
    Trust(String),
    #[error("--dns-server: {0}")]
    Dns(String),
    #[error("cannot start the network runtime: {0}")]
    Runtime(std::io::Error),
    #[error("--providers: no provider {0:?} in the site")]
    UnknownProvider(String),
}

/// What a run found.
#[derive(Debug)]
pub struct LiveReport {
    /// Findings at the content's lines, not yet under the site's policy.
    pub diagnostics: Vec<Diagnostic>,
    /// What each server showed (`--save-results`).
    pub results: results::Results,
}

/// Runs the live check over the site's servers, domains and links.
pub fn run(site: &Site, opts: &LiveOptions) -> Result<LiveReport, LiveError> {
    if let Some(unknown) = opts.providers.iter().find(|p| site.provider(p).is_none()) {
        return Err(LiveError::UnknownProvider(unknown.clone()));
    }
    let tls = connect::tls_config(opts.ca_file.as_deref()).map_err(LiveError::Trust)?;
    let started = time::now();
    let mut jobs: Vec<run::Job> = targets::servers_to_check(site, &opts.providers, opts.template_domains)
        .into_iter()
        .map(run::Job::Server)
        .collect();
    jobs.extend(
        targets::domains_to_check(site, &opts.providers)
            .into_iter()
            .map(run::Job::Domain),
    );
    if opts.links {
        jobs.extend(
            targets::links_to_check(site, &opts.providers)
                .into_iter()
                .map(run::Job::Link),
        );
    }
    // One thread: the work is waiting on the network, and the resolver's background tasks
    // must run on the runtime that awaits them.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(LiveError::Runtime)?;
    let done = runtime.block_on(async {
        let dns = dns::Dns::new(opts.dns_server, opts.timeout).map_err(LiveError::Dns)?;
        let connect_to: Vec<(String, u16, SocketAddr)> = opts
            .connect_to
            .iter()
            .map(|c| (c.host.clone(), c.port, c.addr))
            .collect();
        let deadline = tokio::time::Instant::now() + opts.deadline;
        let net = Arc::new(connect::Net::new(&connect_to, dns, tls, opts.timeout, deadline));
        let limit = Arc::new(http::RateLimit::new(opts.http_interval));
        let settings = run::Settings {
            concurrency: opts.concurrency,
            policy: server::Policy {
                expiry_warning_days: opts.expiry_warning_days,
                now: started,
            },
            progress: opts.progress,
        };
        Ok::<_, LiveError>(run::run(net, limit, jobs, &settings).await)
    })?;
    let (diagnostics, results) = report::report(&done, started);
    Ok(LiveReport { diagnostics, results })
}
