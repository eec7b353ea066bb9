//! A link of the content against the web: broken (4xx, no such host) is an error, a server
//! error a warning, a permanent redirect a note with the new address.

use super::connect::Net;
use super::fail::Fail;
use super::finding::Finding;
use super::http::{self, RateLimit};

pub async fn check(net: &Net, limit: &RateLimit, url: &str) -> Option<Finding> {
    match http::fetch(net, limit, url, false).await {
        Ok(f) if (400..500).contains(&f.status) => Some(
            Finding::disagreement("live-link-broken", "url", format!("{url} answers {}", f.status))
                .help("find the page's new address on the site, or remove the link"),
        ),
        Ok(f) if f.status >= 500 => Some(Finding::warning(
            "live-link-error",
            "url",
            format!("{url} answers {} (a server error)", f.status),
        )),
        Ok(f) => f.moved_to.map(|to| {
            Finding::warning("live-link-moved", "url", format!("{url} has moved permanently to {to}"))
                .help(format!("link to {to}"))
        }),
        Err(Fail::NoAddress(host)) => Some(
            Finding::disagreement(
                "live-link-broken",
                "url",
                format!("{url}: the host {host} has no address"),
            )
            .help("the site is gone or the address is mistyped"),
        ),
        Err(Fail::Unexpected { stage, line }) => Some(Finding::disagreement(
            "live-link-broken",
            "url",
            format!("{url}: {stage}: {line}"),
        )),
        Err(e @ Fail::Tls { .. }) => Some(
            Finding::disagreement("live-link-broken", "url", format!("{url}: {e}"))
                .help("browsers refuse this page; link to an address with a valid certificate"),
        ),
        Err(e) => Some(
            Finding::warning("live-not-checked", "url", format!("{url} not checked: {e}"))
                .help("run the live check again later"),
        ),
    }
}
