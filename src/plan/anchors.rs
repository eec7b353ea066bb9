//! The anchor ids a page will carry, from what it will contain: heading ids of its rendered
//! prose (made by [`super::markdown`], as the renderer makes them), FAQ and troubleshooting entry
//! ids ([`super::entries`]), the protocol sections of a provider page, and the fixed ids the
//! theme's templates write.

use super::entries::{faq_id, question_heading_id, title_heading_id, trouble_id, trouble_on_guide};
use super::markdown::to_html;
use super::prose::{self, Prose};
use super::urls::PageId;
use crate::model::{Protocol, Site};
use std::collections::HashSet;

/// The literal `id="..."` values of the theme's templates (the site's own templates folder
/// first, as the theme loader layers them); an id made by an expression is not known here.
pub fn theme_ids(site: &Site) -> HashSet<String> {
    let mut ids = HashSet::new();
    let root = &site.root;
    let dirs = [
        root.join("themes").join(&site.config.theme).join("templates"),
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
    ids
}

/// The ids of a page's content, without the theme's; `None` when its prose does not render.
pub fn page_ids(site: &Site, prose: &Prose, page: &PageId) -> Option<HashSet<String>> {
    let mut ids = HashSet::new();
    match page {
        PageId::Faq => {
            for e in &site.faq {
                let id = faq_id(&e.data);
                ids.insert(question_heading_id(&id));
                ids.insert(id);
            }
        }
        PageId::Troubleshooting => {
            for e in &site.troubleshooting {
                let id = trouble_id(&e.data);
                ids.insert(title_heading_id(&id));
                ids.insert(id);
            }
        }
        PageId::Provider(slug) => {
            for e in site.faq.iter().filter(|e| e.data.provider.as_ref() == Some(slug)) {
                ids.insert(faq_id(&e.data));
            }
            for e in site
                .troubleshooting
                .iter()
                .filter(|e| e.data.provider.as_ref() == Some(slug))
            {
                ids.insert(trouble_id(&e.data));
            }
            for proto in Protocol::ALL {
                ids.insert(proto.id().to_string());
            }
        }
        PageId::Free(slug) => {
            if let Some(page) = site.pages.iter().find(|pg| pg.slug == *slug) {
                let name = prose::guide_name(&page.guide.source);
                let md = prose.render(&name, &prose.context(None, None)).ok()?;
                collect_ids(&to_html(&md, 1), &mut ids);
            }
        }
        PageId::Guide(p, c) => {
            if let (Some(provider), Some(client)) = (site.provider(p), site.client(c)) {
                let ctx = prose.context(Some(provider), Some(client));
                let steps = site.guide_override(p, c);
                let md = super::guide::markdown(prose, &ctx, client, steps).ok()?;
                collect_ids(&to_html(&md, 1), &mut ids);
                for e in site.troubleshooting.iter().filter(|e| trouble_on_guide(&e.data, p, c)) {
                    ids.insert(trouble_id(&e.data));
                }
            }
        }
        PageId::Home | PageId::Client(_) | PageId::NotFound => {}
    }
    Some(ids)
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

#[cfg(test)]
mod tests {
    use super::*;

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
