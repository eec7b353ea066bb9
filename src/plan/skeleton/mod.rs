//! Guide skeletons: each guide's Markdown parsed once per shape of provider, not once per page.
//!
//! A guide page's steps are the client's guide (and the provider's own steps, if any) rendered
//! with the provider's data into Markdown, then into HTML. Parsing that Markdown again for every
//! provider was a third of a large site's build, although most providers differ in a guide only
//! by their strings: name, host names, domains, URLs. So a page's guide is rendered with
//! placeholders (slots) in place of those strings: the *skeleton*. Pages whose skeletons are the
//! same text share one parse; each fills its own strings into the kept HTML and HowTo steps.
//!
//! That gives the bytes the page's own Markdown would give only when
//! 1. the template does nothing with a slotted string but print it or test it for truth
//!    ([`analyze`]): a comparison, a filter or a loop would see the placeholder;
//! 2. Markdown reads the string and its placeholder alike wherever it stands: the string is
//!    plain text that starts no Markdown construct ([`inert`]), its placeholder has the same
//!    kind of first and last character (and is URL-shaped for a URL), and the skeleton has no
//!    placeholder where the text itself matters: in a heading (its `id` is made from its text),
//!    raw HTML, a code block's info string, after `&` or `<`, and no tabs, footnotes or link
//!    reference definitions at all (`parsed::Section::parse`). A string with a space cannot
//!    stand in a link's destination.
//!
//! Anything else is rendered the plain way, so a template or a string this module cannot vouch
//! for costs time, never correctness. `tests/guide_skeletons.rs` renders whole sites both ways
//! and compares every byte.
//!
//! The parts: [`uses`] reads what a template does with its variables, [`slots`] swaps strings for
//! placeholders, `parsed` parses skeletons (section by section where it can) and fills them in,
//! `kept` holds what was parsed for the pages that follow.

mod kept;
mod parsed;
pub mod slots;
pub mod uses;

pub use slots::{Slots, inert};
pub use uses::{Mask, Uses, analyze, guide_uses};

use crate::model::Placement;
use crate::plan::prose::Variables;
use kept::Kept;
use parsed::{Section, Skeleton, sections};
use rustc_hash::FxHashSet;
use std::sync::Arc;

/// How every placeholder starts. Templates, client words and strings that hold it are not
/// slotted, so every occurrence in a skeleton is a placeholder.
pub const PREFIX: &str = "mgslot";

/// Whether `text` holds [`PREFIX`]. Asked of every string of every guide page: a searcher made
/// once beats `str::contains`, which prepares one per call.
pub fn holds_prefix(text: &str) -> bool {
    static FINDER: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
        std::sync::LazyLock::new(|| memchr::memmem::Finder::new(PREFIX));
    FINDER.find(text.as_bytes()).is_some()
}

/// What decides a guide page's skeleton: the page's variables once slotted (they name the
/// client, whose guide it is), and the provider's own steps for the client, if any (their
/// template and where they go). Pages with equal keys render the same skeleton, so a page whose
/// key is known skips rendering its template as well as parsing it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Key<'a> {
    pub vars: Variables<'a>,
    pub steps: Option<(&'a str, Placement)>,
}

/// The skeletons parsed so far in a render, by [`Key`], and their sections, by their text;
/// shared by the threads rendering pages. A skeleton that cannot be shared is kept as `None`, so
/// it is not rendered or parsed again.
#[derive(Default)]
pub struct Skeletons<'a> {
    skeletons: Kept<Key<'a>, Skeleton>,
    sections: Kept<(u8, String), Section>,
}

impl<'a> Skeletons<'a> {
    /// The HTML and HowTo steps of a guide page whose slotted variables and steps are `key`,
    /// filled with `slots`, headings shifted by `shift` levels. `markdown` renders the skeleton's
    /// Markdown from the slotted variables, when no page had the same key before. `None` when
    /// the page must parse its own Markdown.
    pub fn html_and_steps(
        &self,
        key: Key<'a>,
        slots: &Slots,
        shift: u8,
        markdown: impl FnOnce(&Variables<'a>) -> Option<String>,
    ) -> Option<(String, Vec<String>)> {
        let skeleton = self
            .skeletons
            .get_or_make(key, |key| self.parse(&markdown(&key.vars)?, slots, shift))?;
        skeleton.fill(slots)
    }

    /// Parses a skeleton's Markdown, section by section where it can be cut into sections
    /// ([`sections`]) whose heading `id`s are unique across them, else whole.
    fn parse(&self, markdown: &str, slots: &Slots, shift: u8) -> Option<Skeleton> {
        if let Some(pieces) = sections(markdown) {
            let parsed: Option<Vec<Arc<Section>>> = pieces
                .into_iter()
                .map(|piece| {
                    self.sections
                        .get_or_make((shift, piece.to_string()), |(shift, text)| Section::parse(text, *shift))
                })
                .collect();
            let parsed = parsed?;
            let mut ids = FxHashSet::default();
            if parsed.iter().flat_map(|s| &s.ids).all(|id| ids.insert(id)) {
                return Skeleton::of(&parsed, slots);
            }
        }
        Skeleton::of(&[Arc::new(Section::parse(markdown, shift)?)], slots)
    }
}

#[cfg(test)]
mod tests {
    use super::slots::placeholder;
    use super::*;
    use crate::plan::markdown;
    use std::borrow::Cow;

    /// Places for a string in a guide (`{0}`, `{1}`), and strings to put there: wherever a
    /// skeleton is shared, filling it must give exactly the HTML and steps of parsing the page's
    /// own Markdown. Fallbacks are always right; the test also asserts that the common places
    /// are shared.
    #[test]
    fn filled_skeletons_read_like_the_pages_own_markdown() {
        let places = [
            "Use `{0}` as the server.",
            "1. Enter **{0}** and *{1}*.\n2. Tap {0}'s \"Next\" -- then {1}...\n",
            "See [the {0} page](/{1}/) or <{1}>.",
            "Open <{0}> now.",
            "## Set up {0}\n\nText {1}.",
            "Table: {0} settings\n\n| A | B |\n|---|---|\n| {0} | `{1}` |\n",
            "{0}\n{1}",
            "{0} {1}\n===",
            "- {0}\n- {1}",
            "> {0}'s {1}\n",
            "```{0}\ncode {1}\n```",
            "[x]({0} \"{1}\")",
            "![{0}]({1})",
            "Text&{0}; and <{1} x>.",
            "*{0}*{1}_{0}_ **{1}**.",
            "{0}--{1}--",
            "Note[^1] {0}.\n\n[^1]: {1}",
            "[{0}]\n\n[{0}]: /x",
            "\t{0}",
            "{0}  \n{1}",
            "Trailing {0}/ and {1}@",
            // Sections: a heading line ends a paragraph, a list, a quote or a table.
            "Intro {0}.\n## Steps\n1. {1}\n2. Next\n## Table\n| a | b |\n|---|---|\n| {0} | x |\n# Last\n> {1}\n## Steps\ntext",
            "- {0}\n  ## Not a section\n- {1}\n### Section {{ x }}\nText *{0}\n## Cut* {1}",
            "{0}\n\n<div>\n## H\n</div>\n\n{1}\n",
            "Para {0}\n## A\n\n## A-2\n{1}\n## A\n#no heading\n#\n{0}",
        ];
        let values = [
            "iCloud Mail",
            "imap.mail.me.com",
            "https://appleid.apple.com/",
            "https://x.example/a b",
            "SSL/TLS",
            "the part before the @",
            "1x",
            "Mail 2.0",
            "x.",
            "a-b",
            "q",
            "mail:x",
            "user@example.com",
            "A+B=C?#%,",
        ];
        let mut shared = 0;
        for place in places {
            for a in values {
                for b in values {
                    let pair = [a, b];
                    let mut slots = Slots::default();
                    for (i, v) in pair.iter().enumerate() {
                        assert!(inert(v), "{v}");
                        slots.values.push(Some(Cow::Borrowed(*v)));
                        slots.placeholders.push(Some(placeholder(i, v)));
                    }
                    let fill = |with: &dyn Fn(usize) -> String| place.replace("{0}", &with(0)).replace("{1}", &with(1));
                    let real = fill(&|i| pair[i].to_string());
                    let skeleton = fill(&|i| placeholder(i, pair[i]).into_owned());
                    let Some(done) = Skeletons::default()
                        .parse(&skeleton, &slots, 1)
                        .and_then(|s| s.fill(&slots))
                    else {
                        continue;
                    };
                    assert_eq!(done, markdown::to_html_and_steps(&real, 1), "{place:?} with {pair:?}");
                    shared += 1;
                }
            }
        }
        // The places where a string is plain text, code or a link share most skeletons; the
        // others fall back.
        assert!(
            shared > places.len() * values.len() * values.len() / 2,
            "{shared} shared"
        );
        for place in [
            "## Set up {0}",
            "```{0}\n```",
            "Text&{0};",
            "\t{0}",
            "[{0}]\n\n[{0}]: /x",
        ] {
            let slots = Slots {
                values: vec![Some(Cow::Borrowed("q"))],
                placeholders: vec![Some(placeholder(0, "q"))],
            };
            let skeleton = place.replace("{0}", &placeholder(0, "q"));
            assert!(
                Skeletons::default().parse(&skeleton, &slots, 1).is_none(),
                "{place} is not shared"
            );
        }
    }
}
