//! Loopback servers for the live check's tests: mail responders, an HTTP server, a DNS
//! responder and certificates from a test root. Everything binds 127.0.0.1.
#![allow(dead_code)]

pub mod certs;
pub mod dns;
pub mod lab;
pub mod mail;
pub mod web;

use std::path::Path;

/// The runtime the responders run on, beside the live check's own.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime")
}

/// A site with `site.yaml` and the given provider files.
pub fn site(dir: &Path, providers: &[(&str, &str)]) {
    std::fs::create_dir_all(dir.join("content/providers")).expect("mkdir");
    std::fs::write(
        dir.join("site.yaml"),
        "title: Live Test\nbase_url: https://help.example.net\nlanguage: en\n",
    )
    .expect("site.yaml");
    for (slug, text) in providers {
        std::fs::write(dir.join(format!("content/providers/{slug}.yaml")), text).expect("provider");
    }
}

/// The 1-based line of the first line of `text` containing `needle` after line `after`.
pub fn line_of(text: &str, needle: &str, after: usize) -> usize {
    text.lines()
        .enumerate()
        .skip(after)
        .find(|(_, l)| l.contains(needle))
        .map(|(i, _)| i + 1)
        .unwrap_or_else(|| panic!("{needle:?} not in the text after line {after}"))
}
