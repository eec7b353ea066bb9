//! Minify: take out of a rendered page what a browser does not show.
//!
//! [`Minify::Whitespace`], the default, is one pass over the bytes: whitespace between a block
//! element and its neighbours goes, other runs of whitespace in text become one space, comments
//! go, whitespace inside tags is collapsed; `<pre>`, `<textarea>`, `<script>` and `<style>` keep
//! their contents byte for byte, and so do attribute values. It is as fast as copying the page,
//! and it saves nearly as much as a full minifier on the pages mailguide renders: their templates
//! are written compactly and their data is escaped text.
//!
//! [`Minify::Full`] runs minify-html on every page as well (it also drops attribute quotes and
//! redundant attributes): a few more bytes saved for about twice the build time.
//!
//! Whitespace is dropped only where CSS's normal white-space handling would drop it anyway: at
//! the edges of block-level boxes. Between inline elements (`</a> <a>`) it stays, as one space.

use crate::model::Minify;

/// Minifies one file in place if it is an HTML page, as `mode` says.
pub fn minify(mode: Minify, path: &str, bytes: &mut Vec<u8>) {
    if !path.ends_with(".html") {
        return;
    }
    match mode {
        Minify::Off => {}
        Minify::Whitespace => *bytes = compact(bytes),
        Minify::Full => *bytes = minify_html::minify(&compact(bytes), &full_cfg()),
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

/// Byte classes for the scanner: whitespace, `<`, quotes, `>`, and everything else (0).
const SPACE: u8 = 1;
const OPEN: u8 = 2;
const QUOTE: u8 = 3;
const CLOSE: u8 = 4;
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
    class
};

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
/// quoted values are copied as they are.
fn push_tag(out: &mut Vec<u8>, input: &[u8], from: usize) -> usize {
    let mut i = from;
    let mut run = from;
    while i < input.len() {
        match CLASS[input[i] as usize] {
            QUOTE => {
                let quote = input[i];
                i = memchr::memchr(quote, &input[i + 1..]).map_or(input.len(), |at| i + 1 + at + 1);
            }
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
            _ => i += 1,
        }
    }
    out.extend_from_slice(&input[run..]);
    input.len()
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

/// Where the text that starts at `from` (not whitespace, not a tag) ends: at a `<`, or at
/// whitespace other than one space between two words. Single spaces are copied with the words.
fn text_end(input: &[u8], from: usize) -> usize {
    let mut i = from + 1;
    while i < input.len() {
        match CLASS[input[i] as usize] {
            OPEN => return i,
            SPACE => {
                let next = input.get(i + 1).map_or(OPEN, |&b| CLASS[b as usize]);
                if input[i] != b' ' || next == SPACE || next == OPEN {
                    return i;
                }
                i += 2;
            }
            _ => i += 1,
        }
    }
    input.len()
}

/// Removes whitespace a browser does not show and comments, in one pass (see the module docs).
pub fn compact(input: &[u8]) -> Vec<u8> {
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
            let end = text_end(input, i);
            out.extend_from_slice(&input[i..end]);
            i = end;
            after_block = false;
            continue;
        }
        if input[i..].starts_with(b"<!--") {
            // A comment is dropped; the whitespace around it counts as one run.
            i = memchr::memmem::find(&input[i + 4..], b"-->").map_or(input.len(), |at| i + 4 + at + 3);
            continue;
        }
        let (name, len, closing) = tag_name(&input[i..]);
        let name = &name[..len];
        let block = is_block(name);
        if pending && !block && !after_block {
            out.push(b' ');
        }
        pending = false;
        let end = push_tag(&mut out, input, i);
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
    use super::compact;

    fn c(html: &str) -> String {
        String::from_utf8(compact(html.as_bytes())).expect("compact keeps UTF-8: it only removes ASCII bytes")
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
}
