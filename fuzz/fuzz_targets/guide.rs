//! A client guide of arbitrary Markdown and Tera, checked and rendered for every provider of a
//! small site: a diagnostic or pages, never a panic, and bounded work.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

/// One copy of the fixture site per fuzzing process; each input overwrites its guide.
fn site() -> &'static std::path::Path {
    static SITE: OnceLock<tempfile::TempDir> = OnceLock::new();
    SITE.get_or_init(|| {
        let dir = tempfile::tempdir().expect("a temporary folder for the fuzzed site");
        let fixture = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/sites/minimal");
        mailguide::fuzzing::copy_site(&fixture, dir.path()).expect("copy the fixture site");
        dir
    })
    .path()
}

fuzz_target!(|data: &[u8]| {
    mailguide::fuzzing::guide(site(), data);
});
