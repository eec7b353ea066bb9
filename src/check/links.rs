//! Links: every internal link in the prose goes to a page the site will have, and every
//! `#anchor` to an id on that page.
//!
//! A broken link is invisible to the editor and only found by a reader. A link is checked
//! against the [`Plan`]: its page must be planned, and its `#anchor` one of the ids the plan
//! says that page will carry ([`Plan::anchors`]). Links to files (a last segment with an
//! extension, such as `/sitemap.xml`) and to other sites are not checked here.

use super::Context;
use super::text::{Kind, Piece, tera_pieces};
use crate::diagnostics::Diagnostic;
use crate::model::Site;
use crate::plan::{PageId, Plan};
use pulldown_cmark::{Event, Options, Parser, Tag};

pub fn check(cx: &Context) -> Vec<Diagnostic> {
    let site = cx.site;
    let planned = Planned { site, plan: cx.plan };
    let mut out = Vec::new();
    for piece in cx.pieces() {
        for link in find_links(&piece.text.body) {
            check_link(&planned, piece, &link, &mut out);
        }
    }
    // Documentation links of providers may point into the site too.
    for p in &site.providers {
        for (i, doc) in p.data.documentation.iter().enumerate() {
            if doc.url.starts_with('/') && !doc.url.starts_with("//") {
                let loc = p.source.locate(&format!("documentation[{i}].url"));
                if let Some(d) = resolve(&planned, &doc.url, "this documentation link", p.data.draft) {
                    out.push(d.at(loc));
                }
            }
        }
    }
    out
}

/// A link target in a text: its byte range and the target as written (with Tera expressions).
pub(super) struct Link {
    pub(super) start: usize,
    pub(super) end: usize,
    pub(super) target: String,
}

/// Finds the Markdown links of a text. Tera pieces are replaced by `x`s of the same length, so
/// `/{{ provider.slug }}/` parses as one link target; the target is then read back from the
/// original text at the same place.
pub(super) fn find_links(body: &str) -> Vec<Link> {
    // A link starts with `[` (inline, reference, footnote) or `<` (autolink): most provider notes
    // have neither and need no Markdown parse.
    if memchr::memchr2(b'[', b'<', body.as_bytes()).is_none() {
        return Vec::new();
    }
    let mut masked = body.as_bytes().to_vec();
    for p in tera_pieces(body) {
        for b in &mut masked[p.start..p.end] {
            if *b != b'\n' {
                *b = b'x';
            }
        }
    }
    let masked = String::from_utf8_lossy(&masked).into_owned();
    let mut out = Vec::new();
    let opts = Options::ENABLE_TABLES | Options::ENABLE_FOOTNOTES | Options::ENABLE_STRIKETHROUGH;
    for (event, range) in Parser::new_ext(&masked, opts).into_offset_iter() {
        let Event::Start(Tag::Link { dest_url, .. }) = event else {
            continue;
        };
        let dest: &str = &dest_url;
        if dest.is_empty() {
            continue;
        }
        let at = masked
            .get(range.clone())
            .and_then(|r| r.rfind(dest))
            .map(|i| range.start + i)
            .or_else(|| masked.find(dest));
        let Some(start) = at else { continue };
        let end = start + dest.len();
        if let Some(target) = body.get(start..end) {
            out.push(Link {
                start,
                end,
                target: target.to_string(),
            });
        }
    }
    out
}

/// Expands `{{ provider.slug }}` and `{{ client.slug }}` in a link target, for every provider
/// and client the text is shown for. `None` when the target has other expressions.
fn expand(target: &str, piece: &Piece, site: &Site) -> Option<Vec<String>> {
    let pieces = tera_pieces(target);
    if pieces.is_empty() {
        return Some(vec![target.to_string()]);
    }
    let providers: Vec<&str> = match (piece.provider, piece.kind) {
        (Some(p), _) => vec![p.slug.as_str()],
        (None, Kind::ClientGuide) => site.providers.iter().map(|p| p.slug.as_str()).collect(),
        _ => vec![],
    };
    let clients: Vec<&str> = piece.clients.iter().map(|c| c.slug.as_str()).collect();
    let mut out = vec![String::new()];
    let mut last = 0;
    for tp in &pieces {
        let literal = &target[last..tp.start];
        let values: &[&str] = match tp.expr.as_str() {
            "provider.slug" => &providers,
            "client.slug" => &clients,
            _ => return None,
        };
        if values.is_empty() {
            return None;
        }
        out = out
            .iter()
            .flat_map(|prefix| values.iter().map(move |v| format!("{prefix}{literal}{v}")))
            .collect();
        last = tp.end;
    }
    let tail = &target[last..];
    Some(out.into_iter().map(|u| format!("{u}{tail}")).collect())
}

/// The site and its plan: what a link is checked against.
struct Planned<'a> {
    site: &'a Site,
    plan: &'a Plan,
}

fn check_link(planned: &Planned, piece: &Piece, link: &Link, out: &mut Vec<Diagnostic>) {
    let site = planned.site;
    let target = link.target.trim();
    let internal = target.starts_with('#') || (target.starts_with('/') && !target.starts_with("//"));
    if !internal {
        return;
    }
    let Some(urls) = expand(target, piece, site) else {
        return;
    };
    let noun = piece.kind.noun();
    let what = format!("{noun} links to");
    // A text that is itself a draft, or left out with one, may link to drafts.
    let from_draft = piece.provider.is_some_and(|p| p.data.draft)
        || piece.page.as_deref().is_some_and(|url| planned.plan.is_draft(url))
        || (piece.kind == Kind::ClientGuide && piece.clients.iter().any(|c| c.is_draft()));
    let loc = piece.text.location(link.start, link.end);
    let mut failures: Vec<Diagnostic> = Vec::new();
    for url in &urls {
        // `#anchor` alone: the page the text is on.
        let full: Vec<String> = if let Some(fragment) = url.strip_prefix('#') {
            match (&piece.page, piece.kind) {
                (Some(page), _) => vec![format!("{page}#{fragment}")],
                (None, Kind::ClientGuide) => {
                    let c = piece.clients.first().map(|c| c.slug.as_str()).unwrap_or("");
                    site.providers
                        .iter()
                        .map(|p| format!("{}#{fragment}", PageId::guide(&p.slug, c).url()))
                        .collect()
                }
                _ => vec![],
            }
        } else {
            vec![url.clone()]
        };
        for u in full {
            if let Some(d) = resolve(planned, &u, &what, from_draft) {
                failures.push(d);
            }
        }
    }
    let count = failures.len();
    if let Some(mut d) = failures.into_iter().next() {
        if count > 1 && urls.len() > 1 {
            d.message = format!("{} (and {} more pages where the text is shown)", d.message, count - 1);
        }
        out.push(d.at(loc));
    }
}

/// A link to a page whose file is absent: a draft left out of the build names the draft; a
/// file that did not load makes the link a consequence of its error.
fn absent_page(what: &str, path: &str, absent: &crate::model::Absent) -> Diagnostic {
    let file = &absent.file;
    match absent.draft {
        Some(line) => Diagnostic::error(
            "link-draft",
            format!("{what} {path}, a page of the draft {file}, which is not published"),
        )
        .help(format!(
            "publish the draft (remove `draft: true` at {file}:{line}) or remove the link; `build --drafts` and `serve` show drafts"
        )),
        None => Diagnostic::error(
            "link-broken",
            format!("{what} {path}, a page of {file}, which did not load"),
        )
        .help(format!("fix the error in {file}; the page comes back with it"))
        .follows_from(file.clone()),
    }
}

/// Checks one link target; `None` when it resolves. `from_draft`: the link is in a draft, which
/// may link to other drafts.
fn resolve(planned: &Planned, url: &str, what: &str, from_draft: bool) -> Option<Diagnostic> {
    let plan = planned.plan;
    let (path, fragment) = match url.split_once('#') {
        Some((p, f)) => (p, Some(f)),
        None => (url, None),
    };
    let path = path.split('?').next().unwrap_or(path);
    let path = path.strip_suffix("index.html").unwrap_or(path);
    let last = path.rsplit('/').next().unwrap_or("");
    if last.contains('.') && plan.page(path).is_none() {
        // A file, not a page: not checked here.
        return None;
    }
    if plan.page(path).is_none() {
        if let Some(absent) = plan.absent(path) {
            return Some(absent_page(what, path, absent));
        }
        let with_slash = format!("{path}/");
        let help = if plan.page(&with_slash).is_some() {
            format!(
                "write {with_slash}{}: page URLs end with a slash",
                fragment.map(|f| format!("#{f}")).unwrap_or_default()
            )
        } else {
            let best = plan
                .pages()
                .iter()
                .map(|p| &p.url)
                .min_by_key(|u| (strsim::levenshtein(u, path), (*u).clone()));
            match best {
                Some(b) if strsim::levenshtein(b, path) <= 4 => format!("did you mean {b}?"),
                _ => "link to a page of the site: /<provider>/, /<provider>/<client>/, /clients/<client>/, /faq/, /troubleshooting/ or /<page>/".into(),
            }
        };
        return Some(
            Diagnostic::error("link-broken", format!("{what} {path}, which is not a page of the site")).help(help),
        );
    }
    // Drafts are built here (`build --drafts`, `serve`), but a published page that links to one
    // will not build without them.
    if let Some(page) = plan.page(path).filter(|p| p.draft && !from_draft) {
        return Some(
            Diagnostic::warning(
                "link-draft",
                format!("{what} {path}, a draft page ({}), which `build` leaves out", page.source),
            )
            .help("publish the draft (remove its `draft: true`) before this page, or remove the link; without --drafts this is an error"),
        );
    }
    let fragment = fragment.filter(|f| !f.is_empty())?;
    let ids = plan.anchors(planned.site, path)?;
    if ids.contains(fragment) {
        return None;
    }
    let mut content: Vec<&String> = ids.iter().collect();
    content.sort_by_key(|id| (strsim::levenshtein(id, fragment), (*id).clone()));
    let close: Vec<String> = content.iter().take(3).map(|s| format!("#{s}")).collect();
    Some(
        Diagnostic::error(
            "link-anchor",
            format!("{what} {path}#{fragment}, but that page has no #{fragment}"),
        )
        .help(format!(
            "anchors come from headings and entry ids; the closest on that page: {}",
            close.join(", ")
        )),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_keep_their_tera_expressions() {
        let body = "See the [guide](/{{ provider.slug }}/thunderbird/#add-the-account) and <https://x.org>.\n";
        let links = find_links(body);
        assert_eq!(links.len(), 2);
        assert_eq!(links[0].target, "/{{ provider.slug }}/thunderbird/#add-the-account");
        assert_eq!(&body[links[0].start..links[0].end], links[0].target);
    }
}
