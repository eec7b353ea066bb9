//! IMAP (RFC 9051, RFC 3501): `* OK` greeting, `CAPABILITY`, `STARTTLS`, `LOGOUT`.

use super::super::conn::Conn;
use super::super::fail::Fail;
use tokio::io::{AsyncRead, AsyncWrite};

pub async fn greeting<S: AsyncRead + AsyncWrite + Unpin>(conn: &mut Conn<S>) -> Result<String, Fail> {
    let line = conn.line("waiting for the IMAP greeting").await?;
    // `* PREAUTH` would mean a session without sign-in; `* BYE` a refusal.
    if line.starts_with("* OK") {
        Ok(line)
    } else {
        Err(Fail::Unexpected {
            stage: "IMAP greeting".into(),
            line,
        })
    }
}

/// Tagged command, untagged answers until the tagged completion.
async fn command<S: AsyncRead + AsyncWrite + Unpin>(
    conn: &mut Conn<S>,
    tag: &str,
    command: &str,
    stage: &str,
) -> Result<Vec<String>, Fail> {
    conn.send(&format!("{tag} {command}"), stage).await?;
    let prefix = format!("{tag} ");
    let lines = conn.response(stage, |l| l.starts_with(&prefix)).await?;
    // The last line is the tagged one (`response` stops there).
    let last = lines.last().map(String::as_str).unwrap_or_default();
    if last[prefix.len().min(last.len())..].starts_with("OK") {
        Ok(lines)
    } else {
        Err(Fail::Unexpected {
            stage: stage.into(),
            line: last.to_string(),
        })
    }
}

pub async fn capabilities<S: AsyncRead + AsyncWrite + Unpin>(
    conn: &mut Conn<S>,
    round: u32,
) -> Result<Vec<String>, Fail> {
    let lines = command(conn, &format!("c{round}"), "CAPABILITY", "IMAP CAPABILITY").await?;
    Ok(lines
        .iter()
        .filter_map(|l| l.strip_prefix("* CAPABILITY "))
        .flat_map(str::split_whitespace)
        .map(str::to_ascii_uppercase)
        .collect())
}

pub async fn starttls<S: AsyncRead + AsyncWrite + Unpin>(conn: &mut Conn<S>) -> Result<(), Fail> {
    command(conn, "s", "STARTTLS", "IMAP STARTTLS").await.map(drop)
}

/// `AUTH=` mechanisms.
pub fn mechanisms(caps: &[String]) -> Vec<&str> {
    caps.iter().filter_map(|c| c.strip_prefix("AUTH=")).collect()
}
