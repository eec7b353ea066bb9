//! Name lookups: host addresses, SRV and MX records, through hickory-resolver.
//!
//! The name server is the system's (`/etc/resolv.conf`), or `--dns-server ADDR:PORT` for every
//! lookup, SRV included: tests point it at a loopback responder so no query leaves the machine.

use hickory_resolver::TokioResolver;
use hickory_resolver::config::ResolveHosts;
use hickory_resolver::config::{ConnectionConfig, NameServerConfig, ResolverConfig};
use hickory_resolver::net::runtime::TokioRuntimeProvider;
use hickory_resolver::proto::rr::RData;
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

/// The answer to a lookup, sorted by what it means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup<T> {
    Found(T),
    /// The name does not exist, or has no record of the type.
    NoRecords,
    /// The name server failed or did not answer: nothing is known.
    Failed(String),
}

/// One SRV record (RFC 2782): a service's host and port.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Srv {
    pub priority: u16,
    pub port: u16,
    /// Lower case, without the final dot; `.` means "no such service" (RFC 2782).
    pub target: String,
}

pub struct Dns {
    resolver: TokioResolver,
}

impl Dns {
    /// A resolver for `server` (all lookups go there), or the system's. `timeout` bounds each
    /// query; the run's deadlines bound the rest.
    pub fn new(server: Option<SocketAddr>, timeout: Duration) -> Result<Dns, String> {
        let mut builder = match server {
            Some(addr) => {
                let mut udp = ConnectionConfig::udp();
                udp.port = addr.port();
                let mut tcp = ConnectionConfig::tcp();
                tcp.port = addr.port();
                let ns = NameServerConfig::new(addr.ip(), true, vec![udp, tcp]);
                let config = ResolverConfig::from_parts(None, vec![], vec![ns]);
                TokioResolver::builder_with_config(config, TokioRuntimeProvider::default())
            }
            None => {
                TokioResolver::builder_tokio().map_err(|e| format!("cannot read the system's DNS settings: {e}"))?
            }
        };
        let opts = builder.options_mut();
        opts.timeout = timeout;
        opts.attempts = 1;
        // A given name server answers for every name: /etc/hosts must not answer first.
        if server.is_some() {
            opts.use_hosts_file = ResolveHosts::Never;
        }
        let resolver = builder.build().map_err(|e| format!("cannot set up DNS: {e}"))?;
        Ok(Dns { resolver })
    }

    /// The A and AAAA addresses of a host.
    pub async fn addresses(&self, host: &str) -> Lookup<Vec<IpAddr>> {
        match self.resolver.lookup_ip(fqdn(host)).await {
            Ok(found) => {
                let ips: Vec<IpAddr> = found.iter().collect();
                if ips.is_empty() {
                    Lookup::NoRecords
                } else {
                    Lookup::Found(ips)
                }
            }
            Err(e) if e.is_no_records_found() || e.is_nx_domain() => Lookup::NoRecords,
            Err(e) => Lookup::Failed(e.to_string()),
        }
    }

    /// The SRV records of a name such as `_imaps._tcp.example.com`.
    pub async fn srv(&self, name: &str) -> Lookup<Vec<Srv>> {
        match self.resolver.srv_lookup(fqdn(name)).await {
            Ok(found) => {
                let mut records: Vec<Srv> = found
                    .answers()
                    .iter()
                    .filter_map(|r| match &r.data {
                        RData::SRV(srv) => Some(Srv {
                            priority: srv.priority,
                            port: srv.port,
                            target: srv.target.to_ascii().trim_end_matches('.').to_ascii_lowercase(),
                        }),
                        _ => None,
                    })
                    .collect();
                records.sort_by(|a, b| (a.priority, &a.target, a.port).cmp(&(b.priority, &b.target, b.port)));
                if records.is_empty() {
                    Lookup::NoRecords
                } else {
                    Lookup::Found(records)
                }
            }
            Err(e) if e.is_no_records_found() || e.is_nx_domain() => Lookup::NoRecords,
            Err(e) => Lookup::Failed(e.to_string()),
        }
    }

    /// The MX hosts of a domain, by preference (recorded, not compared).
    pub async fn mx(&self, domain: &str) -> Lookup<Vec<String>> {
        match self.resolver.mx_lookup(fqdn(domain)).await {
            Ok(found) => {
                let mut records: Vec<(u16, String)> = found
                    .answers()
                    .iter()
                    .filter_map(|r| match &r.data {
                        RData::MX(mx) => Some((
                            mx.preference,
                            mx.exchange.to_ascii().trim_end_matches('.').to_ascii_lowercase(),
                        )),
                        _ => None,
                    })
                    .collect();
                records.sort();
                Lookup::Found(records.into_iter().map(|(_, host)| host).collect())
            }
            Err(e) if e.is_no_records_found() || e.is_nx_domain() => Lookup::NoRecords,
            Err(e) => Lookup::Failed(e.to_string()),
        }
    }
}

/// Names from the data are absolute: a trailing dot keeps the resolver from trying search
/// domains first.
fn fqdn(name: &str) -> String {
    if name.ends_with('.') {
        name.to_string()
    } else {
        format!("{name}.")
    }
}
