//! Reading built sites: the bundled site and fixture sites built into temporary folders, pages parsed as a reader
//! sees them, client files read back, the write and minify stages checked byte for byte.
//!
//! One test binary (it links the crate once) with a module per topic.

#[path = "../client_support/mod.rs"]
mod client_support;
#[path = "../common/mod.rs"]
mod common;

mod accessibility;
mod build_pipeline;
mod bundled;
mod client_files;
mod deploy;
mod drafts;
mod fixture_site;
mod guide_shapes;
mod guide_skeletons;
mod images;
mod lastmod;
mod minify;
mod no_follow_writes;
mod output_swap;
mod search;
mod structured_data;
mod theme_extend;
mod vendor_model;
mod write_safety;
