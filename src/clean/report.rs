//! The edit report: every change a cleaning pass made, so an archivist can
//! audit the cleaned text against its source.

use serde::Serialize;
use std::collections::BTreeMap;

/// What a pass did. Each pass has its own kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum EditKind {
    /// Leading, trailing or doubled spaces removed (spacing).
    Spacing,
    /// A typographic ligature spelled out, `ﬁ` → `fi` (normalisation).
    Ligature,
    /// A CJK radical replaced by its ideograph, `⼈` → `人` (normalisation).
    CjkRadical,
    /// A soft hyphen inside a line dropped (normalisation).
    SoftHyphen,
    /// A control character dropped (NUL, U+001B, a C1 control): XML 1.0 forbids or
    /// discourages it, so no DOCX or EPUB edition could carry it (normalisation).
    ControlChar,
    /// A bare page number removed (furniture).
    PageNumber,
    /// A running header repeated across pages removed (furniture).
    RunningHeader,
    /// A running footer repeated across pages removed (furniture).
    RunningFooter,
    /// A line repeated page after page in text without page breaks, so
    /// neither header nor footer can be told (furniture).
    RunningLine,
    /// The title set on the first page (a masthead, a title over the columns) as the
    /// running header gives it, taken out of the text: it is the document's title
    /// (furniture).
    Title,
    /// A line of a footnote at the foot of its page moved out of the text into the
    /// document's notes; its marker in the text refers to it (notes).
    Footnote,
    /// A run the source set in italic, bold or a monospaced face, raised or
    /// lowered, or under a link, marked up as such; `after` is its Markdown
    /// (inline styles).
    InlineStyle,
    /// The cells a PDF page set as a table made one table block (tables).
    Table,
    /// Two lines of one paragraph or list item joined (unwrap).
    LineJoin,
    /// A heading wrapped over several lines joined (headings).
    HeadingJoin,
    /// A line-end hyphen removed and the word rejoined (dehyphenation).
    Dehyphenated,
    /// A line-end hyphen kept: the compound is known (dehyphenation).
    HyphenKept,
    /// A line-end hyphen kept because nothing decides it (dehyphenation).
    HyphenUndecided,
    /// A language label line moved from the text into the model (sections).
    SectionLabel,
    /// A metadata value read from a line that stays in the text (metadata).
    Metadata,
}

impl EditKind {
    /// Whether the edit replaces characters (`before` → `after`) in its line.
    pub fn replaces_characters(self) -> bool {
        matches!(
            self,
            EditKind::Ligature
                | EditKind::CjkRadical
                | EditKind::SoftHyphen
                | EditKind::ControlChar
        )
    }

    /// Whether the edit takes the whole source line out of the text.
    pub fn removes_line(self) -> bool {
        matches!(
            self,
            EditKind::PageNumber
                | EditKind::RunningHeader
                | EditKind::RunningFooter
                | EditKind::RunningLine
                | EditKind::Title
                | EditKind::SectionLabel
                | EditKind::Footnote
        )
    }
}

/// One edit, at a source line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Edit {
    pub kind: EditKind,
    /// 1-based source page.
    pub page: usize,
    /// 1-based source line (for joins: the first of the two lines).
    pub line: usize,
    /// The text concerned before the edit (for joins: the end of the first
    /// line, a line break `\n`, and the start of the next).
    pub before: String,
    /// The same text after the edit; empty for removals.
    pub after: String,
}

/// All the edits of one cleaning run, in the order they were made.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Report {
    pub edits: Vec<Edit>,
}

impl Report {
    pub fn push(
        &mut self,
        kind: EditKind,
        page: usize,
        line: usize,
        before: impl Into<String>,
        after: impl Into<String>,
    ) {
        self.edits.push(Edit {
            kind,
            page,
            line,
            before: before.into(),
            after: after.into(),
        });
    }

    /// Number of edits of each kind.
    pub fn counts(&self) -> BTreeMap<EditKind, usize> {
        let mut counts = BTreeMap::new();
        for edit in &self.edits {
            *counts.entry(edit.kind).or_insert(0) += 1;
        }
        counts
    }

    /// The report as versioned JSON (`offprint-report`, version 1), with a
    /// count per kind.
    pub fn to_json(&self) -> String {
        #[derive(Serialize)]
        struct Versioned<'a> {
            format: &'static str,
            version: u32,
            counts: BTreeMap<EditKind, usize>,
            edits: &'a [Edit],
        }
        // About 150 bytes of JSON an edit besides its texts: reserved at once,
        // a long document's report is not copied as it grows.
        let size: usize = self
            .edits
            .iter()
            .map(|e| 150 + e.before.len() + e.after.len())
            .sum();
        let mut out = Vec::with_capacity(size);
        serde_json::to_writer_pretty(
            &mut out,
            &Versioned {
                format: "offprint-report",
                version: 1,
                counts: self.counts(),
                edits: &self.edits,
            },
        )
        .expect("the report always serialises");
        out.push(b'\n');
        String::from_utf8(out).expect("serde_json writes UTF-8")
    }

    pub fn of_kind(&self, kind: EditKind) -> impl Iterator<Item = &Edit> {
        self.edits.iter().filter(move |e| e.kind == kind)
    }
}
