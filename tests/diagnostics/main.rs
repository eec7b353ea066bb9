//! What an editor is told: every rule on its fixture (tests/checks/), the rules on real ISPDB data, and
//! load errors at their file, line and column.
//!
//! One test binary (it links the crate once) with a module per topic.

#[path = "../common/mod.rs"]
mod common;

mod checks;
mod checks_ispdb;
mod load_errors;
