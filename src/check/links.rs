//! Links: every internal link in the prose goes to a page the site will have, and every
//! `#anchor` to an id on that page.
//!
//! A broken link is invisible to the editor and only found by a reader. Pages come from
//! [`crate::render::plan`]; anchors from what the page will contain: heading ids (made by
//! [`crate::render::markdown::slugify`], as the renderer does), FAQ and troubleshooting entry ids
//! (their `id`, or their slugified question or title), the protocol sections of a provider page,
//! and the fixed ids the theme's templates write. Links to files (a last segment with an
//! extension, such as `/sitemap.xml`) and to other sites are not checked here.

use super::Context;
use super::text::{Kind, Piece, tera_pieces};
use crate::diagnostics::Diagnostic;
use crate::model::{Client, Placement, Protocol, Provider, Site};
use crate::render::markdown::{slugify, to_html};
use crate::render::prose::{self, Prose};
use pulldown_cmark::{Event, Options, Parser, Tag};
use std::collections::{HashMap, HashSet};

pub fn check(cx: &Context) -> Vec<Diagnostic> {
    let site = cx.site;
    let planned: HashSet<String> = crate::render::plan(site).into_iter().map(|(u, _)| u).collect();
    let mut anchors = Anchors {
        site,
        prose: cx.prose,
        theme: None,
        pages: HashMap::new(),
    };
    let mut out = Vec::new();
    for piece in cx.pieces() {
        for link in find_links(&piece.text.body) {
            check_link(site, &planned, &mut anchors, piece, &link, &mut out);
        }
    }
    // Documentation links of providers may point into the site too.
    for p in &site.providers {
        for (i, doc) in p.data.documentation.iter().enumerate() {
            if doc.url.starts_with('/') && !doc.url.starts_with("//") {
                let loc = p.source.locate(&format!("documentation[{i}].url"));
                if let Some(d) = resolve(&planned, &mut anchors, &doc.url, "this documentation link") {
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

/// The ids a page will have, computed when a link first needs them.
struct Anchors<'a> {
    site: &'a Site,
    prose: &'a Prose,
    /// Fixed ids in the theme's templates.
    theme: Option<HashSet<String>>,
    /// Page URL to its ids; `None` when they cannot be known (the page's prose does not render).
    pages: HashMap<String, Option<HashSet<String>>>,
}

impl Anchors<'_> {
    fn theme_ids(&mut self) -> HashSet<String> {
        if let Some(ids) = &self.theme {
            return ids.clone();
        }
        let mut ids = HashSet::new();
        let root = &self.site.root;
        let dirs = [
            root.join("themes").join(&self.site.config.theme).join("templates"),
            root.join("templates"),
        ];
        for dir in dirs {
            for entry in walkdir::WalkDir::new(dir).into_iter().filter_map(Result::ok) {
                if entry.file_type().is_file()
                    && let Ok(text) = std::fs::read_to_string(entry.path())
                {
                    collect_ids(&text, &mut ids);
                }
            }
        }
        self.theme = Some(ids.clone());
        ids
    }

    /// The ids of a planned page, or `None` when they cannot be known.
    fn of(&mut self, url: &str) -> Option<HashSet<String>> {
        if let Some(ids) = self.pages.get(url) {
            return ids.clone();
        }
        let mut ids = self.theme_ids();
        let known = self.content_ids(url, &mut ids);
        let result = known.then_some(ids);
        self.pages.insert(url.to_string(), result.clone());
        result
    }

    fn content_ids(&self, url: &str, ids: &mut HashSet<String>) -> bool {
        let site = self.site;
        let segs: Vec<&str> = url.trim_matches('/').split('/').filter(|s| !s.is_empty()).collect();
        let faq_id = |e: &crate::model::FaqEntry| e.id.clone().unwrap_or_else(|| slugify(&e.question));
        let trouble_id = |e: &crate::model::TroubleshootingEntry| e.id.clone().unwrap_or_else(|| slugify(&e.title));
        match segs.as_slice() {
            ["faq"] => {
                for e in &site.faq {
                    let id = faq_id(&e.data);
                    ids.insert(format!("{id}-q"));
                    ids.insert(id);
                }
                true
            }
            ["troubleshooting"] => {
                for e in &site.troubleshooting {
                    let id = trouble_id(&e.data);
                    ids.insert(format!("{id}-t"));
                    ids.insert(id);
                }
                true
            }
            [slug] => {
                let slug: &str = slug;
                if site.provider(slug).is_some() {
                    for e in site.faq.iter().filter(|e| e.data.provider.as_deref() == Some(slug)) {
                        ids.insert(faq_id(&e.data));
                    }
                    for e in site
                        .troubleshooting
                        .iter()
                        .filter(|e| e.data.provider.as_deref() == Some(slug))
                    {
                        ids.insert(trouble_id(&e.data));
                    }
                    for proto in Protocol::ALL {
                        ids.insert(proto.id().to_string());
                    }
                    true
                } else if let Some(page) = site.pages.iter().find(|pg| pg.slug == *slug) {
                    let name = prose::guide_name(&page.guide.source);
                    match self.prose.render(&name, &self.prose.context(None, None)) {
                        Ok(md) => {
                            collect_ids(&to_html(&md, 1), ids);
                            true
                        }
                        Err(_) => false,
                    }
                } else {
                    true
                }
            }
            [p, c] if *p != "clients" => {
                let (Some(p), Some(c)) = (site.provider(p), site.client(c)) else {
                    return true;
                };
                let Some(md) = guide_markdown(site, self.prose, p, c) else {
                    return false;
                };
                collect_ids(&to_html(&md, 1), ids);
                for e in &site.troubleshooting {
                    let for_p = e.data.provider.as_deref();
                    let shown = (for_p == Some(p.slug.as_str())
                        && (e.data.clients.is_empty() || e.data.clients.contains(&c.slug)))
                        || (for_p.is_none() && e.data.clients.contains(&c.slug));
                    if shown {
                        ids.insert(trouble_id(&e.data));
                    }
                }
                true
            }
            _ => true,
        }
    }
}

/// The Markdown of a guide page, as the renderer composes it.
fn guide_markdown(site: &Site, prose: &Prose, p: &Provider, c: &Client) -> Option<String> {
    let ctx = prose.context(Some(p), Some(c));
    let generic = match &c.guide {
        Some(g) => prose.render(&prose::guide_name(&g.source), &ctx).ok()?,
        None => String::new(),
    };
    Some(match site.guide_override(&p.slug, &c.slug) {
        Some(o) => {
            let extra = prose.render(&prose::guide_name(&o.guide.source), &ctx).ok()?;
            match o.guide.front.placement.unwrap_or_default() {
                Placement::Before => format!("{extra}\n\n{generic}"),
                Placement::After => format!("{generic}\n\n{extra}"),
                Placement::Replace => extra,
            }
        }
        None => generic,
    })
}

/// Adds the literal `id="..."` values of an HTML text or template.
fn collect_ids(html: &str, ids: &mut HashSet<String>) {
    let mut rest = html;
    while let Some(i) = rest.find(" id=\"") {
        rest = &rest[i + 5..];
        if let Some(end) = rest.find('"') {
            let id = &rest[..end];
            if !id.contains('{') && !id.is_empty() {
                ids.insert(id.to_string());
            }
            rest = &rest[end..];
        }
    }
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

fn check_link(
    site: &Site,
    planned: &HashSet<String>,
    anchors: &mut Anchors,
    piece: &Piece,
    link: &Link,
    out: &mut Vec<Diagnostic>,
) {
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
                        .map(|p| format!("/{}/{c}/#{fragment}", p.slug))
                        .collect()
                }
                _ => vec![],
            }
        } else {
            vec![url.clone()]
        };
        for u in full {
            if let Some(d) = resolve(planned, anchors, &u, &what) {
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

/// Checks one link target; `None` when it resolves.
fn resolve(planned: &HashSet<String>, anchors: &mut Anchors, url: &str, what: &str) -> Option<Diagnostic> {
    let (path, fragment) = match url.split_once('#') {
        Some((p, f)) => (p, Some(f)),
        None => (url, None),
    };
    let path = path.split('?').next().unwrap_or(path);
    let path = path.strip_suffix("index.html").unwrap_or(path);
    let last = path.rsplit('/').next().unwrap_or("");
    if last.contains('.') && !planned.contains(path) {
        // A file, not a page: not checked here.
        return None;
    }
    if !planned.contains(path) {
        let with_slash = format!("{path}/");
        let help = if planned.contains(&with_slash) {
            format!(
                "write {with_slash}{}: page URLs end with a slash",
                fragment.map(|f| format!("#{f}")).unwrap_or_default()
            )
        } else {
            let best = planned
                .iter()
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
    let fragment = fragment.filter(|f| !f.is_empty())?;
    let ids = anchors.of(path)?;
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

    #[test]
    fn ids_from_html() {
        let mut ids = HashSet::new();
        collect_ids(
            r#"<h2 id="a-b">x</h2><p id="{{ e.id }}"> <div class="x" id="c">"#,
            &mut ids,
        );
        let mut v: Vec<_> = ids.into_iter().collect();
        v.sort();
        assert_eq!(v, vec!["a-b", "c"]);
    }
}
