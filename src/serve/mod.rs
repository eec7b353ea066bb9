//! `mailguide serve`: the site built into memory (never into `public/`), served over HTTP,
//! rebuilt in part when a file changes, and open browser tabs reloaded.
//!
//! - [`session`]: the site in memory and incremental rebuilds, over the pipeline's stages;
//! - [`http`]: the HTTP server for the in-memory files and the event stream;
//! - [`hosts`]: which `Host` a request may name (DNS rebinding);
//! - [`watch`]: file events, debounced into one batch per burst of saves;
//! - [`reload`]: the script injected into served pages;
//! - [`overlay`]: the diagnostics shown on every page while the content has errors.
//!
//! The command (`commands::serve`) ties them together and prints.

pub mod hosts;
pub mod http;
pub mod overlay;
pub mod reload;
pub mod session;
pub mod watch;
