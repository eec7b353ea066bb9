//! POP3 (RFC 1939, RFC 2449 `CAPA`, RFC 2595 `STLS`, RFC 5034 `SASL`): `+OK` greeting, `CAPA`,
//! `STLS`, `QUIT`.

use super::super::conn::Conn;
use super::super::fail::Fail;
use tokio::io::{AsyncRead, AsyncWrite};

pub async fn greeting<S: AsyncRead + AsyncWrite + Unpin>(conn: &mut Conn<S>) -> Result<String, Fail> {
    let line = conn.line("waiting for the POP3 greeting").await?;
    if line.starts_with("+OK") {
        Ok(line)
    } else {
        Err(Fail::Unexpected {
            stage: "POP3 greeting".into(),
            line,
        })
    }
}

/// `CAPA`: `+OK`, one capability a line, `.`; `-ERR` means the server has no list (RFC 2449).
pub async fn capabilities<S: AsyncRead + AsyncWrite + Unpin>(conn: &mut Conn<S>) -> Result<Option<Vec<String>>, Fail> {
    let stage = "POP3 CAPA";
    conn.send("CAPA", stage).await?;
    let first = conn.line(stage).await?;
    if first.starts_with("-ERR") {
        return Ok(None);
    }
    if !first.starts_with("+OK") {
        return Err(Fail::Unexpected {
            stage: stage.into(),
            line: first,
        });
    }
    let lines = conn.response(stage, |l| l == ".").await?;
    let mut caps = Vec::new();
    for line in &lines[..lines.len() - 1] {
        let mut words = line.split_whitespace();
        // `SASL PLAIN XOAUTH2` keeps its arguments as `SASL`, `PLAIN`, ... prefixed below.
        match words.next().map(str::to_ascii_uppercase) {
            Some(word) if word == "SASL" => {
                caps.push(word);
                caps.extend(words.map(|m| format!("SASL={}", m.to_ascii_uppercase())));
            }
            Some(word) => caps.push(word),
            None => {}
        }
    }
    Ok(Some(caps))
}

pub async fn starttls<S: AsyncRead + AsyncWrite + Unpin>(conn: &mut Conn<S>) -> Result<(), Fail> {
    let stage = "POP3 STLS";
    conn.send("STLS", stage).await?;
    let line = conn.line(stage).await?;
    if line.starts_with("+OK") {
        Ok(())
    } else {
        Err(Fail::Unexpected {
            stage: stage.into(),
            line,
        })
    }
}

/// `SASL` mechanisms (kept as `SASL=NAME` in the list).
pub fn mechanisms(caps: &[String]) -> Vec<&str> {
    caps.iter().filter_map(|c| c.strip_prefix("SASL=")).collect()
}
