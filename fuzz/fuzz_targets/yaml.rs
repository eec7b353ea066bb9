//! The YAML loader on arbitrary text, as every content file kind: it must return a value or a
//! diagnostic, never panic, overflow its stack or run for long (libFuzzer's -timeout).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    mailguide::fuzzing::yaml(data);
});
