//! The Tera that content may use: a subset whose work is bounded by the size of the text and of
//! the data it is rendered with, so that no guide, FAQ answer or page can make `build`, `check` or
//! `serve` run forever or eat the machine's memory.
//!
//! Why a subset rather than a budget: Tera 2.4 has no hook to count the work a template does, and
//! a Rust thread that renders cannot be stopped, so the only bound that holds on every machine,
//! whatever its load, is one known before rendering. Content needs little of Tera: guides insert
//! data (`{{ smtp.host }}`) and choose text by it (`{% if pop3 %}`). What makes work unbounded is
//! all elsewhere, and refused:
//! - function calls (`range(end=100000)` nested twice is 10^10 iterations), components and macros
//!   (recursion), `include`, `import` and `extends` (other templates, recursion);
//! - `set_global`, and `set` of anything but a name for data (`{% set s = s ~ s %}` doubles a
//!   string per step; `{% set host = incoming.host %}` is kept);
//! - a `for` loop inside another (each level multiplies the work); one level over data is kept;
//! - the `indent` filter (its width is an unbounded multiplier of the output).
//!
//! What is left renders in time linear in the text times the longest list in the data. The theme's
//! own templates are not content and may use all of Tera.

use memchr::memmem;

/// A piece of Tera in content that the subset does not allow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// Byte range of the offending tag or expression in the text.
    pub start: usize,
    pub end: usize,
    pub message: String,
    pub help: &'static str,
}

/// The tags content may use.
const TAGS: &[&str] = &[
    "if",
    "elif",
    "else",
    "endif",
    "for",
    "endfor",
    "break",
    "continue",
    "raw",
    "endraw",
    "filter",
    "endfilter",
    "set",
];

/// Tera's filters that content may use: all of its built-in ones but `indent`.
const FILTERS: &[&str] = &[
    "safe",
    "default",
    "upper",
    "lower",
    "wordcount",
    "escape",
    "escape_html",
    "escape_xml",
    "newlines_to_br",
    "pluralize",
    "trim",
    "trim_start",
    "trim_end",
    "replace",
    "capitalize",
    "title",
    "truncate",
    "str",
    "int",
    "float",
    "length",
    "reverse",
    "split",
    "abs",
    "round",
    "first",
    "last",
    "nth",
    "join",
    "sort",
    "unique",
    "get",
    "values",
    "keys",
    "pairs",
    "group_by",
];

const HELP: &str = "content may use {{ expressions }} with filters, {% if %} and one level of {% for %} over data; \
     see docs/content.md, \"What Tera content may use\"";

/// Every piece of `text` outside the subset, in order.
pub fn refusals(text: &str) -> Vec<Refusal> {
    let mut out = Vec::new();
    let mut loops: Vec<usize> = Vec::new();
    let mut raw = false;
    for piece in pieces(text) {
        let inner = &text[piece.inner.0..piece.inner.1];
        let refuse = |message: String| Refusal {
            start: piece.start,
            end: piece.end,
            message,
            help: HELP,
        };
        match piece.kind {
            Kind::Comment => {}
            Kind::Tag => {
                let keyword = inner
                    .split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
                    .next()
                    .unwrap_or("");
                if raw {
                    raw = keyword != "endraw";
                    continue;
                }
                // `{% <step n=1> %}...{% </step> %}`: a component called with a body.
                if inner.starts_with('<') {
                    out.push(refuse("components are not allowed in content".into()));
                    continue;
                }
                if !TAGS.contains(&keyword) {
                    out.push(refuse(format!("`{{% {keyword} %}}` is not allowed in content")));
                    continue;
                }
                match keyword {
                    "raw" => raw = true,
                    "set" if !is_alias(&inner[keyword.len()..]) => {
                        out.push(refuse(
                            "`{% set %}` may only give data a name in content (`{% set host = incoming.host %}`)"
                                .into(),
                        ));
                        continue;
                    }
                    "for" => {
                        if !loops.is_empty() {
                            out.push(refuse(
                                "a `{% for %}` loop inside another is not allowed in content".into(),
                            ));
                        }
                        loops.push(piece.start);
                    }
                    "endfor" => {
                        loops.pop();
                    }
                    _ => {}
                }
                out.extend(expression_refusals(&inner[keyword.len()..]).into_iter().map(refuse));
            }
            Kind::Expression if raw => {}
            Kind::Expression => {
                if inner.trim_start().starts_with('<') {
                    out.push(refuse("components are not allowed in content".into()));
                    continue;
                }
                out.extend(expression_refusals(inner).into_iter().map(refuse));
            }
        }
    }
    out
}

/// Whether a `set` tag's rest is `name = path.to.data`: a new name for data, which costs nothing
/// and cannot grow (an expression could double a string each time it is set).
fn is_alias(rest: &str) -> bool {
    let Some((name, value)) = rest.split_once('=') else {
        return false;
    };
    let word = |w: &str| {
        let w = w.trim();
        !w.is_empty()
            && w.split('.').all(|part| {
                !part.is_empty()
                    && part.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                    && !part.starts_with(|c: char| c.is_ascii_digit())
            })
    };
    word(name) && !name.contains('.') && word(value)
}

/// What an expression does that the subset does not allow: a function call, or a filter not in
/// [`FILTERS`].
fn expression_refusals(expr: &str) -> Vec<String> {
    let mut out = Vec::new();
    let bytes = expr.as_bytes();
    let mut i = 0;
    // The last token before the current identifier, to tell `| name(` (a filter) and
    // `is name(` (a test) from `name(` (a function).
    let mut after_pipe = false;
    let mut after_is = false;
    while i < bytes.len() {
        let c = bytes[i];
        if c == b'"' || c == b'\'' || c == b'`' {
            // A string literal: skip to its closing quote.
            i += 1;
            while i < bytes.len() && bytes[i] != c {
                i += 1 + usize::from(bytes[i] == b'\\');
            }
            i += 1;
            after_pipe = false;
            after_is = false;
            continue;
        }
        if c.is_ascii_alphabetic() || c == b'_' {
            let start = i;
            while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_' || bytes[i] == b'.') {
                i += 1;
            }
            let name = &expr[start..i];
            let mut j = i;
            while j < bytes.len() && bytes[j].is_ascii_whitespace() {
                j += 1;
            }
            let called = bytes.get(j) == Some(&b'(');
            if after_pipe {
                if !FILTERS.contains(&name) {
                    out.push(format!("the filter `{name}` is not allowed in content"));
                }
            } else if called && !after_is {
                out.push(format!("the function call `{name}(...)` is not allowed in content"));
            }
            after_is = name == "is" || (after_is && name == "not");
            after_pipe = false;
            continue;
        }
        if !c.is_ascii_whitespace() {
            after_pipe = c == b'|';
            after_is = false;
        }
        i += 1;
    }
    out
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Expression,
    Tag,
    Comment,
}

/// A Tera piece: `{{ ... }}`, `{% ... %}` or `{# ... #}`, with the range inside its delimiters
/// and whitespace control.
#[derive(Debug)]
struct Piece {
    start: usize,
    end: usize,
    inner: (usize, usize),
    kind: Kind,
}

/// The Tera pieces of `text`, in order. An unclosed piece runs to the end of the text (Tera's
/// own parser reports it).
fn pieces(text: &str) -> Vec<Piece> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(at) = memchr::memchr(b'{', &bytes[from..]).map(|i| from + i) {
        let (close, kind) = match bytes.get(at + 1) {
            Some(b'{') => ("}}", Kind::Expression),
            Some(b'%') => ("%}", Kind::Tag),
            Some(b'#') => ("#}", Kind::Comment),
            _ => {
                from = at + 1;
                continue;
            }
        };
        let body = at + 2;
        // An unclosed tag runs to the end of the text; its inner part then ends there too (not two
        // bytes before, which could fall inside a multi-byte character).
        let (end, inner_end) = match memmem::find(&bytes[body..], close.as_bytes()) {
            Some(e) => (body + e + 2, body + e),
            None => (text.len(), text.len().max(body)),
        };
        let mut inner = (body.min(text.len()), inner_end);
        if bytes.get(inner.0) == Some(&b'-') {
            inner.0 += 1;
        }
        if inner.1 > inner.0 && bytes[inner.1 - 1] == b'-' {
            inner.1 -= 1;
        }
        let trimmed = text[inner.0..inner.1].trim_start();
        inner.0 = inner.1 - trimmed.len();
        out.push(Piece {
            start: at,
            end,
            inner,
            kind,
        });
        from = end;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn messages(text: &str) -> Vec<String> {
        refusals(text).into_iter().map(|r| r.message).collect()
    }

    #[test]
    fn what_guides_write_is_allowed() {
        let guide = "{% if pop3 %}Use `{{ pop3.host }}`, port {{ pop3.port }}.{% elif imap -%}\n\
                     {{ imap.host | upper }}{% else %}none{% endif %}\n\
                     {% for d in provider.domains %}{{ d ~ \", \" }}{% endfor %}\n\
                     {{ provider.name | replace(from=\"a\", to=\"b\") }}{% if x is defined %}{% endif %}\n\
                     {% if x is not starting_with(\"a\") %}{% endif %}{# {{ range(end=9) }} #}\n\
                     {% raw %}{% set x = range(end=5) %}{% endraw %}{% set host = incoming.host %}";
        assert_eq!(messages(guide), Vec::<String>::new());
    }

    #[test]
    fn unbounded_constructs_are_refused_where_they_stand() {
        let text = "a {% for a in range(end=100000) %}{% for b in range(end=100000) %}x{% endfor %}{% endfor %}";
        let found = refusals(text);
        assert_eq!(found.len(), 3, "{found:?}");
        assert_eq!(
            found[0].message,
            "the function call `range(...)` is not allowed in content"
        );
        assert_eq!(found[0].start, 2);
        assert!(found[1].message.contains("inside another"));
        for (text, message) in [
            (
                "{% set_global s = s ~ s %}",
                "`{% set_global %}` is not allowed in content",
            ),
            (
                "{% set s = s ~ s %}",
                "`{% set %}` may only give data a name in content (`{% set host = incoming.host %}`)",
            ),
            (
                "{% set s %}x{% endset %}",
                "`{% set %}` may only give data a name in content (`{% set host = incoming.host %}`)",
            ),
            ("{% include \"x\" %}", "`{% include %}` is not allowed in content"),
            (
                "{% macro m() %}{% endmacro %}",
                "`{% macro %}` is not allowed in content",
            ),
            ("{{ <Card /> }}", "components are not allowed in content"),
            ("{% <card> %}x{% </card> %}", "components are not allowed in content"),
            (
                "{{ x | indent(width=99999999) }}",
                "the filter `indent` is not allowed in content",
            ),
            ("{{ now() }}", "the function call `now(...)` is not allowed in content"),
        ] {
            assert_eq!(messages(text).first().map(String::as_str), Some(message), "{text}");
        }
    }

    /// Found by the fuzzer: an unclosed tag whose text ends in a multi-byte character.
    #[test]
    fn an_unclosed_tag_ending_in_a_multibyte_character_is_scanned() {
        for text in ["{% if a é", "{{ ü", "{#ö", "{%-"] {
            let pieces = pieces(text);
            assert_eq!(pieces.len(), 1, "{text}");
            assert_eq!(pieces[0].end, text.len(), "{text}");
        }
    }

    #[test]
    fn strings_and_whitespace_control_do_not_confuse_it() {
        assert_eq!(
            messages("{{- \"range(end=5)\" | lower -}}{%- if a -%}{%- endif -%}"),
            Vec::<String>::new()
        );
        assert_eq!(messages("{ not tera } {{ unclosed"), Vec::<String>::new());
    }
}
