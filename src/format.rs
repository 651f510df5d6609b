//! The formats offprint writes, in one registry: their names, file
//! extensions, media types and writers. The command line, the batch and the
//! library all read it; nothing else matches on formats.

use crate::edition::Edition;
use crate::model::Document;
use crate::write::{Typesetter, WriteOptions, Written};

/// A format an edition can be written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Format {
    Pdf,
    Docx,
    Epub,
    Md,
    Json,
    Txt,
}

/// How a format is written: from the model alone, or typeset with fonts.
#[derive(Clone, Copy)]
pub enum Writer {
    /// A text export of the model.
    Text(fn(&Document) -> String),
    /// An edition set with the fonts of a [`Typesetter`].
    Typeset(fn(&mut Typesetter, &Document, &Edition, &WriteOptions) -> Result<Written, String>),
}

/// What the registry knows of a format.
struct Entry {
    format: Format,
    name: &'static str,
    /// The extension of its files first, then others it is recognised by.
    extensions: &'static [&'static str],
    media_type: &'static str,
    summary: &'static str,
    writer: Writer,
}

const REGISTRY: [Entry; 6] = [
    Entry {
        format: Format::Pdf,
        name: "pdf",
        extensions: &["pdf"],
        media_type: "application/pdf",
        summary: "Typeset PDF, fonts subset and embedded",
        writer: Writer::Typeset(Typesetter::pdf),
    },
    Entry {
        format: Format::Docx,
        name: "docx",
        extensions: &["docx"],
        media_type: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        summary: "Editable Word document: styles, numbering, languages, embedded fonts",
        writer: Writer::Typeset(Typesetter::docx),
    },
    Entry {
        format: Format::Epub,
        name: "epub",
        extensions: &["epub"],
        media_type: "application/epub+zip",
        summary: "EPUB 3 (with the EPUB 2 NCX), fonts embedded",
        writer: Writer::Typeset(Typesetter::epub),
    },
    Entry {
        format: Format::Md,
        name: "md",
        extensions: &["md", "markdown"],
        media_type: "text/markdown",
        summary: "Pandoc Markdown with language divs",
        writer: Writer::Text(crate::export::md::to_markdown),
    },
    Entry {
        format: Format::Json,
        name: "json",
        extensions: &["json"],
        media_type: "application/json",
        summary: "The document model, versioned JSON",
        writer: Writer::Text(crate::export::json::to_json),
    },
    Entry {
        format: Format::Txt,
        name: "txt",
        extensions: &["txt", "text"],
        media_type: "text/plain",
        summary: "Plain text, a blank line between blocks",
        writer: Writer::Text(crate::export::txt::to_text),
    },
];

impl Format {
    /// Every format, in the registry's order.
    pub const ALL: [Format; 6] = [
        Format::Pdf,
        Format::Docx,
        Format::Epub,
        Format::Md,
        Format::Json,
        Format::Txt,
    ];

    /// Its entry: the registry lists the formats in their declared order.
    fn entry(self) -> &'static Entry {
        &REGISTRY[self as usize]
    }

    /// Its name on the command line and in summaries (`pdf`).
    pub fn name(self) -> &'static str {
        self.entry().name
    }

    /// The extension of its files, without the dot.
    pub fn extension(self) -> &'static str {
        self.entry().extensions[0]
    }

    pub fn media_type(self) -> &'static str {
        self.entry().media_type
    }

    /// One line on what it is.
    pub fn summary(self) -> &'static str {
        self.entry().summary
    }

    pub fn writer(self) -> Writer {
        self.entry().writer
    }

    /// Whether writing it needs fonts (and so a [`Typesetter`]).
    pub fn typesets(self) -> bool {
        matches!(self.writer(), Writer::Typeset(_))
    }

    /// The format of a file named `path`, by its extension (any case).
    ///
    /// ```
    /// use offprint::Format;
    /// assert_eq!(Format::of_path("brief.zh.EPUB".as_ref()), Some(Format::Epub));
    /// assert_eq!("docx".parse::<Format>(), Ok(Format::Docx));
    /// assert_eq!(Format::Md.extension(), "md");
    /// ```
    pub fn of_path(path: &std::path::Path) -> Option<Format> {
        let extension = path.extension()?.to_str()?.to_ascii_lowercase();
        REGISTRY
            .iter()
            .find(|entry| entry.extensions.contains(&extension.as_str()))
            .map(|entry| entry.format)
    }

    /// The names of every format, `pdf, docx, …`.
    pub fn names() -> String {
        Format::ALL.map(Format::name).join(", ")
    }
}

impl std::str::FromStr for Format {
    type Err = String;

    fn from_str(text: &str) -> Result<Format, String> {
        let text = text.trim().to_ascii_lowercase();
        REGISTRY
            .iter()
            .find(|entry| entry.name == text)
            .map(|entry| entry.format)
            .ok_or_else(|| format!("no format {text:?} (formats: {})", Format::names()))
    }
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl serde::Serialize for Format {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn every_format_is_in_the_registry_once_by_name_and_extension() {
        for format in Format::ALL {
            assert_eq!(format.name().parse::<Format>(), Ok(format));
            let file = format!("x.{}", format.extension().to_uppercase());
            assert_eq!(Format::of_path(Path::new(&file)), Some(format));
        }
        assert_eq!(REGISTRY.len(), Format::ALL.len());
        for (k, format) in Format::ALL.into_iter().enumerate() {
            assert_eq!(
                REGISTRY[k].format, format,
                "the registry is in declared order"
            );
            assert_eq!(format as usize, k);
        }
        assert_eq!(
            Format::of_path(Path::new("notes.markdown")),
            Some(Format::Md)
        );
        assert_eq!(Format::of_path(Path::new("x.html")), None);
        assert_eq!(Format::of_path(Path::new("pdf")), None);
        let error = "html".parse::<Format>().unwrap_err();
        assert!(error.contains("pdf, docx, epub, md, json, txt"), "{error}");
        assert!(Format::Pdf.typesets() && !Format::Md.typesets());
    }
}
