//! mailguide: a static site generator for email-setup help sites.
//!
//! The pipeline, one stage per module, data flowing one way:
//!
//! ```text
//! load ──▶ model ──▶ plan ──▶ check ──▶ render ──▶ outputs ──▶ write
//! files    Site      pages,   findings  pages in   client files,  minify,
//!                    prose              memory     search, sitemap swap into place
//! ```
//!
//! Each module imports only the stages before it (`ranks`, docs/architecture.md). [`pipeline`]
//! runs them in order, for every command: [`check_site`] up to the checks, [`build_site`] all of
//! them (writing nothing unless the checks pass), and [`pipeline::rebuild`] for `serve`, which
//! renders only the pages a change affects.

pub mod check;
pub mod commands;
pub mod default_theme;
pub mod diagnostics;
#[doc(hidden)]
pub mod fuzzing;
pub mod import;
pub mod ispdb;
pub mod live;
pub mod load;
pub mod minify;
pub mod model;
pub mod no_follow;
pub mod outputs;
pub mod pipeline;
pub mod plan;
pub mod ranks;
pub mod render;
pub mod scaffold;
pub mod schema;
pub mod serve;
pub mod write;

pub use pipeline::{
    BuildFailure, BuildOptions, Built, Checked, build_site, build_site_with_live, check_loaded, check_loaded_alongside,
    check_site, check_site_on, check_theme, render_options,
};
