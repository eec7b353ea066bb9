//! Page addresses: which page is meant ([`PageId`]) and its URL, made in one function.
//!
//! Every stage that names a page (links in the prose, breadcrumbs, the sitemap, the search index,
//! the JSON settings) asks [`PageId::url`], so a change to the address scheme (a `/<lang>/`
//! prefix for help in several languages) is made here and nowhere else.

/// A page of the site, by what it shows.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PageId {
    Home,
    /// A provider's settings page, by provider slug.
    Provider(String),
    /// The setup guide of a provider in a client, by (provider slug, client slug).
    Guide(String, String),
    /// A client's page that lists every provider, by client slug.
    Client(String),
    Faq,
    Troubleshooting,
    /// A free page (`content/pages/<slug>.md`), by slug.
    Free(String),
    NotFound,
}

impl PageId {
    pub fn provider(slug: &str) -> PageId {
        PageId::Provider(slug.to_string())
    }

    pub fn guide(provider: &str, client: &str) -> PageId {
        PageId::Guide(provider.to_string(), client.to_string())
    }

    pub fn client(slug: &str) -> PageId {
        PageId::Client(slug.to_string())
    }

    pub fn free(slug: &str) -> PageId {
        PageId::Free(slug.to_string())
    }

    /// The page's URL, relative to the site's base URL: the one place addresses are made.
    pub fn url(&self) -> String {
        match self {
            PageId::Home => "/".into(),
            PageId::Provider(p) => format!("/{p}/"),
            PageId::Guide(p, c) => format!("/{p}/{c}/"),
            PageId::Client(c) => format!("/clients/{c}/"),
            PageId::Faq => "/faq/".into(),
            PageId::Troubleshooting => "/troubleshooting/".into(),
            PageId::Free(slug) => format!("/{slug}/"),
            PageId::NotFound => "/404.html".into(),
        }
    }
}

/// The URL of a file of the site (a client file, the search index) from its output path.
pub fn file_url(path: &str) -> String {
    format!("/{path}")
}

/// The output path of a page URL: `/icloud/` is `icloud/index.html`.
pub fn output_path(url: &str) -> String {
    let trimmed = url.trim_start_matches('/');
    if trimmed.is_empty() {
        "index.html".into()
    } else if trimmed.ends_with(".html") || trimmed.ends_with(".xml") || trimmed.ends_with(".txt") {
        trimmed.into()
    } else {
        format!("{}index.html", trimmed.trim_end_matches('/').to_string() + "/")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_have_the_addresses_readers_know() {
        assert_eq!(PageId::guide("icloud", "thunderbird").url(), "/icloud/thunderbird/");
        assert_eq!(PageId::client("outlook").url(), "/clients/outlook/");
        assert_eq!(output_path(&PageId::provider("gmx-net").url()), "gmx-net/index.html");
        assert_eq!(output_path(&PageId::Home.url()), "index.html");
        assert_eq!(output_path(&PageId::NotFound.url()), "404.html");
    }
}
