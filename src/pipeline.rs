//! The pipeline as a library: an input's bytes → the document (cleaned when it
//! was extracted, as it is when it is Markdown) → its editions → any format.
//!
//! ```
//! use offprint::{Format, Prepared, ReadOptions, WriteOptions, Writing};
//!
//! let text = b"Key Findings\n\nThe first finding of the re-\nport.\n";
//! let prepared = Prepared::read("brief.txt", text, &ReadOptions::default()).unwrap();
//! let chosen = offprint::editions(&prepared.document, &["all".to_string()]).unwrap();
//! let fonts = Default::default();
//! let mut writing = Writing::with_fonts("brief.txt", WriteOptions::default(), &fonts);
//! for (edition, document) in &chosen.editions {
//!     let markdown = writing.write(Format::Md, document, edition).unwrap();
//!     assert!(String::from_utf8(markdown.bytes).unwrap().contains("of the report."));
//! }
//! ```

use crate::clean::{clean, EditKind, Report};
use crate::edition::{self, Edition};
use crate::error::Error;
use crate::fonts::{FontBook, FontOptions};
use crate::format::{Format, Writer};
use crate::input::RawDoc;
use crate::model::Document;
use crate::write::{Typesetter, WriteOptions, Written};
use crate::ReadOptions;
use serde::{Deserialize, Serialize};

/// Something reading, cleaning or writing a document noticed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Warning {
    /// `missing-glyph`, `lost-pages`, `unmapped-glyphs`, `recovered-text`,
    /// `undecided-hyphen`, `font-not-embedded`, `no-such-edition` or
    /// `markdown-unsupported` (an image or raw HTML kept as text).
    pub kind: String,
    pub message: String,
    /// Source pages concerned.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pages: Vec<usize>,
    /// Source line concerned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
}

impl Warning {
    pub fn new(kind: &str, message: impl Into<String>) -> Warning {
        Warning {
            kind: kind.into(),
            message: message.into(),
            pages: Vec::new(),
            line: None,
        }
    }

    /// Minor warnings are in the summary but on stderr only with `-v`.
    pub fn is_minor(&self) -> bool {
        matches!(self.kind.as_str(), "undecided-hyphen" | "recovered-text")
    }
}

/// A document ready for its editions.
pub struct Prepared {
    pub document: Document,
    /// Every edit cleaning made; `None` for Markdown, which is not cleaned.
    pub report: Option<Report>,
    /// What reading and cleaning noticed (pages lost, hyphens left undecided).
    pub warnings: Vec<Warning>,
}

impl Prepared {
    /// The document of an input's bytes: Markdown (named `.md`, or what `clean`
    /// wrote, which an editor may have corrected) is the document itself; a PDF or extracted
    /// text is read and cleaned. `name` is the input as the user named it
    /// (for messages and the model's source).
    pub fn read(name: &str, bytes: &[u8], options: &ReadOptions) -> Result<Prepared, Error> {
        use crate::input::markdown::{looks_like_markdown, read_markdown};
        let named_markdown =
            crate::Format::of_path(std::path::Path::new(name)) == Some(crate::Format::Md);
        if let Some(text) = std::str::from_utf8(bytes)
            .ok()
            .filter(|t| named_markdown || looks_like_markdown(t))
        {
            let mut markdown = read_markdown(text).map_err(|e| Error::new(name, e))?;
            markdown.document.meta.source = Some(crate::input::source_of(name, bytes));
            let warnings = markdown
                .warnings
                .into_iter()
                .map(|(line, what)| Warning {
                    line: Some(line),
                    ..Warning::new("markdown-unsupported", format!("line {line}: {what}"))
                })
                .collect();
            return Ok(Prepared {
                document: markdown.document,
                report: None,
                warnings,
            });
        }
        let raw = crate::read_input(name, bytes, options)?;
        Prepared::clean(name, &raw)
    }

    /// The document of raw pages, cleaned.
    pub fn clean(name: &str, raw: &RawDoc) -> Result<Prepared, Error> {
        let mut warnings = reading_warnings(raw);
        let cleaned = clean(raw);
        if let Some(why) = cleaned.emptied(raw) {
            return Err(Error::new(name, why));
        }
        for edit in cleaned.report.of_kind(EditKind::HyphenUndecided) {
            warnings.push(Warning {
                pages: vec![edit.page],
                line: Some(edit.line),
                ..Warning::new(
                    "undecided-hyphen",
                    format!(
                        "hyphen kept in {:?} (page {}, line {}): nothing decides whether it belongs to the word",
                        edit.after, edit.page, edit.line
                    ),
                )
            });
        }
        Ok(Prepared {
            document: cleaned.document,
            report: Some(cleaned.report),
            warnings,
        })
    }
}

/// What reading a document noticed: pages lost, glyphs that gave no text
/// (one warning a page), text read through a character collection (minor).
pub fn reading_warnings(raw: &RawDoc) -> Vec<Warning> {
    use crate::input::pdf::thousands;
    let plural = |n: usize| if n == 1 { "" } else { "s" };
    let mut warnings = Vec::new();
    if !raw.lost_pages.is_empty() {
        let pages: Vec<String> = raw.lost_pages.iter().map(usize::to_string).collect();
        warnings.push(Warning {
            pages: raw.lost_pages.clone(),
            ..Warning::new(
                "lost-pages",
                format!(
                    "page(s) {} could not be read in full; their text may be incomplete",
                    pages.join(", ")
                ),
            )
        });
    }
    for unmapped in &raw.unmapped {
        let fonts = if unmapped.fonts.is_empty() {
            String::new()
        } else {
            format!(" ({})", unmapped.fonts.join(", "))
        };
        warnings.push(Warning {
            pages: vec![unmapped.page],
            ..Warning::new(
                "unmapped-glyphs",
                format!(
                    "page {}: {} glyph{} in fonts without a Unicode map{fonts} could not be read as text",
                    unmapped.page,
                    thousands(unmapped.count),
                    plural(unmapped.count),
                ),
            )
        });
    }
    for recovered in &raw.recovered {
        warnings.push(Warning::new(
            "recovered-text",
            format!(
                "{} glyph{} in fonts without a Unicode map read through the {} character collection",
                thousands(recovered.glyphs),
                plural(recovered.glyphs),
                recovered.collection
            ),
        ));
    }
    warnings
}

/// The editions chosen for a document.
#[derive(Debug, Clone)]
pub struct Chosen {
    /// Each edition with its document, in a stable order without repeats.
    pub editions: Vec<(Edition, Document)>,
    /// Language editions asked for that the document does not hold, and why.
    pub missing: Vec<(Edition, String)>,
}

/// The editions asked for: `all`, `combined` or language tags (`en`, `zh`).
pub fn editions(document: &Document, asked: &[String]) -> Result<Chosen, Error> {
    let mut wanted: Vec<Edition> = Vec::new();
    for name in asked {
        let more = if name.trim() == "all" {
            edition::all(document)
        } else {
            vec![Edition::parse(name).map_err(|e| Error::usage("--edition", e))?]
        };
        for e in more {
            if !wanted.contains(&e) {
                wanted.push(e);
            }
        }
    }
    let mut chosen = Chosen {
        editions: Vec::new(),
        missing: Vec::new(),
    };
    for e in wanted {
        match edition::select(document, &e) {
            Ok(selected) => chosen.editions.push((e, selected)),
            Err(why) => chosen.missing.push((e, why)),
        }
    }
    Ok(chosen)
}

/// Writes a document's editions: the options of every format, and the
/// typesetter (with its fonts) made the first time a format typesets.
pub struct Writing<'f> {
    name: String,
    options: WriteOptions,
    fonts: Option<Box<dyn FnOnce() -> Result<FontBook, Error> + 'f>>,
    typesetter: Option<Typesetter>,
}

impl<'f> Writing<'f> {
    /// `name` names the document in errors; `fonts` gives its font database
    /// when one is first needed (never, if only text formats are written).
    pub fn new(
        name: &str,
        options: WriteOptions,
        fonts: impl FnOnce() -> Result<FontBook, Error> + 'f,
    ) -> Writing<'f> {
        Writing {
            name: name.to_string(),
            options,
            fonts: Some(Box::new(fonts)),
            typesetter: None,
        }
    }

    /// With a font database made from `fonts` (the bundled faces and those
    /// the options add).
    pub fn with_fonts(name: &str, options: WriteOptions, fonts: &'f FontOptions) -> Writing<'f> {
        Writing::new(name, options, move || FontBook::new(fonts))
    }

    /// One edition (already selected, see [`editions`]) in one format.
    pub fn write(
        &mut self,
        format: Format,
        document: &Document,
        edition: &Edition,
    ) -> Result<Written, Error> {
        match format.writer() {
            Writer::Text(render) => Ok(Written {
                bytes: render(document).into_bytes(),
                ..Written::default()
            }),
            Writer::Typeset(write) => {
                let typesetter = match &mut self.typesetter {
                    Some(typesetter) => typesetter,
                    slot @ None => {
                        let fonts = self.fonts.take().ok_or_else(|| {
                            Error::new(self.name.clone(), "its fonts could not be read before")
                        })?;
                        slot.insert(Typesetter::new(fonts()?))
                    }
                };
                write(typesetter, document, edition, &self.options)
                    .map_err(|why| Error::new(self.name.clone(), why))
            }
        }
    }
}

/// What a file a conversion made is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Made {
    /// An edition (`combined`, `en`, …) in a format.
    Edition { format: Format, edition: String },
    /// The report of the edits cleaning made, as JSON.
    Report,
}

/// One file a conversion made, handed on to be written.
#[derive(Debug, Clone)]
pub struct OutputFile {
    /// File name in the document's output folder.
    pub name: String,
    pub made: Made,
    pub bytes: Vec<u8>,
}

/// Takes each file of a document as it is made; an error stops the conversion.
pub type OutputSink<'s> = dyn FnMut(OutputFile) -> Result<(), Error> + 's;

/// What one document's conversion needs besides its bytes.
pub struct ConvertOptions<'a> {
    pub formats: &'a [Format],
    /// `all`, `combined` or language tags.
    pub editions: &'a [String],
    /// A language edition the document lacks fails it (else it is a warning).
    pub strict: bool,
    /// Also hand on the edit report (`<stem>.report.json`) of a cleaned input.
    pub report: bool,
    /// Its settings: configuration, sidecar and `--meta`, resolved.
    pub settings: &'a crate::config::Settings,
    pub write: WriteOptions,
    pub read: &'a ReadOptions,
    /// A fresh font database (asked for only when a format typesets).
    pub fonts: &'a (dyn Fn(&crate::config::Settings) -> Result<FontBook, Error> + Sync),
}

/// Converts one document: input bytes → document → editions → formats →
/// bytes. Hands each file to `emit` as soon as it is made, named `<stem>.<ext>`
/// (combined) and `<stem>.<lang>.<ext>`, and returns what it noticed. `name` is
/// the input as the user named it (for messages and the model's source).
///
/// ```
/// use offprint::pipeline::{convert, ConvertOptions, Made};
/// use offprint::{Format, ReadOptions, WriteOptions};
///
/// let settings = Default::default();
/// let fonts = |_: &offprint::config::Settings| offprint::fonts::FontBook::new(&Default::default());
/// let options = ConvertOptions {
///     formats: &[Format::Md, Format::Txt],
///     editions: &["combined".to_string()],
///     strict: true,
///     report: true,
///     settings: &settings,
///     write: WriteOptions::default(),
///     read: &ReadOptions::default(),
///     fonts: &fonts,
/// };
/// let mut names = Vec::new();
/// let text = b"Findings\n\nA first line that the layout wrap-\nped.\n";
/// convert("notes.txt", text, "notes", &options, &mut |file| {
///     names.push((file.name, file.made == Made::Report));
///     Ok(())
/// })
/// .unwrap();
/// assert_eq!(
///     names,
///     [("notes.md".into(), false), ("notes.txt".into(), false), ("notes.report.json".into(), true)]
/// );
/// ```
pub fn convert(
    name: &str,
    bytes: &[u8],
    stem: &str,
    options: &ConvertOptions,
    emit: &mut OutputSink,
) -> Result<Vec<Warning>, Error> {
    let Prepared {
        mut document,
        report,
        mut warnings,
    } = Prepared::read(name, bytes, options.read)?;
    options.settings.apply_meta(&mut document.meta);
    options.settings.apply_regions(&mut document);
    let chosen = editions(&document, options.editions)?;
    for (edition, why) in &chosen.missing {
        if options.strict {
            return Err(Error::new(name, why));
        }
        warnings.push(Warning::new(
            "no-such-edition",
            format!("no {} edition: {why}", edition.label()),
        ));
    }
    let mut names = std::collections::BTreeSet::new();
    let mut uncovered = std::collections::BTreeSet::new();
    let mut not_embedded = std::collections::BTreeSet::new();
    let fonts = || (options.fonts)(options.settings);
    let mut writing = Writing::new(name, options.write.clone(), fonts);
    for &format in options.formats {
        for (edition, doc) in &chosen.editions {
            let written = writing.write(format, doc, edition)?;
            uncovered.extend(written.uncovered);
            not_embedded.extend(written.not_embedded);
            let file_name = edition.file_name(stem, format.extension());
            if names.insert(file_name.clone()) {
                emit(OutputFile {
                    name: file_name,
                    made: Made::Edition {
                        format,
                        edition: edition.label(),
                    },
                    bytes: written.bytes,
                })?;
            }
        }
    }
    if let (true, Some(report)) = (options.report, &report) {
        emit(OutputFile {
            name: format!("{stem}.report.json"),
            made: Made::Report,
            bytes: report.to_json().into_bytes(),
        })?;
    }
    for ch in uncovered {
        warnings.push(Warning::new(
            "missing-glyph",
            crate::fonts::Uncovered { ch }.to_string(),
        ));
    }
    for note in not_embedded {
        warnings.push(Warning::new("font-not-embedded", note));
    }
    Ok(warnings)
}
