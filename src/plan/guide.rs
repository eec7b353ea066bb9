//! A guide page's Markdown: the client's guide and the provider's own steps for it, put together
//! as the override's `placement` says. The renderer writes the page from it and the link check
//! finds the page's heading anchors in it, so both read the same text.

use super::prose::{self, Prose};
use crate::diagnostics::Diagnostic;
use crate::model::{Client, GuideOverride, Placement};

/// The Markdown of the guide page of a provider in `client`, rendered with `ctx` (the pair's
/// variables); `steps` are the provider's own steps for that client, if it has some.
pub fn markdown(
    prose: &Prose,
    ctx: &tera::Context,
    client: &Client,
    steps: Option<&GuideOverride>,
) -> Result<String, Diagnostic> {
    let generic = match &client.guide {
        Some(g) => prose.render(&prose::guide_name(&g.source), ctx)?,
        None => String::new(),
    };
    Ok(match steps {
        Some(o) => {
            let extra = prose.render(&prose::guide_name(&o.guide.source), ctx)?;
            match o.guide.front.placement.unwrap_or_default() {
                Placement::Before => format!("{extra}\n\n{generic}"),
                Placement::After => format!("{generic}\n\n{extra}"),
                Placement::Replace => extra,
            }
        }
        None => generic,
    })
}
