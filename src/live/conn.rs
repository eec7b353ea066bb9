//! A line-oriented conversation with a mail server, with bounds on everything the server sends.
//!
//! Every read has a deadline (the connection's), every line a maximum length and every response
//! a maximum number of lines, so a server that never answers, drips bytes or sends an endless
//! line cannot hold the run.

use super::fail::Fail;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::time::Instant;

/// The longest line read (RFC 5321 allows 512 for replies, IMAP lines can be longer; 8 KiB is
/// far more than any greeting or capability list).
pub const MAX_LINE: usize = 8192;
/// The most lines of one response (a capability list, an EHLO reply).
pub const MAX_LINES: usize = 200;

pub struct Conn<S> {
    reader: BufReader<S>,
    deadline: Instant,
    secs: u64,
}

impl<S: AsyncRead + AsyncWrite + Unpin> Conn<S> {
    pub fn new(stream: S, deadline: Instant, secs: u64) -> Self {
        Conn {
            reader: BufReader::new(stream),
            deadline,
            secs,
        }
    }

    /// The stream, for the TLS upgrade. What the server sent after its STARTTLS answer is
    /// dropped, as RFC 3207 requires (it would be an injection).
    pub fn into_inner(self) -> S {
        self.reader.into_inner()
    }

    fn timeout(&self, stage: &str) -> Fail {
        Fail::Timeout {
            stage: stage.to_string(),
            secs: self.secs,
        }
    }

    pub async fn send(&mut self, line: &str, stage: &str) -> Result<(), Fail> {
        let io = |e: std::io::Error| Fail::Io {
            stage: stage.to_string(),
            message: e.to_string(),
        };
        let write = async {
            let stream = self.reader.get_mut();
            stream.write_all(line.as_bytes()).await?;
            stream.write_all(b"\r\n").await?;
            stream.flush().await
        };
        match tokio::time::timeout_at(self.deadline, write).await {
            Ok(result) => result.map_err(io),
            Err(_) => Err(self.timeout(stage)),
        }
    }

    /// One line without its CRLF, at most [`MAX_LINE`] bytes.
    pub async fn line(&mut self, stage: &str) -> Result<String, Fail> {
        let deadline = self.deadline;
        let secs = self.secs;
        let read = async {
            let mut line = Vec::new();
            loop {
                let buf = self.reader.fill_buf().await.map_err(|e| Fail::Io {
                    stage: stage.to_string(),
                    message: e.to_string(),
                })?;
                if buf.is_empty() {
                    return Err(Fail::Closed {
                        stage: if line.is_empty() {
                            stage.to_string()
                        } else {
                            format!("in the middle of a line, {stage}")
                        },
                    });
                }
                let (take, done) = match memchr::memchr(b'\n', buf) {
                    Some(i) => (i + 1, true),
                    None => (buf.len(), false),
                };
                if line.len() + take > MAX_LINE + 2 {
                    return Err(Fail::LineTooLong {
                        stage: stage.to_string(),
                        limit: MAX_LINE,
                    });
                }
                line.extend_from_slice(&buf[..take]);
                self.reader.consume(take);
                if done {
                    while matches!(line.last(), Some(b'\n' | b'\r')) {
                        line.pop();
                    }
                    return Ok(String::from_utf8_lossy(&line).into_owned());
                }
            }
        };
        match tokio::time::timeout_at(deadline, read).await {
            Ok(result) => result,
            Err(_) => Err(Fail::Timeout {
                stage: stage.to_string(),
                secs,
            }),
        }
    }

    /// Lines until `last` says a line ends the response; at most [`MAX_LINES`].
    pub async fn response(&mut self, stage: &str, last: impl Fn(&str) -> bool) -> Result<Vec<String>, Fail> {
        let mut lines = Vec::new();
        while lines.len() < MAX_LINES {
            let line = self.line(stage).await?;
            let done = last(&line);
            lines.push(line);
            if done {
                return Ok(lines);
            }
        }
        Err(Fail::TooManyLines {
            stage: stage.to_string(),
            limit: MAX_LINES,
        })
    }
}
