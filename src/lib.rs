//! offprint turns a published document into clean, well-made editions.
//!
//! The pipeline: [`input`] reads bytes into a [`input::RawDoc`] of pages of
//! lines; [`clean`] turns that into the [`model::Document`] with a
//! [`clean::Report`] of every edit; [`export`] writes the model as Markdown,
//! JSON or plain text.
//!
//! ```
//! let raw = offprint::read_input("brief.txt", b"Executive Summary\n\n1. First point.\n").unwrap();
//! let cleaned = offprint::clean::clean(&raw);
//! let markdown = offprint::export::md::to_markdown(&cleaned.document);
//! assert!(markdown.contains("1. First point."));
//! ```

pub mod clean;
pub mod cli;
pub mod error;
pub mod export;
pub mod input;
pub mod model;
pub mod output;

pub use error::Error;

/// Reads an input, recognised by its bytes rather than its name: a PDF
/// starts with `%PDF`; anything else is taken as UTF-8 text.
pub fn read_input(name: &str, bytes: &[u8]) -> Result<input::RawDoc, Error> {
    if bytes.starts_with(b"%PDF") {
        return Err(Error::new(
            name,
            "is a PDF; this build reads extracted text only (run `pdftotext` first)",
        ));
    }
    let mut raw = input::text::read_text(bytes).map_err(|e| Error::new(name, e))?;
    raw.source = Some(input::source_of(name, bytes));
    Ok(raw)
}
