//! Prose against data: host names, ports and security words written literally in guides, FAQ
//! answers, troubleshooting entries, prerequisites and free pages, checked against the settings
//! of the provider the text talks about.
//!
//! Hand-written help pages contradict themselves because the same fact is typed in many places;
//! this rule finds every place where a fact was typed instead of taken from the data. A literal
//! that disagrees with the data is an error (`prose-contradiction`, `prose-unknown-host`,
//! `prose-security-word`); one that agrees is a warning (`prose-literal`) whose help names the
//! Tera expression to write instead.
//!
//! How a text is read:
//! - Tera pieces, URLs, link targets, e-mail addresses and HTML comments are masked; `{{ smtp.host }}`
//!   still counts as a mention of the SMTP server, `{{ words.port }}` as the word "port".
//! - The text is cut into segments: sentences, list items, table rows, headings, and the branches
//!   of `{% if %}` tags. Facts only relate to each other within a segment.
//! - A host is a name that is a server of some provider, or that looks like a mail server
//!   (`imap.`, `pop.`, `smtp.`, `mail.` ...). A port is a number after "port", a number right
//!   after `host:`, or a registered mail port (993, 587 ...) in a segment that names a host. A
//!   security word is an unambiguous value (SSL/TLS, STARTTLS, a client's own word such as
//!   StartTLS) or a value after a security label ("Use SSL: On", "SSL on").
//! - Within a segment, each port and security word belongs to the host before it, unless a
//!   clause break (`,` `;` `—` "and" ...) separates it from that host and none separates it from
//!   the next one ("port 993 on imap.x and port 587 on smtp.x").
//! - The provider is the text's own (its folder, `provider:` field, or the provider file it is
//!   in); a generic client guide or free page talks about the provider whose host it names.
//! - Security words are read in the words of the text's client: "SSL on" is the iPhone's word for
//!   both kinds of encryption, and no word of Thunderbird's at all.

use super::Context;
use super::text::{Kind, Piece, Text, pieces, tera_pieces};
use crate::diagnostics::{Diagnostic, Location};
use crate::model::{Client, Protocol, Provider, Security, Server, Site};
use std::collections::HashMap;

pub fn check(cx: &Context) -> Vec<Diagnostic> {
    let site = cx.site;
    let known = Known::new(site);
    let mut out = Vec::new();
    for piece in pieces(site) {
        // Notes only count when they name one of their provider's own servers: skip the rest
        // without reading them closely.
        if piece.kind == Kind::ProviderNotes {
            let Some(p) = piece.provider else { continue };
            let lower = piece.text.body.to_ascii_lowercase();
            let names_own = Protocol::ALL
                .iter()
                .flat_map(|proto| p.servers(*proto))
                .any(|s| lower.contains(&s.host.to_ascii_lowercase()));
            if !names_own {
                continue;
            }
        }
        let segments = scan(&piece.text.body, &known.vocab);
        for seg in &segments {
            check_segment(site, &known, &piece, seg, &mut out);
        }
    }
    out
}

/// Registered ports that count as a port without the word "port" when a host is near.
const BARE_PORTS: [u32; 6] = [110, 143, 465, 587, 993, 995];

/// What the rule knows before reading any text: every server host and every security word.
struct Known<'a> {
    /// Lower-case host to the servers that have it: (provider index, protocol, index in list).
    hosts: HashMap<String, Vec<(usize, Protocol, usize)>>,
    /// Lower-case e-mail domains of every provider: named in prose, they are not servers.
    domains: std::collections::HashSet<String>,
    providers: &'a [Provider],
    vocab: Vocab,
}

impl<'a> Known<'a> {
    fn new(site: &'a Site) -> Self {
        let mut hosts: HashMap<String, Vec<(usize, Protocol, usize)>> = HashMap::new();
        for (pi, p) in site.providers.iter().enumerate() {
            for proto in Protocol::ALL {
                for (si, s) in p.servers(proto).iter().enumerate() {
                    hosts
                        .entry(s.host.to_ascii_lowercase())
                        .or_default()
                        .push((pi, proto, si));
                }
            }
        }
        let domains = site
            .providers
            .iter()
            .flat_map(|p| p.data.domains.iter().map(|d| d.to_ascii_lowercase()))
            .collect();
        Known {
            hosts,
            domains,
            providers: &site.providers,
            vocab: Vocab::new(&site.clients),
        }
    }
}

/// Security words as token sequences.
struct Vocab {
    /// Unambiguous value phrases with their neutral meaning.
    phrases: Vec<(Vec<String>, Vec<Security>)>,
    /// Field labels after which a value may follow: (tokens, whether the label itself says
    /// "SSL" or "TLS").
    labels: Vec<(Vec<String>, bool)>,
    /// The first words of every phrase and label, to skip other words quickly.
    starts: std::collections::HashSet<String>,
}

/// Values that only mean something after a label.
const PLAIN_VALUES: [&str; 7] = ["on", "off", "none", "yes", "no", "true", "false"];

fn words_of(s: &str) -> Vec<String> {
    s.split_whitespace().map(|w| w.to_ascii_lowercase()).collect()
}

impl Vocab {
    fn new(clients: &[Client]) -> Self {
        let mut phrases: Vec<(Vec<String>, Vec<Security>)> = vec![
            (words_of("SSL/TLS"), vec![Security::Tls]),
            (words_of("TLS/SSL"), vec![Security::Tls]),
            (words_of("implicit TLS"), vec![Security::Tls]),
            (words_of("STARTTLS"), vec![Security::Starttls]),
            (words_of("Start TLS"), vec![Security::Starttls]),
            (words_of("START-TLS"), vec![Security::Starttls]),
        ];
        let mut labels: Vec<(Vec<String>, bool)> = ["SSL", "TLS", "Use SSL", "Use TLS"]
            .iter()
            .map(|l| (words_of(l), true))
            .chain(
                ["encryption", "security", "connection security", "encryption method"]
                    .iter()
                    .map(|l| (words_of(l), false)),
            )
            .collect();
        for c in clients {
            let v = &c.data.vocabulary;
            let label = words_of(&v.security);
            if !label.is_empty() && !labels.iter().any(|(l, _)| *l == label) {
                let says_ssl = label.iter().any(|w| w.split('/').any(|p| p == "ssl" || p == "tls"));
                labels.push((label, says_ssl));
            }
            for sec in Security::ALL {
                let word = words_of(v.security_word(sec));
                if word.is_empty() || (word.len() == 1 && PLAIN_VALUES.contains(&word[0].as_str())) {
                    continue;
                }
                match phrases.iter_mut().find(|(p, _)| *p == word) {
                    Some((_, meaning)) => {
                        if !meaning.contains(&sec) {
                            meaning.push(sec)
                        }
                    }
                    None => phrases.push((word, vec![sec])),
                }
            }
        }
        // Longest first, so "Use TLS/SSL" wins over "TLS/SSL".
        phrases.sort_by_key(|(p, _)| std::cmp::Reverse(p.len()));
        labels.sort_by_key(|(l, _)| std::cmp::Reverse(l.len()));
        let starts = phrases
            .iter()
            .map(|(p, _)| p)
            .chain(labels.iter().map(|(l, _)| l))
            .filter_map(|words| words.first().cloned())
            .collect();
        Vocab {
            phrases,
            labels,
            starts,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Reading a text

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
enum HostRef {
    Literal(String),
    /// `imap`, `pop3`, `smtp` or `incoming`.
    Var(String),
}

#[derive(Debug, Clone)]
struct HostMention {
    host: HostRef,
    start: usize,
    end: usize,
}

#[derive(Debug, Clone)]
struct PortMention {
    port: u32,
    start: usize,
    end: usize,
    /// Only a number that is a registered port, with no "port" before it.
    bare: bool,
    /// `host:port`: belongs to the host just before it.
    glued: bool,
}

#[derive(Debug, Clone)]
struct SecMention {
    /// The label before the value ("ssl" in "SSL on"), if any, and whether it says SSL/TLS.
    label: Option<(Vec<String>, bool)>,
    /// The value's words, lower-case.
    value: Vec<String>,
    start: usize,
    end: usize,
}

/// The facts of one sentence, list item, table row or branch.
#[derive(Debug, Default)]
struct Segment {
    hosts: Vec<HostMention>,
    /// Protocol words ("IMAP", "outgoing"), which name a provider's server when no host does.
    protos: Vec<HostMention>,
    ports: Vec<PortMention>,
    secs: Vec<SecMention>,
    /// Positions of clause breaks.
    breaks: Vec<usize>,
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
fn mail_like(host: &str) -> bool {
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
fn scan(body: &str, vocab: &Vocab) -> Vec<Segment> {
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

// ---------------------------------------------------------------------------------------------
// Checking a segment

/// A server a mention resolved to.
#[derive(Clone, Copy)]
struct Found<'a> {
    provider: &'a Provider,
    protocol: Protocol,
    index: usize,
    server: &'a Server,
}

fn found<'a>(known: &Known<'a>, entries: &[(usize, Protocol, usize)]) -> Vec<Found<'a>> {
    entries
        .iter()
        .map(|&(pi, protocol, index)| {
            let provider = &known.providers[pi];
            Found {
                provider,
                protocol,
                index,
                server: &provider.servers(protocol)[index],
            }
        })
        .collect()
}

/// The preferred server behind a template variable, for one provider.
fn var_server<'a>(p: &'a Provider, var: &str) -> Option<Found<'a>> {
    let protocol = match var {
        "imap" => Protocol::Imap,
        "pop3" => Protocol::Pop3,
        "smtp" => Protocol::Smtp,
        _ => {
            if p.preferred(Protocol::Imap).is_some() {
                Protocol::Imap
            } else {
                Protocol::Pop3
            }
        }
    };
    p.preferred(protocol).map(|server| Found {
        provider: p,
        protocol,
        index: 0,
        server,
    })
}

/// Which host a mention at `start..end` belongs to.
fn owner(hosts: &[HostMention], breaks: &[usize], start: usize, end: usize) -> Option<usize> {
    let before = hosts.iter().rposition(|h| h.end <= start);
    let after = hosts.iter().position(|h| h.start >= end);
    let broken = |from: usize, to: usize| breaks.iter().any(|b| *b >= from && *b < to);
    match (before, after) {
        (None, None) => None,
        (Some(a), None) => Some(a),
        (None, Some(b)) => Some(b),
        (Some(a), Some(b)) => {
            if broken(hosts[a].end, start) && !broken(end, hosts[b].start) {
                Some(b)
            } else {
                Some(a)
            }
        }
    }
}

/// Which port a security word goes with, among the ports of its host.
fn paired_port(ports: &[&PortMention], breaks: &[usize], start: usize, end: usize) -> Option<u32> {
    let before = ports.iter().rposition(|p| p.end <= start);
    let after = ports.iter().position(|p| p.start >= end);
    let broken = |from: usize, to: usize| breaks.iter().any(|b| *b >= from && *b < to);
    let pick = match (before, after) {
        (None, None) => None,
        (Some(a), None) => Some(a),
        (None, Some(b)) => Some(b),
        (Some(a), Some(b)) => {
            if broken(ports[a].end, start) && !broken(end, ports[b].start) {
                Some(b)
            } else {
                Some(a)
            }
        }
    };
    pick.map(|k| ports[k].port)
}

fn check_segment(site: &Site, known: &Known, piece: &Piece, seg: &Segment, out: &mut Vec<Diagnostic>) {
    let noun = piece.kind.noun();
    let text = &piece.text;
    // Assign ports and security words to hosts.
    let mut host_ports: Vec<Vec<&PortMention>> = vec![Vec::new(); seg.hosts.len()];
    let mut loose_ports: Vec<&PortMention> = Vec::new();
    for p in &seg.ports {
        let o = if p.glued {
            seg.hosts.iter().rposition(|h| h.end <= p.start)
        } else {
            owner(&seg.hosts, &seg.breaks, p.start, p.end)
        };
        match o {
            Some(k) => host_ports[k].push(p),
            None => loose_ports.push(p),
        }
    }
    let mut host_secs: Vec<Vec<&SecMention>> = vec![Vec::new(); seg.hosts.len()];
    for s in &seg.secs {
        if let Some(k) = owner(&seg.hosts, &seg.breaks, s.start, s.end) {
            host_secs[k].push(s);
        }
    }

    for (k, h) in seg.hosts.iter().enumerate() {
        let ports = &host_ports[k];
        let secs = &host_secs[k];
        match &h.host {
            HostRef::Literal(name) => {
                let entries = known.hosts.get(name).map(Vec::as_slice).unwrap_or(&[]);
                if entries.is_empty() && (!mail_like(name) || known.domains.contains(name)) {
                    continue;
                }
                let all = found(known, entries);
                let loc = text.location(h.start, h.end);
                let servers: Vec<Found> = match piece.provider {
                    Some(p) => all.iter().copied().filter(|f| std::ptr::eq(f.provider, p)).collect(),
                    None => all.clone(),
                };
                // The host itself.
                match (piece.provider, piece.kind) {
                    (Some(p), _) if servers.is_empty() => {
                        if piece.kind == Kind::ProviderNotes {
                            continue;
                        }
                        out.push(unknown_host(noun, name, p, &all, loc));
                        continue;
                    }
                    (None, Kind::ClientGuide) => {
                        let owners = distinct_providers(&all);
                        if owners.is_empty() || owners.len() != site.providers.len() {
                            out.push(generic_host(piece, name, &owners, &all, loc));
                        }
                        if all.is_empty() {
                            continue;
                        }
                    }
                    (None, _) if all.is_empty() => continue,
                    _ => {
                        if piece.kind != Kind::ProviderNotes {
                            out.push(literal_host(piece, name, &servers, loc));
                        }
                    }
                }
                check_facts(
                    &known.vocab.phrases,
                    piece,
                    &servers,
                    &HostName::Literal(name),
                    ports,
                    secs,
                    &seg.breaks,
                    out,
                );
            }
            HostRef::Var(var) => {
                if ports.is_empty() && secs.is_empty() {
                    continue;
                }
                let shown = HostName::Var(var);
                match piece.provider {
                    Some(p) => {
                        if let Some(f) = var_server(p, var) {
                            check_facts(&known.vocab.phrases, piece, &[f], &shown, ports, secs, &seg.breaks, out);
                        }
                    }
                    None if piece.kind == Kind::ClientGuide => {
                        check_generic_var(site, known, piece, var, ports, secs, &seg.breaks, out);
                    }
                    None => {}
                }
            }
        }
    }

    // No host, but a protocol word ("port 465 for sending"): in a text about one provider, the
    // word names that provider's servers of the protocol.
    if let Some(p) = piece.provider
        && piece.kind != Kind::ProviderNotes
        && seg.hosts.is_empty()
        && !seg.protos.is_empty()
    {
        let mut proto_ports: Vec<Vec<&PortMention>> = vec![Vec::new(); seg.protos.len()];
        for port in &loose_ports {
            if let Some(k) = owner(&seg.protos, &seg.breaks, port.start, port.end) {
                proto_ports[k].push(port);
            }
        }
        let mut proto_secs: Vec<Vec<&SecMention>> = vec![Vec::new(); seg.protos.len()];
        for sec in &seg.secs {
            if let Some(k) = owner(&seg.protos, &seg.breaks, sec.start, sec.end) {
                proto_secs[k].push(sec);
            }
        }
        for (k, m) in seg.protos.iter().enumerate() {
            let HostRef::Var(var) = &m.host else { continue };
            let Some(first) = var_server(p, var) else { continue };
            let servers: Vec<Found> = p
                .servers(first.protocol)
                .iter()
                .enumerate()
                .map(|(index, server)| Found {
                    provider: p,
                    protocol: first.protocol,
                    index,
                    server,
                })
                .collect();
            let name = HostName::Protocol(first.protocol.name());
            check_facts(
                &known.vocab.phrases,
                piece,
                &servers,
                &name,
                &proto_ports[k],
                &proto_secs[k],
                &seg.breaks,
                out,
            );
        }
        return;
    }

    // Ports with no host in their segment: a repeat of the provider's data is still a repeat.
    if let Some(p) = piece.provider
        && piece.kind != Kind::ProviderNotes
    {
        for port in loose_ports {
            let matching: Vec<Found> = Protocol::ALL
                .iter()
                .flat_map(|&proto| {
                    p.servers(proto).iter().enumerate().map(move |(index, server)| Found {
                        provider: p,
                        protocol: proto,
                        index,
                        server,
                    })
                })
                .filter(|f| f.server.port == port.port)
                .collect();
            if let Some(f) = matching.first() {
                let loc = text.location(port.start, port.end);
                out.push(
                    Diagnostic::warning(
                        "prose-literal",
                        format!("{noun} writes out port {}, which the data has", port.port),
                    )
                    .at(loc)
                    .help(expression_help(piece, f, "port")),
                );
            }
        }
    }
}

fn distinct_providers<'a>(all: &[Found<'a>]) -> Vec<&'a Provider> {
    let mut owners: Vec<&Provider> = Vec::new();
    for f in all {
        if !owners.iter().any(|o| std::ptr::eq(*o, f.provider)) {
            owners.push(f.provider);
        }
    }
    owners
}

enum HostName<'a> {
    Literal(&'a str),
    Var(&'a str),
    /// A protocol word standing for the provider's servers of that protocol.
    Protocol(&'a str),
}

impl HostName<'_> {
    fn shown(&self) -> String {
        match self {
            HostName::Literal(h) => (*h).to_string(),
            HostName::Var(v) => format!("{{{{ {v}.host }}}}"),
            HostName::Protocol(name) => (*name).to_string(),
        }
    }
}

fn list_ports(servers: &[Found]) -> String {
    let mut ports: Vec<String> = Vec::new();
    for f in servers {
        let p = f.server.port.to_string();
        if !ports.contains(&p) {
            ports.push(p);
        }
    }
    join_or(&ports)
}

fn join_or(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// The variable prefix for a server: `smtp` for the preferred SMTP server.
fn var_for(f: &Found) -> Option<String> {
    (f.index == 0).then(|| f.protocol.id().to_string())
}

fn expression_help(piece: &Piece, f: &Found, field: &str) -> String {
    let slug = &f.provider.slug;
    if piece.kind == Kind::Page || (piece.provider.is_none() && piece.kind != Kind::ClientGuide) {
        let how = if piece.kind == Kind::Page {
            "free pages have no provider variables".to_string()
        } else {
            format!("give the entry `provider: {slug}` and write the variable, or")
        };
        return format!(
            "{how}: link to the provider page (/{slug}/) instead of repeating the value, so the fact stays in one place"
        );
    }
    match var_for(f) {
        Some(var) if field == "security" => format!(
            "write {{{{ {var}.security }}}} instead: it gives each client's own word, and the fact stays in one place"
        ),
        Some(var) => format!("write {{{{ {var}.{field} }}}} instead, so the fact stays in one place"),
        None => format!(
            "this is an alternative {} server ({}), which templates do not see: link to the provider page (/{slug}/) instead of repeating it",
            f.protocol.name(),
            server_path(f)
        ),
    }
}

fn server_path(f: &Found) -> String {
    format!("servers.{}[{}] in {}", f.protocol.id(), f.index, f.provider.source.path)
}

fn unknown_host(noun: &str, name: &str, p: &Provider, all: &[Found], loc: Location) -> Diagnostic {
    let owners = distinct_providers(all);
    let own: Vec<String> = {
        let mut v: Vec<String> = Vec::new();
        for proto in Protocol::ALL {
            for s in p.servers(proto) {
                if !v.contains(&s.host) {
                    v.push(s.host.clone());
                }
            }
        }
        v
    };
    let looks_like = guess_protocol(name);
    let message = if let Some(other) = owners.first() {
        format!(
            "{noun} names {name}, a server of {}, not of {}",
            other.data.name, p.data.name
        )
    } else if let Some(proto) = looks_like.filter(|proto| p.servers(*proto).is_empty()) {
        format!(
            "{noun} names {name}, but {} has no {} server",
            p.data.name,
            proto.name()
        )
    } else {
        format!("{noun} names {name}, which is not a server of {}", p.data.name)
    };
    let help = match looks_like {
        Some(proto) if !p.servers(proto).is_empty() => format!(
            "write {{{{ {}.host }}}} (the data says {}); {}'s servers are {}",
            proto.id(),
            p.servers(proto)[0].host,
            p.data.name,
            own.join(", ")
        ),
        _ => format!(
            "{}'s servers are {}; if the data is incomplete, add the server to {}",
            p.data.name,
            if own.is_empty() {
                "none".to_string()
            } else {
                own.join(", ")
            },
            p.source.path
        ),
    };
    Diagnostic::error("prose-unknown-host", message).at(loc).help(help)
}

fn guess_protocol(host: &str) -> Option<Protocol> {
    let first = host.split('.').next().unwrap_or("");
    if first.starts_with("imap") {
        Some(Protocol::Imap)
    } else if first.starts_with("pop") {
        Some(Protocol::Pop3)
    } else if first.starts_with("smtp") || first == "submission" {
        Some(Protocol::Smtp)
    } else {
        None
    }
}

fn generic_host(piece: &Piece, name: &str, owners: &[&Provider], all: &[Found], loc: Location) -> Diagnostic {
    let client = piece.clients.first().map(|c| c.data.name.as_str()).unwrap_or("client");
    let slug = piece.clients.first().map(|c| c.slug.as_str()).unwrap_or("client");
    let whose = match owners {
        [] => "a server of no provider".to_string(),
        [one] => format!("a server of {} only", one.data.name),
        more => format!(
            "a server of {} only",
            join_or(&more.iter().map(|p| p.data.name.clone()).collect::<Vec<_>>())
        ),
    };
    let var = all
        .first()
        .map(|f| f.protocol.id())
        .or_else(|| guess_protocol(name).map(Protocol::id))
        .unwrap_or("incoming");
    let place = match owners.first() {
        Some(p) => format!("content/providers/{}/{slug}.md", p.slug),
        None => format!("content/providers/<provider>/{slug}.md"),
    };
    Diagnostic::error(
        "prose-unknown-host",
        format!("the {client} guide is shown for every provider, but names {name}, {whose}"),
    )
    .at(loc)
    .help(format!(
        "write {{{{ {var}.host }}}}, or move text for one provider to {place}"
    ))
}

fn literal_host(piece: &Piece, name: &str, servers: &[Found], loc: Location) -> Diagnostic {
    let f = &servers[0];
    Diagnostic::warning(
        "prose-literal",
        format!(
            "{} writes out {name}, the {} server of {}",
            piece.kind.noun(),
            f.protocol.name(),
            f.provider.data.name
        ),
    )
    .at(loc)
    .help(expression_help(piece, f, "host"))
}

/// How a text reads a security word: the values it can mean, and whether it is the client's own
/// word at all.
enum Reading {
    /// The word of the text's language (the client's, or the neutral one) for these values.
    Own(Vec<Security>),
    /// Not a word of the client at all.
    Foreign,
}

fn neutral_meaning(s: &SecMention, vocab_phrases: &[(Vec<String>, Vec<Security>)]) -> Vec<Security> {
    if let Some((_, m)) = vocab_phrases.iter().find(|(p, _)| *p == s.value) {
        return m.clone();
    }
    match s.value.first().map(String::as_str) {
        Some("off" | "none" | "no" | "false") => vec![Security::None],
        Some("on" | "yes" | "true") => vec![Security::Tls, Security::Starttls],
        _ => Security::ALL.to_vec(),
    }
}

fn read_security(s: &SecMention, client: Option<&Client>, phrases: &[(Vec<String>, Vec<Security>)]) -> Reading {
    let neutral = neutral_meaning(s, phrases);
    let Some(c) = client else {
        return Reading::Own(neutral);
    };
    let v = &c.data.vocabulary;
    // A label that says "SSL" or "TLS" must be the client's own label.
    if let Some((label, true)) = &s.label {
        let own: Vec<String> = words_of(&v.security)
            .iter()
            .flat_map(|w| w.split('/').map(str::to_string).collect::<Vec<_>>())
            .collect();
        if !label.iter().all(|w| own.contains(w) || w == "use") {
            return Reading::Foreign;
        }
    }
    let values: Vec<Security> = Security::ALL
        .into_iter()
        .filter(|sec| words_of(v.security_word(*sec)) == s.value)
        .collect();
    if values.is_empty() {
        Reading::Foreign
    } else {
        Reading::Own(values)
    }
}

fn shown_sec(text: &Text, s: &SecMention) -> String {
    text.body
        .get(s.start..s.end)
        .map(|t| {
            t.split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .trim_matches(['*', '_', '`'])
                .to_string()
        })
        .unwrap_or_default()
}

/// Checks the ports and security words that belong to one host against its servers.
#[allow(clippy::too_many_arguments)]
fn check_facts(
    phrases: &[(Vec<String>, Vec<Security>)],
    piece: &Piece,
    servers: &[Found],
    host: &HostName,
    ports: &[&PortMention],
    secs: &[&SecMention],
    breaks: &[usize],
    out: &mut Vec<Diagnostic>,
) {
    if servers.is_empty() {
        return;
    }
    let noun = piece.kind.noun();
    let text = &piece.text;
    let shown_host = host.shown();
    let notes = piece.kind == Kind::ProviderNotes;
    for port in ports {
        let loc = text.location(port.start, port.end);
        match servers.iter().find(|f| f.server.port == port.port) {
            Some(f) => {
                if !notes {
                    out.push(
                        Diagnostic::warning(
                            "prose-literal",
                            format!(
                                "{noun} writes out port {} for {shown_host}, which the data has",
                                port.port
                            ),
                        )
                        .at(loc)
                        .help(expression_help(piece, f, "port")),
                    );
                }
            }
            None => {
                let f = &servers[0];
                let help = match var_for(f) {
                    Some(var) if piece.kind.templated() && piece.kind != Kind::Page => {
                        format!("write {{{{ {var}.port }}}}, so the page always shows the data")
                    }
                    _ => format!(
                        "write {}, or correct {} if the data is wrong",
                        list_ports(servers),
                        f.provider.source.path
                    ),
                };
                out.push(
                    Diagnostic::error(
                        "prose-contradiction",
                        format!(
                            "{noun} says port {} for {shown_host}; the data says {}",
                            port.port,
                            list_ports(servers)
                        ),
                    )
                    .at(loc)
                    .help(help),
                );
            }
        }
    }
    for s in secs {
        let loc = text.location(s.start, s.end);
        let shown = shown_sec(text, s);
        let port = paired_port(ports, breaks, s.start, s.end);
        let candidates: Vec<&Found> = match port {
            Some(p) if servers.iter().any(|f| f.server.port == p) => {
                servers.iter().filter(|f| f.server.port == p).collect()
            }
            _ => servers.iter().collect(),
        };
        let data: Vec<Security> = candidates.iter().map(|f| f.server.security).collect();
        let f = candidates[0];
        let where_ = match port {
            Some(p) => format!("{shown_host} (port {p})"),
            None => shown_host.clone(),
        };
        let clients: Vec<Option<&Client>> = if piece.clients.is_empty() {
            vec![None]
        } else if piece.kind == Kind::TroubleshootingEntry {
            std::iter::once(None)
                .chain(piece.clients.iter().map(|c| Some(*c)))
                .collect()
        } else {
            piece.clients.iter().map(|c| Some(*c)).collect()
        };
        let readings: Vec<Reading> = clients.iter().map(|c| read_security(s, *c, phrases)).collect();
        let ok = readings
            .iter()
            .any(|r| matches!(r, Reading::Own(v) if v.iter().any(|sec| data.contains(sec))));
        if ok {
            if !notes {
                out.push(
                    Diagnostic::warning(
                        "prose-literal",
                        format!("{noun} writes out \"{shown}\" as the encryption of {where_}, which the data has"),
                    )
                    .at(loc)
                    .help(expression_help(piece, f, "security")),
                );
            }
            continue;
        }
        let data_label = f.server.security.label();
        match clients.iter().find_map(|c| *c) {
            Some(c) if piece.kind != Kind::TroubleshootingEntry => {
                let word = c.data.vocabulary.security_word(f.server.security);
                let name = &c.data.name;
                let message = if matches!(readings.first(), Some(Reading::Foreign)) {
                    format!(
                        "{noun} says \"{shown}\" for {where_}, which is not {name}'s word; for {data_label} {name} says \"{word}\""
                    )
                } else {
                    format!(
                        "{noun} says \"{shown}\" for {where_}, which uses {data_label}; {name} calls that \"{word}\""
                    )
                };
                let help = match var_for(f) {
                    Some(var) => format!("write {{{{ {var}.security }}}}, which gives {}'s own word", c.data.name),
                    None => format!("write \"{word}\""),
                };
                out.push(Diagnostic::error("prose-security-word", message).at(loc).help(help));
            }
            _ => {
                let help = match var_for(f) {
                    Some(var) if piece.kind.templated() && piece.kind != Kind::Page => {
                        format!("write {{{{ {var}.security }}}}, so the page always shows the data")
                    }
                    _ => format!(
                        "write {data_label}, or correct {} if the data is wrong",
                        f.provider.source.path
                    ),
                };
                out.push(
                    Diagnostic::error(
                        "prose-contradiction",
                        format!("{noun} says \"{shown}\" for {where_}; the data says {data_label}"),
                    )
                    .at(loc)
                    .help(help),
                );
            }
        }
    }
}

/// A generic guide with a literal port or security word next to `{{ smtp.host }}`: the text is
/// shown for every provider, so it must agree with all of them.
#[allow(clippy::too_many_arguments)]
fn check_generic_var(
    site: &Site,
    known: &Known,
    piece: &Piece,
    var: &str,
    ports: &[&PortMention],
    secs: &[&SecMention],
    breaks: &[usize],
    out: &mut Vec<Diagnostic>,
) {
    // Check against every provider, one finding per mention.
    let mut per_mention: HashMap<(usize, String), (Diagnostic, Vec<String>)> = HashMap::new();
    let mut clean: HashMap<(usize, String), Diagnostic> = HashMap::new();
    for p in &site.providers {
        let Some(f) = var_server(p, var) else { continue };
        let mut found = Vec::new();
        check_facts(
            &known.vocab.phrases,
            piece,
            &[f],
            &HostName::Var(var),
            ports,
            secs,
            breaks,
            &mut found,
        );
        for d in found {
            let start = d.location.as_ref().map(|l| l.column * 100_000 + l.line).unwrap_or(0);
            if d.is_error() {
                let key = (start, d.code.clone());
                let e = per_mention.entry(key).or_insert_with(|| (d.clone(), Vec::new()));
                e.1.push(p.data.name.clone());
            } else {
                clean.entry((start, d.code.clone())).or_insert(d);
            }
        }
    }
    let mut errors: Vec<(Diagnostic, Vec<String>)> = per_mention.into_values().collect();
    errors.sort_by(|a, b| a.0.message.cmp(&b.0.message));
    let error_places: Vec<usize> = errors
        .iter()
        .filter_map(|(d, _)| d.location.as_ref().map(|l| l.column * 100_000 + l.line))
        .collect();
    for (mut d, names) in errors {
        d.message = format!("{} (for {})", d.message, crate::diagnostics::name_some(&names, 3));
        out.push(d);
    }
    let mut warnings: Vec<Diagnostic> = clean
        .into_iter()
        .filter(|((place, _), _)| !error_places.contains(place))
        .map(|(_, d)| d)
        .collect();
    warnings.sort_by(|a, b| a.message.cmp(&b.message));
    out.extend(warnings);
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

    #[test]
    fn clause_breaks_move_a_port_to_the_next_host() {
        let s = segs("Use port 993 on imap.x.com and port 587 on smtp.x.com.\n");
        let seg = &s[0];
        let o: Vec<Option<usize>> = seg
            .ports
            .iter()
            .map(|p| owner(&seg.hosts, &seg.breaks, p.start, p.end))
            .collect();
        assert_eq!(o, vec![Some(0), Some(1)]);
    }
}
