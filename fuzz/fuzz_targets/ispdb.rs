//! The ISPDB importer on arbitrary text: parse, map to the model, write content YAML, and read
//! that YAML back; never a panic, never a file the loader cannot read.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    mailguide::fuzzing::ispdb(data);
});
