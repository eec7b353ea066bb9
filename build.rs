//! Embeds the bundled default theme (themes/default/) in the binary, so `mailguide init` can
//! copy it into a new site from an installed binary. Every file is listed at build time, so a
//! template added to the theme is embedded without anyone editing a list.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let theme = manifest.join("themes").join("default");
    println!("cargo:rerun-if-changed=themes/default");
    let mut files = Vec::new();
    collect(&theme, &theme, &mut files);
    files.sort();
    let mut out = String::from(
        "/// The files of themes/default/, by path relative to it.\npub static DEFAULT_THEME: &[(&str, &[u8])] = &[\n",
    );
    for (rel, abs) in &files {
        writeln!(out, "    ({rel:?}, include_bytes!({abs:?})),").expect("writing to a String cannot fail");
    }
    out.push_str("];\n");
    let dest = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("default_theme.rs");
    // Written beside and renamed into place: a build folder copied with hard links (`cp -al`)
    // then gets its own file instead of rewriting the one another checkout's build reads.
    let tmp = dest.with_extension("rs.tmp");
    std::fs::write(&tmp, out).expect("write the embedded theme list");
    std::fs::rename(&tmp, &dest).expect("move the embedded theme list into place");
}

fn collect(base: &Path, dir: &Path, files: &mut Vec<(String, String)>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        if path.is_dir() {
            collect(base, &path, files);
        } else if path.is_file() {
            let rel = path
                .strip_prefix(base)
                .expect("walked from base")
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/");
            files.push((rel, path.to_string_lossy().into_owned()));
        }
    }
}
