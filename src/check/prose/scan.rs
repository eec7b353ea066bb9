//! Reading a text: masking what is not running text (Tera, URLs, link targets, addresses,
//! comments), tokenizing, and cutting the tokens into segments of host, port and security
//! mentions.
//!
//! Kept apart from judging so the reading of prose can be tested on its own: a segment holds
//! only what the text says, not whether it agrees with the data.

use super::vocab::{PLAIN_VALUES, Vocab};
use crate::check::text::tera_pieces;

/// Registered ports that count as a port without the word "port" when a host is near.
const BARE_PORTS: [u32; 6] = [110, 143, 465, 587, 993, 995];

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    /// A lower-case word; may contain `/`, `.` or `-`.
    Word(String),
    /// A dotted name that looks like a host, lower-case.
    Host(String),
    Num(u32),
    /// A Tera expression's variable.
    Expr(String),
    Punct(char),
    /// The end of a segment.
    Boundary,
}

#[derive(Debug, Clone)]
struct Token {
    tok: Tok,
    start: usize,
    end: usize,
}

/// A server named in a text: literally, or through a template variable.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum HostRef {
    Literal(String),
    /// `imap`, `pop3`, `smtp` or `incoming`.
    Var(String),
}

#[derive(Debug, Clone)]
pub(super) struct HostMention {
    pub(super) host: HostRef,
    pub(super) start: usize,
    pub(super) end: usize,
}

#[derive(Debug, Clone)]
pub(super) struct PortMention {
    pub(super) port: u32,
    pub(super) start: usize,
    pub(super) end: usize,
    /// Only a number that is a registered port, with no "port" before it.
    pub(super) bare: bool,
    /// `host:port`: belongs to the host just before it.
    pub(super) glued: bool,
}

#[derive(Debug, Clone)]
pub(super) struct SecMention {
    /// The label before the value ("ssl" in "SSL on"), if any, and whether it says SSL/TLS.
    pub(super) label: Option<(Vec<String>, bool)>,
    /// The value's words, lower-case.
    pub(super) value: Vec<String>,
    pub(super) start: usize,
    pub(super) end: usize,
}

/// The facts of one sentence, list item, table row or branch.
#[derive(Debug, Default)]
pub(super) struct Segment {
    pub(super) hosts: Vec<HostMention>,
    /// Protocol words ("IMAP", "outgoing"), which name a provider's server when no host does.
    pub(super) protos: Vec<HostMention>,
    pub(super) ports: Vec<PortMention>,
    pub(super) secs: Vec<SecMention>,
    /// Positions of clause breaks.
    pub(super) breaks: Vec<usize>,
}

/// Masks what is not running text: Tera pieces (kept aside as expressions and boundaries),
/// HTML comments, URLs, link targets and e-mail addresses. Byte offsets are kept.
fn mask(body: &str) -> (Vec<u8>, Vec<Token>) {
    let mut clean = body.as_bytes().to_vec();
    let mut events = Vec::new();
    let blank = |clean: &mut Vec<u8>, from: usize, to: usize| {
        for b in &mut clean[from..to.min(body.len())] {
            if *b != b'\n' {
                *b = b' ';
            }
        }
    };
    for p in tera_pieces(body) {
        blank(&mut clean, p.start, p.end);
        if p.is_tag {
            events.push(Token {
                tok: Tok::Boundary,
                start: p.start,
                end: p.end,
            });
        } else if !p.expr.is_empty() {
            events.push(Token {
                tok: Tok::Expr(p.expr),
                start: p.start,
                end: p.end,
            });
        }
    }
    let text = String::from_utf8_lossy(&clean).into_owned();
    // HTML comments.
    let mut from = 0;
    while let Some(i) = text[from..].find("<!--") {
        let start = from + i;
        let end = text[start..].find("-->").map(|e| start + e + 3).unwrap_or(text.len());
        blank(&mut clean, start, end);
        from = end;
    }
    // URLs with a scheme, and mailto:.
    let bytes = text.as_bytes();
    for marker in ["://", "mailto:"] {
        let mut from = 0;
        while let Some(i) = text[from..].find(marker) {
            let at = from + i;
            let mut start = at;
            while start > 0 && (bytes[start - 1].is_ascii_alphanumeric() || b"+.-".contains(&bytes[start - 1])) {
                start -= 1;
            }
            let mut end = at + marker.len();
            while end < bytes.len() && !bytes[end].is_ascii_whitespace() && !b")>]\"'`<".contains(&bytes[end]) {
                end += 1;
            }
            blank(&mut clean, start, end);
            from = end.max(at + 1);
        }
    }
    // Markdown link targets: `](...)`.
    let mut from = 0;
    while let Some(i) = text[from..].find("](") {
        let start = from + i + 2;
        let end = text[start..].find([')', '\n']).map(|e| start + e).unwrap_or(text.len());
        blank(&mut clean, start, end);
        from = end;
    }
    // E-mail addresses and @domains.
    for (i, b) in bytes.iter().enumerate() {
        if *b != b'@' {
            continue;
        }
        let mut start = i;
        while start > 0 && (bytes[start - 1].is_ascii_alphanumeric() || b"._%+-".contains(&bytes[start - 1])) {
            start -= 1;
        }
        let mut end = i + 1;
        while end < bytes.len() && (bytes[end].is_ascii_alphanumeric() || b".-".contains(&bytes[end])) {
            end += 1;
        }
        blank(&mut clean, start, end);
    }
    events.sort_by_key(|t| t.start);
    (clean, events)
}

fn is_run_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"./-_".contains(&b)
}

/// Whether a dotted word has the shape of a host name.
fn host_shaped(w: &str) -> bool {
    let labels: Vec<&str> = w.split('.').collect();
    labels.len() >= 2
        && labels
            .iter()
            .all(|l| !l.is_empty() && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
        && labels
            .last()
            .is_some_and(|t| t.len() >= 2 && t.bytes().all(|b| b.is_ascii_alphabetic()))
}

/// Whether a host that belongs to no provider still looks like a mail server.
pub(super) fn mail_like(host: &str) -> bool {
    let reserved = ["example", "invalid", "localhost"];
    let labels: Vec<&str> = host.split('.').collect();
    if labels.last().is_some_and(|t| reserved.contains(t))
        || host.ends_with("example.com")
        || host.ends_with("example.net")
        || host.ends_with("example.org")
    {
        return false;
    }
    if labels.len() < 3 {
        return false;
    }
    let first = labels[0];
    first.starts_with("imap")
        || first.starts_with("smtp")
        || first.starts_with("pop3")
        || ["pop", "pops", "mail", "mx", "submission"].contains(&first)
        || first.strip_prefix("pop").is_some_and(|rest| {
            rest.starts_with("pro") || rest.starts_with('-') || rest.starts_with(|c: char| c.is_ascii_digit())
        })
}

/// Cuts a text into tokens.
fn tokenize(body: &str) -> Vec<Token> {
    let (clean, events) = mask(body);
    let mut tokens = Vec::new();
    let mut events = events.into_iter().peekable();
    let n = clean.len();
    let mut i = 0;
    let mut line_start = true;
    let mut prev_line_closed = false;
    let mut prev_line_table = false;
    while i < n {
        while let Some(ev) = events.peek() {
            if ev.start <= i {
                tokens.push(events.next().expect("peeked"));
            } else {
                break;
            }
        }
        if line_start {
            line_start = false;
            let rest = &clean[i..];
            let indent = rest.iter().take_while(|b| **b == b' ' || **b == b'\t').count();
            let content = &rest[indent..];
            let line_end = content.iter().position(|b| *b == b'\n').unwrap_or(content.len());
            let line = &content[..line_end];
            let trimmed_empty = line.iter().all(|b| b.is_ascii_whitespace());
            let digits = line.iter().take_while(|b| b.is_ascii_digit()).count();
            let list = line.starts_with(b"- ")
                || line.starts_with(b"* ")
                || line.starts_with(b"+ ")
                || (digits > 0 && (line[digits..].starts_with(b". ") || line[digits..].starts_with(b") ")));
            // A table is one segment ("| Port | 993 |" belongs to the host row above it); its
            // rows are separated by clause breaks.
            let table = line.starts_with(b"|");
            let heading = line.starts_with(b"#");
            if table && prev_line_table {
                tokens.push(Token {
                    tok: Tok::Punct(';'),
                    start: i,
                    end: i,
                });
            } else if trimmed_empty || list || heading || table || prev_line_closed || line.starts_with(b">") {
                tokens.push(Token {
                    tok: Tok::Boundary,
                    start: i,
                    end: i,
                });
            }
            prev_line_closed = heading || table;
            prev_line_table = table;
            if list {
                // Skip the list marker so "1." is not read as a number.
                let skip = if digits > 0 { digits + 1 } else { 1 };
                i += indent + skip;
                continue;
            }
        }
        let b = clean[i];
        if b == b'\n' {
            line_start = true;
            i += 1;
            continue;
        }
        if b.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        if is_run_byte(b) {
            let start = i;
            let mut end = i;
            while end < n && is_run_byte(clean[end]) {
                end += 1;
            }
            i = end;
            // A trailing dot ends a sentence; trailing dashes and slashes are punctuation.
            let mut word_end = end;
            while word_end > start && b".-/_".contains(&clean[word_end - 1]) {
                word_end -= 1;
            }
            let sentence_end = clean[word_end..end].contains(&b'.') && (end == n || clean[end].is_ascii_whitespace());
            let mut word_start = start;
            while word_start < word_end && b".-_".contains(&clean[word_start]) {
                word_start += 1;
            }
            if word_start < word_end {
                let w = String::from_utf8_lossy(&clean[word_start..word_end]).to_ascii_lowercase();
                let after_at = word_start > 0 && body.as_bytes()[word_start - 1] == b'@';
                let tok = if w.bytes().all(|b| b.is_ascii_digit()) {
                    let followed_by_digits = word_end < n
                        && b",.".contains(&clean[word_end])
                        && clean.get(word_end + 1).is_some_and(|b| b.is_ascii_digit());
                    match w.parse::<u32>() {
                        Ok(v) if !followed_by_digits => Tok::Num(v),
                        _ => Tok::Word(w),
                    }
                } else if !w.contains('/') && host_shaped(&w) && !after_at {
                    Tok::Host(w)
                } else {
                    Tok::Word(w)
                };
                tokens.push(Token {
                    tok,
                    start: word_start,
                    end: word_end,
                });
            }
            if sentence_end {
                tokens.push(Token {
                    tok: Tok::Boundary,
                    start: end - 1,
                    end,
                });
            }
            continue;
        }
        // Punctuation; a multi-byte character counts as one.
        // Masking only ever replaces whole characters, so `i` is on a character boundary.
        let ch = std::str::from_utf8(&clean[i..(i + 4).min(n)])
            .or_else(|e| std::str::from_utf8(&clean[i..i + e.valid_up_to()]))
            .ok()
            .and_then(|s| s.chars().next())
            .unwrap_or(' ');
        let len = ch.len_utf8().max(1);
        if matches!(ch, '!' | '?') && clean.get(i + 1).is_none_or(|b| b.is_ascii_whitespace()) {
            tokens.push(Token {
                tok: Tok::Boundary,
                start: i,
                end: i + 1,
            });
        } else {
            tokens.push(Token {
                tok: Tok::Punct(ch),
                start: i,
                end: i + len,
            });
        }
        i += len;
    }
    tokens.extend(events);
    tokens
}

fn is_break(t: &Tok) -> bool {
    match t {
        Tok::Punct(c) => matches!(c, ',' | ';' | '(' | ')' | '—' | '–'),
        Tok::Word(w) => matches!(w.as_str(), "and" | "or" | "but" | "while" | "whereas" | "then"),
        _ => false,
    }
}

/// Formatting and small words that may stand between a label and its value.
fn is_filler(t: &Tok) -> bool {
    match t {
        Tok::Punct(c) => matches!(c, '*' | '_' | '`' | ':' | '=' | '"' | '\'' | '“' | '”'),
        Tok::Word(w) => matches!(
            w.as_str(),
            "to" | "is" | "set" | "turn" | "turned" | "switch" | "switched" | "must" | "be" | "number" | "field"
        ),
        _ => false,
    }
}

fn is_negation(t: &Tok) -> bool {
    matches!(t, Tok::Word(w) if matches!(w.as_str(), "not" | "never" | "instead" | "than" | "except" | "avoid"))
}

/// Whether the words at `i` are `phrase`.
fn matches_at(tokens: &[Token], i: usize, phrase: &[String]) -> bool {
    phrase.iter().enumerate().all(|(k, w)| match tokens.get(i + k) {
        Some(Token { tok: Tok::Word(t), .. }) => t == w,
        _ => false,
    })
}

/// Reads a text into segments of facts.
pub(super) fn scan(body: &str, vocab: &Vocab) -> Vec<Segment> {
    let mut segments = read(body, vocab);
    for seg in &mut segments {
        // A registered port number only counts next to a host.
        if seg.hosts.is_empty() {
            seg.ports.retain(|p| !p.bare);
        }
    }
    segments.retain(|s| !s.hosts.is_empty() || !s.ports.is_empty() || !s.secs.is_empty());
    for seg in &mut segments {
        if !seg.hosts.is_empty() {
            seg.protos.clear();
        }
    }
    segments
}

/// What a text asks or tells about, for the text it introduces: the servers it names, or else
/// its protocol words. "Which port does ExHost use for sending?" is about SMTP, so its answer,
/// "Use port 465", is read as being about SMTP too.
pub(super) fn subjects(body: &str, vocab: &Vocab) -> Vec<HostRef> {
    let segments = read(body, vocab);
    let mut hosts: Vec<HostRef> = Vec::new();
    let mut protos: Vec<HostRef> = Vec::new();
    for seg in segments {
        for (found, into) in [(seg.hosts, &mut hosts), (seg.protos, &mut protos)] {
            for m in found {
                if !into.contains(&m.host) {
                    into.push(m.host);
                }
            }
        }
    }
    if hosts.is_empty() { protos } else { hosts }
}

/// Every segment of a text with every mention, before [`scan`] keeps what counts.
fn read(body: &str, vocab: &Vocab) -> Vec<Segment> {
    let tokens = tokenize(body);
    let mut segments = vec![Segment::default()];
    // Index of the token after the last "port" keyword or port, for lists ("ports 993 and 995").
    let mut port_context: Option<usize> = None;
    let mut i = 0;
    while i < tokens.len() {
        let t = &tokens[i];
        let seg = segments.last_mut().expect("there is always a segment");
        match &t.tok {
            Tok::Boundary => {
                segments.push(Segment::default());
                port_context = None;
                i += 1;
                continue;
            }
            Tok::Expr(e) => {
                if let Some(proto) = e.strip_suffix(".host")
                    && matches!(proto, "imap" | "pop3" | "smtp" | "incoming")
                {
                    seg.hosts.push(HostMention {
                        host: HostRef::Var(proto.to_string()),
                        start: t.start,
                        end: t.end,
                    });
                } else if e == "words.port" {
                    port_context = Some(i + 1);
                } else if e == "words.security"
                    && let Some(end) = label_value(&tokens, i + 1, vocab)
                {
                    push_sec(
                        seg,
                        &tokens,
                        i,
                        i + 1,
                        end,
                        Some((vec!["{{ words.security }}".into()], false)),
                    );
                    i = end;
                    continue;
                }
                i += 1;
                continue;
            }
            Tok::Host(h) => {
                seg.hosts.push(HostMention {
                    host: HostRef::Literal(h.clone()),
                    start: t.start,
                    end: t.end,
                });
                // host:port
                if let (
                    Some(Token {
                        tok: Tok::Punct(':'),
                        end: colon_end,
                        ..
                    }),
                    Some(num),
                ) = (tokens.get(i + 1), tokens.get(i + 2))
                    && let Tok::Num(port) = num.tok
                    && *colon_end == num.start
                    && tokens[i + 1].start == t.end
                {
                    seg.ports.push(PortMention {
                        port,
                        start: num.start,
                        end: num.end,
                        bare: false,
                        glued: true,
                    });
                    i += 3;
                    continue;
                }
                i += 1;
                continue;
            }
            Tok::Num(n) => {
                let negated = tokens[i.saturating_sub(3)..i].iter().any(|t| is_negation(&t.tok));
                let keyword = port_context.is_some_and(|from| {
                    tokens[from..i]
                        .iter()
                        .all(|t| is_filler(&t.tok) || is_break(&t.tok) || is_list_note(&t.tok))
                        && i - from <= 6
                });
                if !negated && (keyword || BARE_PORTS.contains(n)) {
                    seg.ports.push(PortMention {
                        port: *n,
                        start: t.start,
                        end: t.end,
                        bare: !keyword,
                        glued: false,
                    });
                    if keyword {
                        port_context = Some(i + 1);
                    }
                } else if !negated {
                    port_context = None;
                }
                i += 1;
                continue;
            }
            Tok::Word(w) => {
                if w == "port" || w == "ports" {
                    port_context = Some(i + 1);
                    i += 1;
                    continue;
                }
                let proto = match w.as_str() {
                    "imap" => Some("imap"),
                    "pop3" | "pop" => Some("pop3"),
                    "smtp" | "outgoing" | "sending" => Some("smtp"),
                    "incoming" => Some("incoming"),
                    _ => None,
                };
                if let Some(var) = proto {
                    seg.protos.push(HostMention {
                        host: HostRef::Var(var.to_string()),
                        start: t.start,
                        end: t.end,
                    });
                }
                if is_break(&t.tok) {
                    seg.breaks.push(t.start);
                }
                if !vocab.starts.contains(w) {
                    i += 1;
                    continue;
                }
                // A label followed by a value ("Use SSL: On").
                if let Some((label, says)) = vocab.labels.iter().find(|(l, _)| matches_at(&tokens, i, l)) {
                    let after = i + label.len();
                    if let Some(end) = label_value(&tokens, after, vocab) {
                        push_sec(seg, &tokens, i, after, end, Some((label.clone(), *says)));
                        i = end;
                        continue;
                    }
                    // A label alone names a field, not a value.
                    if label.len() > 1 || label[0].contains('/') {
                        i = after;
                        continue;
                    }
                }
                if let Some((phrase, _)) = vocab.phrases.iter().find(|(p, _)| matches_at(&tokens, i, p)) {
                    let end = i + phrase.len();
                    push_sec(seg, &tokens, i, i, end, None);
                    i = end;
                    continue;
                }
                i += 1;
                continue;
            }
            Tok::Punct(_) => {
                if is_break(&t.tok) {
                    seg.breaks.push(t.start);
                }
                i += 1;
                continue;
            }
        }
    }
    segments
}

/// "(IMAP)" in "ports 993 (IMAP), 995 (POP3)": notes inside a list of ports.
fn is_list_note(t: &Tok) -> bool {
    matches!(t, Tok::Word(w) if matches!(w.as_str(), "imap" | "pop3" | "pop" | "smtp" | "sending" | "for" | "with"))
}

/// If a security value follows position `from` (after filler), the end of the value.
fn label_value(tokens: &[Token], from: usize, vocab: &Vocab) -> Option<usize> {
    let mut j = from;
    while j < tokens.len() && j - from < 5 && is_filler(&tokens[j].tok) {
        j += 1;
    }
    if let Some((phrase, _)) = vocab.phrases.iter().find(|(p, _)| matches_at(tokens, j, p)) {
        return Some(j + phrase.len());
    }
    let Tok::Word(w) = &tokens.get(j)?.tok else {
        return None;
    };
    if !PLAIN_VALUES.contains(&w.as_str()) {
        return None;
    }
    // "on port 993", "on the server": a preposition, not a value.
    let mut k = j + 1;
    while k < tokens.len() && is_filler(&tokens[k].tok) {
        k += 1;
    }
    let prepositional = match tokens.get(k).map(|t| &t.tok) {
        Some(Tok::Num(_) | Tok::Host(_) | Tok::Expr(_)) => true,
        Some(Tok::Word(next)) => matches!(
            next.as_str(),
            "port"
                | "ports"
                | "the"
                | "a"
                | "an"
                | "your"
                | "this"
                | "that"
                | "both"
                | "all"
                | "each"
                | "every"
                | "its"
        ),
        _ => false,
    };
    (!prepositional).then_some(j + 1)
}

fn push_sec(
    seg: &mut Segment,
    tokens: &[Token],
    start: usize,
    value_start: usize,
    end: usize,
    label: Option<(Vec<String>, bool)>,
) {
    let mut value: Vec<String> = Vec::new();
    for t in &tokens[value_start..end] {
        if let Tok::Word(w) = &t.tok {
            value.push(w.clone());
        }
    }
    // Skip filler between label and value.
    while value.first().is_some_and(|w| is_filler(&Tok::Word(w.clone()))) {
        value.remove(0);
    }
    seg.secs.push(SecMention {
        label,
        value,
        start: tokens[start].start,
        end: tokens[end - 1].end,
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn segs(body: &str) -> Vec<Segment> {
        scan(body, &Vocab::new(&[]))
    }

    #[test]
    fn the_reference_iphone_line_reads_as_host_port_and_security() {
        let s = segs("- Outgoing Mail Server: smtp.mail.me.com — Port 587 — SSL on\n");
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].hosts.len(), 1);
        assert_eq!(s[0].ports.iter().map(|p| p.port).collect::<Vec<_>>(), vec![587]);
        assert_eq!(s[0].secs.len(), 1);
        assert_eq!(s[0].secs[0].value, vec!["on".to_string()]);
    }

    #[test]
    fn masked_text_is_not_read() {
        let s = segs("See <https://imap.example.org:993/x> or jane@smtp.icloud.com, {{ smtp.port }}.\n");
        assert!(s.iter().all(|s| s.hosts.is_empty() && s.ports.is_empty()));
    }

    #[test]
    fn port_lists_and_glued_ports() {
        let s = segs("Use ports 993 (IMAP), 995 (POP3) and 465 with imap.x.com:143.\n");
        let ports: Vec<u32> = s[0].ports.iter().map(|p| p.port).collect();
        assert_eq!(ports, vec![993, 995, 465, 143]);
        assert!(s[0].ports[3].glued);
    }

    #[test]
    fn numbers_that_are_not_ports() {
        let s = segs("Up to 25 passwords, 2,500 MB a day, since 2019; OAuth 2.0.\n");
        assert!(s.is_empty());
    }

    #[test]
    fn on_before_a_port_is_a_preposition() {
        let s = segs("Use SSL on port 993 for imap.x.com.\n");
        assert!(s[0].secs.is_empty());
        assert_eq!(s[0].ports.len(), 1);
    }
}
