//! Which `Host` a request to `serve` may name: the defence against DNS rebinding.
//!
//! A page on any web site can make the browser send requests to `127.0.0.1:1111` under a name
//! the attacker controls (`evil.example` first resolving to the attacker, then to 127.0.0.1); the
//! browser then treats the answers as the attacker's own, readable by the attacker's script.
//! Such requests carry the attacker's name in `Host`, so `serve` answers only requests that name
//! `localhost`, an IP address it listens on (every address when bound to `0.0.0.0` or `::`: an
//! address is not a name an attacker can point elsewhere), or a name given with `--allow-host`
//! (so a phone on the same network can preview under the machine's name).

use std::net::IpAddr;

/// The names and addresses a request's `Host` may give.
#[derive(Debug, Clone)]
pub struct AllowedHosts {
    bound: IpAddr,
    names: Vec<String>,
}

impl AllowedHosts {
    /// For a server bound to `bound`, with the extra names of `--allow-host`.
    pub fn new(bound: IpAddr, names: &[String]) -> AllowedHosts {
        AllowedHosts {
            bound,
            names: names.iter().map(|n| normal(n).to_string()).collect(),
        }
    }

    /// Whether a request with this `Host` header value is answered.
    pub fn allows(&self, host: &str) -> bool {
        let host = normal(without_port(host.trim()));
        if host == "localhost" {
            return true;
        }
        let literal = host
            .strip_prefix('[')
            .and_then(|h| h.strip_suffix(']'))
            .unwrap_or(&host);
        if let Ok(ip) = literal.parse::<IpAddr>() {
            return ip.is_loopback() || ip == self.bound || self.bound.is_unspecified();
        }
        self.names.contains(&host)
    }
}

/// A host name compared as DNS does: case-insensitive, a trailing dot ignored.
fn normal(host: &str) -> String {
    host.trim_end_matches('.').to_ascii_lowercase()
}

/// `name:port` or `[v6]:port` without the port.
fn without_port(host: &str) -> &str {
    if host.starts_with('[') {
        return host.find(']').map_or(host, |end| &host[..=end]);
    }
    match host.rsplit_once(':') {
        Some((name, port)) if !name.contains(':') && port.bytes().all(|b| b.is_ascii_digit()) => name,
        _ => host,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_names_and_bound_addresses_pass_other_names_do_not() {
        let hosts = AllowedHosts::new("127.0.0.1".parse().expect("ip"), &["Phone.LAN".to_string()]);
        for ok in [
            "localhost",
            "LOCALHOST:1111",
            "127.0.0.1:1111",
            "[::1]:80",
            "phone.lan:1111",
            "phone.lan.",
        ] {
            assert!(hosts.allows(ok), "{ok}");
        }
        for bad in [
            "evil.attacker.com",
            "evil.attacker.com:1111",
            "localhost.evil.com",
            "192.168.1.5:1111",
            "",
        ] {
            assert!(!hosts.allows(bad), "{bad}");
        }
        // Bound to every address: any address passes, names still do not.
        let any = AllowedHosts::new("0.0.0.0".parse().expect("ip"), &[]);
        assert!(any.allows("192.168.1.5:1111"));
        assert!(!any.allows("evil.attacker.com"));
    }
}
