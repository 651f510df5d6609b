//! The model as JSON, versioned ([`FORMAT_VERSION`]), described by the JSON
//! Schema `docs/offprint-document.schema.json`:
//!
//! ```json
//! { "format": "offprint-document", "version": 3,
//!   "meta": { "title": …, "authors": […], "date": "2024-07-04", "publisher": …, "rights": …,
//!             "languages": ["en", "zh"], "source": { "file_name": …, "sha256": … } },
//!   "sections": [ { "lang": "zh", "label": "Chinese",
//!     "blocks": [ { "type": "heading", "level": 1, "content": [ { "type": "text", "text": … } ],
//!                   "lang": "zh",
//!                   "provenance": { "spans": [ { "page": 1, "first_line": 30, "last_line": 30 } ] } } ] } ],
//!   "notes": [ { "id": "1", "blocks": […] } ] }
//! ```
//! Block `type` is `heading` (with `level`), `paragraph`, `list` (with
//! `numbering` unless bulleted, `tight`, and `items` of `blocks`), `quote`,
//! `code-block`, `table` or `thematic-break`; inline `type` is `text`,
//! `emphasis`, `strong`, `strikeout`, `superscript`, `subscript`, `code`,
//! `link` (with `target`), `note-ref` (with the note's `id`) or `line-break`.

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

#[derive(serde::Deserialize)]
struct VersionedIn {
    format: String,
    version: u32,
    #[serde(flatten)]
    document: Document,
}

/// Reads the JSON [`to_json`] writes; an error names what does not fit (another
/// format, another version, a field of the wrong shape).
pub fn from_json(text: &str) -> Result<Document, String> {
    let versioned: VersionedIn =
        serde_json::from_str(text).map_err(|e| format!("not an offprint document: {e}"))?;
    if versioned.format != "offprint-document" {
        return Err(format!(
            "format {:?} is not offprint-document",
            versioned.format
        ));
    }
    if versioned.version != FORMAT_VERSION {
        return Err(format!(
            "version {} of the document format (this offprint reads {FORMAT_VERSION})",
            versioned.version
        ));
    }
    Ok(versioned.document)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_json_reads_back_to_the_model() {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/fixtures/markdown/constructs.expected.md"
        ))
        .unwrap();
        let document = crate::input::markdown::read_markdown(&text)
            .unwrap()
            .document;
        assert_eq!(from_json(&to_json(&document)).unwrap(), document);
        let old =
            to_json(&document).replace(&format!("\"version\": {FORMAT_VERSION}"), "\"version\": 2");
        assert!(from_json(&old).unwrap_err().contains("version 2"));
    }
}
