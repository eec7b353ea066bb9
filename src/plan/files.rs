//! The files of the finished site and what pages say about the client files: types that the
//! renderer, the machine-readable outputs and the writer share, so they live below all three.

use serde::Serialize;

/// A file of the finished site, path relative to the output folder.
#[derive(Debug, Clone)]
pub struct OutputFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

impl OutputFile {
    pub fn new(path: impl Into<String>, bytes: impl Into<Vec<u8>>) -> Self {
        OutputFile {
            path: path.into(),
            bytes: bytes.into(),
        }
    }

    pub fn is_html(&self) -> bool {
        self.path.ends_with(".html")
    }
}

/// A file offered for download on a provider's pages (autoconfig, profile, JSON).
#[derive(Serialize, Clone, PartialEq)]
pub struct FileLink {
    /// What the file is: `apple-profile`, `autoconfig` or `json`; guides for apps that install
    /// Apple profiles pick theirs by it.
    pub kind: &'static str,
    pub title: String,
    pub url: String,
    pub description: String,
}

/// A DNS record a provider page shows (RFC 6186 service records).
#[derive(Serialize, Clone, PartialEq)]
pub struct DnsRecord {
    pub name: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub value: String,
}

/// Extra facts about a provider that come from outside the content (check findings the site
/// policy let through, machine-readable files, DNS records). The outputs stage decides them, the
/// pipeline hands them to the renderer.
#[derive(Default, Clone, PartialEq)]
pub struct ProviderExtras {
    pub warning: Option<String>,
    pub files: Vec<FileLink>,
    pub dns: Vec<DnsRecord>,
    /// The date (`YYYY-MM-DD`) the provider's servers last all answered as described
    /// (`build --live-results`).
    pub live_checked: Option<String>,
}

/// 64-bit FNV-1a: stable across Rust versions and platforms, unlike `DefaultHasher`, so
/// fingerprints (and so the output bytes) do not change with the compiler.
pub fn fnv64(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        hash ^= u64::from(*b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

/// The fingerprint a published file carries in its name: ten hex digits of [`fnv64`].
pub fn fingerprint(bytes: &[u8]) -> String {
    format!("{:016x}", fnv64(bytes))[..10].to_string()
}

/// `name` with the fingerprint of `bytes` before its extension: `img/tb.png` becomes
/// `img/tb.1a2b3c4d5e.png`, so a host may cache it forever.
pub fn fingerprinted_name(name: &str, bytes: &[u8]) -> String {
    let hash = fingerprint(bytes);
    match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() && !ext.contains('/') => format!("{stem}.{hash}.{ext}"),
        _ => format!("{name}.{hash}"),
    }
}
