//! Writers of editions: PDF, typeset by offprint ([`pdf`]); DOCX, editable
//! ([`docx`]); EPUB, reflowable text with embedded fonts ([`epub`]).

pub mod docx;
pub mod epub;
pub mod pdf;

use crate::edition::Edition;
use crate::fonts::FontBook;
pub use crate::layout::Paper;
use crate::layout::{shape::Shaper, typeset_into, Design};
use crate::model::Document;

/// A typesetting session: the fonts and the shaping cache, shared by the
/// editions written in one run.
pub struct Typesetter {
    pub book: FontBook,
    pub shaper: Shaper,
}

/// What every writer is given besides the edition: resolved once, where the
/// run starts (the command line reads `SOURCE_DATE_EPOCH`, settings and
/// arguments), never looked up by a writer.
#[derive(Debug, Clone)]
pub struct WriteOptions {
    /// Paper of PDF and DOCX editions.
    pub paper: Paper,
    /// DOCX editions open with a table of contents.
    pub toc: bool,
    /// The locale a bare language tag is given in DOCX editions.
    pub locales: docx::Locales,
    /// Creation and modification date, seconds since the Unix epoch.
    pub created: i64,
}

impl Default for WriteOptions {
    /// A4, no table of contents, the default locales, [`FIXED_DATE`].
    fn default() -> WriteOptions {
        WriteOptions {
            paper: Paper::default(),
            toc: false,
            locales: docx::Locales::default(),
            created: FIXED_DATE,
        }
    }
}

/// The creation date when none is given (2000-01-01T00:00:00Z): the same
/// bytes every run.
pub const FIXED_DATE: i64 = 946_684_800;

/// The date a `SOURCE_DATE_EPOCH` value gives, if it is a valid one (seconds
/// from 1970 to the end of year 9999).
pub fn source_date(value: &str) -> Option<i64> {
    value
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|t| (0..253_402_300_800).contains(t))
}

/// One written edition, and what could not be done faithfully.
#[derive(Debug, Clone, Default)]
pub struct Written {
    pub bytes: Vec<u8>,
    /// Characters that no available font covers.
    pub uncovered: std::collections::BTreeSet<char>,
    /// Faces used but not embedded, with the reason.
    pub not_embedded: Vec<String>,
    /// Its pages, when the format has pages of its own (PDF).
    pub pages: Option<usize>,
}

/// A moment in UTC, from a Unix time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Utc {
    pub year: i64,
    pub month: u32,
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
}

/// The UTC date and time of `seconds` since the Unix epoch.
pub fn utc(seconds: i64) -> Utc {
    let days = seconds.div_euclid(86_400);
    let secs = seconds.rem_euclid(86_400);
    // Howard Hinnant's days-to-civil.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    Utc {
        year,
        month: month as u32,
        day: day as u32,
        hour: (secs / 3600) as u32,
        minute: (secs % 3600 / 60) as u32,
        second: (secs % 60) as u32,
    }
}

impl Typesetter {
    pub fn new(book: FontBook) -> Typesetter {
        Typesetter {
            book,
            shaper: Shaper::default(),
        }
    }

    /// Writes one edition (already selected) as EPUB, with the faces the
    /// PDF would use, modified at the creation date.
    pub fn epub(
        &mut self,
        document: &Document,
        edition: &Edition,
        options: &WriteOptions,
    ) -> Result<Written, String> {
        let rendered = epub::write_epub(document, edition, &mut self.book, options.created)?;
        Ok(Written {
            bytes: rendered.bytes,
            uncovered: rendered.uncovered,
            not_embedded: Vec::new(),
            pages: None,
        })
    }

    /// Typesets and writes one edition (already selected) as PDF.
    pub fn pdf(
        &mut self,
        document: &Document,
        edition: &Edition,
        options: &WriteOptions,
    ) -> Result<Written, String> {
        let design = Design::new(options.paper);
        let mut pages = pdf::PdfPages::new();
        let edition_typeset = typeset_into(
            document,
            &design,
            &mut self.book,
            &mut self.shaper,
            &mut |book, page| pages.add(book, &page),
        )?;
        let info = pdf::PdfInfo {
            title: document
                .meta
                .title
                .clone()
                .or_else(|| crate::layout::running_title(document)),
            authors: document.meta.authors.clone(),
            lang: edition.lang(document).to_string(),
            created: options.created,
        };
        let bytes = pages.finish(&self.book, &edition_typeset, &info)?;
        Ok(Written {
            bytes,
            uncovered: edition_typeset.uncovered,
            not_embedded: Vec::new(),
            pages: Some(edition_typeset.pages),
        })
    }

    /// Writes one edition (already selected) as DOCX. With a table of
    /// contents, the edition is typeset first for its page numbers: the
    /// DOCX styles follow the same design, and the text starts on the page
    /// after the contents.
    pub fn docx(
        &mut self,
        document: &Document,
        edition: &Edition,
        options: &WriteOptions,
    ) -> Result<Written, String> {
        let mut pages = Vec::new();
        if options.toc {
            let design = Design::new(options.paper);
            let mut body = document.clone();
            body.meta.title = None;
            // Only the page of each heading is wanted: the pages themselves go.
            let layout = typeset_into(
                &body,
                &design,
                &mut self.book,
                &mut self.shaper,
                &mut |_, _| Ok(()),
            )?;
            // The title block and the contents come first: one page, or more
            // when the contents are long.
            let headings = layout.outline.iter().filter(|e| e.depth > 0).count();
            let (_, height) = options.paper.size();
            let text_height = height - design.margin_top - design.margin_bottom;
            let front = 90.0 + 50.0 + headings as f32 * 19.0;
            let offset = (front / text_height).ceil().max(1.0) as usize;
            pages = layout
                .outline
                .iter()
                .filter(|e| e.depth > 0)
                .map(|e| e.page + offset)
                .collect();
        }
        let rendered = docx::write_docx(document, edition, &mut self.book, options, &pages)?;
        Ok(Written {
            bytes: rendered.bytes,
            uncovered: rendered.uncovered,
            not_embedded: rendered.not_embedded,
            pages: None,
        })
    }
}
