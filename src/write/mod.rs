//! Writers of typeset editions. Today: PDF ([`pdf`]).

pub mod pdf;

use crate::edition::Edition;
use crate::fonts::FontBook;
use crate::layout::{shape::Shaper, typeset, Design, Paper};
use crate::model::Document;

/// A typesetting session: the fonts and the shaping cache, shared by the
/// editions written in one run.
pub struct Typesetter {
    pub book: FontBook,
    pub shaper: Shaper,
}

/// One rendered PDF edition and the characters no font covered.
pub struct RenderedPdf {
    pub bytes: Vec<u8>,
    pub uncovered: std::collections::BTreeSet<char>,
    pub pages: usize,
}

impl Typesetter {
    pub fn new(book: FontBook) -> Typesetter {
        Typesetter {
            book,
            shaper: Shaper::default(),
        }
    }

    /// Typesets and writes one edition (already selected) as PDF.
    pub fn pdf(
        &mut self,
        document: &Document,
        edition: &Edition,
        paper: Paper,
    ) -> Result<RenderedPdf, String> {
        let design = Design::new(paper);
        let layout = typeset(document, &design, &mut self.book, &mut self.shaper);
        let info = pdf::PdfInfo {
            title: document
                .meta
                .title
                .clone()
                .or_else(|| crate::layout::running_title(document)),
            authors: document.meta.authors.clone(),
            lang: edition.lang(document),
            created: pdf::creation_date(),
        };
        let bytes = pdf::write_pdf(&layout, &self.book, &info)?;
        Ok(RenderedPdf {
            bytes,
            uncovered: layout.uncovered,
            pages: layout.pages.len(),
        })
    }
}
