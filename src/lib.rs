//! offprint turns a published document into clean, well-made editions.
//!
//! The pipeline ([`pipeline`]): [`Prepared::read`] reads a PDF, extracted
//! text or Markdown into the [`model::Document`] — [`input`] reads bytes into
//! a [`input::RawDoc`] of pages of lines, [`clean`] turns that into the
//! document with a [`clean::Report`] of every edit —; [`editions`] chooses
//! the combined document and one per language; [`Writing::write`] writes an
//! edition in any [`Format`] of the registry ([`mod@format`]): typeset PDF, DOCX
//! and EPUB ([`mod@write`]), Markdown, JSON and text ([`export`]). [`convert`]
//! does it all for one document.
//!
//! Reading and cleaning alone:
//!
//! ```
//! let options = offprint::ReadOptions::default();
//! let raw = offprint::read_input("brief.txt", b"Key Findings\n\n1. First point.\n", &options).unwrap();
//! let cleaned = offprint::clean::clean(&raw);
//! let markdown = offprint::export::md::to_markdown(&cleaned.document);
//! assert!(markdown.contains("1. First point."));
//! ```

// The public API: the pipeline and what it reads and gives.
pub mod clean;
pub mod config;
pub mod edition;
pub mod error;
pub mod export;
pub mod fonts;
pub mod format;
pub mod input;
pub mod lang;
pub mod model;
pub mod pipeline;
pub mod write;

// offprint's own machinery: the batch runner, typesetting, the command line
// and what its binary, tests and benches reach into (not part of the API).
pub(crate) mod batch;
#[doc(hidden)]
pub mod cli;
pub(crate) mod layout;
#[doc(hidden)]
pub mod memory;
#[doc(hidden)]
pub mod output;
#[doc(hidden)]
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
