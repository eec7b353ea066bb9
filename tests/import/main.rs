//! Making content from elsewhere: `mailguide import ispdb` (single files and the whole ISPDB round trip) and
//! the scaffolding commands `init`, `new` and `schema`.
//!
//! One test binary (it links the crate once) with a module per topic.

#[path = "../client_support/mod.rs"]
mod client_support;
#[path = "../common/mod.rs"]
mod common;

mod ispdb;
mod ispdb_roundtrip;
mod scaffold;
