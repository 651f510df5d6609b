//! The body of a DOCX edition: the model's blocks as styled paragraphs and
//! tables, its inlines as runs (italic, bold, struck, raised or lowered,
//! code in the monospaced face), hyperlinks and footnotes; lists numbered by
//! `numbering.xml` at their nesting level.

use super::{heading_style, twips, Builder, LIST_BULLET, LIST_NUMBER, NORMAL};
use crate::fonts::{Marks, Role};
use crate::layout::Paper;
use crate::model::{Alignment, Block, BlockKind, Inline, NumberStyle, Numbering};
use docx_rs::{
    AbstractNumbering, AlignmentType, BreakType, Docx, Footnote, Hyperlink, HyperlinkType,
    IndentLevel, Level, LevelJc, LevelOverride, LevelText, NumberFormat, NumberingId, Paragraph,
    Run, RunFonts, SpecialIndentType, Start, Table, TableCell, TableRow, VertAlignType,
};

/// Style ids of the content styles.
pub const QUOTE: &str = "Quote";
pub const SOURCE_CODE: &str = "SourceCode";
pub const SEPARATOR: &str = "Separator";
pub const TABLE_TEXT: &str = "TableText";
pub const FOOTNOTE_TEXT: &str = "FootnoteText";
pub const FOOTNOTE_REFERENCE: &str = "FootnoteReference";
pub const HYPERLINK: &str = "Hyperlink";

/// The style of a paragraph that goes on inside a list item at `depth`
/// (1 for the items of a top-level list).
pub fn list_continue_style(depth: usize) -> String {
    format!("ListContinue{}", depth.clamp(1, MAX_DEPTH))
}

/// Deepest list level the styles and numbering define (Word's limit is 9).
pub const MAX_DEPTH: usize = 6;

/// Where blocks are written: their language, how deep in lists, whether in
/// a quotation.
#[derive(Clone, Copy)]
struct Place<'l> {
    lang: &'l str,
    depth: usize,
    quoted: bool,
}

impl Builder<'_> {
    /// The blocks of a section, in `lang`.
    pub(super) fn body_blocks(&mut self, blocks: &[Block], lang: &str) {
        let place = Place {
            lang,
            depth: 0,
            quoted: false,
        };
        for block in blocks {
            self.block(block, place);
        }
    }

    fn block(&mut self, block: &Block, place: Place) {
        let lang = block.lang_or(place.lang).to_string();
        let place = Place {
            lang: &lang,
            ..place
        };
        match &block.kind {
            BlockKind::Heading { level, content } => {
                let level = (*level).clamp(1, 3);
                self.heading_levels.insert(level);
                let mut p = Paragraph::new().style(&heading_style(level));
                if self.has_toc {
                    self.heading_count += 1;
                    let n = self.heading_count;
                    p = p.add_bookmark_start(n, format!("_Toc{n:08}"));
                    p = self.inlines_into(p, content, Role::Heading, Marks::NONE, &lang);
                    p = p.add_bookmark_end(n);
                } else {
                    p = self.inlines_into(p, content, Role::Heading, Marks::NONE, &lang);
                }
                self.push_body(p, &lang);
            }
            BlockKind::Paragraph { content } => {
                let p = Paragraph::new().style(&text_style(place));
                let p = self.inlines_into(p, content, Role::Body, Marks::NONE, &lang);
                self.push_body(p, &lang);
            }
            BlockKind::List {
                numbering, items, ..
            } => self.list(numbering.as_ref(), items, place),
            BlockKind::Quote { blocks } => {
                let inner = Place {
                    quoted: true,
                    ..place
                };
                for block in blocks {
                    self.block(block, inner);
                }
            }
            BlockKind::CodeBlock { text, .. } => {
                let mut p = Paragraph::new().style(SOURCE_CODE);
                let code = Marks {
                    code: true,
                    ..Marks::NONE
                };
                for (k, line) in text.split('\n').enumerate() {
                    if k > 0 {
                        p = p.add_run(Run::new().add_break(BreakType::TextWrapping));
                    }
                    for run in self.runs_marked(line, Role::Body, code, &lang) {
                        p = p.add_run(run);
                    }
                }
                self.push_body(p, &lang);
            }
            BlockKind::Table(table) => self.table(table, &lang),
            BlockKind::ThematicBreak => {
                let mut p = Paragraph::new().style(SEPARATOR);
                for run in self.runs("* * *", Role::Body, &lang) {
                    p = p.add_run(run);
                }
                self.push_body(p, &lang);
            }
        }
    }

    fn list(
        &mut self,
        numbering: Option<&Numbering>,
        items: &[crate::model::ListItem],
        place: Place,
    ) {
        let depth = place.depth.min(MAX_DEPTH - 1);
        let format = ListFormat::of(numbering, depth);
        let instance = self
            .numbering
            .instance(&format, depth, numbering.map_or(1, |n| n.start));
        // What a reader draws for the markers.
        let marker_text = match numbering {
            Some(n) => (0..items.len()).map(|k| n.marker(k)).collect::<String>(),
            None => format.text.clone(),
        };
        self.also_text(&marker_text, place.lang);
        let style = if numbering.is_some() {
            LIST_NUMBER
        } else {
            LIST_BULLET
        };
        let inner = Place {
            depth: place.depth + 1,
            ..place
        };
        for item in items {
            let numbered = Paragraph::new()
                .style(style)
                .numbering(NumberingId::new(instance), IndentLevel::new(depth));
            let (lead, rest) = item.lead();
            match lead {
                Some((first, content)) => {
                    let lang = first.lang_or(place.lang).to_string();
                    let p = self.inlines_into(numbered, content, Role::Body, Marks::NONE, &lang);
                    self.push_body(p, &lang);
                }
                // An item that opens with no paragraph still shows its marker.
                None => self.push_body(numbered, place.lang),
            }
            for block in rest {
                self.block(block, inner);
            }
        }
    }

    fn table(&mut self, table: &crate::model::Table, lang: &str) {
        let mut langs = Vec::new();
        let mut rows = Vec::new();
        let head = table.head.iter().map(|row| (row, true));
        for (row, is_head) in head.chain(table.body.iter().map(|row| (row, false))) {
            let mut cells = Vec::new();
            for (k, cell) in row.cells.iter().enumerate() {
                let mut p = Paragraph::new().style(TABLE_TEXT);
                match table.columns.get(k).copied().unwrap_or_default() {
                    Alignment::Default => {}
                    Alignment::Left => p = p.align(AlignmentType::Left),
                    Alignment::Center => p = p.align(AlignmentType::Center),
                    Alignment::Right => p = p.align(AlignmentType::Right),
                }
                let marks = Marks {
                    bold: is_head,
                    ..Marks::NONE
                };
                p = self.inlines_into(p, &cell.content, Role::Body, marks, lang);
                langs.push(self.lang(lang));
                cells.push(TableCell::new().add_paragraph(p));
            }
            let mut row = TableRow::new(cells);
            if is_head {
                // Marks the row for `package`, which makes it a header row
                // repeated on every page the table runs over.
                row = row.cant_split();
            }
            rows.push(row);
        }
        if self.page_break_pending {
            self.push_body(Paragraph::new().style(NORMAL), lang);
        }
        self.langs.extend(langs);
        let docx = std::mem::take(&mut self.docx);
        self.docx = docx.add_table(Table::new(rows));
    }

    /// `content` added to `p` as runs and hyperlinks.
    fn inlines_into(
        &mut self,
        mut p: Paragraph,
        content: &[Inline],
        role: Role,
        marks: Marks,
        lang: &str,
    ) -> Paragraph {
        for piece in self.pieces(content, role, marks, lang) {
            p = match piece {
                Piece::Run(run) => p.add_run(*run),
                Piece::Link(link) => p.add_hyperlink(link),
            };
        }
        p
    }

    fn pieces(&mut self, content: &[Inline], role: Role, marks: Marks, lang: &str) -> Vec<Piece> {
        let mut pieces = Vec::new();
        for inline in content {
            match inline {
                Inline::Text { text } => pieces.extend(
                    self.runs_marked(text, role, marks, lang)
                        .into_iter()
                        .map(Piece::run),
                ),
                Inline::Emphasis { content } => pieces.extend(self.pieces(
                    content,
                    role,
                    Marks {
                        italic: true,
                        ..marks
                    },
                    lang,
                )),
                Inline::Strong { content } => pieces.extend(self.pieces(
                    content,
                    role,
                    Marks {
                        bold: true,
                        ..marks
                    },
                    lang,
                )),
                Inline::Code { text } => pieces.extend(
                    self.runs_marked(
                        text,
                        role,
                        Marks {
                            code: true,
                            ..marks
                        },
                        lang,
                    )
                    .into_iter()
                    .map(Piece::run),
                ),
                Inline::Strikeout { content } => {
                    let inner = self.pieces(content, role, marks, lang);
                    pieces.extend(inner.into_iter().map(|p| p.map_runs(Run::strike)));
                }
                Inline::Superscript { content } | Inline::Subscript { content } => {
                    let align = match inline {
                        Inline::Superscript { .. } => VertAlignType::SuperScript,
                        _ => VertAlignType::SubScript,
                    };
                    let inner = self.pieces(content, role, marks, lang);
                    pieces.extend(inner.into_iter().map(|p| {
                        p.map_runs(|mut run| {
                            run.run_property = run.run_property.vert_align(align);
                            run
                        })
                    }));
                }
                Inline::Link { target, content } => {
                    let inner = self.pieces(content, role, marks, lang);
                    if crate::model::leads_out(target) {
                        let mut link = Hyperlink::new(target, HyperlinkType::External);
                        for piece in inner {
                            if let Piece::Run(run) = piece {
                                link = link.add_run(run.style(HYPERLINK));
                            }
                        }
                        pieces.push(Piece::Link(link));
                    } else {
                        // A link inside the source leads nowhere here: its text stays.
                        pieces.extend(inner);
                    }
                }
                Inline::NoteRef { id } => {
                    if let Some(run) = self.note_reference(id, lang) {
                        pieces.push(Piece::run(run));
                    }
                }
                Inline::LineBreak => {
                    pieces.push(Piece::run(Run::new().add_break(BreakType::TextWrapping)))
                }
            }
        }
        pieces
    }

    /// The reference to note `id`: the footnote itself at its first
    /// reference (numbered by Word), its number raised at a later one.
    fn note_reference(&mut self, id: &str, lang: &str) -> Option<Run> {
        if let Some(&number) = self.footnotes.get(id) {
            return Some(
                Run::new()
                    .style(FOOTNOTE_REFERENCE)
                    .add_text(number.to_string()),
            );
        }
        if self.in_note {
            // Word has no notes inside notes.
            return None;
        }
        let note = self.notes.iter().find(|note| note.id == id)?.clone();
        let number = self.footnotes.len() + 1;
        self.footnotes.insert(id.to_string(), number);
        self.also_text(&number.to_string(), lang);
        self.in_note = true;
        let mut content = Vec::new();
        for block in &note.blocks {
            let lang = block.lang_or(lang).to_string();
            let p = Paragraph::new().style(FOOTNOTE_TEXT);
            let p = match &block.kind {
                BlockKind::Heading { content, .. } | BlockKind::Paragraph { content } => {
                    self.inlines_into(p, content, Role::Body, Marks::NONE, &lang)
                }
                other => {
                    let text = other.plain_text().into_owned();
                    self.inlines_into(p, &[Inline::text(text)], Role::Body, Marks::NONE, &lang)
                }
            };
            content.push(p);
        }
        self.in_note = false;
        Some(Run::new().add_footnote_reference(Footnote {
            id: number,
            content,
        }))
    }

    /// Notes that the body faces must hold `text` (markers and numbers a
    /// reader draws, in whichever of the paragraph's faces it picks).
    fn also_text(&mut self, text: &str, lang: &str) {
        let east_asian = crate::fonts::script::is_east_asian_lang(lang);
        for c in text.chars() {
            let class = crate::fonts::script::class_of(c, east_asian);
            if let Ok(face) = self.book.face_for(Role::Body, class, c) {
                self.used.entry(face).or_default().insert(c);
            }
            for face in [self.faces.body.0, self.faces.body.1].into_iter().flatten() {
                if self.book.face(face).covers(c) {
                    self.used.entry(face).or_default().insert(c);
                }
            }
        }
    }
}

/// The style of a paragraph at `place`.
fn text_style(place: Place) -> String {
    if place.quoted {
        QUOTE.to_string()
    } else if place.depth > 0 {
        list_continue_style(place.depth)
    } else {
        NORMAL.to_string()
    }
}

/// A run or a hyperlink of runs (boxed: docx-rs's runs are large).
enum Piece {
    Run(Box<Run>),
    Link(Hyperlink),
}

impl Piece {
    fn run(run: Run) -> Piece {
        Piece::Run(Box::new(run))
    }

    fn map_runs(self, f: impl Fn(Run) -> Run) -> Piece {
        match self {
            Piece::Run(run) => Piece::run(f(*run)),
            link => link,
        }
    }
}

/// How a list is numbered in Word: the number format and level text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListFormat {
    /// `decimal`, `lowerLetter`, `upperRoman`, … or `bullet`.
    format: &'static str,
    /// `%1.`, `%2)`, `(%1)`, or the bullet itself.
    text: String,
}

impl ListFormat {
    fn of(numbering: Option<&Numbering>, depth: usize) -> ListFormat {
        let Some(numbering) = numbering else {
            const BULLETS: [&str; 3] = ["•", "◦", "▪"];
            return ListFormat {
                format: "bullet",
                text: BULLETS[depth % BULLETS.len()].to_string(),
            };
        };
        let format = match numbering.style {
            NumberStyle::Decimal => "decimal",
            NumberStyle::LowerAlpha => "lowerLetter",
            NumberStyle::UpperAlpha => "upperLetter",
            NumberStyle::LowerRoman => "lowerRoman",
            NumberStyle::UpperRoman => "upperRoman",
        };
        let level = depth + 1;
        let text = match numbering.delimiter {
            crate::model::Delimiter::Period => format!("%{level}."),
            crate::model::Delimiter::Paren => format!("%{level})"),
            crate::model::Delimiter::TwoParens => format!("(%{level})"),
        };
        ListFormat { format, text }
    }

    fn is_numbered(&self) -> bool {
        self.format != "bullet"
    }
}

/// The numbering of the lists: one abstract numbering per format and depth,
/// one numbering instance per list (starting at its first number). docx-rs
/// always writes an abstract numbering 1 and an instance 1 of its own, so
/// ours are numbered from 2.
#[derive(Default)]
pub struct ListNumbering {
    formats: Vec<(ListFormat, usize)>,
    /// (index of the format, start) of each instance.
    instances: Vec<(usize, u32)>,
}

/// The first id of our abstract numberings and numbering instances.
const FIRST_NUMBERING_ID: usize = 2;

impl ListNumbering {
    /// A new numbering instance for a list of `format` at `depth`.
    fn instance(&mut self, format: &ListFormat, depth: usize, start: u32) -> usize {
        let key = (format.clone(), depth);
        let abstract_id = match self.formats.iter().position(|f| *f == key) {
            Some(k) => k,
            None => {
                self.formats.push(key);
                self.formats.len() - 1
            }
        };
        self.instances.push((abstract_id, start));
        self.instances.len() - 1 + FIRST_NUMBERING_ID
    }

    /// Whether any list is numbered (`true`) or bulleted (`false`).
    pub fn has(&self, numbered: bool) -> bool {
        self.formats
            .iter()
            .any(|(f, _)| f.is_numbered() == numbered)
    }

    /// The deepest list level used (0 for top-level lists only).
    pub fn deepest(&self) -> usize {
        self.formats
            .iter()
            .map(|(_, depth)| *depth)
            .max()
            .unwrap_or(0)
    }

    pub fn add_to(&self, mut docx: Docx) -> Docx {
        let hanging = twips(crate::layout::Design::new(Paper::A4).hanging_indent);
        for (k, (format, depth)) in self.formats.iter().enumerate() {
            let style = if format.is_numbered() {
                LIST_NUMBER
            } else {
                LIST_BULLET
            };
            // Every level up to the list's own, so that the level it names exists.
            let mut numbering = AbstractNumbering::new(k + FIRST_NUMBERING_ID);
            for level in 0..=*depth {
                let text = format
                    .text
                    .replace(&format!("%{}", depth + 1), &format!("%{}", level + 1));
                let indent = hanging * (level as i32 + 1);
                numbering = numbering.add_level(
                    Level::new(
                        level,
                        Start::new(1),
                        NumberFormat::new(format.format),
                        LevelText::new(crate::xml::without_forbidden(&text)),
                        LevelJc::new("left"),
                    )
                    .indent(
                        Some(indent),
                        Some(SpecialIndentType::Hanging(hanging)),
                        None,
                        None,
                    )
                    .paragraph_style(style),
                );
            }
            docx = docx.add_abstract_numbering(numbering);
        }
        for (k, &(abstract_id, start)) in self.instances.iter().enumerate() {
            let (format, depth) = &self.formats[abstract_id];
            let mut num =
                docx_rs::Numbering::new(k + FIRST_NUMBERING_ID, abstract_id + FIRST_NUMBERING_ID);
            if format.is_numbered() {
                num = num.add_override(LevelOverride::new(*depth).start(start as usize));
            }
            docx = docx.add_numbering(num);
        }
        docx
    }
}

/// `w:rFonts` naming one family for every script.
pub fn one_family(name: &str) -> RunFonts {
    RunFonts::new()
        .ascii(name)
        .hi_ansi(name)
        .east_asia(name)
        .cs(name)
}
