//! `mailguide serve`: the real server over HTTP, and its incremental rebuilds in memory.
//!
//! One test binary (it links the crate once) with a module per topic.

mod http;
mod session;
