//! The structure assistive technology relies on, checked on every page of the bundled site without
//! a browser (the browser checks add axe-core, contrast and the keyboard): a language, landmarks,
//! a skip link to the main content, one h1 and no skipped heading level, tables with captions and
//! column headers, copy buttons named after what they copy, a live region for spoken messages.

use crate::common;

use common::{bundled_site, html_pages, page, sel, text};

#[test]
fn every_page_has_a_language_landmarks_and_a_working_skip_link() {
    let out = bundled_site();
    for rel in html_pages(out) {
        let doc = page(out, &rel);
        let lang = doc.select(&sel("html")).next().and_then(|h| h.value().attr("lang"));
        assert_eq!(lang, Some("en"), "{rel}: <html lang>");
        for landmark in ["header", "nav", "main#main", "footer", "form[role=search]"] {
            assert!(doc.select(&sel(landmark)).next().is_some(), "{rel} has {landmark}");
        }
        assert_eq!(doc.select(&sel("main")).count(), 1, "{rel}: one main");
        let first_link = doc.select(&sel("body a")).next().expect("a link");
        assert_eq!(
            first_link.value().attr("href"),
            Some("#main"),
            "{rel}: the first link skips to #main"
        );
        assert_eq!(text(first_link), "Skip to content", "{rel}");
        let live = doc.select(&sel("#announcer[aria-live=polite]")).count();
        assert_eq!(live, 1, "{rel}: one live region for spoken confirmations");
    }
}

#[test]
fn every_page_has_one_h1_and_no_skipped_heading_level() {
    let out = bundled_site();
    for rel in html_pages(out) {
        let doc = page(out, &rel);
        let levels: Vec<u8> = doc
            .select(&sel("h1, h2, h3, h4, h5, h6"))
            .map(|h| h.value().name()[1..].parse().expect("h1..h6"))
            .collect();
        assert_eq!(
            levels.iter().filter(|l| **l == 1).count(),
            1,
            "{rel}: one h1 ({levels:?})"
        );
        // Headings inside <main> start at the h1; the header and footer headings around it may
        // come before and after.
        let main_levels: Vec<u8> = doc
            .select(&sel("main h1, main h2, main h3, main h4, main h5, main h6"))
            .map(|h| h.value().name()[1..].parse().expect("h1..h6"))
            .collect();
        assert_eq!(main_levels.first(), Some(&1), "{rel}: main starts with the h1");
        for pair in main_levels.windows(2) {
            assert!(
                pair[1] <= pair[0] + 1,
                "{rel}: h{} follows h{} ({main_levels:?})",
                pair[1],
                pair[0]
            );
        }
    }
}

#[test]
fn tables_have_captions_and_header_cells() {
    let out = bundled_site();
    let mut tables = 0;
    for rel in html_pages(out) {
        let doc = page(out, &rel);
        for table in doc.select(&sel("table")) {
            tables += 1;
            let caption = table.select(&sel("caption")).next().map(text).unwrap_or_default();
            assert!(!caption.is_empty(), "{rel}: a table without a caption");
            for th in table.select(&sel("th")) {
                let scope = th.value().attr("scope");
                assert!(
                    matches!(scope, Some("col" | "row")),
                    "{rel}: header cell {:?} in the table {caption:?} has no scope",
                    text(th)
                );
            }
            assert!(
                table.select(&sel("th")).next().is_some(),
                "{rel}: the table {caption:?} has header cells"
            );
        }
    }
    // The IMAP/POP3 comparison is a Markdown table: it gets its caption from the heading above.
    let doc = page(out, "imap-vs-pop3/index.html");
    let caption = doc.select(&sel("table caption")).next().map(text);
    assert_eq!(caption.as_deref(), Some("How they differ"));
    assert!(tables > 100, "the settings tables were found ({tables})");
}

#[test]
fn copy_buttons_say_what_they_copy() {
    let doc = page(bundled_site(), "icloud/index.html");
    let buttons: Vec<_> = doc.select(&sel("button.copy")).collect();
    assert!(!buttons.is_empty(), "the iCloud page has copy buttons");
    for b in &buttons {
        let value = b.value().attr("data-copy").expect("data-copy");
        assert_eq!(b.value().attr("type"), Some("button"), "a copy button submits nothing");
        assert_eq!(
            b.value().attr("aria-label"),
            Some(format!("Copy {value}").as_str()),
            "the button's name says what it copies"
        );
    }
    assert!(
        buttons
            .iter()
            .any(|b| b.value().attr("data-copy") == Some("imap.mail.me.com"))
    );
}
