//! The files of `themes/default/`, built into the binary by build.rs as `DEFAULT_THEME` (path
//! relative to the theme folder, bytes): a site without a `themes/default/` folder renders with
//! them, so upgrading mailguide updates its theme, and `init --theme-copy` writes them out. Its
//! own module, below the stages, because both the render stage and the scaffolding read it.

include!(concat!(env!("OUT_DIR"), "/default_theme.rs"));
