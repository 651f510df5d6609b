//! offprint turns a published document into clean, well-made editions.
//!
//! The pipeline: [`input`] reads bytes into a [`input::RawDoc`] of pages of
//! lines; [`clean`] turns that into the [`model::Document`] with a
//! [`clean::Report`] of every edit; [`export`] writes the model as Markdown,
//! JSON or plain text.
//!
//! ```
//! let options = offprint::ReadOptions::default();
//! let raw = offprint::read_input("brief.txt", b"Key Findings\n\n1. First point.\n", &options).unwrap();
//! let cleaned = offprint::clean::clean(&raw);
//! let markdown = offprint::export::md::to_markdown(&cleaned.document);
//! assert!(markdown.contains("1. First point."));
//! ```

pub mod batch;
pub mod clean;
pub mod cli;
pub mod config;
pub mod edition;
pub mod error;
pub mod export;
pub mod fonts;
pub mod format;
pub mod input;
pub mod layout;
pub mod memory;
pub mod model;
pub mod output;
pub mod pipeline;
pub mod write;
pub mod xml;

pub use error::Error;
pub use format::Format;
pub use pipeline::{convert, editions, Prepared, Writing};
pub use write::{WriteOptions, Written};

/// How to open an input.
#[derive(Debug, Clone)]
pub struct ReadOptions {
    /// Password of an encrypted PDF (one with an empty user password opens without).
    pub password: Option<String>,
    /// How long reading one PDF may take before it is given up.
    pub time_limit: std::time::Duration,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            password: None,
            time_limit: input::pdf::DEFAULT_TIME_LIMIT,
        }
    }
}

/// Reads an input, recognised by its bytes rather than its name: a PDF
/// starts with `%PDF` (a little junk before it is tolerated); anything else
/// is taken as UTF-8 text.
pub fn read_input(name: &str, bytes: &[u8], options: &ReadOptions) -> Result<input::RawDoc, Error> {
    if bytes.is_empty() {
        return Err(Error::new(name, "is empty"));
    }
    let is_pdf = input::pdf::looks_like_pdf(bytes);
    let named_pdf = std::path::Path::new(name)
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("pdf"));
    if named_pdf && !is_pdf {
        return Err(Error::new(
            name,
            format!("not a PDF (starts with {})", input::opening(bytes)),
        ));
    }
    let mut raw = if is_pdf {
        input::pdf::read_pdf_with_limit(bytes, options.password.as_deref(), options.time_limit)
            .map(input::RawDoc::from)
            .map_err(|e| Error::new(name, e))?
    } else {
        let raw = input::text::read_text(bytes).map_err(|e| Error::new(name, e))?;
        if raw.lines().all(|(_, line)| line.text.trim().is_empty()) {
            return Err(Error::new(
                name,
                "no text, only blank lines and page breaks (from a scan? run OCR first)",
            ));
        }
        raw
    };
    raw.source = Some(input::source_of(name, bytes));
    Ok(raw)
}
