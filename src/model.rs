//! The clean intermediate document: what every exporter and writer reads.
//!
//! A [`Document`] is metadata plus an ordered list of language-tagged
//! [`Section`]s of [`Block`]s. Every block remembers where it came from
//! ([`Provenance`]), so an edition can always be traced back to the source
//! page and line. Nothing here knows how the text was extracted.
//!
//! The JSON form (see [`crate::export::json`]) is versioned by
//! [`FORMAT_VERSION`]; bump it whenever a field changes meaning or disappears.

use serde::{Deserialize, Serialize};

/// Version of the JSON form of [`Document`].
///
/// - 1: the first form.
/// - 2: `meta` gains `publisher` and `rights` (both optional).
pub const FORMAT_VERSION: u32 = 2;

/// One cleaned document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Document {
    pub meta: Meta,
    pub sections: Vec<Section>,
}

/// What is known about the document as a whole.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Meta {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub authors: Vec<String>,
    /// Publication date, ISO 8601 (`YYYY-MM-DD`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// Who published the document (set by configuration or `--meta`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publisher: Option<String>,
    /// Copyright or licence statement (set by configuration or `--meta`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rights: Option<String>,
    /// Language tags of the sections, in order of first appearance.
    #[serde(default)]
    pub languages: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<Source>,
}

impl Meta {
    /// The line under an edition's title: the authors and the date,
    /// separated by middle dots; `None` when there are neither.
    pub fn byline(&self) -> Option<String> {
        let parts: Vec<&str> = self
            .authors
            .iter()
            .map(String::as_str)
            .chain(self.date.as_deref())
            .collect();
        (!parts.is_empty()).then(|| parts.join(" · "))
    }
}

/// The file a document was cleaned from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Source {
    pub file_name: String,
    /// Lower-case hex SHA-256 of the input bytes.
    pub sha256: String,
}

/// A run of blocks in one language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Section {
    /// BCP 47 language tag (`en`, `zh`, `fr`, `es`, …; `und` when unknown).
    pub lang: String,
    /// The label that opened the section in the source ("Chinese"), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    pub blocks: Vec<Block>,
}

/// A heading, paragraph or list item with its origin.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Block {
    #[serde(flatten)]
    pub kind: BlockKind,
    /// Language detected for this block alone (falls back to its section's).
    pub lang: String,
    pub provenance: Provenance,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum BlockKind {
    Heading {
        level: u8,
        text: String,
    },
    Paragraph {
        text: String,
    },
    /// `marker` is the item's number or bullet as written (`"3."`, `"b)"`, `"•"`).
    ListItem {
        marker: String,
        text: String,
    },
}

impl BlockKind {
    pub fn text(&self) -> &str {
        match self {
            BlockKind::Heading { text, .. }
            | BlockKind::Paragraph { text }
            | BlockKind::ListItem { text, .. } => text,
        }
    }
}

/// Where a block came from: one span per source page it covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Provenance {
    pub spans: Vec<Span>,
}

/// Lines `first_line..=last_line` (1-based, counted over the whole source)
/// of source page `page` (1-based).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Span {
    pub page: usize,
    pub first_line: usize,
    pub last_line: usize,
}

impl Provenance {
    /// Extends the provenance with one more source line.
    pub fn add_line(&mut self, page: usize, line: usize) {
        match self.spans.last_mut() {
            Some(span) if span.page == page && line >= span.first_line => {
                span.last_line = span.last_line.max(line)
            }
            _ => self.spans.push(Span {
                page,
                first_line: line,
                last_line: line,
            }),
        }
    }
}

impl Document {
    /// Every block in reading order.
    pub fn blocks(&self) -> impl Iterator<Item = &Block> {
        self.sections.iter().flat_map(|s| s.blocks.iter())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_byline_joins_authors_and_date() {
        let mut meta = Meta::default();
        assert_eq!(meta.byline(), None);
        meta.date = Some("2024-01-31".into());
        assert_eq!(meta.byline().as_deref(), Some("2024-01-31"));
        meta.authors = vec!["A. Writer".into(), "B. Editor".into()];
        assert_eq!(
            meta.byline().as_deref(),
            Some("A. Writer · B. Editor · 2024-01-31")
        );
    }
}
