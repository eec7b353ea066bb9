//! Minified pages must read exactly like unminified ones: the same elements with the same
//! attributes, the same text in the same places, preformatted text byte for byte. Only
//! whitespace a browser does not show may go. Checked on every page of the bundled site, built
//! with `minify: off`, the default `whitespace` and `full`.

use crate::common;

use common::*;
use scraper::{ElementRef, Html, Node};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Builds a copy of the bundled site with `minify: <mode>` and returns (temp dir, output).
fn build_with(mode: &str) -> (tempfile::TempDir, PathBuf) {
    let site = bundled_copy();
    let config = std::fs::read_to_string(site.path().join("site.yaml")).expect("site.yaml");
    std::fs::write(site.path().join("site.yaml"), format!("{config}minify: {mode}\n")).expect("write site.yaml");
    let out = site.path().join("public");
    let o = build(site.path(), &out, &[]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    (site, out)
}

/// Elements at whose edges a browser shows no whitespace (the theme's and Markdown's blocks).
const BLOCKS: &[&str] = &[
    "html",
    "head",
    "body",
    "title",
    "meta",
    "link",
    "script",
    "style",
    "noscript",
    "div",
    "p",
    "ul",
    "ol",
    "li",
    "dl",
    "dt",
    "dd",
    "table",
    "caption",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "section",
    "nav",
    "header",
    "footer",
    "main",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "details",
    "summary",
    "form",
    "pre",
    "br",
    "hr",
    "blockquote",
    "article",
    "aside",
    "figure",
    "figcaption",
    "address",
    "fieldset",
    "legend",
    "tfoot",
    "colgroup",
    "col",
];

/// What a reader gets from a page: each element with its attributes, and the text between them
/// with whitespace folded the way a browser folds it: a run is one space, and none is shown at
/// a block's edge. Text in `pre`, `script` and `style` is kept as it is.
fn reading(doc: &Html) -> Vec<String> {
    struct Reader {
        out: Vec<String>,
        text: String,
        /// Whether the last element boundary was a block's.
        after_block: bool,
    }
    impl Reader {
        fn boundary(&mut self, block: bool) {
            let folded = self.text.split_whitespace().collect::<Vec<_>>().join(" ");
            let starts = self.text.starts_with(char::is_whitespace) && !self.after_block;
            let ends = self.text.ends_with(char::is_whitespace) && !block;
            if folded.is_empty() {
                if starts && ends {
                    self.out.push("text  ".into());
                }
            } else {
                let lead = if starts { " " } else { "" };
                let trail = if ends { " " } else { "" };
                self.out.push(format!("text {lead}{folded}{trail}"));
            }
            self.text.clear();
            self.after_block = block;
        }

        fn walk(&mut self, el: ElementRef) {
            let name = el.value().name();
            let block = BLOCKS.contains(&name);
            self.boundary(block);
            // Minified style sheets are published under another fingerprint.
            let attrs: BTreeMap<&str, String> = el
                .value()
                .attrs()
                .map(|(k, v)| match (k, v.strip_prefix("/static/style.")) {
                    ("href", Some(rest)) if rest.ends_with(".css") => (k, "/static/style.css".to_string()),
                    _ => (k, v.to_string()),
                })
                .collect();
            self.out.push(format!("<{name} {attrs:?}>"));
            for child in el.children() {
                match child.value() {
                    Node::Text(t) if matches!(name, "pre" | "script" | "style") => {
                        self.out.push(format!("raw {:?}", &**t));
                    }
                    Node::Text(t) => self.text.push_str(t),
                    Node::Element(_) => self.walk(ElementRef::wrap(child).expect("an element node")),
                    _ => {}
                }
            }
            self.boundary(block);
            self.out.push(format!("</{name}>"));
        }
    }
    let mut reader = Reader {
        out: Vec::new(),
        text: String::new(),
        after_block: true,
    };
    reader.walk(doc.root_element());
    reader.out
}

fn read(out: &Path, rel: &str) -> String {
    std::fs::read_to_string(out.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

#[test]
fn minified_pages_read_like_unminified_ones_and_are_smaller() {
    let (_a, off) = build_with("off");
    let (_b, whitespace) = build_with("whitespace");
    let (_c, full) = build_with("full");
    let pages = html_pages(&off);
    assert!(pages.len() > 50, "the bundled site has its pages: {pages:?}");
    assert_eq!(pages, html_pages(&whitespace));
    let (mut off_bytes, mut ws_bytes, mut full_bytes) = (0, 0, 0);
    for rel in &pages {
        let (raw, small, smallest) = (read(&off, rel), read(&whitespace, rel), read(&full, rel));
        let (before, after) = (
            reading(&Html::parse_document(&raw)),
            reading(&Html::parse_document(&small)),
        );
        if let Some(i) = (0..before.len().max(after.len())).find(|&i| before.get(i) != after.get(i)) {
            panic!(
                "{rel}: minifying changed what a reader sees, after {:?}:\n  unminified: {:?}\n  minified:   {:?}",
                &before[i.saturating_sub(2)..i],
                before.get(i),
                after.get(i)
            );
        }
        assert!(
            !small.contains(">\n") && !small.contains("\n<"),
            "{rel}: a line break between tags is left"
        );
        off_bytes += raw.len();
        ws_bytes += small.len();
        full_bytes += smallest.len();
    }
    // The templates are written compactly, so whitespace is a small share of a page; the full
    // minifier takes only a few percent more.
    eprintln!("bytes: off {off_bytes}, whitespace {ws_bytes}, full {full_bytes}");
    assert!(ws_bytes < off_bytes, "whitespace: {ws_bytes} of {off_bytes} bytes");
    assert!(full_bytes < ws_bytes, "full: {full_bytes}, whitespace: {ws_bytes}");
    assert!(
        ws_bytes * 100 < full_bytes * 106,
        "whitespace: {ws_bytes}, full: {full_bytes}"
    );
}

#[test]
fn an_unknown_minify_mode_is_an_error_at_its_line() {
    let site = bundled_copy();
    let config = std::fs::read_to_string(site.path().join("site.yaml")).expect("site.yaml");
    let line = config.lines().count() + 1;
    std::fs::write(site.path().join("site.yaml"), format!("{config}minify: tiny\n")).expect("write site.yaml");
    let o = mailguide(&["check", "--root", site.path().to_str().expect("UTF-8 path")]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success());
    assert!(stderr.contains(&format!("site.yaml:{line}")), "{stderr}");
    assert!(
        stderr.contains("whitespace"),
        "the message names the accepted values: {stderr}"
    );
}
