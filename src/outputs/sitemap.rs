//! `sitemap.xml` and `robots.txt`, so search engines find every page.
//!
//! Each page's `<lastmod>` is the newest date among its sources: the day its content files were
//! last committed, where the site is a git repository ([`crate::load::git`]), and for a
//! provider's pages the day its data was last compared with the vendor's pages
//! (`sources[].checked`). Never the clock: two builds of the same content give the same sitemap.

use crate::load::git::CommitDates;
use crate::model::{Date, Site};
use crate::plan::files::OutputFile;
use crate::plan::{PageId, Plan, page_files};

use super::escape_xml;

/// The pages of the sitemap ([`Plan::sitemap_pages`]) with the newest date of their sources, if
/// any is known.
pub fn pages(site: &Site, plan: &Plan, commits: &CommitDates) -> Vec<(String, Option<Date>)> {
    plan.sitemap_pages()
        .map(|page| {
            let committed = page_files(site, &page.id).into_iter().filter_map(|f| commits.get(f));
            let provider = match &page.id {
                PageId::Provider(p) | PageId::Guide(p, _) => site.provider(p),
                _ => None,
            };
            let checked = provider.and_then(|p| p.newest_check());
            (page.url.clone(), committed.chain(checked).max())
        })
        .collect()
}

/// A sitemap of the given pages (root-relative URLs, with their last change), sorted for
/// deterministic output.
pub fn sitemap(base_url: &str, pages: &[(String, Option<Date>)]) -> OutputFile {
    let mut sorted: Vec<&(String, Option<Date>)> = pages.iter().collect();
    sorted.sort();
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for (url, date) in sorted {
        let lastmod = date.map(|d| format!("<lastmod>{d}</lastmod>")).unwrap_or_default();
        xml.push_str(&format!(
            "  <url><loc>{}</loc>{lastmod}</url>\n",
            escape_xml(&format!("{base_url}{url}"))
        ));
    }
    xml.push_str("</urlset>\n");
    OutputFile::new("sitemap.xml", xml)
}

pub fn robots(base_url: &str) -> OutputFile {
    OutputFile::new(
        "robots.txt",
        format!("User-agent: *\nAllow: /\n\nSitemap: {base_url}/sitemap.xml\n"),
    )
}
