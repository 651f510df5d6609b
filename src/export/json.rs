//! The model as JSON, versioned:
//!
//! ```json
//! { "format": "offprint-document", "version": 2,
//!   "meta": { "title": …, "authors": […], "date": "2024-07-04", "publisher": …, "rights": …,
//!             "languages": ["en", "zh"], "source": { "file_name": …, "sha256": … } },
//!   "sections": [ { "lang": "zh", "label": "Chinese",
//!     "blocks": [ { "type": "heading", "level": 1, "text": …, "lang": "zh",
//!                   "provenance": { "spans": [ { "page": 1, "first_line": 30, "last_line": 30 } ] } } ] } ] }
//! ```
//! Block `type` is `heading` (with `level`), `paragraph`, or `list-item`
//! (with `marker` as written, e.g. `"3."`).

use crate::model::{Document, FORMAT_VERSION};
use serde::Serialize;

#[derive(Serialize)]
struct Versioned<'a> {
    format: &'static str,
    version: u32,
    #[serde(flatten)]
    document: &'a Document,
}

pub fn to_json(document: &Document) -> String {
    let versioned = Versioned {
        format: "offprint-document",
        version: FORMAT_VERSION,
        document,
    };
    let mut out = serde_json::to_string_pretty(&versioned).expect("the model always serialises");
    out.push('\n');
    out
}
