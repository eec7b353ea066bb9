//! SMTP submission (RFC 5321, RFC 3207 `STARTTLS`, RFC 4954 `AUTH`): `220` greeting, `EHLO`,
//! `STARTTLS`, `QUIT`.

use super::super::conn::Conn;
use super::super::fail::Fail;
use tokio::io::{AsyncRead, AsyncWrite};

/// The name the check gives in EHLO: reserved by RFC 2606, it claims to be no real host.
const EHLO_NAME: &str = "mailguide-live-check.invalid";

/// A reply: lines `CODE-text` ending with `CODE text` (RFC 5321, 4.2.1).
async fn reply<S: AsyncRead + AsyncWrite + Unpin>(conn: &mut Conn<S>, stage: &str) -> Result<(u16, Vec<String>), Fail> {
    let lines = conn.response(stage, |l| l.len() < 4 || l.as_bytes()[3] != b'-').await?;
    let last = lines.last().map(String::as_str).unwrap_or_default();
    match last.get(..3).and_then(|c| c.parse::<u16>().ok()) {
        Some(code) => Ok((code, lines)),
        None => Err(Fail::Unexpected {
            stage: stage.into(),
            line: last.to_string(),
        }),
    }
}

pub async fn greeting<S: AsyncRead + AsyncWrite + Unpin>(conn: &mut Conn<S>) -> Result<String, Fail> {
    let stage = "waiting for the SMTP greeting";
    let (code, lines) = reply(conn, stage).await?;
    if code == 220 {
        Ok(lines.into_iter().next().unwrap_or_default())
    } else {
        Err(Fail::Unexpected {
            stage: "SMTP greeting".into(),
            line: lines.join(" / "),
        })
    }
}

/// `EHLO`: the keywords of the lines after the first (`AUTH PLAIN LOGIN` gives `AUTH`,
/// `AUTH=PLAIN`, `AUTH=LOGIN`).
pub async fn capabilities<S: AsyncRead + AsyncWrite + Unpin>(conn: &mut Conn<S>) -> Result<Vec<String>, Fail> {
    let stage = "SMTP EHLO";
    conn.send(&format!("EHLO {EHLO_NAME}"), stage).await?;
    let (code, lines) = reply(conn, stage).await?;
    if code != 250 {
        return Err(Fail::Unexpected {
            stage: stage.into(),
            line: lines.join(" / "),
        });
    }
    let mut caps = Vec::new();
    for line in lines.iter().skip(1) {
        let text = line.get(4..).unwrap_or_default().to_ascii_uppercase();
        // Old servers wrote `AUTH=PLAIN LOGIN`.
        let text = text.replacen("AUTH=", "AUTH ", 1);
        let mut words = text.split_whitespace();
        match words.next() {
            Some("AUTH") => {
                caps.push("AUTH".to_string());
                caps.extend(words.map(|m| format!("AUTH={m}")));
            }
            Some(word) => caps.push(word.to_string()),
            None => {}
        }
    }
    Ok(caps)
}

pub async fn starttls<S: AsyncRead + AsyncWrite + Unpin>(conn: &mut Conn<S>) -> Result<(), Fail> {
    let stage = "SMTP STARTTLS";
    conn.send("STARTTLS", stage).await?;
    let (code, lines) = reply(conn, stage).await?;
    if code == 220 {
        Ok(())
    } else {
        Err(Fail::Unexpected {
            stage: stage.into(),
            line: lines.join(" / "),
        })
    }
}

pub fn mechanisms(caps: &[String]) -> Vec<&str> {
    caps.iter().filter_map(|c| c.strip_prefix("AUTH=")).collect()
}
