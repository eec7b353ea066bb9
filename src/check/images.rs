//! Images where the prose compiler does not look for them: a provider's summary, notes and
//! password texts are Markdown but no template, so an image there would be published pointing
//! at nothing. The images of templated prose are judged when it is compiled
//! ([`crate::plan::images`]).

use super::Context;
use super::text::Kind;
use crate::diagnostics::Diagnostic;

pub fn check(cx: &Context) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for piece in cx.pieces().iter().filter(|p| p.kind == Kind::ProviderNotes) {
        for (start, end) in crate::plan::images::spans(&piece.text.body) {
            out.push(
                Diagnostic::error(
                    "image-missing",
                    "a provider's summary, notes and password texts cannot show images",
                )
                .at(piece.text.location(start, end))
                .help(
                    "show the image in the provider's steps for a client (content/providers/<provider>/<client>.md, \
                     the file beside it), or in a page",
                ),
            );
        }
    }
    out
}
