//! The clean intermediate document: what every exporter and writer reads.
//!
//! A [`Document`] is metadata, an ordered list of language-tagged
//! [`Section`]s of [`Block`]s, and the [`Note`]s its text refers to. Blocks
//! nest (a list item or a quotation holds blocks) and hold [`Inline`] content
//! (text, emphasis, links, note references, …), after pandoc's AST. Every
//! block remembers where it came from ([`Provenance`]), so an edition can
//! always be traced back to the source page and line. Nothing here knows how
//! the text was extracted.
//!
//! The JSON form (see [`crate::export::json`]) is versioned by
//! [`FORMAT_VERSION`]; bump it whenever a field changes meaning or disappears.

pub use crate::lang::Lang;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

/// Version of the JSON form of [`Document`].
///
/// - 1: the first form.
/// - 2: `meta` gains `publisher` and `rights` (both optional).
/// - 3: blocks hold inline `content` instead of `text`; `list-item` blocks
///   become `list` blocks of items that hold blocks; block quotes, code
///   blocks, tables, thematic breaks and notes.
pub const FORMAT_VERSION: u32 = 3;

/// One cleaned document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Document {
    pub meta: Meta,
    pub sections: Vec<Section>,
    /// Footnotes and endnotes, referenced from the text by [`Inline::NoteRef`].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<Note>,
}

/// What is known about the document as a whole.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
    pub languages: Vec<Lang>,
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
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Source {
    pub file_name: String,
    /// Lower-case hex SHA-256 of the input bytes.
    pub sha256: String,
}

/// A run of blocks in one language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Section {
    /// BCP 47 language tag (`en`, `zh`, `fr`, `es`, …; `und` when unknown).
    pub lang: Lang,
    /// The label that opened the section in the source ("Chinese"), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    pub blocks: Vec<Block>,
}

impl Section {
    /// The language `block` is in: its own, or its section's when its own is
    /// unknown.
    pub fn lang_of<'a>(&'a self, block: &'a Block) -> &'a str {
        block.lang_or(&self.lang)
    }
}

/// A block with its language and origin.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Block {
    #[serde(flatten)]
    pub kind: BlockKind,
    /// Language detected for this block alone (empty: its section's).
    pub lang: Lang,
    pub provenance: Provenance,
}

impl Block {
    /// A block in `lang` with no known origin.
    pub fn new(kind: BlockKind, lang: &str) -> Block {
        Block {
            kind,
            lang: Lang::new(lang),
            provenance: Provenance::default(),
        }
    }

    /// Calls `f` on every inline of the block and of the blocks it holds,
    /// each mark before what it holds.
    pub fn for_each_inline(&self, f: &mut dyn FnMut(&Inline)) {
        fn inlines(content: &[Inline], f: &mut dyn FnMut(&Inline)) {
            for inline in content {
                f(inline);
                inlines(inline.children().unwrap_or_default(), f);
            }
        }
        match &self.kind {
            BlockKind::Heading { content, .. } | BlockKind::Paragraph { content } => {
                inlines(content, f)
            }
            BlockKind::List { items, .. } => items
                .iter()
                .flat_map(|item| &item.blocks)
                .for_each(|block| block.for_each_inline(f)),
            BlockKind::Quote { blocks } => blocks.iter().for_each(|block| block.for_each_inline(f)),
            BlockKind::Table(table) => table
                .head
                .iter()
                .chain(&table.body)
                .flat_map(|row| &row.cells)
                .for_each(|cell| inlines(&cell.content, f)),
            BlockKind::CodeBlock { .. } | BlockKind::ThematicBreak => {}
        }
    }

    /// Its language, or `outer` (its section's or enclosing block's) when
    /// its own is empty or `und`.
    pub fn lang_or<'a>(&'a self, outer: &'a str) -> &'a str {
        if self.lang.is_empty() || self.lang == "und" {
            outer
        } else {
            &self.lang
        }
    }
}

/// What a block is. Containers ([`BlockKind::List`], [`BlockKind::Quote`])
/// hold blocks, so lists nest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum BlockKind {
    Heading {
        level: u8,
        content: Vec<Inline>,
    },
    Paragraph {
        content: Vec<Inline>,
    },
    /// A bulleted list (no `numbering`) or a numbered one. A tight list
    /// has no space between its items (pandoc's `Plain` items).
    List {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        numbering: Option<Numbering>,
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        tight: bool,
        items: Vec<ListItem>,
    },
    Quote {
        blocks: Vec<Block>,
    },
    CodeBlock {
        /// The language of the code (`rust`), when it is known.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        syntax: Option<String>,
        text: String,
    },
    Table(Table),
    ThematicBreak,
}

impl BlockKind {
    /// A paragraph of plain text.
    pub fn paragraph(text: impl Into<String>) -> BlockKind {
        BlockKind::Paragraph {
            content: vec![Inline::text(text)],
        }
    }

    /// A heading of plain text.
    pub fn heading(level: u8, text: impl Into<String>) -> BlockKind {
        BlockKind::Heading {
            level,
            content: vec![Inline::text(text)],
        }
    }

    /// Its text without markup: inline content flattened, the blocks of a
    /// container one after the other, separated by a line break. Borrowed
    /// for a block of one run of text, as nearly every cleaned block is.
    pub fn plain_text(&self) -> Cow<'_, str> {
        if let Some([Inline::Text { text }]) = self.content() {
            return Cow::Borrowed(text);
        }
        let mut out = String::new();
        self.push_plain_text(&mut out);
        Cow::Owned(out)
    }

    fn push_plain_text(&self, out: &mut String) {
        let push_blocks = |blocks: &[Block], out: &mut String| {
            for block in blocks {
                if !out.is_empty() {
                    out.push('\n');
                }
                block.kind.push_plain_text(out);
            }
        };
        match self {
            BlockKind::Heading { content, .. } | BlockKind::Paragraph { content } => {
                push_plain_text(content, out)
            }
            BlockKind::List { items, .. } => {
                for item in items {
                    push_blocks(&item.blocks, out);
                }
            }
            BlockKind::Quote { blocks } => push_blocks(blocks, out),
            BlockKind::CodeBlock { text, .. } => out.push_str(text),
            BlockKind::Table(table) => {
                for row in table.head.iter().chain(&table.body) {
                    if !out.is_empty() {
                        out.push('\n');
                    }
                    for (k, cell) in row.cells.iter().enumerate() {
                        if k > 0 {
                            out.push('\t');
                        }
                        push_plain_text(&cell.content, out);
                    }
                }
            }
            BlockKind::ThematicBreak => {}
        }
    }

    /// The inline content of a heading or paragraph.
    pub fn content(&self) -> Option<&[Inline]> {
        match self {
            BlockKind::Heading { content, .. } | BlockKind::Paragraph { content } => Some(content),
            _ => None,
        }
    }
}

/// One item of a list: blocks (a paragraph, and perhaps a nested list).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ListItem {
    pub blocks: Vec<Block>,
}

impl ListItem {
    /// The paragraph that opens the item (beside its marker), if one does,
    /// and the blocks after it.
    pub fn lead(&self) -> (Option<(&Block, &[Inline])>, &[Block]) {
        match self.blocks.split_first() {
            Some((
                first @ Block {
                    kind: BlockKind::Paragraph { content },
                    ..
                },
                rest,
            )) => (Some((first, content)), rest),
            _ => (None, &self.blocks),
        }
    }
}

/// How a numbered list counts: from `start`, in `style`, each number
/// followed (or surrounded) by `delimiter`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Numbering {
    pub start: u32,
    pub style: NumberStyle,
    pub delimiter: Delimiter,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum NumberStyle {
    Decimal,
    LowerAlpha,
    UpperAlpha,
    LowerRoman,
    UpperRoman,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum Delimiter {
    /// `1.`
    Period,
    /// `1)`
    Paren,
    /// `(1)`
    TwoParens,
}

impl Numbering {
    /// `1.` from the first item on.
    pub const DECIMAL: Numbering = Numbering {
        start: 1,
        style: NumberStyle::Decimal,
        delimiter: Delimiter::Period,
    };

    /// The marker of item `index` (0-based): `3.`, `c)`, `(iv)`.
    pub fn marker(&self, index: usize) -> String {
        let n = self.start.saturating_add(index as u32);
        let number = self.style.format(n);
        match self.delimiter {
            Delimiter::Period => format!("{number}."),
            Delimiter::Paren => format!("{number})"),
            Delimiter::TwoParens => format!("({number})"),
        }
    }
}

impl NumberStyle {
    /// `n` in this style; letters go on `z`, `aa`, `ab`, … and Roman
    /// numerals past 3999 fall back to digits.
    pub fn format(self, n: u32) -> String {
        match self {
            NumberStyle::Decimal => n.to_string(),
            NumberStyle::LowerAlpha => alphabetic(n),
            NumberStyle::UpperAlpha => alphabetic(n).to_ascii_uppercase(),
            NumberStyle::LowerRoman => roman(n),
            NumberStyle::UpperRoman => roman(n).to_ascii_uppercase(),
        }
    }
}

fn alphabetic(mut n: u32) -> String {
    let mut letters = Vec::new();
    while n > 0 {
        n -= 1;
        letters.push(b'a' + (n % 26) as u8);
        n /= 26;
    }
    letters.reverse();
    String::from_utf8(letters).unwrap_or_default()
}

fn roman(n: u32) -> String {
    if n == 0 || n > 3999 {
        return n.to_string();
    }
    const NUMERALS: [(u32, &str); 13] = [
        (1000, "m"),
        (900, "cm"),
        (500, "d"),
        (400, "cd"),
        (100, "c"),
        (90, "xc"),
        (50, "l"),
        (40, "xl"),
        (10, "x"),
        (9, "ix"),
        (5, "v"),
        (4, "iv"),
        (1, "i"),
    ];
    let (mut n, mut out) = (n, String::new());
    for (value, numeral) in NUMERALS {
        while n >= value {
            out.push_str(numeral);
            n -= value;
        }
    }
    out
}

/// A table: header rows, body rows, and how each column is aligned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Table {
    /// One a column; a row may have fewer cells than there are columns.
    pub columns: Vec<Alignment>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub head: Vec<Row>,
    pub body: Vec<Row>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Row {
    pub cells: Vec<Cell>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Cell {
    pub content: Vec<Inline>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum Alignment {
    /// The reading direction's start, the default.
    #[default]
    Default,
    Left,
    Center,
    Right,
}

/// A footnote or endnote: its blocks, referred to by `id`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Note {
    /// Unique in the document; what [`Inline::NoteRef`] names.
    pub id: String,
    pub blocks: Vec<Block>,
}

/// Inline content: text and what marks it up, after pandoc's `Inline`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum Inline {
    Text {
        text: String,
    },
    Emphasis {
        content: Vec<Inline>,
    },
    Strong {
        content: Vec<Inline>,
    },
    Strikeout {
        content: Vec<Inline>,
    },
    Superscript {
        content: Vec<Inline>,
    },
    Subscript {
        content: Vec<Inline>,
    },
    Code {
        text: String,
    },
    Link {
        target: String,
        content: Vec<Inline>,
    },
    /// A reference to the [`Note`] with this id.
    NoteRef {
        id: String,
    },
    LineBreak,
}

impl Inline {
    pub fn text(text: impl Into<String>) -> Inline {
        Inline::Text { text: text.into() }
    }

    /// The content a mark-up inline holds.
    pub fn children(&self) -> Option<&[Inline]> {
        match self {
            Inline::Emphasis { content }
            | Inline::Strong { content }
            | Inline::Strikeout { content }
            | Inline::Superscript { content }
            | Inline::Subscript { content }
            | Inline::Link { content, .. } => Some(content),
            _ => None,
        }
    }
}

/// Whether a link's target leads out of the document (a reader can follow
/// it from any edition): `http`, `https`, `mailto` or `ftp`.
pub fn leads_out(target: &str) -> bool {
    ["http://", "https://", "mailto:", "ftp://"]
        .iter()
        .any(|scheme| target.starts_with(scheme))
}

/// The text of `content` without markup; a line break is a space, a note
/// reference nothing.
pub fn plain_text(content: &[Inline]) -> Cow<'_, str> {
    if let [Inline::Text { text }] = content {
        return Cow::Borrowed(text);
    }
    let mut out = String::new();
    push_plain_text(content, &mut out);
    Cow::Owned(out)
}

fn push_plain_text(content: &[Inline], out: &mut String) {
    for inline in content {
        match inline {
            Inline::Text { text } | Inline::Code { text } => out.push_str(text),
            Inline::LineBreak => out.push(' '),
            Inline::NoteRef { .. } => {}
            other => push_plain_text(other.children().unwrap_or_default(), out),
        }
    }
}

/// Where a block came from: one span per source page it covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Provenance {
    pub spans: Vec<Span>,
}

/// Lines `first_line..=last_line` (1-based, counted over the whole source)
/// of source page `page` (1-based).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Span {
    pub page: usize,
    pub first_line: usize,
    pub last_line: usize,
}

impl Provenance {
    /// Extends the provenance with the lines of `other`, which follows it.
    pub fn extend(&mut self, other: &Provenance) {
        for span in &other.spans {
            self.add_line(span.page, span.first_line);
            self.add_line(span.page, span.last_line);
        }
    }

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

    /// The note `id` names.
    pub fn note(&self, id: &str) -> Option<&Note> {
        self.notes.iter().find(|note| note.id == id)
    }

    /// The number each note is shown with, by id: its place in the order of
    /// first reference (a note nothing refers to has none).
    pub fn note_numbers(&self) -> std::collections::BTreeMap<String, usize> {
        Document::note_ids(self.blocks())
            .into_iter()
            .filter(|id| self.note(id).is_some())
            .enumerate()
            .map(|(k, id)| (id, k + 1))
            .collect()
    }

    /// The ids of the notes `blocks` refer to, in the order of their first
    /// reference.
    pub fn note_ids<'b>(blocks: impl IntoIterator<Item = &'b Block>) -> Vec<String> {
        let mut ids: Vec<String> = Vec::new();
        for block in blocks {
            block.for_each_inline(&mut |inline| {
                if let Inline::NoteRef { id } = inline {
                    if !ids.contains(id) {
                        ids.push(id.clone());
                    }
                }
            });
        }
        ids
    }
}

/// The JSON Schema of [`Document`], derived from its types (feature `schema`).
#[cfg(feature = "schema")]
pub fn json_schema() -> serde_json::Value {
    serde_json::to_value(schemars::schema_for!(Document)).unwrap_or_default()
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
