//! Machine-readable outputs written beside the pages, one file per format.

pub mod sitemap;
