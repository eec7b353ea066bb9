//! Loopback IMAP, POP3 and SMTP responders that follow the RFC examples (IMAP RFC 9051 6.1.1 and
//! 6.2.1, POP3 RFC 2449 5 and RFC 2595 4, SMTP RFC 5321 4.1.1.1, RFC 3207 5 and RFC 4954 4),
//! with implicit TLS, STARTTLS or none, and the misbehaviours the live check must survive.
//! Each counts the connections it has open at once, so a test can assert the run's bound.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Proto {
    Imap,
    Pop3,
    Smtp,
}

/// What the responder does.
#[derive(Clone)]
pub enum Script {
    /// Speaks the protocol: `before` is the capability list on the plain connection, `after`
    /// the list once TLS is up (with implicit TLS only `after` is used).
    Normal {
        before: Vec<&'static str>,
        after: Vec<&'static str>,
    },
    /// Accepts and never sends a byte.
    Silent,
    /// Sends half a greeting line and closes.
    CloseMidGreeting,
    /// Sends one line that never ends (until the client goes away, at most 64 MiB).
    EndlessLine,
    /// Speaks the protocol with implicit TLS but answers the capability command with an error:
    /// a POP3 server older than `CAPA` (RFC 2449 section 5: `-ERR` means no list).
    NoCapabilities,
    /// A server of TLS 1.0 only: answers the ClientHello with a TLS 1.0 ServerHello, as such a
    /// server negotiates down to its highest version (RFC 5246 appendix E.1).
    Tls10ServerHello,
    /// Answers the ClientHello with a fatal alert of this description (RFC 5246 section 7.2):
    /// 70 `protocol_version` (a server that refuses the offered versions), 40
    /// `handshake_failure` (no acceptable parameters).
    Alert(u8),
}

/// A TLS 1.0 ServerHello record (RFC 2246 section 7.4.1.3): version 3.1, a random, no session
/// id, TLS_RSA_WITH_AES_128_CBC_SHA, no compression, no extensions.
fn tls10_server_hello() -> Vec<u8> {
    let mut body = vec![0x03, 0x01];
    body.extend([0x5a; 32]);
    body.push(0);
    body.extend([0x00, 0x2f]);
    body.push(0);
    let mut handshake = vec![0x02, 0, 0, body.len() as u8];
    handshake.extend(body);
    let mut record = vec![0x16, 0x03, 0x01, 0, handshake.len() as u8];
    record.extend(handshake);
    record
}

/// A fatal (2) alert in a TLS 1.0 record.
fn fatal_alert(description: u8) -> [u8; 7] {
    [0x15, 0x03, 0x01, 0x00, 0x02, 0x02, description]
}

/// Reads the client's first TLS record (the ClientHello), answers `reply` and waits for the
/// client to close.
async fn answer_client_hello(mut stream: tokio::net::TcpStream, reply: &[u8]) -> std::io::Result<()> {
    use tokio::io::AsyncReadExt;
    let mut header = [0u8; 5];
    stream.read_exact(&mut header).await?;
    let mut hello = vec![0u8; usize::from(u16::from_be_bytes([header[3], header[4]]))];
    stream.read_exact(&mut hello).await?;
    stream.write_all(reply).await?;
    let mut rest = Vec::new();
    let _ = stream.read_to_end(&mut rest).await;
    Ok(())
}

#[derive(Clone)]
pub enum Tls {
    Implicit(Arc<rustls::ServerConfig>),
    Starttls(Arc<rustls::ServerConfig>),
    Plain,
}

/// Counts open connections and their highest number, shared by many responders.
#[derive(Default)]
pub struct Gauge {
    open: AtomicUsize,
    pub max: AtomicUsize,
    pub total: AtomicUsize,
}

/// One connection's place in the gauge; left once, at the goodbye or at the end.
struct Visit {
    gauge: Arc<Gauge>,
    left: std::sync::atomic::AtomicBool,
}

impl Visit {
    fn leave(&self) {
        if !self.left.swap(true, Ordering::SeqCst) {
            self.gauge.leave();
        }
    }
}

impl Gauge {
    fn enter(&self) {
        let now = self.open.fetch_add(1, Ordering::SeqCst) + 1;
        self.max.fetch_max(now, Ordering::SeqCst);
        self.total.fetch_add(1, Ordering::SeqCst);
    }
    fn leave(&self) {
        self.open.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Starts a responder on 127.0.0.1 on `rt`; it runs until the runtime ends.
pub fn start(rt: &tokio::runtime::Runtime, proto: Proto, tls: Tls, script: Script, gauge: Arc<Gauge>) -> SocketAddr {
    let listener = rt.block_on(TcpListener::bind("127.0.0.1:0")).expect("bind");
    let addr = listener.local_addr().expect("addr");
    rt.spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            let (tls, script, gauge) = (tls.clone(), script.clone(), gauge.clone());
            tokio::spawn(async move {
                gauge.enter();
                let visit = Visit {
                    gauge,
                    left: Default::default(),
                };
                // A slow enough server that concurrent connections overlap in the gauge.
                tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                let _ = serve(proto, tls, script, stream, &visit).await;
                visit.leave();
            });
        }
    });
    addr
}

async fn serve(
    proto: Proto,
    tls: Tls,
    script: Script,
    stream: tokio::net::TcpStream,
    visit: &Visit,
) -> std::io::Result<()> {
    match script {
        Script::Silent => {
            tokio::time::sleep(std::time::Duration::from_secs(600)).await;
            Ok(())
        }
        Script::CloseMidGreeting => {
            let mut stream = stream;
            stream.write_all(&greeting(proto).as_bytes()[..10]).await?;
            stream.shutdown().await
        }
        Script::EndlessLine => {
            let mut stream = stream;
            stream.write_all(b"* OK ").await?;
            let chunk = vec![b'A'; 8192];
            for _ in 0..8192 {
                stream.write_all(&chunk).await?;
            }
            Ok(())
        }
        Script::Tls10ServerHello => answer_client_hello(stream, &tls10_server_hello()).await,
        Script::Alert(description) => answer_client_hello(stream, &fatal_alert(description)).await,
        Script::NoCapabilities => match tls {
            Tls::Implicit(config) => {
                let stream = TlsAcceptor::from(config).accept(stream).await?;
                session(proto, BufReader::new(Box::new(stream)), None, None, true, visit).await
            }
            _ => session(proto, BufReader::new(Box::new(stream)), None, None, true, visit).await,
        },
        Script::Normal { before, after } => match tls {
            Tls::Implicit(config) => {
                let stream = TlsAcceptor::from(config).accept(stream).await?;
                session(proto, BufReader::new(Box::new(stream)), Some(&after), None, true, visit).await
            }
            Tls::Starttls(config) => {
                session(
                    proto,
                    BufReader::new(Box::new(stream)),
                    Some(&before),
                    Some((config, after)),
                    true,
                    visit,
                )
                .await
            }
            Tls::Plain => {
                session(
                    proto,
                    BufReader::new(Box::new(stream)),
                    Some(&before),
                    None,
                    true,
                    visit,
                )
                .await
            }
        },
    }
}

fn greeting(proto: Proto) -> &'static str {
    match proto {
        Proto::Imap => "* OK IMAP4rev2 Service Ready\r\n",
        Proto::Pop3 => "+OK POP3 server ready\r\n",
        Proto::Smtp => "220 mail.example.test SMTP service ready\r\n",
    }
}

/// Any stream, plain or TLS, so a session can continue over TLS without a new type.
trait Io: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Io for T {}

/// Reads commands and answers them; on STARTTLS (when `upgrade` is given) continues over TLS.
/// `caps: None` answers the capability command with an error.
fn session<'a>(
    proto: Proto,
    mut conn: BufReader<Box<dyn Io>>,
    caps: Option<&'a [&'static str]>,
    upgrade: Option<(Arc<rustls::ServerConfig>, Vec<&'static str>)>,
    greet: bool,
    visit: &'a Visit,
) -> std::pin::Pin<Box<dyn Future<Output = std::io::Result<()>> + Send + 'a>> {
    Box::pin(async move {
        if greet {
            conn.write_all(greeting(proto).as_bytes()).await?;
        }
        for _ in 0..50 {
            let mut line = String::new();
            if conn.read_line(&mut line).await? == 0 {
                return Ok(());
            }
            let line = line.trim_end().to_string();
            let (tag, command) = match proto {
                Proto::Imap => match line.split_once(' ') {
                    Some((t, c)) => (t.to_string(), c.to_ascii_uppercase()),
                    None => (String::new(), line.to_ascii_uppercase()),
                },
                _ => (String::new(), line.to_ascii_uppercase()),
            };
            let reply = match (proto, command.split_whitespace().next().unwrap_or("")) {
                (Proto::Imap, "CAPABILITY") if caps.is_some() => {
                    let caps = caps.unwrap_or_default();
                    format!("* CAPABILITY {}\r\n{tag} OK CAPABILITY completed\r\n", caps.join(" "))
                }
                (Proto::Imap, "LOGOUT") => {
                    visit.leave();
                    conn.write_all(
                        format!("* BYE IMAP4rev2 Server logging out\r\n{tag} OK LOGOUT completed\r\n").as_bytes(),
                    )
                    .await?;
                    return Ok(());
                }
                (Proto::Imap, "STARTTLS") if upgrade.is_some() => format!("{tag} OK Begin TLS negotiation now\r\n"),
                (Proto::Imap, _) => format!("{tag} BAD unknown command\r\n"),
                (Proto::Pop3, "CAPA") if caps.is_some() => {
                    let mut r = "+OK Capability list follows\r\n".to_string();
                    for c in caps.unwrap_or_default() {
                        r.push_str(c);
                        r.push_str("\r\n");
                    }
                    r + ".\r\n"
                }
                (Proto::Pop3, "STLS") if upgrade.is_some() => "+OK Begin TLS negotiation\r\n".to_string(),
                (Proto::Pop3, "QUIT") => {
                    visit.leave();
                    conn.write_all(b"+OK dewey POP3 server signing off\r\n").await?;
                    return Ok(());
                }
                (Proto::Pop3, _) => "-ERR unknown command\r\n".to_string(),
                (Proto::Smtp, "EHLO") if caps.is_some() => {
                    let caps = caps.unwrap_or_default();
                    let mut r = "250-mail.example.test offers a warm hug of welcome\r\n".to_string();
                    for (i, c) in caps.iter().enumerate() {
                        let sep = if i + 1 == caps.len() { ' ' } else { '-' };
                        r.push_str(&format!("250{sep}{c}\r\n"));
                    }
                    if caps.is_empty() {
                        r = "250 mail.example.test\r\n".to_string();
                    }
                    r
                }
                (Proto::Smtp, "STARTTLS") if upgrade.is_some() => "220 Go ahead\r\n".to_string(),
                (Proto::Smtp, "QUIT") => {
                    visit.leave();
                    conn.write_all(b"221 mail.example.test Service closing transmission channel\r\n")
                        .await?;
                    return Ok(());
                }
                (Proto::Smtp, _) => "502 Command not implemented\r\n".to_string(),
            };
            conn.write_all(reply.as_bytes()).await?;
            let upgrading = matches!(command.as_str(), "STARTTLS" | "STLS") && upgrade.is_some();
            if upgrading {
                let (config, after) = upgrade.clone().expect("checked above");
                let stream = TlsAcceptor::from(config).accept(conn.into_inner()).await?;
                // After the upgrade there is no new greeting (RFC 3207 4.2, RFC 9051 6.2.1).
                return session(
                    proto,
                    BufReader::new(Box::new(stream)),
                    Some(&after),
                    None,
                    false,
                    visit,
                )
                .await;
            }
        }
        Ok(())
    })
}
