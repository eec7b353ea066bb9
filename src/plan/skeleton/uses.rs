//! What a template does with its variables, read from its source: which provider strings may
//! become placeholders, and which variables it can see at all.

use super::holds_prefix;
use crate::model::Client;
use crate::plan::prose::PATHS;
use rustc_hash::FxHashSet;

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
    match holds_prefix(&words) {
        true => Uses::Unknown,
        false => analyze(template),
    }
}

/// What [`Uses`] says of each variable path of [`PATHS`], as tables: every string of every
/// guide page asks.
#[derive(Debug, Clone)]
pub struct Mask {
    pub(super) known: bool,
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
    if holds_prefix(template) {
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
}
