//! Markdown files with optional YAML front matter between `---` lines.

use crate::diagnostics::{Diagnostic, Location};
use crate::model::{FrontMatter, Guide, Source};

/// Splits front matter from the body and parses it. The body keeps its first line number so
/// template errors inside it map back to the file. Front matter nested deeper than
/// `max_depth` is an error, as in any YAML file.
pub fn parse_guide(source: Source, max_depth: usize) -> Result<Guide, Diagnostic> {
    let text: &str = &source.text;
    let (front, body, body_line) = match split_front_matter(text) {
        Some((yaml, body, body_line)) => {
            let front: FrontMatter = if yaml.trim().is_empty() {
                FrontMatter::default()
            } else {
                super::yaml::parse(&source.path, yaml, 1, max_depth)?
            };
            (front, body.to_string(), body_line)
        }
        None => {
            if text.starts_with("---") {
                return Err(
                    Diagnostic::error("markdown-front-matter", "the front matter is not closed")
                        .at(Location::new(&source.path, 1, 1).with_len(3))
                        .help("end the front matter with a line of three dashes: ---"),
                );
            }
            (FrontMatter::default(), text.to_string(), 1)
        }
    };
    Ok(Guide {
        front,
        body,
        body_line,
        source,
    })
}

/// Returns (front matter YAML, body, body's first line) when the text opens with `---`.
fn split_front_matter(text: &str) -> Option<(&str, &str, usize)> {
    let rest = text.strip_prefix("---\n").or_else(|| text.strip_prefix("---\r\n"))?;
    let mut offset = 0;
    for (i, line) in rest.split_inclusive('\n').enumerate() {
        if line.trim_end() == "---" {
            let yaml = &rest[..offset];
            let body = &rest[offset + line.len()..];
            // Line 1 is the opening ---, the YAML starts on line 2, the closing --- is on line i+2.
            return Some((yaml, body, i + 3));
        }
        offset += line.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::split_front_matter;

    #[test]
    fn body_line_counts_the_front_matter() {
        let (yaml, body, line) = split_front_matter("---\ntitle: A\n---\nHello\n").unwrap();
        assert_eq!(yaml, "title: A\n");
        assert_eq!(body, "Hello\n");
        assert_eq!(line, 4);
    }
}
