//! `check --live` against servers started in the test on 127.0.0.1: mail responders (IMAP, POP3,
//! SMTP, with TLS and STARTTLS), an HTTP server for links and autoconfig, a DNS responder; and
//! `build --live-results` showing what they answered.
//!
//! One test binary (it links the crate once) with a module per topic.

#[path = "../common/mod.rs"]
mod common;
#[path = "../live_support/mod.rs"]
mod live_support;

mod build;
mod findings;
mod servers;
mod templates;
