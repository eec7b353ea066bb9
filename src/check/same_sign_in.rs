//! The reuse trap: where a provider's incoming and outgoing servers take different user names or
//! different passwords (iCloud: the name before the @ for IMAP, the full address for SMTP), prose
//! about that provider that tells readers to reuse the incoming sign-in for outgoing mail (in
//! each app's own words, its vocabulary's `same_as_incoming`) breaks sending. An error at the
//! line, naming what differs.

use super::Context;
use crate::diagnostics::Diagnostic;
use crate::model::{Protocol, Provider};

/// What differs between the incoming and outgoing sign-in, in words, or `None` if nothing does.
fn difference(p: &Provider) -> Option<String> {
    let incoming = p.preferred(Protocol::Imap).or_else(|| p.preferred(Protocol::Pop3))?;
    let outgoing = p.preferred(Protocol::Smtp)?;
    if incoming.username != outgoing.username {
        return Some(format!(
            "the incoming user name is {} and the outgoing one {}",
            incoming.username.describe(),
            outgoing.username.describe()
        ));
    }
    let (a, b) = (p.password_kind(incoming), p.password_kind(outgoing));
    (a != b).then(|| {
        format!(
            "the incoming server takes {} and the outgoing one {}",
            a.phrase(),
            b.phrase()
        )
    })
}

pub fn check(cx: &Context) -> Vec<Diagnostic> {
    let phrases: Vec<(&str, &str)> = cx
        .site
        .clients
        .iter()
        .filter_map(|c| {
            c.data
                .vocabulary
                .same_as_incoming
                .as_deref()
                .map(|w| (w, c.data.name.as_str()))
        })
        .collect();
    let mut out = Vec::new();
    if phrases.is_empty() {
        return out;
    }
    for piece in cx.pieces() {
        let Some(p) = piece.provider else { continue };
        let Some(why) = difference(p) else { continue };
        let lower = piece.text.body.to_lowercase();
        for (phrase, client) in &phrases {
            let needle = phrase.to_lowercase();
            let mut from = 0;
            while let Some(at) = lower[from..].find(&needle) {
                let start = from + at;
                from = start + needle.len();
                out.push(
                    Diagnostic::error(
                        "same-sign-in-reused",
                        format!(
                            "\"{phrase}\" ({client}) reuses the incoming sign-in for outgoing mail, but for {} {why}",
                            p.data.name
                        ),
                    )
                    .at(piece.text.location(start, start + needle.len()))
                    .help(format!(
                        "tell readers to enter the outgoing user name ({{{{ smtp.username }}}}) and password separately, in {client}'s own words for it"
                    ))
                    .for_provider(&p.slug),
                );
            }
        }
    }
    out
}
