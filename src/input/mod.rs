//! Readers: bytes in, a [`RawDoc`] of pages of lines out.
//!
//! A `RawDoc` is what the cleaner starts from. Nothing downstream of
//! [`crate::clean`] sees one.

pub mod markdown;
pub mod pdf;
pub mod style;
pub mod text;

pub use pdf::{LineGeometry, TableCell};

use sha2::{Digest, Sha256};

/// Text as the source laid it out: pages of lines.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RawDoc {
    pub pages: Vec<RawPage>,
    /// File name and hash of the input, when it came from a file.
    pub source: Option<crate::model::Source>,
    /// Pages whose text could not be read with positions (PDF input): what
    /// they hold came from a plain fallback extractor, or nothing did.
    pub lost_pages: Vec<usize>,
    /// Pages whose glyphs partly came out as no text (PDF input): their
    /// fonts have no Unicode map.
    pub unmapped: Vec<pdf::UnmappedGlyphs>,
    /// Text of fonts without a Unicode map read through a character
    /// collection (PDF input).
    pub recovered: Vec<pdf::Recovered>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct RawPage {
    /// 1-based page number in the source.
    pub number: usize,
    pub lines: Vec<RawLine>,
    /// Width and height in points, when the source has pages of a size.
    pub size: Option<(f32, f32)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RawLine {
    pub text: String,
    /// 1-based line number, counted over the whole source.
    pub number: usize,
    /// Where the page drew the line, when the source is a PDF.
    pub geometry: Option<LineGeometry>,
    /// Its runs set otherwise than plain text (italic, bold, raised, linked), when
    /// the source says.
    pub styles: Vec<style::StyledRun>,
}

impl RawDoc {
    /// Every line with its page number, in source order.
    pub fn lines(&self) -> impl Iterator<Item = (usize, &RawLine)> {
        self.pages
            .iter()
            .flat_map(|page| page.lines.iter().map(move |line| (page.number, line)))
    }
}

impl From<pdf::PdfText> for RawDoc {
    /// Numbers the lines of a PDF's pages over the whole document.
    fn from(text: pdf::PdfText) -> RawDoc {
        let mut number = 0;
        let pages = text
            .pages
            .into_iter()
            .map(|page| RawPage {
                number: page.number,
                size: Some((page.width, page.height)),
                lines: page
                    .lines
                    .into_iter()
                    .map(|line| {
                        number += 1;
                        RawLine {
                            text: line.text,
                            number,
                            geometry: line.geometry,
                            styles: line.styles,
                        }
                    })
                    .collect(),
            })
            .collect();
        RawDoc {
            pages,
            source: None,
            lost_pages: text.lost_pages,
            unmapped: text.unmapped,
            recovered: text.recovered,
        }
    }
}

/// The bytes of an input file, or of standard input for `-`.
pub fn read_file(path: &std::path::Path) -> Result<Vec<u8>, crate::Error> {
    if path.as_os_str() == "-" {
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut bytes)
            .map_err(|e| crate::Error::io("-", &e))?;
        return Ok(bytes);
    }
    if path.is_dir() {
        return Err(crate::Error::new(
            path.display().to_string(),
            "is a directory, not a file",
        ));
    }
    std::fs::read(path).map_err(|e| crate::Error::io(path.display().to_string(), &e))
}

/// How a file starts, for an error that says what it is instead: its first
/// characters (`` `<html` ``) when they are text, else its first bytes in hex.
pub fn opening(bytes: &[u8]) -> String {
    let head = &bytes[..bytes.len().min(12)];
    let text: String = String::from_utf8_lossy(head)
        .chars()
        .take_while(|c| !c.is_control() && *c != char::REPLACEMENT_CHARACTER)
        .collect();
    if text.trim().chars().count() >= 2 {
        format!("`{}`", text.trim_end())
    } else {
        let hex: Vec<String> = head.iter().take(4).map(|b| format!("{b:02X}")).collect();
        format!("the bytes {}", hex.join(" "))
    }
}

/// Names an input for the model: its file name (without folders) and SHA-256.
pub fn source_of(name: &str, bytes: &[u8]) -> crate::model::Source {
    let file_name = std::path::Path::new(name)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| name.to_string());
    let sha256 = Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    crate::model::Source { file_name, sha256 }
}
