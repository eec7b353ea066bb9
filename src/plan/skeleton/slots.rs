//! A page's provider strings swapped for placeholders, and the strings Markdown reads like their
//! placeholders.

use super::{Mask, PREFIX, holds_prefix};
use crate::plan::prose::Variables;
use std::borrow::Cow;
use std::sync::OnceLock;

/// Whether Markdown reads `value` the same as its placeholder, wherever it stands in text: ASCII
/// letters and digits, spaces (single, inside) and `.-/:@+=?#%,` (no `--` or `..`, which smart
/// punctuation turns into dashes and ellipses), starting with a letter or digit (no list item,
/// heading or quote starts with one, unless it is a number and `.`). The placeholder ends with
/// the same character as the value when that is not a letter or digit, so emphasis, smart quotes
/// and dashes around it are read alike.
pub fn inert(value: &str) -> bool {
    let b = value.as_bytes();
    let (Some(&first), Some(&last)) = (b.first(), b.last()) else {
        return false;
    };
    if !first.is_ascii_alphanumeric() || last == b' ' {
        return false;
    }
    // One pass (every string of every guide page is tried): allowed bytes, no doubled space,
    // dot or dash.
    let mut prev = 0u8;
    for &c in b {
        let allowed = c.is_ascii_alphanumeric()
            || matches!(
                c,
                b' ' | b'.' | b'-' | b'/' | b':' | b'@' | b'+' | b'=' | b'?' | b'#' | b'%' | b','
            );
        if !allowed || (c == prev && matches!(c, b' ' | b'.' | b'-')) {
            return false;
        }
        prev = c;
    }
    let digits = b.iter().take_while(|c| c.is_ascii_digit()).count();
    let numbered = digits > 0 && b.get(digits) == Some(&b'.');
    !numbered && !holds_prefix(value)
}

/// Whether `value` starts like an absolute URL (`scheme:`, the scheme as CommonMark's autolinks
/// have it), so that `<value>` is a link.
fn url_like(value: &str) -> bool {
    let Some(colon) = value.find(':') else { return false };
    let scheme = &value.as_bytes()[..colon];
    (2..=32).contains(&scheme.len())
        && scheme[0].is_ascii_alphabetic()
        && scheme
            .iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'.' | b'-'))
}

/// The placeholder of the `index`th slot for `value`: `mgslot`, the index in letters `a`-`y`,
/// `z`; then `:x` if the value is URL-like, and the value's last character if that is not a
/// letter or digit.
pub(super) fn placeholder(index: usize, value: &str) -> Cow<'static, str> {
    /// Characters other than letters and digits an inert string may end with.
    const ENDS: &[u8] = b".-/:@+=?#%,";
    /// Placeholders of the first slots, made once: every string of every guide page needs one.
    const KEPT: usize = 64;
    static TABLE: OnceLock<Vec<String>> = OnceLock::new();
    let url = url_like(value);
    let end = value.bytes().last().and_then(|c| ENDS.iter().position(|&e| e == c));
    let make = |index: usize, url: bool, end: Option<usize>| {
        let mut letters = Vec::new();
        let mut n = index;
        loop {
            letters.push(b'a' + (n % 25) as u8);
            n /= 25;
            if n == 0 {
                break;
            }
        }
        let mut token = String::with_capacity(PREFIX.len() + letters.len() + 4);
        token.push_str(PREFIX);
        token.extend(letters.iter().rev().map(|&c| c as char));
        token.push('z');
        if url {
            token.push_str(":x");
        }
        if let Some(end) = end {
            token.push(ENDS[end] as char);
        }
        token
    };
    let variants = 2 * (ENDS.len() + 1);
    let at = |index: usize, url: bool, end: Option<usize>| {
        index * variants + usize::from(url) * (ENDS.len() + 1) + end.map_or(0, |e| e + 1)
    };
    match value.bytes().last() {
        Some(c) if !c.is_ascii_alphanumeric() && end.is_none() => Cow::Owned({
            let mut token = make(index, url, None);
            token.push(c as char);
            token
        }),
        _ if index < KEPT => {
            let table = TABLE.get_or_init(|| {
                let mut table = vec![String::new(); KEPT * variants];
                for index in 0..KEPT {
                    for url in [false, true] {
                        for end in std::iter::once(None).chain((0..ENDS.len()).map(Some)) {
                            table[at(index, url, end)] = make(index, url, end);
                        }
                    }
                }
                table
            });
            Cow::Borrowed(table[at(index, url, end)].as_str())
        }
        _ => Cow::Owned(make(index, url, end)),
    }
}

/// The slot index of the placeholder starting at the beginning of `text` (after [`PREFIX`]).
pub(super) fn index_at(text: &[u8]) -> Option<usize> {
    let mut n = 0usize;
    for (i, &c) in text.iter().enumerate() {
        match c {
            b'z' if i > 0 => return Some(n),
            b'a'..=b'y' => n = n.checked_mul(25)?.checked_add(usize::from(c - b'a'))?,
            _ => return None,
        }
    }
    None
}

/// A page's slotted strings, by the number [`Variables::strings_mut`] gives each: the real
/// values and their placeholders.
#[derive(Debug, Default)]
pub struct Slots<'a> {
    pub(super) values: Vec<Option<Cow<'a, str>>>,
    pub(super) placeholders: Vec<Option<Cow<'static, str>>>,
}

impl<'a> Slots<'a> {
    /// Replaces in `vars` each string that `uses` allows and Markdown reads like a placeholder
    /// with one; `None` if there is none, or a string left alone holds [`PREFIX`] (its text
    /// could be taken for a placeholder).
    pub fn take(vars: &mut Variables<'a>, uses: &Mask) -> Option<Slots<'a>> {
        if !uses.known {
            return None;
        }
        let mut slots = Slots::default();
        let mut clash = false;
        let mut any = false;
        vars.strings_mut(|number, path, value| {
            if !(uses.allows(path) && inert(value)) {
                clash |= holds_prefix(value);
                return;
            }
            if slots.values.len() <= number {
                slots.values.resize(number + 1, None);
                slots.placeholders.resize(number + 1, None);
            }
            let token = placeholder(number, value);
            slots.values[number] = Some(std::mem::replace(value, token.clone()));
            slots.placeholders[number] = Some(token);
            any = true;
        });
        // Without slots the skeleton is the page's own Markdown, which no other page shares.
        (!clash && any).then_some(slots)
    }

    pub(super) fn placeholder(&self, index: usize) -> Option<&str> {
        self.placeholders.get(index)?.as_deref()
    }

    pub(super) fn value(&self, index: usize) -> &str {
        // A skeleton only holds the placeholders of its page's slots (`Filled::cut`), and pages
        // share a skeleton only when their placeholders are the same text.
        self.values[index].as_deref().unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inert_strings() {
        for v in [
            "iCloud Mail",
            "imap.mail.me.com",
            "https://appleid.apple.com/",
            "SSL/TLS",
            "a",
            "user@example.com",
            "the part before the @",
            "x.",
        ] {
            assert!(inert(v), "{v}");
        }
        for v in [
            "", " x", "x ", "a  b", "Yahoo!", "O'Brien", "a_b", "x--y", "a...", "1. x", "2.x", "*x*", "a&b", "<x>",
            "x..", "mgslot",
        ] {
            assert!(!inert(v), "{v}");
        }
    }

    #[test]
    fn placeholders_read_back() {
        for i in [0, 1, 24, 25, 26, 624, 625, 10_000] {
            let token = placeholder(i, "x");
            assert_eq!(index_at(&token.as_bytes()[PREFIX.len()..]), Some(i), "{token}");
        }
        assert_eq!(placeholder(0, "https://x.example/"), "mgslotaz:x/");
        assert_eq!(placeholder(1, "imap.x.example"), "mgslotbz");
        assert_eq!(placeholder(2, "before the @"), "mgslotcz@");
    }
}
