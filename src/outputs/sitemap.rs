//! `sitemap.xml` and `robots.txt`, so search engines find every page.

use crate::plan::files::OutputFile;

use super::escape_xml;

/// A sitemap of the given page URLs (root-relative), sorted for deterministic output.
pub fn sitemap(base_url: &str, urls: &[String]) -> OutputFile {
    let mut sorted: Vec<&String> = urls.iter().collect();
    sorted.sort();
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for url in sorted {
        xml.push_str(&format!(
            "  <url><loc>{}</loc></url>\n",
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
