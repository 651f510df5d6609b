//! The cleaning stage: from the lines a page layout left ([`RawDoc`]) to the
//! clean [`Document`], with a [`Report`] of every edit.
//!
//! Each pass is a small named function in its own module with its own kind
//! of report entry:
//!
//! | pass | module | report kinds |
//! |---|---|---|
//! | spacing | [`spacing`] | `spacing` |
//! | normalisation | [`normalize`] | `ligature`, `cjk-radical`, `soft-hyphen` |
//! | page furniture | [`furniture`] | `page-number`, `running-header`, `running-footer`, `running-line`, `title` |
//! | metadata | [`meta`] | `metadata` |
//! | language labels | [`sections`] | `section-label` |
//! | headings | [`headings`] | `heading-join` |
//! | footnotes | [`notes`] | `footnote` |
//! | lists | [`lists`] | — (items keep their marker) |
//! | tables | [`tables`] | `table` |
//! | unwrap | [`unwrap`] | `line-join` |
//! | dehyphenation | [`hyphen`] | `dehyphenated`, `hyphen-kept`, `hyphen-undecided` |
//! | inline styles | [`inline`] | `inline-style` |
//!
//! Nothing is dropped silently: the non-white-space characters of the
//! document are those of the input minus the removals in the report, in
//! order (a property test checks this).

pub mod chars;
pub mod flow;
pub mod furniture;
pub mod headings;
pub mod hyphen;
pub mod inline;
pub mod lists;
pub mod meta;
pub mod normalize;
pub mod notes;
pub mod report;
pub mod sections;
pub mod spacing;
pub mod tables;
pub mod unwrap;

use crate::input::RawDoc;
use crate::model::{Block, BlockKind, Document, Meta, Provenance};
use flow::Flow;
use hyphen::{HyphenChoice, Lexicon};
use lists::{parse_marker, ListSequence};
pub use report::{Edit, EditKind, Report};
use sections::{Item, Label, LanguageDetector};
use std::borrow::Cow;

/// A source line as the passes see it: its text borrowed from the source until
/// a pass changes it (most lines stay as they were read).
#[derive(Debug, Clone)]
pub struct Line<'a> {
    pub text: Cow<'a, str>,
    pub page: usize,
    pub number: usize,
    pub role: Role,
    /// Where the page drew the line, when the source is a PDF.
    pub geometry: Option<crate::input::LineGeometry>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Role {
    /// Text, or a blank line when empty.
    Text,
    /// Taken out of the text (and reported).
    Removed,
    /// A language label, kept in the model rather than the text (boxed: labels
    /// are few, and every line carries a role).
    Label(Box<Label>),
}

impl<'a> Line<'a> {
    pub fn new(text: &'a str, page: usize, number: usize) -> Line<'a> {
        Line {
            text: Cow::Borrowed(text),
            page,
            number,
            role: Role::Text,
            geometry: None,
        }
    }

    pub fn is_text(&self) -> bool {
        self.role == Role::Text
    }

    /// Text that is not blank.
    pub fn is_content(&self) -> bool {
        self.is_text() && !self.text.is_empty()
    }

    fn remove(&mut self) {
        self.role = Role::Removed;
    }

    fn make_label(&mut self, label: Label) {
        self.role = Role::Label(Box::new(label));
    }
}

/// The outcome of cleaning: the document and what was done to get it.
#[derive(Debug, Clone)]
pub struct Cleaned {
    pub document: Document,
    pub report: Report,
}

impl Cleaned {
    /// Why the cleaned document cannot stand for its input, if it cannot: the input
    /// held text and every line of it was taken out (as furniture, labels, …), so an
    /// edition would be empty. The report says what was taken out.
    pub fn emptied(&self, raw: &RawDoc) -> Option<String> {
        let had_text = raw.lines().any(|(_, line)| !line.text.trim().is_empty());
        let has_text = self
            .document
            .sections
            .iter()
            .flat_map(|s| &s.blocks)
            .any(|b| !b.kind.plain_text().trim().is_empty());
        (had_text && !has_text).then(|| {
            format!(
                "cleaning took out every line ({} edits: see --report); nothing is left to write",
                self.report.edits.len()
            )
        })
    }
}

/// Runs every cleaning pass over `raw`.
pub fn clean(raw: &RawDoc) -> Cleaned {
    let line_count = raw.pages.iter().map(|p| p.lines.len()).sum();
    // About one edit a line (most lines are joined to the one before).
    let mut report = Report {
        edits: Vec::with_capacity(line_count),
    };
    let mut lines: Vec<Line> = Vec::with_capacity(line_count);
    lines.extend(raw.lines().map(|(page, line)| Line {
        geometry: line.geometry,
        ..Line::new(&line.text, page, line.number)
    }));
    spacing::normalize_spacing(&mut lines, &mut report);
    normalize::normalize_characters(&mut lines, &mut report);
    furniture::remove_page_numbers(&mut lines, &mut report);
    let headers = furniture::remove_running_lines(&mut lines, &mut report);
    furniture::remove_title_repeat(&mut lines, &headers, &mut report);
    let footnotes = notes::take_footnotes(&mut lines, raw, &mut report);
    let title = meta::title_from_headers(&headers);
    let date = meta::find_date(&lines, &mut report);
    sections::take_labels(&mut lines, &mut report);

    let flow = Flow::new(&lines);
    let lexicon = Lexicon::from_lines(flow.lines.iter().map(|l| l.text));
    let items = assemble(&flow, &lexicon, &mut report);
    let mut sections = sections::group_sections(items, &LanguageDetector::default());
    let mut notes = footnotes.notes;
    inline::restyle(
        &mut sections,
        &mut notes,
        raw,
        &footnotes.markers,
        &mut report,
    );
    notes::keep_unreferenced(&mut sections, &mut notes);

    let mut languages: Vec<crate::model::Lang> = Vec::new();
    for section in &sections {
        if !languages.contains(&section.lang) {
            languages.push(section.lang.clone());
        }
    }
    let document = Document {
        meta: Meta {
            title,
            date,
            languages,
            source: raw.source.clone(),
            ..Meta::default()
        },
        sections,
        notes,
    };
    Cleaned { document, report }
}

/// What a block being built will be.
enum Opening {
    Paragraph,
    Item(lists::Marker),
}

/// A block being built from consecutive lines.
struct OpenBlock {
    opening: Opening,
    text: String,
    provenance: Provenance,
    /// Flow index of its last line.
    last: usize,
}

impl OpenBlock {
    fn close(mut self) -> Item {
        // Joining lines grew the text by doubling; a long document keeps every block.
        self.text.shrink_to_fit();
        let block = Block {
            kind: BlockKind::paragraph(self.text),
            lang: Default::default(),
            provenance: self.provenance,
        };
        match self.opening {
            Opening::Paragraph => Item::Block(block),
            Opening::Item(marker) => Item::ListItem { marker, block },
        }
    }
}

/// Turns the flow of lines into headings, list items and paragraphs.
fn assemble(flow: &Flow, lexicon: &Lexicon, report: &mut Report) -> Vec<Item> {
    let mut items = Vec::new();
    let mut open: Option<OpenBlock> = None;
    let mut list = ListSequence::default();
    let close = |open: &mut Option<OpenBlock>, items: &mut Vec<Item>| {
        if let Some(block) = open.take() {
            items.push(block.close());
        }
    };
    let mut i = 0;
    while i < flow.lines.len() {
        let line = &flow.lines[i];
        if let Some(label) = line.label {
            close(&mut open, &mut items);
            items.push(Item::Label(label.clone()));
            i += 1;
            continue;
        }
        if line.cell.is_some() {
            close(&mut open, &mut items);
            let (table, next) = tables::take_table(flow, i, report);
            items.push(Item::Block(table));
            i = next;
            continue;
        }
        let after_heading = i > 0 && items.last().is_some_and(Item::is_heading) && open.is_none();
        let heading = headings::heading_lines(flow, i, after_heading);
        if heading > 0 {
            close(&mut open, &mut items);
            let mut text = line.text.to_string();
            let mut provenance = Provenance::default();
            provenance.add_line(line.page, line.number);
            for j in i + 1..i + heading {
                join_lines(
                    &mut text,
                    flow,
                    j - 1,
                    j,
                    EditKind::HeadingJoin,
                    lexicon,
                    report,
                );
                provenance.add_line(flow.lines[j].page, flow.lines[j].number);
            }
            items.push(Item::Block(Block {
                kind: BlockKind::heading(flow.heading_level(i), text),
                lang: Default::default(),
                provenance,
            }));
            i += heading;
            continue;
        }
        let marker = parse_marker(line.text).filter(|m| list.accepts(m) && opens_item(flow, i, m));
        let runs_on = marker.is_none()
            && open
                .as_ref()
                .is_some_and(|b| unwrap::continues(flow, b.last, i));
        match (&mut open, marker) {
            (Some(block), None) if runs_on => {
                join_lines(
                    &mut block.text,
                    flow,
                    block.last,
                    i,
                    EditKind::LineJoin,
                    lexicon,
                    report,
                );
                block.provenance.add_line(line.page, line.number);
                block.last = i;
            }
            (_, marker) => {
                close(&mut open, &mut items);
                let (opening, text) = match marker {
                    Some(marker) => {
                        list.record(&marker);
                        let text = line.text[marker.len..].to_string();
                        (Opening::Item(marker), text)
                    }
                    None => (Opening::Paragraph, line.text.to_string()),
                };
                let mut provenance = Provenance::default();
                provenance.add_line(line.page, line.number);
                open = Some(OpenBlock {
                    opening,
                    text,
                    provenance,
                    last: i,
                });
            }
        }
        i += 1;
    }
    close(&mut open, &mut items);
    items
}

/// A first item (`1.`) must not be a wrapped line that happens to start
/// with a number: it follows a sentence or clause end, a wide gap, or nothing.
fn opens_item(flow: &Flow, i: usize, marker: &lists::Marker) -> bool {
    if marker.ordinal != Some(1) || i == 0 {
        return true;
    }
    let previous = flow.lines[i - 1].text;
    flow.is_label(i - 1)
        || flow.gap_is_large(i)
        || chars::ends_sentence(previous)
        || previous.ends_with([':', '：'])
}

/// Appends line `b` to `text` (which ends with line `a`), rejoining a
/// hyphenated word or putting the right separator between them, and
/// reports the join.
fn join_lines(
    text: &mut String,
    flow: &Flow,
    a: usize,
    b: usize,
    join_kind: EditKind,
    lexicon: &Lexicon,
    report: &mut Report,
) {
    let (first, next) = (&flow.lines[a], flow.lines[b].text);
    // The tail shown in the report starts before any set-apart hyphen, which may go.
    let stem = text.trim_end_matches([' ', '-', '\u{2010}', '\u{AD}']);
    let tail_start = stem.len() - last_word(stem).len();
    let before = format!("{}\n{}", &text[tail_start..], first_word(next));
    let next_starts_word = next.chars().next().is_some_and(char::is_alphabetic);
    let hyphen = hyphen::line_end_hyphen(text).filter(|_| next_starts_word);
    let kind = if let Some(hyphen) = hyphen {
        match lexicon.decide(text, hyphen, next) {
            HyphenChoice::Remove => {
                text.truncate(text.len() - hyphen.len);
                EditKind::Dehyphenated
            }
            HyphenChoice::KeepKnown => EditKind::HyphenKept,
            HyphenChoice::KeepUndecided => EditKind::HyphenUndecided,
        }
    } else {
        let last = text.chars().next_back().unwrap_or(' ');
        let first_next = next.chars().next().unwrap_or(' ');
        if !breaks_at_hyphen_before_digit(text, first_next) {
            text.push_str(chars::line_joiner(last, first_next));
        }
        join_kind
    };
    text.push_str(next);
    let after = format!(
        "{}{}",
        &text[tail_start..text.len() - next.len()],
        first_word(next)
    );
    report.push(kind, first.page, first.number, before, after);
}

/// Whether a line ends at the hyphen of a number or code that the next line goes
/// on with (`1874-` / `02`, `pp. 12-` / `14`): the hyphen stays, with no space.
fn breaks_at_hyphen_before_digit(text: &str, next: char) -> bool {
    let mut tail = text.chars().rev();
    next.is_ascii_digit()
        && matches!(tail.next(), Some('-' | '\u{2010}' | '\u{2013}'))
        && tail.next().is_some_and(char::is_alphanumeric)
}

/// The last white-space separated word, at most a few characters of it.
fn last_word(text: &str) -> &str {
    let word = text.rsplit(' ').next().unwrap_or(text);
    let skip = word.chars().count().saturating_sub(12);
    let start = word.char_indices().nth(skip).map_or(0, |(k, _)| k);
    &word[start..]
}

/// The first white-space separated word, at most a few characters of it.
fn first_word(text: &str) -> &str {
    let word = text.split(' ').next().unwrap_or(text);
    let end = word.char_indices().nth(12).map_or(word.len(), |(k, _)| k);
    &word[..end]
}
