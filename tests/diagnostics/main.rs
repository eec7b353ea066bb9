//! What an editor is told: every rule on its fixture (tests/checks/), the rules on real ISPDB data,
//! load errors at their file, line and column; and the fuzz corpus, replayed.
//!
//! One test binary (it links the crate once) with a module per topic.

#[path = "../common/mod.rs"]
mod common;

mod check_verdict;
mod checks;
mod checks_ispdb;
mod content_walk;
mod fuzz_corpus;
mod load_errors;
mod load_limits;
mod positions;
