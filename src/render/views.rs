//! What templates see: small serialisable views built from the model, by reference where
//! possible, so no page carries a copy of the whole site (docs/themes.md is their contract).

use crate::diagnostics::Diagnostic;
use crate::model::{
    Client, Entry, FactSource, FaqEntry, PasswordKind, Protocol, Provider, Server, Site, TroubleshootingEntry,
};
use crate::plan::PageId;
use crate::plan::entries::{faq_id, trouble_id, trouble_on_guide};
use crate::plan::files::{DnsRecord, FileLink, ProviderExtras};
use crate::plan::markdown::{inline_html, to_html};
use crate::plan::prose::{self, Prose};
use rayon::prelude::*;
use serde::Serialize;
use std::collections::HashMap;

#[derive(Serialize, Clone)]
pub struct Crumb {
    pub title: String,
    pub url: String,
}

#[derive(Serialize)]
pub struct PageMeta {
    pub kind: &'static str,
    pub title: String,
    pub description: String,
    pub url: String,
    pub canonical: String,
    pub breadcrumbs: Vec<Crumb>,
    pub jsonld: String,
    /// The page shows a draft (`build --drafts`, `serve`): the theme shows a "Draft" banner.
    pub draft: bool,
}

#[derive(Serialize)]
pub struct ProviderLink<'a> {
    pub slug: &'a str,
    pub name: &'a str,
    pub domains: &'a [String],
    pub url: String,
}

#[derive(Serialize)]
pub struct ClientLink<'a> {
    pub slug: &'a str,
    pub name: &'a str,
    pub platforms: &'a [String],
    pub summary: Option<&'a str>,
    pub url: String,
    pub apple_profile: bool,
}

impl<'a> ClientLink<'a> {
    pub fn new(c: &'a Client) -> Self {
        ClientLink {
            slug: &c.slug,
            name: &c.data.name,
            platforms: &c.data.platforms,
            summary: c.data.summary.as_deref(),
            url: PageId::client(&c.slug).url(),
            apple_profile: c.data.apple_profile,
        }
    }
}

#[derive(Serialize)]
pub struct ServerRow<'a> {
    /// The host name, or "mail.<your domain>" where it depends on the reader's domain.
    pub host: String,
    /// For such a host: the name per listed domain.
    pub by_domain: Vec<DomainHost>,
    #[serde(skip)]
    _server: std::marker::PhantomData<&'a Server>,
    pub port: u32,
    pub security: &'static str,
    pub security_id: &'static str,
    /// Sign-in methods, the vendor's recommended one first.
    pub auth: Vec<&'static str>,
    pub username: String,
    /// What this server's password field takes, in words.
    pub password: String,
}

impl<'a> ServerRow<'a> {
    fn new(p: &Provider, s: &'a Server) -> Self {
        ServerRow {
            host: p.host_display(s),
            by_domain: p
                .hosts_by_domain(s)
                .into_iter()
                .map(|(domain, host)| DomainHost { domain, host })
                .collect(),
            _server: std::marker::PhantomData,
            port: s.port,
            security: s.security.label(),
            security_id: s.security.id(),
            auth: s.auth.iter().map(|a| a.label()).collect(),
            username: s.username.describe(),
            password: password_words(p, s),
        }
    }
}

/// A host name built from the reader's domain, for one listed domain.
#[derive(Serialize)]
pub struct DomainHost {
    pub domain: String,
    pub host: String,
}

#[derive(Serialize)]
pub struct ProtocolView<'a> {
    pub id: &'static str,
    pub name: &'static str,
    pub servers: Vec<ServerRow<'a>>,
    pub missing: Option<&'a str>,
}

#[derive(Serialize)]
pub struct PasswordView<'a> {
    pub kind: &'static str,
    pub label: &'static str,
    pub app_password_url: Option<&'a str>,
    pub app_password_steps_html: Option<String>,
    pub notes_html: Option<String>,
}

#[derive(Serialize)]
pub struct PrerequisiteView<'a> {
    pub title: &'a str,
    pub body_html: String,
}

#[derive(Serialize)]
pub struct GuideLink<'a> {
    pub client_name: &'a str,
    pub client_slug: &'a str,
    pub url: String,
}

#[derive(Serialize, Clone)]
pub struct FaqView {
    pub id: String,
    pub question: String,
    pub answer_html: String,
    pub provider_name: Option<String>,
}

#[derive(Serialize, Clone)]
pub struct TroubleView {
    pub id: String,
    pub title: String,
    pub symptom_html: String,
    pub fix_html: String,
}

#[derive(Serialize)]
pub struct ProviderView<'a> {
    pub slug: &'a str,
    pub name: &'a str,
    pub short_name: &'a str,
    pub domains: &'a [String],
    pub help_url: Option<&'a str>,
    pub url: String,
    pub summary_html: Option<String>,
    pub notes_html: Option<String>,
    pub warning: Option<String>,
    /// "Servers answered as described on DATE" (`build --live-results`).
    pub live_checked: Option<String>,
    pub password: PasswordView<'a>,
    /// Whether the vendor recommends OAuth2 sign-in for incoming mail (first in `auth:`), so
    /// the page leads with it and puts the password after it.
    pub oauth2_first: bool,
    pub prerequisites: Vec<PrerequisiteView<'a>>,
    pub protocols: Vec<ProtocolView<'a>>,
    pub guides: Vec<GuideLink<'a>>,
    pub faq: &'a [FaqView],
    pub troubleshooting: &'a [TroubleView],
    pub files: Vec<FileLink>,
    pub dns: Vec<DnsRecord>,
    pub documentation: Vec<LinkView<'a>>,
    /// "Checked against <title> on <date>", newest first.
    pub sources: Vec<SourceView<'a>>,
    /// Points on which the sources disagree, each with what every source says.
    pub disagreements: Vec<DisagreementView<'a>>,
}

#[derive(Serialize)]
pub struct DisagreementView<'a> {
    pub about: &'a str,
    pub says: Vec<SaysView<'a>>,
    pub note_html: Option<String>,
}

/// What one source says; `url` is unset for an id the sources do not list (an error the checks
/// already reported).
#[derive(Serialize)]
pub struct SaysView<'a> {
    pub title: &'a str,
    pub url: Option<&'a str>,
    pub says: &'a str,
}

/// A guide page's lead: the app's own button or automatic sign-in for the provider.
#[derive(Serialize)]
pub struct ButtonView<'a> {
    /// The button's label in the app's words; unset for an automatic sign-in.
    pub label: Option<&'a str>,
    pub steps_html: String,
    pub source: SourceView<'a>,
}

impl<'a> ButtonView<'a> {
    pub fn new(p: &Provider, c: &'a Client) -> Option<Self> {
        let b = c.account_button(p)?;
        Some(ButtonView {
            label: b.label.as_deref(),
            steps_html: to_html(&b.steps, 2),
            source: SourceView::new(&b.source),
        })
    }
}

/// The Apple profile on a guide page of an app that installs them.
#[derive(Serialize)]
pub struct ProfileView {
    /// `quickest` (the profile leads), `alternative` (the vendor recommends OAuth2, which a profile
    /// cannot do: it is offered after the recommended path, as the password alternative) or
    /// `impossible` (no password works, so there is no profile, and the page says why).
    pub role: &'static str,
    /// For an alternative where the page has no button to lead with: shown after the steps.
    pub after_steps: bool,
    pub links: Vec<FileLink>,
}

impl ProfileView {
    pub fn new(p: &Provider, c: &Client, files: &[FileLink], has_button: bool) -> Option<Self> {
        if !c.data.apple_profile {
            return None;
        }
        let links: Vec<FileLink> = files.iter().filter(|f| f.kind == "apple-profile").cloned().collect();
        let role = if !links.is_empty() {
            if p.oauth2_first() { "alternative" } else { "quickest" }
        } else if p.incoming_password_kind() == PasswordKind::OAuth2 {
            "impossible"
        } else {
            return None;
        };
        Some(ProfileView {
            role,
            after_steps: role == "alternative" && !has_button,
            links,
        })
    }
}

#[derive(Serialize)]
pub struct SourceView<'a> {
    pub url: &'a str,
    pub title: &'a str,
    pub checked: Option<&'a str>,
    /// "the live page" or "a stored copy".
    pub how: &'static str,
}

impl<'a> SourceView<'a> {
    pub fn new(s: &'a FactSource) -> Self {
        SourceView {
            url: &s.url,
            title: &s.title,
            checked: s.checked.as_deref(),
            how: s.how.words(),
        }
    }
}

#[derive(Serialize)]
pub struct LinkView<'a> {
    pub url: &'a str,
    pub title: &'a str,
}

#[derive(Serialize)]
pub struct SettingsRow {
    pub label: String,
    pub value: String,
    pub copy: bool,
}

#[derive(Serialize)]
pub struct SettingsSection {
    pub title: String,
    pub rows: Vec<SettingsRow>,
}

pub fn md_opt(text: Option<&str>) -> Option<String> {
    text.filter(|t| !t.trim().is_empty()).map(|t| to_html(t, 1))
}

/// Renders a content template to HTML; a failure was already reported by the checks, so the
/// page gets the diagnostic back to fail the build.
pub fn prose_html(prose: &Prose, name: &str, ctx: &tera::Context, shift: u8) -> Result<String, Diagnostic> {
    let md = prose.render(name, ctx)?;
    Ok(to_html(&md, shift))
}

/// The template context of the prose about one provider in one client's words, made when first
/// needed and then shared by every entry of a list (they all speak of the same pair).
struct LazyContext<'a> {
    provider: Option<&'a Provider>,
    client: Option<&'a Client>,
    ctx: Option<tera::Context>,
}

impl<'a> LazyContext<'a> {
    fn new(provider: Option<&'a Provider>, client: Option<&'a Client>) -> Self {
        LazyContext {
            provider,
            client,
            ctx: None,
        }
    }

    fn get(&mut self, prose: &Prose) -> &tera::Context {
        self.ctx
            .get_or_insert_with(|| prose.context(self.provider, self.client))
    }
}

/// The site's FAQ and troubleshooting entries by the provider they are about (`None`: the general
/// ones), each list in the site's order. Pages look their entries up here: scanning every entry
/// of the site for each page would make a build quadratic in the number of providers.
pub struct Entries<'a> {
    /// Keyed by provider slug; `""` holds the general entries (no slug is empty).
    faq: HashMap<&'a str, Vec<&'a Entry<FaqEntry>>>,
    /// With each entry's position in the site's list, to merge two lists in the site's order.
    trouble: HashMap<&'a str, Vec<(usize, &'a Entry<TroubleshootingEntry>)>>,
}

impl<'a> Entries<'a> {
    pub fn new(site: &'a Site) -> Self {
        let mut faq: HashMap<&str, Vec<_>> = HashMap::new();
        for entry in &site.faq {
            faq.entry(entry.data.provider.as_deref().unwrap_or(""))
                .or_default()
                .push(entry);
        }
        let mut trouble: HashMap<&str, Vec<_>> = HashMap::new();
        for (i, entry) in site.troubleshooting.iter().enumerate() {
            let key = entry.data.provider.as_deref().unwrap_or("");
            trouble.entry(key).or_default().push((i, entry));
        }
        Entries { faq, trouble }
    }

    fn faq(&self, provider: Option<&str>) -> &[&'a Entry<FaqEntry>] {
        self.faq.get(provider.unwrap_or("")).map_or(&[], Vec::as_slice)
    }

    fn trouble(&self, provider: Option<&str>) -> &[(usize, &'a Entry<TroubleshootingEntry>)] {
        self.trouble.get(provider.unwrap_or("")).map_or(&[], Vec::as_slice)
    }
}

/// Every FAQ entry and every troubleshooting entry in neutral words, rendered once per build.
/// A provider's page, the FAQ and troubleshooting pages and the search index all list the same
/// ones: rendering each list where it is used made every answer three times.
#[derive(Default)]
pub struct EntryViews {
    /// By provider slug; `""` holds the general entries. Providers without entries are absent.
    faq: HashMap<String, Result<Vec<FaqView>, Diagnostic>>,
    trouble: HashMap<String, Result<Vec<TroubleView>, Diagnostic>>,
}

impl EntryViews {
    /// Renders the entries of every provider that has some, in parallel.
    pub fn new(site: &Site, prose: &Prose) -> Self {
        let entries = Entries::new(site);
        let owner = |slug: &str| match slug {
            "" => Some(None),
            slug => site.provider(slug).map(Some),
        };
        let faq = entries
            .faq
            .keys()
            .collect::<Vec<_>>()
            .par_iter()
            .filter_map(|&&slug| Some((slug.to_string(), faq_entries(&entries, prose, owner(slug)?))))
            .collect();
        let trouble = entries
            .trouble
            .keys()
            .collect::<Vec<_>>()
            .par_iter()
            .filter_map(|&&slug| {
                let owner = owner(slug)?;
                Some((slug.to_string(), trouble_entries(&entries, prose, owner, None)))
            })
            .collect();
        EntryViews { faq, trouble }
    }

    /// The FAQ entries about `provider`, or the general ones.
    pub fn faq(&self, provider: Option<&Provider>) -> Result<&[FaqView], Diagnostic> {
        match self.faq.get(provider.map_or("", |p| p.slug.as_str())) {
            Some(Ok(views)) => Ok(views),
            Some(Err(d)) => Err(d.clone()),
            None => Ok(&[]),
        }
    }

    /// The troubleshooting entries about `provider` (not a client's), or the general ones.
    pub fn trouble(&self, provider: Option<&Provider>) -> Result<&[TroubleView], Diagnostic> {
        match self.trouble.get(provider.map_or("", |p| p.slug.as_str())) {
            Some(Ok(views)) => Ok(views),
            Some(Err(d)) => Err(d.clone()),
            None => Ok(&[]),
        }
    }
}

pub fn faq_entries(entries: &Entries, prose: &Prose, provider: Option<&Provider>) -> Result<Vec<FaqView>, Diagnostic> {
    let mut out = Vec::new();
    // Every entry listed is the provider's own (or, without a provider, a general one).
    let mut ctx = LazyContext::new(provider, None);
    for entry in entries.faq(provider.map(|p| p.slug.as_str())) {
        let name = prose::entry_name(&entry.source, entry.index, "answer");
        out.push(FaqView {
            id: faq_id(&entry.data),
            question: entry.data.question.clone(),
            answer_html: prose_html(prose, &name, ctx.get(prose), 2)?,
            provider_name: provider.map(|p| p.data.name.clone()),
        });
    }
    Ok(out)
}

pub fn trouble_entries(
    entries: &Entries,
    prose: &Prose,
    provider: Option<&Provider>,
    client: Option<&Client>,
) -> Result<Vec<TroubleView>, Diagnostic> {
    let mut out = Vec::new();
    // An entry listed is the provider's own or a general one, about `provider` either way.
    let mut ctx = LazyContext::new(provider, client);
    let mut candidates: Vec<(usize, &Entry<TroubleshootingEntry>)> = entries.trouble(None).to_vec();
    if let Some(p) = provider {
        candidates.extend_from_slice(entries.trouble(Some(&p.slug)));
        candidates.sort_unstable_by_key(|(i, _)| *i);
    }
    for (_, entry) in candidates {
        let for_provider = entry.data.provider.as_deref();
        let wanted = match (provider, client) {
            (Some(p), Some(c)) => trouble_on_guide(&entry.data, &p.slug, &c.slug),
            (Some(p), None) => for_provider == Some(p.slug.as_str()),
            (None, _) => for_provider.is_none(),
        };
        if !wanted {
            continue;
        }
        let title = entry.data.title.clone();
        out.push(TroubleView {
            id: trouble_id(&entry.data),
            symptom_html: prose_html(
                prose,
                &prose::entry_name(&entry.source, entry.index, "symptom"),
                ctx.get(prose),
                2,
            )?,
            fix_html: prose_html(
                prose,
                &prose::entry_name(&entry.source, entry.index, "fix"),
                ctx.get(prose),
                2,
            )?,
            title,
        });
    }
    Ok(out)
}

pub fn provider_view<'a>(
    views: &'a EntryViews,
    prose: &Prose,
    p: &'a Provider,
    clients: &[&'a Client],
    extras: &ProviderExtras,
) -> Result<ProviderView<'a>, Diagnostic> {
    let d = &p.data;
    let mut prerequisites = Vec::new();
    let mut ctx = LazyContext::new(Some(p), None);
    for (i, pre) in d.prerequisites.iter().enumerate() {
        let name = prose::provider_field_name(p, &format!("prerequisites[{i}].body"));
        prerequisites.push(PrerequisiteView {
            title: &pre.title,
            body_html: prose_html(prose, &name, ctx.get(prose), 2)?,
        });
    }
    Ok(ProviderView {
        slug: &p.slug,
        name: &d.name,
        short_name: p.short_name(),
        domains: &d.domains,
        help_url: d.help_url.as_deref(),
        url: PageId::provider(&p.slug).url(),
        summary_html: md_opt(d.summary.as_deref()),
        notes_html: md_opt(d.notes.as_deref()),
        warning: extras.warning.clone(),
        live_checked: extras.live_checked.clone(),
        password: PasswordView {
            kind: d.password.kind.id(),
            label: d.password.kind.phrase(),
            app_password_url: d.password.app_password_url.as_deref(),
            app_password_steps_html: md_opt(d.password.app_password_steps.as_deref()),
            notes_html: md_opt(d.password.notes.as_deref()),
        },
        oauth2_first: p.oauth2_first(),
        prerequisites,
        protocols: Protocol::ALL
            .iter()
            .map(|&proto| ProtocolView {
                id: proto.id(),
                name: proto.name(),
                servers: p.servers(proto).iter().map(|s| ServerRow::new(p, s)).collect(),
                missing: if p.servers(proto).is_empty() {
                    Some(p.missing_reason(proto).unwrap_or("This provider does not offer it."))
                } else {
                    None
                },
            })
            .collect(),
        guides: clients
            .iter()
            .map(|c| GuideLink {
                client_name: &c.data.name,
                client_slug: &c.slug,
                url: PageId::guide(&p.slug, &c.slug).url(),
            })
            .collect(),
        faq: views.faq(Some(p))?,
        troubleshooting: views.trouble(Some(p))?,
        files: extras.files.clone(),
        dns: extras.dns.clone(),
        sources: {
            let mut list: Vec<SourceView> = d.sources.iter().map(SourceView::new).collect();
            // ISO dates sort as text; undated sources last.
            list.sort_by(|a, b| b.checked.cmp(&a.checked));
            list
        },
        disagreements: d
            .disagreements
            .iter()
            .map(|dis| DisagreementView {
                about: &dis.about,
                says: dis
                    .says
                    .iter()
                    .map(|s| {
                        let source = d.sources.iter().find(|f| f.id.as_deref() == Some(s.source.as_str()));
                        SaysView {
                            title: source.map_or(s.source.as_str(), |f| f.title.as_str()),
                            url: source.map(|f| f.url.as_str()),
                            says: &s.says,
                        }
                    })
                    .collect(),
                note_html: md_opt(dis.note.as_deref()),
            })
            .collect(),
        documentation: d
            .documentation
            .iter()
            .map(|l| LinkView {
                url: &l.url,
                title: l.title.as_deref().unwrap_or(&l.url),
            })
            .collect(),
    })
}

/// The settings table of a guide, in the client's words.
pub fn settings_sections(p: &Provider, c: &Client) -> Vec<SettingsSection> {
    let w = &c.data.vocabulary;
    let mut sections = Vec::new();
    let incoming: Vec<Protocol> = [Protocol::Imap, Protocol::Pop3]
        .into_iter()
        .filter(|proto| c.data.protocols.contains(proto))
        .collect();
    for proto in incoming.into_iter().chain([Protocol::Smtp]) {
        for (i, server) in p.servers(proto).iter().enumerate() {
            let section = if proto == Protocol::Smtp {
                &w.outgoing
            } else {
                &w.incoming
            };
            let mut title = format!("{section} ({})", proto.name());
            if i > 0 {
                title.push_str(", alternative");
            }
            // The vendor's order: the recommended method first, and said so when there is a choice.
            let mut auth = server
                .auth
                .iter()
                .map(|a| w.auth_word(*a).to_string())
                .collect::<Vec<_>>()
                .join(" or ");
            if server.auth.len() > 1 {
                auth = auth.replacen(" or ", " (recommended) or ", 1);
            }
            let username = server.username.describe();
            let custom_username = matches!(server.username, crate::model::UsernameForm::Custom(_));
            sections.push(SettingsSection {
                title,
                rows: vec![
                    SettingsRow {
                        label: w.host.clone(),
                        value: p.host_display(server),
                        copy: true,
                    },
                    SettingsRow {
                        label: w.port.clone(),
                        value: server.port.to_string(),
                        copy: true,
                    },
                    SettingsRow {
                        label: w.security.clone(),
                        value: w.security_word(server.security).to_string(),
                        copy: false,
                    },
                    SettingsRow {
                        label: w.username.clone(),
                        copy: custom_username,
                        value: username,
                    },
                    SettingsRow {
                        label: w.auth.clone(),
                        value: auth,
                        copy: false,
                    },
                    SettingsRow {
                        label: w.password.clone(),
                        value: capitalise(&password_words(p, server)),
                        copy: false,
                    },
                ],
            });
        }
    }
    sections
}

/// What a server's password field takes, in words: where the vendor recommends OAuth2 and the
/// server also takes a password, both, the recommended one first.
fn password_words(p: &Provider, s: &Server) -> String {
    let kind = p.password_kind(s);
    if s.auth.first() == Some(&crate::model::Auth::OAuth2) && kind != PasswordKind::OAuth2 {
        format!("none with OAuth2 (recommended); otherwise {}", kind.phrase())
    } else {
        kind.phrase().to_string()
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

pub fn inline(text: &str) -> String {
    inline_html(text)
}
