//! The ISPDB format: Thunderbird autoconfig files (`clientConfig` version 1.1), which Thunderbird,
//! Thunderbird for Android and other mail apps fetch to set up an account from the address alone,
//! and in which Mozilla's ISPDB, the largest public collection of mail settings, is written.
//!
//! mailguide uses the format both ways: `import ispdb` reads it into provider files, and the build
//! writes it for every provider (`outputs::autoconfig`). Both take the format's words from
//! [`vocabulary`], so a file the build writes imports back to the same servers. Its rank is beside
//! `load`: it may use the model, and import and the outputs may use it.

pub mod vocabulary;
pub mod xml;
