//! The Markdown dialect content is written in: one set of extensions for every reader of the
//! prose, so the renderer ([`super::markdown`]) and the image finder ([`super::images`]) read a
//! text alike and neither has to import the other.

use pulldown_cmark::Options;

/// The Markdown extensions content is read with.
pub(crate) fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_SMART_PUNCTUATION
}
