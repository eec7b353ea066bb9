//! Minify: take out of HTML what a browser does not show.
//!
//! [`compact`] is one pass over the bytes: whitespace between a block element and its neighbours
//! goes, other runs of whitespace in text become one space, comments go, whitespace inside tags
//! is collapsed; `<pre>`, `<textarea>`, `<script>` and `<style>` keep their contents byte for
//! byte, and so do attribute values. Whitespace is dropped only where CSS's normal white-space
//! handling would drop it anyway: at the edges of block-level boxes. Between inline elements
//! (`</a> <a>`) it stays, as one space.
//!
//! A page's whitespace comes from the theme's templates and from the Markdown renderer, so that
//! is where it is removed, once: [`compact_template`] compacts a Tera template when the theme is
//! loaded (`minify: whitespace`, the default), and the Markdown renderer compacts what it writes.
//! Pages then need no pass of their own. [`Minify::Full`] runs minify-html on every page as well
//! (it also drops attribute quotes and redundant attributes): a few more bytes saved for about
//! twice the build time.

use crate::model::Minify;

/// Minifies one rendered file in place if it is an HTML page and `mode` asks for more than the
/// compacted templates give (see the module docs).
pub fn minify(mode: Minify, path: &str, bytes: &mut Vec<u8>) {
    if mode == Minify::Full && path.ends_with(".html") {
        *bytes = minify_html::minify(bytes, &full_cfg());
    }
}

/// Minifies a style sheet with the CSS minifier minify-html carries (lightningcss): the sheet is
/// wrapped in a `<style>` element, minified, and unwrapped. A sheet the minifier cannot parse
/// comes back as written.
pub fn minify_css(css: &[u8]) -> Vec<u8> {
    let mut doc = Vec::with_capacity(css.len() + 15);
    doc.extend_from_slice(b"<style>");
    doc.extend_from_slice(css);
    doc.extend_from_slice(b"</style>");
    let mut cfg = minify_html::Cfg::new();
    cfg.minify_css = true;
    let out = minify_html::minify(&doc, &cfg);
    match out
        .strip_prefix(b"<style>")
        .and_then(|rest| rest.strip_suffix(b"</style>"))
    {
        Some(sheet) if !sheet.is_empty() || css.trim_ascii().is_empty() => sheet.to_vec(),
        _ => css.to_vec(),
    }
}

fn full_cfg() -> minify_html::Cfg {
    let mut cfg = minify_html::Cfg::new();
    // Pages carry no inline script and one tiny inline style that the theme writes compactly.
    cfg.minify_css = false;
    cfg.minify_js = false;
    // Validators and some readers' tools expect them.
    cfg.keep_closing_tags = true;
    cfg.keep_html_and_head_opening_tags = true;
    cfg
}

/// Elements around which whitespace is never shown: block-level boxes and what lives in `<head>`.
fn is_block(name: &[u8]) -> bool {
    matches!(
        name,
        b"!doctype"
            | b"address"
            | b"article"
            | b"aside"
            | b"base"
            | b"blockquote"
            | b"body"
            | b"br"
            | b"caption"
            | b"col"
            | b"colgroup"
            | b"dd"
            | b"details"
            | b"dialog"
            | b"div"
            | b"dl"
            | b"dt"
            | b"fieldset"
            | b"figcaption"
            | b"figure"
            | b"footer"
            | b"form"
            | b"h1"
            | b"h2"
            | b"h3"
            | b"h4"
            | b"h5"
            | b"h6"
            | b"head"
            | b"header"
            | b"hr"
            | b"html"
            | b"legend"
            | b"li"
            | b"link"
            | b"main"
            | b"meta"
            | b"nav"
            | b"noscript"
            | b"ol"
            | b"optgroup"
            | b"option"
            | b"p"
            | b"pre"
            | b"script"
            | b"section"
            | b"style"
            | b"summary"
            | b"table"
            | b"tbody"
            | b"td"
            | b"template"
            | b"tfoot"
            | b"th"
            | b"thead"
            | b"title"
            | b"tr"
            | b"ul"
    )
}

/// Elements whose contents are kept exactly as written.
fn is_raw(name: &[u8]) -> bool {
    matches!(name, b"pre" | b"textarea" | b"script" | b"style")
}

/// Byte classes for the scanner: whitespace, `<`, quotes, `>`, `{` (which may open a Tera tag
/// in a template), and everything else (0).
const SPACE: u8 = 1;
const OPEN: u8 = 2;
const QUOTE: u8 = 3;
const CLOSE: u8 = 4;
const BRACE: u8 = 5;
static CLASS: [u8; 256] = {
    let mut class = [0u8; 256];
    class[b' ' as usize] = SPACE;
    class[b'\t' as usize] = SPACE;
    class[b'\n' as usize] = SPACE;
    class[b'\r' as usize] = SPACE;
    class[0x0c] = SPACE;
    class[b'<' as usize] = OPEN;
    class[b'"' as usize] = QUOTE;
    class[b'\'' as usize] = QUOTE;
    class[b'>' as usize] = CLOSE;
    class[b'{' as usize] = BRACE;
    class
};

/// In a template, where the Tera tag (`{{ }}`, `{% %}`, `{# #}`) that starts at `at` ends.
fn tera_tag_end(input: &[u8], at: usize, template: bool) -> Option<usize> {
    if !template || input[at] != b'{' {
        return None;
    }
    let close: &[u8] = match input.get(at + 1)? {
        b'{' => b"}}",
        b'%' => b"%}",
        b'#' => b"#}",
        _ => return None,
    };
    Some(memchr::memmem::find(&input[at + 2..], close).map_or(input.len(), |end| at + 2 + end + 2))
}

fn is_space(b: u8) -> bool {
    CLASS[b as usize] == SPACE
}

/// The lowercase name of the tag that starts at `tag[0] == b'<'`, and whether it is a closing
/// tag. Names longer than any known element are cut: they are neither block nor raw.
fn tag_name(tag: &[u8]) -> ([u8; 12], usize, bool) {
    let closing = tag.get(1) == Some(&b'/');
    let start = if closing { 2 } else { 1 };
    let mut name = [0u8; 12];
    let mut len = 0;
    for &b in tag.iter().skip(start) {
        if is_space(b) || b == b'>' || b == b'/' || len == name.len() {
            break;
        }
        name[len] = b.to_ascii_lowercase();
        len += 1;
    }
    (name, len, closing)
}

/// Copies the tag that starts at `input[from] == b'<'` and returns where it ends (after its
/// `>`). Whitespace between attributes becomes one space, whitespace before the `>` goes, and
/// quoted values (and in a template, Tera tags) are copied as they are.
fn push_tag(out: &mut Vec<u8>, input: &[u8], from: usize, template: bool) -> usize {
    let mut i = from;
    let mut run = from;
    while i < input.len() {
        match CLASS[input[i] as usize] {
            QUOTE => i = quoted_end(input, i, template),
            CLOSE => {
                out.extend_from_slice(&input[run..=i]);
                return i + 1;
            }
            SPACE => {
                out.extend_from_slice(&input[run..i]);
                while i < input.len() && is_space(input[i]) {
                    i += 1;
                }
                if input.get(i) != Some(&b'>') {
                    out.push(b' ');
                }
                run = i;
            }
            BRACE => i = tera_tag_end(input, i, template).unwrap_or(i + 1),
            _ => i += 1,
        }
    }
    out.extend_from_slice(&input[run..]);
    input.len()
}

/// Where the quoted value that starts at `input[at]` (its quote) ends, after the closing quote.
/// In a template, a quote inside a Tera tag (`{{ assets["a.css"] }}`) does not close it.
fn quoted_end(input: &[u8], at: usize, template: bool) -> usize {
    let quote = input[at];
    let mut i = at + 1;
    loop {
        let next = if template {
            memchr::memchr2(quote, b'{', &input[i..])
        } else {
            memchr::memchr(quote, &input[i..])
        };
        let Some(off) = next else { return input.len() };
        i += off;
        if input[i] == quote {
            return i + 1;
        }
        i = tera_tag_end(input, i, template).unwrap_or(i + 1);
    }
}

/// Where the first `</name` (any case) at or after `from` starts, or the end of the input.
fn find_close(input: &[u8], from: usize, name: &[u8]) -> usize {
    let mut i = from;
    while let Some(off) = memchr::memchr(b'<', &input[i..]) {
        let at = i + off;
        let rest = &input[at..];
        if rest.len() > name.len() + 1 && rest[1] == b'/' && rest[2..2 + name.len()].eq_ignore_ascii_case(name) {
            return at;
        }
        i = at + 1;
    }
    input.len()
}

/// Where the text that starts at `from` (not whitespace, not a tag) ends: at a `<`, at
/// whitespace other than one space between two words, or in a template at a Tera tag. Single
/// spaces are copied with the words.
fn text_end(input: &[u8], from: usize, template: bool) -> usize {
    let mut i = from + 1;
    while i < input.len() {
        match CLASS[input[i] as usize] {
            OPEN => return i,
            SPACE => {
                let next = input.get(i + 1).map_or(OPEN, |&b| CLASS[b as usize]);
                if input[i] != b' ' || next == SPACE || next == OPEN || (template && next == BRACE) {
                    return i;
                }
                i += 2;
            }
            BRACE if tera_tag_end(input, i, template).is_some() => return i,
            _ => i += 1,
        }
    }
    input.len()
}

/// Removes whitespace a browser does not show and comments from HTML, in one pass (see the
/// module docs).
pub fn compact(html: &str) -> String {
    text(compact_source(html.as_bytes(), false))
}

/// [`compact`] for a Tera template of HTML, before it is compiled. Tera tags are copied as they
/// are and count as words: whitespace next to one stays (as one space) unless a block element's
/// tag is on its other side, where whitespace never shows whatever the tag renders to. A comment
/// that holds a Tera tag is kept, so no `{% if %}` loses its `{% endif %}`.
pub fn compact_template(template: &str) -> String {
    text(compact_source(template.as_bytes(), true))
}

/// The compacted bytes of a text as text.
fn text(bytes: Vec<u8>) -> String {
    // Only ASCII whitespace is removed or added, always between whole UTF-8 sequences.
    String::from_utf8(bytes).expect("compacting keeps UTF-8 valid")
}

fn compact_source(input: &[u8], template: bool) -> Vec<u8> {
    let mut out = Vec::with_capacity(input.len());
    // Whitespace seen since the last byte written, not yet written.
    let mut pending = false;
    // Whether the last thing written was a block element's tag (or nothing yet).
    let mut after_block = true;
    let mut i = 0;
    while i < input.len() {
        let b = input[i];
        if is_space(b) {
            pending = true;
            i += 1;
            continue;
        }
        let is_tag = b == b'<'
            && input
                .get(i + 1)
                .is_some_and(|&c| c.is_ascii_alphabetic() || c == b'/' || c == b'!');
        if !is_tag {
            if pending && !after_block {
                out.push(b' ');
            }
            pending = false;
            let end = tera_tag_end(input, i, template).unwrap_or_else(|| text_end(input, i, template));
            out.extend_from_slice(&input[i..end]);
            i = end;
            after_block = false;
            continue;
        }
        if input[i..].starts_with(b"<!--") {
            let end = memchr::memmem::find(&input[i + 4..], b"-->").map_or(input.len(), |at| i + 4 + at + 3);
            let comment = &input[i..end];
            if template
                && (memchr::memmem::find(comment, b"{%").is_some()
                    || memchr::memmem::find(comment, b"{{").is_some()
                    || memchr::memmem::find(comment, b"{#").is_some())
            {
                if pending && !after_block {
                    out.push(b' ');
                }
                pending = false;
                out.extend_from_slice(comment);
                after_block = false;
            }
            // Otherwise the comment is dropped; the whitespace around it counts as one run.
            i = end;
            continue;
        }
        let (name, len, closing) = tag_name(&input[i..]);
        let name = &name[..len];
        let block = is_block(name);
        if pending && !block && !after_block {
            out.push(b' ');
        }
        pending = false;
        let end = push_tag(&mut out, input, i, template);
        after_block = block;
        i = end;
        if !closing && is_raw(name) && !out.ends_with(b"/>") {
            let close = find_close(input, i, name);
            out.extend_from_slice(&input[i..close]);
            after_block = false;
            i = close;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{compact, compact_template};

    fn c(html: &str) -> String {
        compact(html)
    }

    #[test]
    fn whitespace_around_blocks_goes() {
        assert_eq!(
            c(
                "<!DOCTYPE html>\n<html>\n<head>\n<title> A </title>\n</head>\n<body>\n<ul>\n  <li>one</li>\n  <li>two</li>\n</ul>\n</body>\n</html>\n"
            ),
            "<!DOCTYPE html><html><head><title>A</title></head><body><ul><li>one</li><li>two</li></ul></body></html>"
        );
    }

    #[test]
    fn whitespace_between_inline_elements_and_words_stays_as_one_space() {
        assert_eq!(
            c("<p>Use   <code>imap.mail.me.com</code>\nand <a href=\"/x/\">port</a> <strong>993</strong>.</p>"),
            "<p>Use <code>imap.mail.me.com</code> and <a href=\"/x/\">port</a> <strong>993</strong>.</p>"
        );
    }

    #[test]
    fn preformatted_text_scripts_and_attribute_values_are_kept() {
        let pre = "<pre><code>a\n  b   c\n</code></pre>";
        assert_eq!(c(&format!("<div>\n{pre}\n</div>")), format!("<div>{pre}</div>"));
        let script = "<script type=\"application/ld+json\">{\"a\":  \"b <c>\"}</script>";
        assert_eq!(c(script), script);
        assert_eq!(
            c("<a\n  title=\"two  spaces\"\n  href='/a b/' >x</a>"),
            "<a title=\"two  spaces\" href='/a b/'>x</a>"
        );
        assert_eq!(c("<TEXTAREA>\n x </textarea >"), "<TEXTAREA>\n x </textarea>");
    }

    #[test]
    fn comments_go_and_text_that_is_not_a_tag_stays() {
        assert_eq!(c("<p>a <!-- note --> b</p>"), "<p>a b</p>");
        assert_eq!(c("<p>1 < 2 &lt; 3</p>"), "<p>1 < 2 &lt; 3</p>");
        assert_eq!(c("<p>unterminated <!-- x"), "<p>unterminated");
    }

    #[test]
    fn non_ascii_text_is_untouched() {
        assert_eq!(
            c("<p>Einstellungen für  GMX – „Posteingang“</p>\n"),
            "<p>Einstellungen für GMX – „Posteingang“</p>"
        );
    }

    #[test]
    fn templates_keep_their_tera_tags_as_written() {
        let t = "<ul>\n{% for c in site.clients %}<li><a href=\"{{ c.url }}\"{% if c.url == page.url %} aria-current=\"page\"{% endif %}>{{ c.name }}</a></li>\n{% endfor %}</ul>\n";
        assert_eq!(
            compact_template(t),
            "<ul>{% for c in site.clients %}<li><a href=\"{{ c.url }}\"{% if c.url == page.url %} aria-current=\"page\"{% endif %}>{{ c.name }}</a></li>{% endfor %}</ul>"
        );
        // A quote inside a Tera tag does not end the attribute value; spaces in a string stay.
        let t = "<link rel=\"stylesheet\"\n  href=\"{{ assets[\"style.css\"] }}\">\n<p>{{ \"a  b\" }}   {{ x | replace(from=\"  \", to=\" \") }}</p>";
        assert_eq!(
            compact_template(t),
            "<link rel=\"stylesheet\" href=\"{{ assets[\"style.css\"] }}\"><p>{{ \"a  b\" }} {{ x | replace(from=\"  \", to=\" \") }}</p>"
        );
    }

    #[test]
    fn whitespace_next_to_a_tera_tag_stays_unless_a_block_is_on_the_other_side() {
        // `{% if %}` may render nothing: "word" and "more" must stay apart.
        assert_eq!(
            compact_template("<p>word\n{% if x %}<b>bold</b>{% endif %}\nmore</p>"),
            "<p>word {% if x %}<b>bold</b>{% endif %} more</p>"
        );
        assert_eq!(
            compact_template("<div>\n  {% if x %}\n  <p>a</p>\n  {% endif %}\n</div>"),
            "<div>{% if x %}<p>a</p>{% endif %}</div>"
        );
    }

    #[test]
    fn a_comment_holding_a_tera_tag_is_kept() {
        assert_eq!(
            compact_template("<!-- {% if debug %} -->x<!-- {% endif %} --> <!-- plain -->"),
            "<!-- {% if debug %} -->x<!-- {% endif %} -->"
        );
    }
}
