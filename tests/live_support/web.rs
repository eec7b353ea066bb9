//! A loopback HTTP/1.1 server for links and autoconfig files: fixed answers per path, or a
//! hang; plain or with TLS.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;

#[derive(Clone, Debug)]
pub enum Answer {
    /// Status, extra headers, body.
    Fixed(u16, Vec<(&'static str, String)>, String),
    /// Reads the request and never answers.
    Hang,
}

pub fn start(
    rt: &tokio::runtime::Runtime,
    routes: HashMap<String, Answer>,
    tls: Option<Arc<rustls::ServerConfig>>,
) -> SocketAddr {
    let listener = rt.block_on(TcpListener::bind("127.0.0.1:0")).expect("bind");
    let addr = listener.local_addr().expect("addr");
    let routes = Arc::new(routes);
    rt.spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            let (routes, tls) = (routes.clone(), tls.clone());
            tokio::spawn(async move {
                match tls {
                    Some(config) => {
                        if let Ok(stream) = TlsAcceptor::from(config).accept(stream).await {
                            let _ = serve(stream, &routes).await;
                        }
                    }
                    None => {
                        let _ = serve(stream, &routes).await;
                    }
                }
            });
        }
    });
    addr
}

async fn serve<S: AsyncRead + AsyncWrite + Unpin>(stream: S, routes: &HashMap<String, Answer>) -> std::io::Result<()> {
    let mut conn = BufReader::new(stream);
    let mut request = String::new();
    conn.read_line(&mut request).await?;
    // The headers, up to the empty line (at most 100).
    for _ in 0..100 {
        let mut line = String::new();
        if conn.read_line(&mut line).await? == 0 || line.trim().is_empty() {
            break;
        }
    }
    let mut parts = request.split_whitespace();
    let method = parts.next().unwrap_or_default().to_string();
    let path = parts.next().unwrap_or_default().to_string();
    let answer = routes
        .get(&path)
        .cloned()
        .unwrap_or_else(|| Answer::Fixed(404, vec![], "not found".into()));
    match answer {
        Answer::Hang => {
            tokio::time::sleep(std::time::Duration::from_secs(600)).await;
            Ok(())
        }
        Answer::Fixed(status, headers, body) => {
            let mut head = format!(
                "HTTP/1.1 {status} X\r\ncontent-length: {}\r\nconnection: close\r\n",
                body.len()
            );
            for (name, value) in headers {
                head.push_str(&format!("{name}: {value}\r\n"));
            }
            head.push_str("\r\n");
            conn.write_all(head.as_bytes()).await?;
            if method != "HEAD" {
                conn.write_all(body.as_bytes()).await?;
            }
            conn.shutdown().await
        }
    }
}
