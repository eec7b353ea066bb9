//! Import: settings written in other formats, turned into content files of our model.
//!
//! Importers write content; they never build. What they bring in is then judged by `check` like
//! any hand-written file, so an importer keeps the data as it found it and reports what it could
//! not carry over instead of "fixing" it.

pub mod ispdb;
