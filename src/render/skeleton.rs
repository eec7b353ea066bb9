//! Guide skeletons: each guide's Markdown parsed once per shape of provider, not once per page.
//!
//! A guide page's steps are the client's guide (and the provider's own steps, if any) rendered
//! with the provider's data into Markdown, then into HTML. Parsing that Markdown again for every
//! provider was a third of a large site's build, although most providers differ in a guide only
//! by their strings: name, host names, domains, URLs. So a page's guide is rendered with
//! placeholders (slots) in place of those strings: the *skeleton*. Pages whose skeletons are the
//! same text share one parse; each fills its own strings into the kept HTML and HowTo steps.
//!
//! That gives the bytes the page's own Markdown would give only when
//! 1. the template does nothing with a slotted string but print it or test it for truth
//!    ([`analyze`]): a comparison, a filter or a loop would see the placeholder;
//! 2. Markdown reads the string and its placeholder alike wherever it stands: the string is
//!    plain text that starts no Markdown construct ([`inert`]), its placeholder has the same
//!    kind of first and last character (and is URL-shaped for a URL), and the skeleton has no
//!    placeholder where the text itself matters: in a heading (its `id` is made from its text),
//!    raw HTML, a code block's info string, after `&` or `<`, and no tabs, footnotes or link
//!    reference definitions at all ([`Skeleton::parse`]). A string with a space cannot stand in
//!    a link's destination.
//!
//! Anything else is rendered the plain way, so a template or a string this module cannot vouch
//! for costs time, never correctness. `tests/skeleton.rs` renders whole sites both ways and
//! compares every byte.

use super::markdown;
use super::prose::{PATHS, Variables};
use crate::model::{Client, Placement};
use memchr::memmem;
use pulldown_cmark::{CodeBlockKind, Event, LinkType, Tag, TagEnd};
use rustc_hash::FxHashSet;
use std::borrow::Cow;
use std::collections::HashMap;
use std::hash::{BuildHasher, BuildHasherDefault, Hash, Hasher};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

/// How every placeholder starts. Templates, client words and strings that hold it are not
/// slotted, so every occurrence in a skeleton is a placeholder.
pub const PREFIX: &str = "mgslot";

/// What a template does with its variables, read from its source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Uses {
    Known {
        /// The variable paths (`provider.name`, `smtp`) the template uses other than by printing
        /// them (`{{ provider.name }}`) or testing them for truth (`{% if provider.help_url %}`).
        used: Paths,
        /// The variable paths the template names other than in a truth test.
        named: Paths,
        /// The variable paths the template tests for truth.
        tested: Paths,
    },
    /// The template includes or defines other templates, filters a section, captures output
    /// into a variable, dumps the whole context or holds a placeholder's prefix: what it does
    /// with a string is not read.
    Unknown,
}

/// A set of variable paths, asked whether a path is one of them, in one or holds one: a few
/// hash lookups, as every string of every guide page asks.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Paths {
    exact: FxHashSet<String>,
    /// Every path and every path it is in (`provider.name` and `provider`).
    prefixes: FxHashSet<String>,
}

impl Paths {
    fn insert(&mut self, path: String) {
        for (i, _) in path.match_indices('.') {
            self.prefixes.insert(path[..i].to_string());
        }
        self.prefixes.insert(path.clone());
        self.exact.insert(path);
    }

    /// Whether `path` is one of the paths, is in one, or holds one.
    fn touch(&self, path: &str) -> bool {
        self.prefixes.contains(path) || path.match_indices('.').any(|(i, _)| self.exact.contains(&path[..i]))
    }
}

impl FromIterator<String> for Paths {
    fn from_iter<I: IntoIterator<Item = String>>(iter: I) -> Self {
        let mut paths = Paths::default();
        for path in iter {
            paths.insert(path);
        }
        paths
    }
}

impl Uses {
    /// Both templates' uses (a guide page renders the client's guide and the provider's steps).
    pub fn and(&self, other: &Uses) -> Uses {
        match (self, other) {
            (
                Uses::Known {
                    used: a,
                    named: an,
                    tested: at,
                },
                Uses::Known {
                    used: b,
                    named: bn,
                    tested: bt,
                },
            ) => Uses::Known {
                used: a.exact.iter().chain(&b.exact).cloned().collect(),
                named: an.exact.iter().chain(&bn.exact).cloned().collect(),
                tested: at.exact.iter().chain(&bt.exact).cloned().collect(),
            },
            _ => Uses::Unknown,
        }
    }

    /// Whether the string at `path` may be replaced by a placeholder: no use of it, of anything
    /// it is in, or of anything in it is other than printing or a truth test.
    fn allows(&self, path: &str) -> bool {
        let Uses::Known { used, .. } = self else { return false };
        !used.touch(path)
    }

    /// Whether the template can see the variable at `path`: it names it, something it is in or
    /// something in it, or tests it or something in it for truth. What a template cannot see
    /// cannot change what it renders.
    pub fn sees(&self, path: &str) -> bool {
        let Uses::Known { named, tested, .. } = self else {
            return true;
        };
        named.touch(path) || tested.prefixes.contains(path)
    }
}

/// What a guide template of `client` does with its variables: [`analyze`]d, or unknown when
/// the client's own words hold a placeholder's prefix (they would be taken for one).
pub fn guide_uses(client: &Client, template: &str) -> Uses {
    let words = serde_json::to_string(&client.data).unwrap_or_default();
    match words.contains(PREFIX) {
        true => Uses::Unknown,
        false => analyze(template),
    }
}

/// What [`Uses`] says of each variable path of [`PATHS`], as tables: every string of every
/// guide page asks.
#[derive(Debug, Clone)]
pub struct Mask {
    known: bool,
    allows: [bool; PATHS.len()],
    sees: [bool; PATHS.len()],
}

impl Mask {
    /// Whether the string at `PATHS[path]` may be replaced by a placeholder ([`Uses::allows`]).
    pub fn allows(&self, path: usize) -> bool {
        self.allows[path]
    }

    /// Whether the template can see `PATHS[path]` ([`Uses::sees`]).
    pub fn sees(&self, path: usize) -> bool {
        self.sees[path]
    }
}

impl From<&Uses> for Mask {
    fn from(uses: &Uses) -> Mask {
        Mask {
            known: *uses != Uses::Unknown,
            allows: PATHS.map(|p| uses.allows(p)),
            sees: PATHS.map(|p| uses.sees(p)),
        }
    }
}

/// A token of a Tera tag, as far as [`analyze`] needs one.
#[derive(Debug, Clone, PartialEq)]
enum Token<'a> {
    Ident(&'a str),
    Dot,
    Other(char),
    Literal,
}

/// Reads what a template does with its variables (see [`Uses`]). Errs towards
/// [`Uses::Unknown`]: whatever it does not recognise makes the template unknown.
pub fn analyze(template: &str) -> Uses {
    if template.contains(PREFIX) {
        return Uses::Unknown;
    }
    let mut used = Vec::new();
    let mut named = Vec::new();
    let mut tested = Vec::new();
    let mut rest = template;
    while let Some(at) = rest.find('{') {
        let after = &rest[at + 1..];
        let close = match after.as_bytes().first() {
            Some(b'{') => "}}",
            Some(b'%') => "%}",
            Some(b'#') => {
                let Some(end) = after.find("#}") else {
                    return Uses::Unknown;
                };
                rest = &after[end + 2..];
                continue;
            }
            _ => {
                rest = after;
                continue;
            }
        };
        let Some((mut tokens, len)) = lex(&after[1..], close) else {
            return Uses::Unknown;
        };
        rest = &after[1 + len..];
        // Whitespace control: `{{-`, `-}}`, `{%-`, `-%}`.
        if tokens.first() == Some(&Token::Other('-')) {
            tokens.remove(0);
        }
        if tokens.last() == Some(&Token::Other('-')) {
            tokens.pop();
        }
        let names = paths(&tokens);
        // `__tera_context` prints every variable.
        if names.iter().any(|n| n.starts_with("__tera")) {
            return Uses::Unknown;
        }
        if close == "}}" {
            if !is_path(&tokens) {
                used.extend(paths(&tokens));
            }
            named.extend(names);
            continue;
        }
        let Some(Token::Ident(keyword)) = tokens.first() else {
            return Uses::Unknown;
        };
        let rest_tokens = &tokens[1..];
        // A truth test sees whether its paths hold something, not what (a map always does).
        if matches!(*keyword, "if" | "elif") && is_truth_test(rest_tokens) {
            tested.extend(names);
            continue;
        }
        named.extend(names);
        match *keyword {
            "if" | "elif" => used.extend(paths(rest_tokens)),
            "else" | "endif" | "endfor" | "break" | "continue" => used.extend(paths(rest_tokens)),
            // `{% set x = ... %}`; the block form captures output, which is not followed.
            "for" => used.extend(paths(rest_tokens)),
            "set" | "set_global" if rest_tokens.contains(&Token::Other('=')) => used.extend(paths(rest_tokens)),
            _ => return Uses::Unknown,
        }
    }
    Uses::Known {
        used: used.into_iter().collect(),
        named: named.into_iter().collect(),
        tested: tested.into_iter().collect(),
    }
}

/// The tokens of a tag's inside, up to `close`, and the length through `close`; `None` if the tag
/// never closes or calls a component (`<Name />`).
fn lex<'a>(text: &'a str, close: &str) -> Option<(Vec<Token<'a>>, usize)> {
    let bytes = text.as_bytes();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if text[i..].starts_with(close) {
            return Some((tokens, i + close.len()));
        }
        let b = bytes[i];
        match b {
            b' ' | b'\t' | b'\n' | b'\r' => i += 1,
            b'"' | b'\'' | b'`' => {
                let end = text[i + 1..].find(b as char)?;
                tokens.push(Token::Literal);
                i += end + 2;
            }
            b'<' => return None,
            b'.' => {
                tokens.push(Token::Dot);
                i += 1;
            }
            _ if b.is_ascii_alphabetic() || b == b'_' => {
                let end = text[i..]
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .map_or(text.len(), |e| i + e);
                tokens.push(Token::Ident(&text[i..end]));
                i = end;
            }
            _ if b.is_ascii_digit() => {
                let end = text[i..]
                    .find(|c: char| !c.is_ascii_digit())
                    .map_or(text.len(), |e| i + e);
                tokens.push(Token::Literal);
                i = end;
            }
            _ => {
                let c = text[i..].chars().next()?;
                tokens.push(Token::Other(c));
                i += c.len_utf8();
            }
        }
    }
    None
}

/// Whether the tokens are one variable path and nothing else: `provider.name`.
fn is_path(tokens: &[Token]) -> bool {
    !tokens.is_empty()
        && tokens.iter().enumerate().all(|(i, t)| match t {
            Token::Ident(_) => i % 2 == 0,
            Token::Dot => i % 2 == 1,
            _ => false,
        })
        && tokens.len() % 2 == 1
}

/// Whether an `if` condition only tests paths for truth: paths joined by `and`, `or`, `not` and
/// parentheses, which a non-empty placeholder passes exactly when its string does.
fn is_truth_test(tokens: &[Token]) -> bool {
    tokens
        .iter()
        .all(|t| matches!(t, Token::Ident(_) | Token::Dot | Token::Other('(') | Token::Other(')')))
        && tokens.windows(2).all(|w| {
            // Two names in a row other than through `and`/`or`/`not` would be an operator such as
            // `is` or `in`.
            match (&w[0], &w[1]) {
                (Token::Ident(a), Token::Ident(b)) => {
                    ["and", "or", "not"].contains(a) || ["and", "or", "not"].contains(b)
                }
                _ => true,
            }
        })
        && !tokens
            .iter()
            .any(|t| matches!(t, Token::Ident("is" | "in" | "true" | "false" | "none")))
}

/// Every variable path named in the tokens, as far as it goes by plain names (`a.b[c]` gives
/// `a.b` and `c`).
fn paths(tokens: &[Token]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut after_dot = false;
    for t in tokens {
        match t {
            Token::Ident(name) if after_dot => {
                if let Some(last) = out.last_mut() {
                    last.push('.');
                    last.push_str(name);
                }
                after_dot = false;
            }
            Token::Ident(name) => out.push((*name).to_string()),
            Token::Dot => after_dot = true,
            _ => after_dot = false,
        }
    }
    out
}

/// Whether Markdown reads `value` the same as its placeholder, wherever it stands in text: ASCII
/// letters and digits, spaces (single, inside) and `.-/:@+=?#%,` (no `--` or `..`, which smart
/// punctuation turns into dashes and ellipses), starting with a letter or digit (no list item,
/// heading or quote starts with one, unless it is a number and `.`). The placeholder ends with
/// the same character as the value when that is not a letter or digit, so emphasis, smart quotes
/// and dashes around it are read alike.
pub fn inert(value: &str) -> bool {
    let b = value.as_bytes();
    let (Some(&first), Some(&last)) = (b.first(), b.last()) else {
        return false;
    };
    if !first.is_ascii_alphanumeric() || last == b' ' {
        return false;
    }
    // One pass (every string of every guide page is tried): allowed bytes, no doubled space,
    // dot or dash.
    let mut prev = 0u8;
    for &c in b {
        let allowed = c.is_ascii_alphanumeric()
            || matches!(
                c,
                b' ' | b'.' | b'-' | b'/' | b':' | b'@' | b'+' | b'=' | b'?' | b'#' | b'%' | b','
            );
        if !allowed || (c == prev && matches!(c, b' ' | b'.' | b'-')) {
            return false;
        }
        prev = c;
    }
    let digits = b.iter().take_while(|c| c.is_ascii_digit()).count();
    let numbered = digits > 0 && b.get(digits) == Some(&b'.');
    !numbered && !value.contains(PREFIX)
}

/// Whether `value` starts like an absolute URL (`scheme:`, the scheme as CommonMark's autolinks
/// have it), so that `<value>` is a link.
fn url_like(value: &str) -> bool {
    let Some(colon) = value.find(':') else { return false };
    let scheme = &value.as_bytes()[..colon];
    (2..=32).contains(&scheme.len())
        && scheme[0].is_ascii_alphabetic()
        && scheme
            .iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'.' | b'-'))
}

/// The placeholder of the `index`th slot for `value`: `mgslot`, the index in letters `a`-`y`,
/// `z`; then `:x` if the value is URL-like, and the value's last character if that is not a
/// letter or digit.
fn placeholder(index: usize, value: &str) -> Cow<'static, str> {
    /// Characters other than letters and digits an inert string may end with.
    const ENDS: &[u8] = b".-/:@+=?#%,";
    /// Placeholders of the first slots, made once: every string of every guide page needs one.
    const KEPT: usize = 64;
    static TABLE: OnceLock<Vec<String>> = OnceLock::new();
    let url = url_like(value);
    let end = value.bytes().last().and_then(|c| ENDS.iter().position(|&e| e == c));
    let make = |index: usize, url: bool, end: Option<usize>| {
        let mut letters = Vec::new();
        let mut n = index;
        loop {
            letters.push(b'a' + (n % 25) as u8);
            n /= 25;
            if n == 0 {
                break;
            }
        }
        let mut token = String::with_capacity(PREFIX.len() + letters.len() + 4);
        token.push_str(PREFIX);
        token.extend(letters.iter().rev().map(|&c| c as char));
        token.push('z');
        if url {
            token.push_str(":x");
        }
        if let Some(end) = end {
            token.push(ENDS[end] as char);
        }
        token
    };
    let variants = 2 * (ENDS.len() + 1);
    let at = |index: usize, url: bool, end: Option<usize>| {
        index * variants + usize::from(url) * (ENDS.len() + 1) + end.map_or(0, |e| e + 1)
    };
    match value.bytes().last() {
        Some(c) if !c.is_ascii_alphanumeric() && end.is_none() => Cow::Owned({
            let mut token = make(index, url, None);
            token.push(c as char);
            token
        }),
        _ if index < KEPT => {
            let table = TABLE.get_or_init(|| {
                let mut table = vec![String::new(); KEPT * variants];
                for index in 0..KEPT {
                    for url in [false, true] {
                        for end in std::iter::once(None).chain((0..ENDS.len()).map(Some)) {
                            table[at(index, url, end)] = make(index, url, end);
                        }
                    }
                }
                table
            });
            Cow::Borrowed(table[at(index, url, end)].as_str())
        }
        _ => Cow::Owned(make(index, url, end)),
    }
}

/// The slot index of the placeholder starting at the beginning of `text` (after [`PREFIX`]).
fn index_at(text: &[u8]) -> Option<usize> {
    let mut n = 0usize;
    for (i, &c) in text.iter().enumerate() {
        match c {
            b'z' if i > 0 => return Some(n),
            b'a'..=b'y' => n = n.checked_mul(25)?.checked_add(usize::from(c - b'a'))?,
            _ => return None,
        }
    }
    None
}

/// A page's slotted strings, by the number [`Variables::strings_mut`] gives each: the real
/// values and their placeholders.
#[derive(Debug, Default)]
pub struct Slots<'a> {
    values: Vec<Option<Cow<'a, str>>>,
    placeholders: Vec<Option<Cow<'static, str>>>,
}

impl<'a> Slots<'a> {
    /// Replaces in `vars` each string that `uses` allows and Markdown reads like a placeholder
    /// with one; `None` if there is none, or a string left alone holds [`PREFIX`] (its text
    /// could be taken for a placeholder).
    pub fn take(vars: &mut Variables<'a>, uses: &Mask) -> Option<Slots<'a>> {
        if !uses.known {
            return None;
        }
        let mut slots = Slots::default();
        let mut clash = false;
        let mut any = false;
        vars.strings_mut(|number, path, value| {
            if !(uses.allows(path) && inert(value)) {
                clash |= value.contains(PREFIX);
                return;
            }
            if slots.values.len() <= number {
                slots.values.resize(number + 1, None);
                slots.placeholders.resize(number + 1, None);
            }
            let token = placeholder(number, value);
            slots.values[number] = Some(std::mem::replace(value, token.clone()));
            slots.placeholders[number] = Some(token);
            any = true;
        });
        // Without slots the skeleton is the page's own Markdown, which no other page shares.
        (!clash && any).then_some(slots)
    }

    fn placeholder(&self, index: usize) -> Option<&str> {
        self.placeholders.get(index)?.as_deref()
    }

    fn value(&self, index: usize) -> &str {
        // A skeleton only holds the placeholders of its page's slots (`Filled::cut`), and pages
        // share a skeleton only when their placeholders are the same text.
        self.values[index].as_deref().unwrap_or_default()
    }
}

/// Text with placeholders, cut at each: filled in with a page's values.
#[derive(Debug)]
struct Filled {
    text: String,
    pieces: Vec<Piece>,
}

#[derive(Debug)]
enum Piece {
    Text(std::ops::Range<usize>),
    Slot(usize),
}

impl Filled {
    /// Cuts `text` at its placeholders; `None` if something starting like one is none of
    /// `placeholders`.
    fn cut(text: String, slots: &Slots) -> Option<Filled> {
        let mut pieces = Vec::new();
        let mut last = 0;
        for at in memmem::find_iter(text.as_bytes(), PREFIX) {
            if at < last {
                continue;
            }
            let index = index_at(&text.as_bytes()[at + PREFIX.len()..])?;
            let token = slots.placeholder(index)?;
            if !text[at..].starts_with(token) {
                return None;
            }
            if at > last {
                pieces.push(Piece::Text(last..at));
            }
            pieces.push(Piece::Slot(index));
            last = at + token.len();
        }
        if last < text.len() {
            pieces.push(Piece::Text(last..text.len()));
        }
        Some(Filled { text, pieces })
    }

    fn fill(&self, slots: &Slots) -> String {
        let mut out = String::with_capacity(self.text.len() + 16 * self.pieces.len());
        for piece in &self.pieces {
            match piece {
                Piece::Text(range) => out.push_str(&self.text[range.clone()]),
                Piece::Slot(i) => out.push_str(slots.value(*i)),
            }
        }
        out
    }
}

/// A parsed skeleton: its HTML and HowTo steps with placeholders.
#[derive(Debug)]
pub struct Skeleton {
    html: Filled,
    steps: Vec<Filled>,
    /// Slots that stand in a link's destination or title, where a space would end the link.
    in_links: Vec<usize>,
}

/// A piece of a skeleton's Markdown, parsed on its own: the whole skeleton, or a section of it
/// that starts at a heading (see [`sections`]). Sections are shared between skeletons: most
/// skeletons differ from others in one or two sections.
#[derive(Debug)]
struct Section {
    html: String,
    steps: Vec<String>,
    /// The `id`s its headings got.
    ids: Vec<String>,
    in_links: Vec<usize>,
}

impl Section {
    /// Parses Markdown with placeholders; `None` if a placeholder stands where Markdown could
    /// read the real string differently (see the module's introduction).
    fn parse(markdown: &str, shift: u8) -> Option<Section> {
        if markdown.contains('\t') {
            return None;
        }
        let bytes = markdown.as_bytes();
        for at in memmem::find_iter(bytes, PREFIX) {
            let before = at.checked_sub(1).map(|i| bytes[i]);
            let rest = &bytes[at + PREFIX.len()..];
            index_at(rest)?;
            let letters = rest.iter().position(|&c| c == b'z')?;
            let url = rest.get(letters + 1) == Some(&b':');
            if before == Some(b'&') || (before == Some(b'<') && !url) {
                return None;
            }
        }
        let (events, references) = markdown::parse(markdown);
        if references {
            return None;
        }
        let has = |text: &str| text.contains(PREFIX);
        let mut in_links = Vec::new();
        let mut heading = 0usize;
        for event in &events {
            match event {
                Event::Start(Tag::Heading { .. }) => heading += 1,
                Event::End(TagEnd::Heading(_)) => heading = heading.saturating_sub(1),
                Event::Text(t) | Event::Code(t) if heading > 0 && has(t) => return None,
                Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    ..
                })
                | Event::Start(Tag::Image {
                    link_type,
                    dest_url,
                    title,
                    ..
                }) if has(dest_url) || has(title) => {
                    if heading > 0 || !matches!(link_type, LinkType::Inline | LinkType::Autolink) {
                        return None;
                    }
                    for text in [dest_url, title] {
                        for at in memmem::find_iter(text.as_bytes(), PREFIX) {
                            in_links.push(index_at(&text.as_bytes()[at + PREFIX.len()..])?);
                        }
                    }
                }
                Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) if has(info) => return None,
                Event::Html(t) | Event::InlineHtml(t) | Event::InlineMath(t) | Event::DisplayMath(t) if has(t) => {
                    return None;
                }
                Event::FootnoteReference(_) | Event::Start(Tag::FootnoteDefinition(_)) => return None,
                _ => {}
            }
        }
        let (html, steps, ids) = markdown::html_steps_and_ids_of(events, shift);
        Some(Section {
            html,
            steps,
            ids,
            in_links,
        })
    }
}

/// Splits Markdown before each line that is an ATX heading (`#` to `######` and a space, at the
/// start of the line), when parsing the pieces one by one gives the HTML of the whole, joined:
/// such a line always starts a new block (it ends a paragraph, a list, a quote or a table), and
/// the pieces share nothing else when the text has no fenced code (a `#` line inside would not be
/// a heading), no line starting with `<` (an HTML block may run past a heading line), no link
/// reference definitions or footnotes (checked when parsing) and no tabs. Heading `id`s are made
/// unique per piece; [`Skeletons::parse`] checks that they are unique across pieces too. `None`
/// when the text has one of those.
fn sections(markdown: &str) -> Option<Vec<&str>> {
    if markdown.contains("```") || markdown.contains("~~~") {
        return None;
    }
    let mut cuts = vec![0];
    let mut at = 0;
    for line in markdown.split_inclusive('\n') {
        if line.trim_start_matches(' ').starts_with('<') {
            return None;
        }
        let hashes = line.bytes().take_while(|&c| c == b'#').count();
        if at > 0 && (1..=6).contains(&hashes) && matches!(line.as_bytes().get(hashes), Some(b' ' | b'\n') | None) {
            cuts.push(at);
        }
        at += line.len();
    }
    cuts.push(markdown.len());
    Some(
        cuts.windows(2)
            .map(|w| &markdown[w[0]..w[1]])
            .filter(|s| !s.trim().is_empty())
            .collect(),
    )
}

impl Skeleton {
    /// Puts parsed sections together, cut at the page's placeholders.
    fn of(sections: &[Arc<Section>], slots: &Slots) -> Option<Skeleton> {
        let html: String = sections.iter().map(|s| s.html.as_str()).collect();
        Some(Skeleton {
            html: Filled::cut(html, slots)?,
            steps: sections
                .iter()
                .flat_map(|s| &s.steps)
                .map(|s| Filled::cut(s.clone(), slots))
                .collect::<Option<_>>()?,
            in_links: sections.iter().flat_map(|s| s.in_links.iter().copied()).collect(),
        })
    }

    /// The page's HTML and steps; `None` if one of its strings cannot stand where its
    /// placeholder does.
    fn fill(&self, slots: &Slots) -> Option<(String, Vec<String>)> {
        if self.in_links.iter().any(|&i| slots.value(i).contains(' ')) {
            return None;
        }
        Some((
            self.html.fill(slots),
            self.steps.iter().map(|s| s.fill(slots)).collect(),
        ))
    }
}

/// Kept parses by their key, in shards, with counts of how often a key was found and how often
/// it was parsed: a site whose pieces are mostly unlike each other would only fill memory with
/// them, so once the first few hundred have been parsed more often than found, no more are kept.
struct Kept<K, V> {
    shards: [Mutex<KeptMap<K, V>>; 16],
    found: AtomicUsize,
    parsed: AtomicUsize,
}

/// Keys carry their hash, computed once (it picks the shard too).
type KeptMap<K, V> = HashMap<Hashed<K>, Option<Arc<V>>, BuildHasherDefault<HashOfHash>>;

struct Hashed<K> {
    hash: u64,
    key: K,
}

impl<K> Hash for Hashed<K> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_u64(self.hash);
    }
}

impl<K: PartialEq> PartialEq for Hashed<K> {
    fn eq(&self, other: &Self) -> bool {
        self.hash == other.hash && self.key == other.key
    }
}

impl<K: Eq> Eq for Hashed<K> {}

/// The hasher of [`KeptMap`]: the key's hash is already one.
#[derive(Default)]
struct HashOfHash(u64);

impl Hasher for HashOfHash {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        // Only `write_u64` is called (by `Hashed`); anything else is folded in, to stay a hash.
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

impl<K, V> Default for Kept<K, V> {
    fn default() -> Self {
        Kept {
            shards: Default::default(),
            found: AtomicUsize::new(0),
            parsed: AtomicUsize::new(0),
        }
    }
}

impl<K: Hash + Eq, V> Kept<K, V> {
    /// The value kept for `key`, or else `make`'s, kept if there is room. Made outside the lock:
    /// two threads may make the same value once each.
    fn get_or_make(&self, key: K, make: impl FnOnce(&K) -> Option<V>) -> Option<Arc<V>> {
        let hash = rustc_hash::FxBuildHasher.hash_one(&key);
        let key = Hashed { hash, key };
        let shard = &self.shards[(hash % 16) as usize];
        let lock = || shard.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(known) = lock().get(&key).cloned() {
            self.found.fetch_add(1, Ordering::Relaxed);
            return known;
        }
        let made = make(&key.key).map(Arc::new);
        let count = self.parsed.fetch_add(1, Ordering::Relaxed) + 1;
        if count <= 256 || self.found.load(Ordering::Relaxed) >= count {
            lock().insert(key, made.clone());
        }
        made
    }
}

/// What decides a guide page's skeleton: the page's variables once slotted (they name the
/// client, whose guide it is), and the provider's own steps for the client, if any (their
/// template and where they go). Pages with equal keys render the same skeleton, so a page whose
/// key is known skips rendering its template as well as parsing it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Key<'a> {
    pub vars: Variables<'a>,
    pub steps: Option<(&'a str, Placement)>,
}

/// The skeletons parsed so far in a render, by [`Key`], and their sections, by their text;
/// shared by the threads rendering pages. A skeleton that cannot be shared is kept as `None`, so
/// it is not rendered or parsed again.
#[derive(Default)]
pub struct Skeletons<'a> {
    skeletons: Kept<Key<'a>, Skeleton>,
    sections: Kept<(u8, String), Section>,
}

impl<'a> Skeletons<'a> {
    /// The HTML and HowTo steps of a guide page whose slotted variables and steps are `key`,
    /// filled with `slots`, headings shifted by `shift` levels. `markdown` renders the skeleton's
    /// Markdown from the slotted variables, when no page had the same key before. `None` when
    /// the page must parse its own Markdown.
    pub fn html_and_steps(
        &self,
        key: Key<'a>,
        slots: &Slots,
        shift: u8,
        markdown: impl FnOnce(&Variables<'a>) -> Option<String>,
    ) -> Option<(String, Vec<String>)> {
        let skeleton = self
            .skeletons
            .get_or_make(key, |key| self.parse(&markdown(&key.vars)?, slots, shift))?;
        skeleton.fill(slots)
    }

    /// Parses a skeleton's Markdown, section by section where it can be cut into sections
    /// ([`sections`]) whose heading `id`s are unique across them, else whole.
    fn parse(&self, markdown: &str, slots: &Slots, shift: u8) -> Option<Skeleton> {
        if let Some(pieces) = sections(markdown) {
            let parsed: Option<Vec<Arc<Section>>> = pieces
                .into_iter()
                .map(|piece| {
                    self.sections
                        .get_or_make((shift, piece.to_string()), |(shift, text)| Section::parse(text, *shift))
                })
                .collect();
            let parsed = parsed?;
            let mut ids = FxHashSet::default();
            if parsed.iter().flat_map(|s| &s.ids).all(|id| ids.insert(id)) {
                return Skeleton::of(&parsed, slots);
            }
        }
        Skeleton::of(&[Arc::new(Section::parse(markdown, shift)?)], slots)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known(paths: &[&str]) -> Uses {
        Uses::Known {
            used: paths.iter().map(|p| p.to_string()).collect(),
            named: Paths::default(),
            tested: Paths::default(),
        }
    }

    fn used(uses: Uses) -> Vec<String> {
        match uses {
            Uses::Known { used, .. } => {
                let mut paths: Vec<String> = used.exact.into_iter().collect();
                paths.sort();
                paths
            }
            Uses::Unknown => panic!("known"),
        }
    }

    #[test]
    fn printing_and_truth_tests_are_not_uses() {
        let t = "{% if provider.help_url and not pop3 %}See <{{ provider.help_url }}>.{% endif %}\
                 {{- incoming.host -}}{# {{ provider.name | upper }} #}{%- if (imap or pop3) -%}x{%- endif %}";
        let uses = analyze(t);
        for (path, seen) in [
            ("provider.help_url", true),
            ("provider", true),
            ("imap", true),
            ("imap.host", false),
            ("incoming", true),
            ("incoming.port", false),
            ("pop3", true),
            ("pop3.host", false),
            ("provider.name", false),
            ("smtp", false),
        ] {
            assert_eq!(uses.sees(path), seen, "{path}");
        }
        assert_eq!(used(uses), Vec::<String>::new());
    }

    #[test]
    fn comparisons_filters_loops_and_sets_are_uses() {
        let t = r#"{% if smtp.security_id == "starttls" %}{{ provider.name | upper }}{% endif %}
{% for d in provider.domains %}{{ d }}{% endfor %}{% set n = provider.short_name %}
{% if incoming.port is defined %}{{ imap.host ~ ":" ~ imap.port }}{% endif %}"#;
        let used = used(analyze(t));
        for path in [
            "smtp.security_id",
            "provider.name",
            "provider.domains",
            "provider.short_name",
            "incoming.port",
            "imap.host",
        ] {
            assert!(used.iter().any(|u| u == path), "{path} in {used:?}");
        }
        assert!(!known(&["provider.domains"]).allows("provider.domains"));
        assert!(!known(&["provider"]).allows("provider.name"), "a use of the whole map");
        assert!(known(&["provider.name"]).allows("provider.short_name"));
        assert!(known(&["provider.name"]).allows("provider.namex"));
    }

    #[test]
    fn what_is_not_read_is_unknown() {
        for t in [
            "{% include \"x\" %}",
            "{% macro m() %}{% endmacro %}",
            "{% filter upper %}{{ provider.name }}{% endfilter %}",
            "{% set x %}{{ provider.name }}{% endset %}",
            "{% raw %}{{ x }}{% endraw %}",
            "{{ <Card name=provider.name /> }}",
            "{{ provider.name ",
            "text mgslotaz",
            "{{ __tera_context }}",
        ] {
            assert_eq!(analyze(t), Uses::Unknown, "{t}");
        }
    }

    #[test]
    fn inert_strings() {
        for v in [
            "iCloud Mail",
            "imap.mail.me.com",
            "https://appleid.apple.com/",
            "SSL/TLS",
            "a",
            "user@example.com",
            "the part before the @",
            "x.",
        ] {
            assert!(inert(v), "{v}");
        }
        for v in [
            "", " x", "x ", "a  b", "Yahoo!", "O'Brien", "a_b", "x--y", "a...", "1. x", "2.x", "*x*", "a&b", "<x>",
            "x..", "mgslot",
        ] {
            assert!(!inert(v), "{v}");
        }
    }

    #[test]
    fn placeholders_read_back() {
        for i in [0, 1, 24, 25, 26, 624, 625, 10_000] {
            let token = placeholder(i, "x");
            assert_eq!(index_at(&token.as_bytes()[PREFIX.len()..]), Some(i), "{token}");
        }
        assert_eq!(placeholder(0, "https://x.example/"), "mgslotaz:x/");
        assert_eq!(placeholder(1, "imap.x.example"), "mgslotbz");
        assert_eq!(placeholder(2, "before the @"), "mgslotcz@");
    }

    /// Places for a string in a guide (`{0}`, `{1}`), and strings to put there: wherever a
    /// skeleton is shared, filling it must give exactly the HTML and steps of parsing the page's
    /// own Markdown. Fallbacks are always right; the test also asserts that the common places
    /// are shared.
    #[test]
    fn filled_skeletons_read_like_the_pages_own_markdown() {
        let places = [
            "Use `{0}` as the server.",
            "1. Enter **{0}** and *{1}*.\n2. Tap {0}'s \"Next\" -- then {1}...\n",
            "See [the {0} page](/{1}/) or <{1}>.",
            "Open <{0}> now.",
            "## Set up {0}\n\nText {1}.",
            "Table: {0} settings\n\n| A | B |\n|---|---|\n| {0} | `{1}` |\n",
            "{0}\n{1}",
            "{0} {1}\n===",
            "- {0}\n- {1}",
            "> {0}'s {1}\n",
            "```{0}\ncode {1}\n```",
            "[x]({0} \"{1}\")",
            "![{0}]({1})",
            "Text&{0}; and <{1} x>.",
            "*{0}*{1}_{0}_ **{1}**.",
            "{0}--{1}--",
            "Note[^1] {0}.\n\n[^1]: {1}",
            "[{0}]\n\n[{0}]: /x",
            "\t{0}",
            "{0}  \n{1}",
            "Trailing {0}/ and {1}@",
            // Sections: a heading line ends a paragraph, a list, a quote or a table.
            "Intro {0}.\n## Steps\n1. {1}\n2. Next\n## Table\n| a | b |\n|---|---|\n| {0} | x |\n# Last\n> {1}\n## Steps\ntext",
            "- {0}\n  ## Not a section\n- {1}\n### Section {{ x }}\nText *{0}\n## Cut* {1}",
            "{0}\n\n<div>\n## H\n</div>\n\n{1}\n",
            "Para {0}\n## A\n\n## A-2\n{1}\n## A\n#no heading\n#\n{0}",
        ];
        let values = [
            "iCloud Mail",
            "imap.mail.me.com",
            "https://appleid.apple.com/",
            "https://x.example/a b",
            "SSL/TLS",
            "the part before the @",
            "1x",
            "Mail 2.0",
            "x.",
            "a-b",
            "q",
            "mail:x",
            "user@example.com",
            "A+B=C?#%,",
        ];
        let mut shared = 0;
        for place in places {
            for a in values {
                for b in values {
                    let pair = [a, b];
                    let mut slots = Slots::default();
                    for (i, v) in pair.iter().enumerate() {
                        assert!(inert(v), "{v}");
                        slots.values.push(Some(Cow::Borrowed(*v)));
                        slots.placeholders.push(Some(placeholder(i, v)));
                    }
                    let fill = |with: &dyn Fn(usize) -> String| place.replace("{0}", &with(0)).replace("{1}", &with(1));
                    let real = fill(&|i| pair[i].to_string());
                    let skeleton = fill(&|i| placeholder(i, pair[i]).into_owned());
                    let Some(done) = Skeletons::default()
                        .parse(&skeleton, &slots, 1)
                        .and_then(|s| s.fill(&slots))
                    else {
                        continue;
                    };
                    assert_eq!(done, markdown::to_html_and_steps(&real, 1), "{place:?} with {pair:?}");
                    shared += 1;
                }
            }
        }
        // The places where a string is plain text, code or a link share most skeletons; the
        // others fall back.
        assert!(
            shared > places.len() * values.len() * values.len() / 2,
            "{shared} shared"
        );
        for place in [
            "## Set up {0}",
            "```{0}\n```",
            "Text&{0};",
            "\t{0}",
            "[{0}]\n\n[{0}]: /x",
        ] {
            let slots = Slots {
                values: vec![Some(Cow::Borrowed("q"))],
                placeholders: vec![Some(placeholder(0, "q"))],
            };
            let skeleton = place.replace("{0}", &placeholder(0, "q"));
            assert!(
                Skeletons::default().parse(&skeleton, &slots, 1).is_none(),
                "{place} is not shared"
            );
        }
    }
}
