//! HTTP(S) through the run's [`Net`] (so `--connect-to` and `--ca-file` hold): one request at a
//! time, redirects followed by hand so each hop can be reported, at most one request per
//! second per host by default.

use super::connect::Net;
use super::fail::Fail;
use http_body_util::BodyExt;
use hyper::{Method, Request, StatusCode};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::time::Instant;

/// The most redirects followed.
const MAX_REDIRECTS: usize = 10;
/// The largest body read (autoconfig files are a few KiB).
pub const MAX_BODY: usize = 1 << 20;

/// Where a fetch ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fetched {
    pub status: u16,
    /// The last address (after redirects).
    pub url: String,
    /// The first permanent redirect's target, if the chain began with one.
    pub moved_to: Option<String>,
    /// The body, for GET with `want_body`.
    pub body: Option<Vec<u8>>,
}

/// Spaces requests to the same host.
pub struct RateLimit {
    interval: Duration,
    last: Mutex<HashMap<String, Instant>>,
}

impl RateLimit {
    pub fn new(interval: Duration) -> Self {
        RateLimit {
            interval,
            last: Mutex::new(HashMap::new()),
        }
    }

    async fn wait(&self, host: &str) {
        let at = {
            let mut last = self.last.lock().unwrap_or_else(|p| p.into_inner());
            let now = Instant::now();
            let at = last.get(host).map(|t| (*t + self.interval).max(now)).unwrap_or(now);
            last.insert(host.to_string(), at);
            at
        };
        tokio::time::sleep_until(at).await;
    }
}

/// The parts of an `http(s)://host[:port]/path` address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Url {
    pub https: bool,
    pub host: String,
    pub port: u16,
    /// Path and query, at least `/`.
    pub path: String,
}

impl Url {
    pub fn parse(text: &str) -> Option<Url> {
        let (https, rest) = if let Some(rest) = text.strip_prefix("https://") {
            (true, rest)
        } else {
            (false, text.strip_prefix("http://")?)
        };
        let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        let (authority, path) = rest.split_at(end);
        let path = path.split('#').next().unwrap_or_default();
        if authority.contains('@') {
            return None;
        }
        let (host, port) = match authority.rsplit_once(':') {
            Some((h, p)) if !h.contains(']') || h.ends_with(']') => (h, p.parse().ok()?),
            _ => (authority, if https { 443 } else { 80 }),
        };
        if host.is_empty() {
            return None;
        }
        let path = if path.is_empty() {
            "/".to_string()
        } else if path.starts_with('?') {
            format!("/{path}")
        } else {
            path.to_string()
        };
        Some(Url {
            https,
            host: host.to_ascii_lowercase(),
            port,
            path,
        })
    }

    /// A `Location` header resolved against this address.
    fn join(&self, location: &str) -> Option<Url> {
        if location.starts_with("http://") || location.starts_with("https://") {
            return Url::parse(location);
        }
        if let Some(rest) = location.strip_prefix("//") {
            return Url::parse(&format!("{}://{rest}", if self.https { "https" } else { "http" }));
        }
        let path = if location.starts_with('/') {
            location.to_string()
        } else {
            let dir = &self.path[..self.path.rfind('/').map_or(0, |i| i + 1)];
            format!("{dir}{location}")
        };
        Some(Url { path, ..self.clone() })
    }

    pub fn text(&self) -> String {
        let scheme = if self.https { "https" } else { "http" };
        let default = if self.https { 443 } else { 80 };
        if self.port == default {
            format!("{scheme}://{}{}", self.host, self.path)
        } else {
            format!("{scheme}://{}:{}{}", self.host, self.port, self.path)
        }
    }
}

/// Fetches `url`: HEAD, then GET where HEAD is refused (405, 501) or `want_body`; follows
/// redirects. A failure to connect or a timeout is `Err`.
pub async fn fetch(net: &Net, limit: &RateLimit, url: &str, want_body: bool) -> Result<Fetched, Fail> {
    let mut current = Url::parse(url).ok_or_else(|| Fail::Unexpected {
        stage: "reading the address".into(),
        line: url.to_string(),
    })?;
    let mut moved_to = None;
    for hop in 0..=MAX_REDIRECTS {
        let mut method = if want_body { Method::GET } else { Method::HEAD };
        let mut answer = request(net, limit, &current, method.clone()).await?;
        if method == Method::HEAD && matches!(answer.0, StatusCode::METHOD_NOT_ALLOWED | StatusCode::NOT_IMPLEMENTED) {
            method = Method::GET;
            answer = request(net, limit, &current, method).await?;
        }
        let (status, location, body) = answer;
        if status.is_redirection()
            && let Some(next) = location.as_deref().and_then(|l| current.join(l))
        {
            if hop == 0 && matches!(status, StatusCode::MOVED_PERMANENTLY | StatusCode::PERMANENT_REDIRECT) {
                moved_to = Some(next.text());
            }
            current = next;
            continue;
        }
        return Ok(Fetched {
            status: status.as_u16(),
            url: current.text(),
            moved_to,
            body,
        });
    }
    Err(Fail::Unexpected {
        stage: format!("following redirects from {url}"),
        line: format!("more than {MAX_REDIRECTS} redirects"),
    })
}

type Answer = (StatusCode, Option<String>, Option<Vec<u8>>);

async fn request(net: &Net, limit: &RateLimit, url: &Url, method: Method) -> Result<Answer, Fail> {
    limit.wait(&url.host).await;
    let deadline = net.connection_deadline()?;
    let stream = net.dial(&url.host, url.port, deadline).await?;
    if url.https {
        let (tls, _) = net.tls(stream, &url.host, deadline).await?;
        exchange(tls, url, method, deadline, net.timeout_secs()).await
    } else {
        exchange(stream, url, method, deadline, net.timeout_secs()).await
    }
}

async fn exchange<S>(stream: S, url: &Url, method: Method, deadline: Instant, secs: u64) -> Result<Answer, Fail>
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let stage = format!("{method} {}", url.text());
    let io = |e: hyper::Error| Fail::Io {
        stage: stage.clone(),
        message: e.to_string(),
    };
    let timeout = || Fail::Timeout {
        stage: stage.clone(),
        secs,
    };
    let work = async {
        let (mut sender, conn) = hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream))
            .await
            .map_err(io)?;
        let driver = tokio::spawn(conn);
        let host = if (url.https && url.port == 443) || (!url.https && url.port == 80) {
            url.host.clone()
        } else {
            format!("{}:{}", url.host, url.port)
        };
        let request = Request::builder()
            .method(method.clone())
            .uri(&url.path)
            .header(hyper::header::HOST, host)
            .header(
                hyper::header::USER_AGENT,
                concat!("mailguide/", env!("CARGO_PKG_VERSION"), " (check --live)"),
            )
            .body(String::new())
            .map_err(|e| Fail::Unexpected {
                stage: stage.clone(),
                line: e.to_string(),
            })?;
        let response = sender.send_request(request).await.map_err(io)?;
        let status = response.status();
        let location = response
            .headers()
            .get(hyper::header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let body = if method == Method::GET && status.is_success() {
            let limited = http_body_util::Limited::new(response.into_body(), MAX_BODY);
            let collected = limited.collect().await.map_err(|e| Fail::Io {
                stage: stage.clone(),
                message: e.to_string(),
            })?;
            Some(collected.to_bytes().to_vec())
        } else {
            None
        };
        driver.abort();
        Ok((status, location, body))
    };
    match tokio::time::timeout_at(deadline, work).await {
        Ok(result) => result,
        Err(_) => Err(timeout()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_joins_addresses() {
        let u = Url::parse("https://Example.org:8443/a/b?x=1#frag").unwrap();
        assert_eq!(
            (u.https, u.host.as_str(), u.port, u.path.as_str()),
            (true, "example.org", 8443, "/a/b?x=1")
        );
        assert_eq!(u.join("c").unwrap().text(), "https://example.org:8443/a/c");
        assert_eq!(u.join("/d").unwrap().text(), "https://example.org:8443/d");
        assert_eq!(u.join("http://other.test/").unwrap().text(), "http://other.test/");
        assert_eq!(Url::parse("http://example.org").unwrap().path, "/");
        assert_eq!(Url::parse("ftp://example.org"), None);
    }
}
