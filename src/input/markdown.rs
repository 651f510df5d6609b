//! Reader for Markdown: CommonMark (by `pulldown-cmark`) with pipe tables,
//! footnotes, `~~strikeout~~`, `^super^` and `~sub~`, plus what offprint
//! writes for pandoc — YAML front matter (`title`, `author`, `date`,
//! `publisher`, `rights`), one fenced div per language section
//! (`::: {lang=zh label="Chinese"}`) and lettered lists (`a)`, `B.`).
//! Reading what [`crate::export::md`] writes and writing it again changes
//! nothing.
//!
//! Markdown is text a person wrote: it becomes a [`Document`] directly, with
//! no cleaning. Lines wrapped inside a paragraph are joined as the cleaner
//! joins them (with nothing between two Chinese characters). What the model
//! cannot hold (images, raw HTML) is kept as text and named in
//! [`Markdown::warnings`].

use crate::clean::chars::line_joiner;
use crate::clean::lists::{add_item, parse_marker};
use crate::clean::sections::LanguageDetector;
use crate::model::{
    Alignment, Block, BlockKind, Cell, Delimiter, Document, Inline, Lang, ListItem, Meta, Note,
    NumberStyle, Numbering, Provenance, Row, Section, Table,
};
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use std::ops::Range;

/// Why Markdown could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarkdownError {
    pub line: usize,
    pub reason: String,
}

impl std::fmt::Display for MarkdownError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.reason)
    }
}

/// A document read from Markdown, and what in it the model could not hold.
#[derive(Debug, Clone)]
pub struct Markdown {
    pub document: Document,
    /// `(line, what)`: an image kept as its description, raw HTML kept as text.
    pub warnings: Vec<(usize, String)>,
}

/// Whether `text` looks like offprint Markdown: front matter, or a language div.
pub fn looks_like_markdown(text: &str) -> bool {
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    text.starts_with("---\n") || text.lines().any(|l| l.starts_with("::: {lang="))
}

/// What stands in, for the CommonMark parser, for a line that opens or
/// closes a section: an HTML comment, which ends any open paragraph or list
/// as the fence does, and keeps the line count.
const DIV_MARK: &str = "<!--offprint-div-->";

/// Reads Markdown into a document.
pub fn read_markdown(text: &str) -> Result<Markdown, MarkdownError> {
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let lines: Vec<&str> = text.lines().collect();
    let (meta, body_start) = front_matter(&lines)?;
    let mut divs = Vec::new();
    let mut body = String::with_capacity(text.len());
    let mut fence: Option<&str> = None;
    for (index, line) in lines.iter().enumerate() {
        if index < body_start {
            body.push('\n');
            continue;
        }
        let trimmed = line.trim_start();
        let code_fence = ["```", "~~~"].into_iter().find(|f| trimmed.starts_with(f));
        match (fence, code_fence) {
            (None, Some(f)) => fence = Some(f),
            (Some(open), Some(f))
                if open == f
                    && trimmed
                        .trim_end()
                        .chars()
                        .all(|c| c == f.as_bytes()[0] as char) =>
            {
                fence = None
            }
            _ => {}
        }
        match line
            .strip_prefix(":::")
            .map(str::trim)
            .filter(|_| fence.is_none())
        {
            Some(attributes) => {
                divs.push(match attributes {
                    "" => None,
                    _ => Some(open_section(attributes, index + 1)?),
                });
                body.push_str(DIV_MARK);
            }
            None => body.push_str(line),
        }
        body.push('\n');
    }
    let mut builder = Builder::new(&body, meta, divs);
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_SUPERSCRIPT
        | Options::ENABLE_SUBSCRIPT;
    for (event, range) in Parser::new_ext(&body, options).into_offset_iter() {
        builder.event(event, range);
    }
    Ok(builder.finish())
}

/// A container block being read: what its children go into.
enum Container {
    List {
        numbering: Option<Numbering>,
        tight: bool,
        items: Vec<ListItem>,
        provenance: Provenance,
    },
    Item(Vec<Block>),
    Quote(Vec<Block>, Provenance),
    Note(String, Vec<Block>),
    Table {
        table: Table,
        row: Row,
        provenance: Provenance,
    },
}

/// A block of inline content (or of code) being read.
enum Leaf {
    Heading(u8),
    Paragraph,
    Code(Option<String>, String),
    Cell,
}

/// An inline mark being read, with the content it holds so far.
enum Mark {
    Root,
    Emphasis,
    Strong,
    Strikeout,
    Superscript,
    Subscript,
    Link(String),
    /// An image, kept as its description.
    Image,
}

/// Turns the parser's events into the model's blocks.
struct Builder<'t> {
    source: &'t str,
    line_starts: Vec<usize>,
    meta: Meta,
    divs: std::vec::IntoIter<Option<Section>>,
    any_div: bool,
    sections: Vec<Section>,
    notes: Vec<Note>,
    containers: Vec<Container>,
    leaf: Option<(Leaf, Provenance)>,
    /// A paragraph no event opened: the text of a tight list's item.
    implicit: bool,
    inlines: Vec<(Mark, Vec<Inline>)>,
    soft_break: bool,
    html: Option<(String, usize)>,
    warnings: Vec<(usize, String)>,
}

impl<'t> Builder<'t> {
    fn new(source: &'t str, meta: Meta, divs: Vec<Option<Section>>) -> Builder<'t> {
        let line_starts = std::iter::once(0)
            .chain(source.match_indices('\n').map(|(k, _)| k + 1))
            .collect();
        Builder {
            source,
            line_starts,
            meta,
            any_div: !divs.is_empty(),
            divs: divs.into_iter(),
            sections: Vec::new(),
            notes: Vec::new(),
            containers: Vec::new(),
            leaf: None,
            implicit: false,
            inlines: Vec::new(),
            soft_break: false,
            html: None,
            warnings: Vec::new(),
        }
    }

    /// The 1-based line of byte `offset`.
    fn line(&self, offset: usize) -> usize {
        self.line_starts.partition_point(|&start| start <= offset)
    }

    fn provenance(&self, range: &Range<usize>) -> Provenance {
        let mut provenance = Provenance::default();
        provenance.add_line(1, self.line(range.start));
        provenance.add_line(1, self.line(range.end.saturating_sub(1).max(range.start)));
        provenance
    }

    fn event(&mut self, event: Event<'t>, range: Range<usize>) {
        match event {
            Event::Start(tag) => self.start(tag, range),
            Event::End(tag) => self.end(tag),
            Event::Text(text) => self.text(&text, &range),
            Event::Code(text) => self.inline(
                Inline::Code {
                    text: text.into_string(),
                },
                &range,
            ),
            Event::Html(text) => match &mut self.html {
                Some((html, _)) => html.push_str(&text),
                None => self.html = Some((text.into_string(), range.start)),
            },
            Event::InlineHtml(text) => {
                self.warn(
                    range.start,
                    format!("inline HTML {:?} kept as text", &*text),
                );
                self.text(&text, &range);
            }
            Event::FootnoteReference(id) => self.inline(
                Inline::NoteRef {
                    id: id.into_string(),
                },
                &range,
            ),
            Event::SoftBreak => self.soft_break = true,
            Event::HardBreak => self.inline(Inline::LineBreak, &range),
            Event::Rule => {
                self.close_implicit();
                let provenance = self.provenance(&range);
                self.push_block(BlockKind::ThematicBreak, provenance);
            }
            Event::InlineMath(text) | Event::DisplayMath(text) => self.text(&text, &range),
            Event::TaskListMarker(done) => self.text(if done { "[x] " } else { "[ ] " }, &range),
        }
    }

    fn start(&mut self, tag: Tag<'t>, range: Range<usize>) {
        let provenance = self.provenance(&range);
        let leaf = match tag {
            Tag::Paragraph => {
                self.close_implicit();
                if let [.., Container::List { tight, .. }, Container::Item(_)] =
                    self.containers.as_mut_slice()
                {
                    *tight = false;
                }
                Some(Leaf::Paragraph)
            }
            Tag::Heading { level, .. } => Some(Leaf::Heading(level as u8)),
            Tag::CodeBlock(kind) => {
                let syntax = match kind {
                    pulldown_cmark::CodeBlockKind::Fenced(info) => {
                        info.split_whitespace().next().map(str::to_string)
                    }
                    pulldown_cmark::CodeBlockKind::Indented => None,
                };
                Some(Leaf::Code(syntax, String::new()))
            }
            Tag::TableCell => Some(Leaf::Cell),
            Tag::List(start) => {
                self.close_implicit();
                let numbering = start.map(|start| Numbering {
                    start: u32::try_from(start).unwrap_or(u32::MAX),
                    style: NumberStyle::Decimal,
                    delimiter: self.delimiter_at(range.start),
                });
                self.containers.push(Container::List {
                    numbering,
                    tight: true,
                    items: Vec::new(),
                    provenance: provenance.clone(),
                });
                None
            }
            Tag::Item => {
                self.containers.push(Container::Item(Vec::new()));
                None
            }
            Tag::BlockQuote(_) => {
                self.close_implicit();
                self.containers
                    .push(Container::Quote(Vec::new(), provenance.clone()));
                None
            }
            Tag::FootnoteDefinition(id) => {
                self.containers
                    .push(Container::Note(id.into_string(), Vec::new()));
                None
            }
            Tag::Table(alignments) => {
                let columns = alignments
                    .into_iter()
                    .map(|a| match a {
                        pulldown_cmark::Alignment::None => Alignment::Default,
                        pulldown_cmark::Alignment::Left => Alignment::Left,
                        pulldown_cmark::Alignment::Center => Alignment::Center,
                        pulldown_cmark::Alignment::Right => Alignment::Right,
                    })
                    .collect();
                self.containers.push(Container::Table {
                    table: Table {
                        columns,
                        ..Table::default()
                    },
                    row: Row::default(),
                    provenance: provenance.clone(),
                });
                None
            }
            Tag::Emphasis => return self.inlines.push((Mark::Emphasis, Vec::new())),
            Tag::Strong => return self.inlines.push((Mark::Strong, Vec::new())),
            Tag::Strikethrough => return self.inlines.push((Mark::Strikeout, Vec::new())),
            Tag::Superscript => return self.inlines.push((Mark::Superscript, Vec::new())),
            Tag::Subscript => return self.inlines.push((Mark::Subscript, Vec::new())),
            Tag::Link { dest_url, .. } => {
                self.ensure_leaf(&range);
                return self
                    .inlines
                    .push((Mark::Link(dest_url.into_string()), Vec::new()));
            }
            Tag::Image { dest_url, .. } => {
                self.ensure_leaf(&range);
                self.warn(
                    range.start,
                    format!("image {:?} kept as its description", &*dest_url),
                );
                return self.inlines.push((Mark::Image, Vec::new()));
            }
            Tag::HtmlBlock
            | Tag::TableHead
            | Tag::TableRow
            | Tag::MetadataBlock(_)
            | Tag::DefinitionList
            | Tag::DefinitionListTitle
            | Tag::DefinitionListDefinition => None,
        };
        if let Some(leaf) = leaf {
            self.open_leaf(leaf, provenance);
        }
    }

    fn open_leaf(&mut self, leaf: Leaf, provenance: Provenance) {
        self.leaf = Some((leaf, provenance));
        self.inlines = vec![(Mark::Root, Vec::new())];
        self.soft_break = false;
    }

    /// `1)` opens a list delimited by parentheses, `1.` one by periods.
    fn delimiter_at(&self, offset: usize) -> Delimiter {
        let rest = self.source[offset..].trim_start_matches(|c: char| c.is_ascii_digit());
        if rest.starts_with(')') {
            Delimiter::Paren
        } else {
            Delimiter::Period
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::CodeBlock => self.close_leaf(),
            TagEnd::TableCell => {
                let content = self.take_inlines();
                self.leaf = None;
                if let Some(Container::Table { row, .. }) = self.containers.last_mut() {
                    row.cells.push(Cell { content });
                }
            }
            TagEnd::TableHead | TagEnd::TableRow => {
                if let Some(Container::Table { table, row, .. }) = self.containers.last_mut() {
                    let row = std::mem::take(row);
                    match tag {
                        TagEnd::TableHead => table.head.push(row),
                        _ => table.body.push(row),
                    }
                }
            }
            TagEnd::Item => {
                self.close_implicit();
                if let Some(Container::Item(blocks)) = self.containers.pop() {
                    if let Some(Container::List { items, .. }) = self.containers.last_mut() {
                        items.push(ListItem { blocks });
                    }
                }
            }
            TagEnd::List(_) | TagEnd::BlockQuote(_) | TagEnd::Table => {
                self.close_implicit();
                let (kind, provenance) = match self.containers.pop() {
                    Some(Container::List {
                        numbering,
                        tight,
                        items,
                        provenance,
                    }) => (
                        BlockKind::List {
                            numbering,
                            tight,
                            items,
                        },
                        provenance,
                    ),
                    Some(Container::Quote(blocks, provenance)) => {
                        (BlockKind::Quote { blocks }, provenance)
                    }
                    Some(Container::Table {
                        table, provenance, ..
                    }) => (BlockKind::Table(table), provenance),
                    _ => return,
                };
                self.push_block(kind, provenance);
            }
            TagEnd::FootnoteDefinition => {
                self.close_implicit();
                if let Some(Container::Note(id, blocks)) = self.containers.pop() {
                    self.notes.push(Note { id, blocks });
                }
            }
            TagEnd::HtmlBlock => self.html_block(),
            TagEnd::Emphasis
            | TagEnd::Strong
            | TagEnd::Strikethrough
            | TagEnd::Superscript
            | TagEnd::Subscript
            | TagEnd::Link
            | TagEnd::Image => self.close_mark(),
            TagEnd::MetadataBlock(_)
            | TagEnd::DefinitionList
            | TagEnd::DefinitionListTitle
            | TagEnd::DefinitionListDefinition => {}
        }
    }

    fn close_mark(&mut self) {
        let Some((mark, content)) = self.inlines.pop() else {
            return;
        };
        let inline = match mark {
            Mark::Emphasis => Inline::Emphasis { content },
            Mark::Strong => Inline::Strong { content },
            Mark::Strikeout => Inline::Strikeout { content },
            Mark::Superscript => Inline::Superscript { content },
            Mark::Subscript => Inline::Subscript { content },
            Mark::Link(target) => Inline::Link { target, content },
            Mark::Image | Mark::Root => {
                for inline in content {
                    self.push_inline(inline);
                }
                return;
            }
        };
        self.push_inline(inline);
    }

    /// The inline content read since the leaf opened, its marks closed.
    fn take_inlines(&mut self) -> Vec<Inline> {
        while self.inlines.len() > 1 {
            self.close_mark();
        }
        self.inlines
            .pop()
            .map(|(_, content)| content)
            .unwrap_or_default()
    }

    fn close_leaf(&mut self) {
        let content = self.take_inlines();
        self.implicit = false;
        let Some((leaf, provenance)) = self.leaf.take() else {
            return;
        };
        let kind = match leaf {
            Leaf::Heading(level) => BlockKind::Heading { level, content },
            Leaf::Paragraph | Leaf::Cell => BlockKind::Paragraph { content },
            Leaf::Code(syntax, mut text) => {
                if text.ends_with('\n') {
                    text.pop();
                }
                BlockKind::CodeBlock { syntax, text }
            }
        };
        self.push_block(kind, provenance);
    }

    fn close_implicit(&mut self) {
        if self.implicit {
            self.close_leaf();
        }
    }

    /// Inline content with no leaf open is the text of a tight list's item.
    fn ensure_leaf(&mut self, range: &Range<usize>) {
        if self.leaf.is_none() {
            let provenance = self.provenance(range);
            self.open_leaf(Leaf::Paragraph, provenance);
            self.implicit = true;
        }
    }

    fn text(&mut self, text: &str, range: &Range<usize>) {
        if let Some((Leaf::Code(_, code), _)) = &mut self.leaf {
            code.push_str(text);
            return;
        }
        self.ensure_leaf(range);
        if let Some((_, provenance)) = &mut self.leaf {
            provenance.add_line(1, self.line_starts.partition_point(|&s| s <= range.start));
        }
        self.push_inline(Inline::text(text));
    }

    fn inline(&mut self, inline: Inline, range: &Range<usize>) {
        self.ensure_leaf(range);
        self.push_inline(inline);
    }

    /// Adds `inline` to the innermost open mark: a soft line break before it
    /// becomes what joins the two lines; text runs on in the text before it.
    fn push_inline(&mut self, inline: Inline) {
        let Some((_, content)) = self.inlines.last_mut() else {
            return;
        };
        if std::mem::take(&mut self.soft_break) {
            let last = last_char(content);
            let next = match &inline {
                Inline::Text { text } => text.chars().next(),
                _ => None,
            };
            let joiner = match (last, next) {
                (Some(last), Some(next)) => line_joiner(last, next),
                _ => " ",
            };
            push_text(content, joiner);
        }
        match inline {
            Inline::Text { text } => push_text(content, &text),
            other => content.push(other),
        }
    }

    fn push_block(&mut self, kind: BlockKind, provenance: Provenance) {
        if self.sections.is_empty() {
            self.sections.push(Section {
                lang: "und".into(),
                label: None,
                blocks: Vec::new(),
            });
        }
        let lang = self
            .sections
            .last()
            .map_or_else(Lang::undetermined, |s| s.lang.clone());
        let block = Block {
            kind,
            lang,
            provenance,
        };
        match self.containers.last_mut() {
            Some(
                Container::Item(blocks) | Container::Quote(blocks, _) | Container::Note(_, blocks),
            ) => blocks.push(block),
            // A table's cells are taken before they become blocks; a list
            // holds items, not blocks.
            Some(Container::Table { .. } | Container::List { .. }) => {}
            None => {
                if let Some(section) = self.sections.last_mut() {
                    section.blocks.push(block);
                }
            }
        }
    }

    /// An HTML block: the mark of a section's fence, or raw HTML kept as text.
    fn html_block(&mut self) {
        let Some((html, offset)) = self.html.take() else {
            return;
        };
        if html.trim() == DIV_MARK {
            if let Some(Some(section)) = self.divs.next() {
                self.sections.push(section);
            }
            return;
        }
        self.warn(offset, "raw HTML kept as text".into());
        let range = offset..offset + html.len();
        let provenance = self.provenance(&range);
        self.push_block(BlockKind::paragraph(html.trim_end()), provenance);
    }

    fn warn(&mut self, offset: usize, what: String) {
        let line = self.line(offset);
        self.warnings.push((line, what));
    }

    fn finish(mut self) -> Markdown {
        self.close_implicit();
        let source_lines: Vec<&str> = self.source.lines().collect();
        let mut sections = std::mem::take(&mut self.sections);
        sections.retain(|s| !s.blocks.is_empty() || s.label.is_some());
        for section in &mut sections {
            lettered_lists(&mut section.blocks, &source_lines);
        }
        for note in &mut self.notes {
            lettered_lists(&mut note.blocks, &source_lines);
        }
        let referred = Document::note_ids(sections.iter().flat_map(|s| &s.blocks));
        for note in self.notes.iter().filter(|n| !referred.contains(&n.id)) {
            let line = note
                .blocks
                .first()
                .and_then(|b| b.provenance.spans.first())
                .map_or(1, |span| span.first_line);
            let what = format!(
                "note [^{}] is never referred to: no edition shows it",
                note.id
            );
            self.warnings.push((line, what));
        }
        if !self.any_div {
            // Markdown without sections is in the language its text is in.
            let detector = LanguageDetector::default();
            for section in &mut sections {
                let text: String = section
                    .blocks
                    .iter()
                    .map(|b| b.kind.plain_text() + " ")
                    .collect();
                if let Some(lang) = detector.detect(&text) {
                    retag_unknown(&mut section.blocks, &lang);
                    section.lang = lang.into();
                }
            }
        }
        let mut meta = self.meta;
        for section in &sections {
            if !meta.languages.contains(&section.lang) {
                meta.languages.push(section.lang.clone());
            }
        }
        Markdown {
            document: Document {
                meta,
                sections,
                notes: self.notes,
            },
            warnings: self.warnings,
        }
    }
}

/// Blocks of unknown language (and those they hold) take `lang`.
fn retag_unknown(blocks: &mut [Block], lang: &str) {
    for block in blocks {
        if block.lang == "und" {
            block.lang = lang.into();
        }
        match &mut block.kind {
            BlockKind::List { items, .. } => {
                for item in items {
                    retag_unknown(&mut item.blocks, lang);
                }
            }
            BlockKind::Quote { blocks } => retag_unknown(blocks, lang),
            _ => {}
        }
    }
}

fn last_char(content: &[Inline]) -> Option<char> {
    match content.last()? {
        Inline::Text { text } => text.chars().next_back(),
        other => last_char(other.children()?),
    }
}

/// Appends text to `content`, running on in a text that ends it.
fn push_text(content: &mut Vec<Inline>, text: &str) {
    match content.last_mut() {
        Some(Inline::Text { text: last }) => last.push_str(text),
        _ => content.push(Inline::text(text)),
    }
}

/// Paragraphs whose source line opens with a letter and `)` or `.` (which
/// CommonMark does not number, and offprint writes for lettered lists)
/// become the items of lettered lists; an escaped `a\)` stays a paragraph.
fn lettered_lists(blocks: &mut Vec<Block>, source_lines: &[&str]) {
    let mut out = Vec::with_capacity(blocks.len());
    for mut block in std::mem::take(blocks) {
        match &mut block.kind {
            BlockKind::List { items, .. } => {
                for item in items {
                    lettered_lists(&mut item.blocks, source_lines);
                }
            }
            BlockKind::Quote { blocks } => lettered_lists(blocks, source_lines),
            _ => {}
        }
        let marker = letter_marker(&block, source_lines);
        match (marker, &mut block.kind) {
            (Some(marker), BlockKind::Paragraph { content }) => {
                if let Some(Inline::Text { text }) = content.first_mut() {
                    let body = text[marker.text.len()..].trim_start().to_string();
                    *text = body;
                }
                add_item(&mut out, &marker, block);
            }
            _ => out.push(block),
        }
    }
    *blocks = out;
}

fn letter_marker(block: &Block, source_lines: &[&str]) -> Option<crate::clean::lists::Marker> {
    let BlockKind::Paragraph { content } = &block.kind else {
        return None;
    };
    let line = block.provenance.spans.first()?.first_line;
    let source = source_lines.get(line.checked_sub(1)?)?;
    let source = source.trim_start_matches([' ', '>']);
    let marker = parse_marker(source)
        .filter(|m| m.ordinal.is_some() && !m.text.starts_with(|c: char| c.is_ascii_digit()))?;
    matches!(content.first(), Some(Inline::Text { text }) if text.starts_with(&marker.text))
        .then_some(marker)
}

/// The YAML front matter offprint writes: `key: value` lines and an
/// `author:` list of `  - "Name"` items.
fn front_matter(lines: &[&str]) -> Result<(Meta, usize), MarkdownError> {
    let mut meta = Meta::default();
    if lines.first() != Some(&"---") {
        return Ok((meta, 0));
    }
    for (index, line) in lines.iter().enumerate().skip(1) {
        if *line == "---" || *line == "..." {
            return Ok((meta, index + 1));
        }
        if let Some(item) = line.trim_start().strip_prefix("- ") {
            meta.authors.push(unquote(item.trim()));
            continue;
        }
        let Some((key, value)) = line.split_once(':') else {
            return Err(MarkdownError {
                line: index + 1,
                reason: "front matter line is not `key: value`".into(),
            });
        };
        let value = unquote(value.trim());
        match key.trim() {
            "title" => meta.title = Some(value),
            "date" => meta.date = Some(value),
            "publisher" => meta.publisher = Some(value),
            "rights" => meta.rights = Some(value),
            "author" if !value.is_empty() => meta.authors.push(value),
            _ => {}
        }
    }
    Err(MarkdownError {
        line: lines.len(),
        reason: "front matter is not closed by `---`".into(),
    })
}

/// A double-quoted YAML string, or a plain one.
fn unquote(value: &str) -> String {
    match value.strip_prefix('"').and_then(|v| v.strip_suffix('"')) {
        Some(inner) => unescape_quoted(inner),
        None => value.to_string(),
    }
}

fn unescape_quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(next) = chars.next() {
                out.push(next);
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// `{lang=zh label="Chinese"}` opens a section.
fn open_section(attributes: &str, line: usize) -> Result<Section, MarkdownError> {
    let inner = attributes
        .strip_prefix('{')
        .and_then(|a| a.strip_suffix('}'))
        .ok_or_else(|| MarkdownError {
            line,
            reason: "a div must be `::: {lang=xx}`".into(),
        })?;
    let lang = inner
        .split_whitespace()
        .find_map(|a| a.strip_prefix("lang="))
        .map(|l| l.trim_matches('"').to_string())
        .ok_or_else(|| MarkdownError {
            line,
            reason: "a div needs a `lang=` attribute".into(),
        })?;
    let label = inner.find("label=\"").map(|start| {
        let rest = &inner[start + "label=\"".len()..];
        let mut end = rest.len();
        let mut escaped = false;
        for (k, c) in rest.char_indices() {
            match c {
                '\\' if !escaped => escaped = true,
                '"' if !escaped => {
                    end = k;
                    break;
                }
                _ => escaped = false,
            }
        }
        unescape_quoted(&rest[..end])
    });
    Ok(Section {
        lang: lang.into(),
        label,
        blocks: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::md::to_markdown;

    fn read(text: &str) -> Document {
        read_markdown(text).unwrap().document
    }

    #[test]
    fn every_fixture_round_trips_byte_for_byte() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut seen = 0;
        for dir in ["fixtures/brief", "fixtures/corpus", "fixtures/markdown"] {
            for entry in std::fs::read_dir(root.join(dir)).unwrap() {
                let path = entry.unwrap().path();
                if !path.to_string_lossy().ends_with(".expected.md") {
                    continue;
                }
                let text = std::fs::read_to_string(&path).unwrap();
                let document = read(&text);
                assert_eq!(to_markdown(&document), text, "{}", path.display());
                assert_eq!(
                    read(&to_markdown(&document)),
                    document,
                    "{}",
                    path.display()
                );
                seen += 1;
            }
        }
        assert!(seen >= 5);
    }

    #[test]
    fn reads_sections_labels_and_blocks() {
        let text = "---\ntitle: \"A \\\"quoted\\\" title\"\nauthor:\n  - \"Ann\"\ndate: 2024-07-04\n---\n\n::: {lang=zh label=\"Chinese\"}\n# 标题\n\n第一行\n第二行\n:::\n\n::: {lang=en}\n1. An item\nwrapped.\n\n- A bullet with a \\* star\n:::\n";
        let document = read(text);
        assert_eq!(document.meta.title.as_deref(), Some("A \"quoted\" title"));
        assert_eq!(document.meta.authors, vec!["Ann"]);
        assert_eq!(document.meta.languages, vec!["zh", "en"]);
        let zh = &document.sections[0];
        assert_eq!(zh.label.as_deref(), Some("Chinese"));
        assert_eq!(zh.blocks[1].kind.plain_text(), "第一行第二行");
        let en = &document.sections[1];
        let BlockKind::List {
            numbering, items, ..
        } = &en.blocks[0].kind
        else {
            panic!("not a list: {:?}", en.blocks[0]);
        };
        assert_eq!(*numbering, Some(Numbering::DECIMAL));
        assert_eq!(items[0].blocks[0].kind.plain_text(), "An item wrapped.");
        assert_eq!(en.blocks[0].provenance.spans[0].first_line, 16);
        assert_eq!(en.blocks[1].kind.plain_text(), "A bullet with a * star");
    }

    #[test]
    fn ordinary_markdown_is_read_as_markdown_in_its_language() {
        let text = "# My Report\n\nSome *emphasis*, **strong** and `code` with a [link](https://example.org) and a note.[^1]\n\n| a | b |\n|---|--:|\n| 1 | 2 |\n\n> Quoted.\n\n- one\n  - nested\n- two\n\n[^1]: The note text.\n";
        let markdown = read_markdown(text).unwrap();
        let document = markdown.document;
        assert_eq!(document.sections.len(), 1);
        assert_eq!(document.sections[0].lang, "en");
        let blocks = &document.sections[0].blocks;
        assert_eq!(blocks[0].kind, BlockKind::heading(1, "My Report"));
        let content = blocks[1].kind.content().unwrap();
        assert!(content.contains(&Inline::Emphasis {
            content: vec![Inline::text("emphasis")]
        }));
        assert!(content.contains(&Inline::Code {
            text: "code".into()
        }));
        assert!(content.contains(&Inline::NoteRef { id: "1".into() }));
        assert!(
            matches!(&blocks[2].kind, BlockKind::Table(t) if t.columns[1] == Alignment::Right && t.body.len() == 1)
        );
        assert!(matches!(&blocks[3].kind, BlockKind::Quote { .. }));
        let BlockKind::List { tight, items, .. } = &blocks[4].kind else {
            panic!("not a list");
        };
        assert!(*tight);
        assert!(matches!(items[0].blocks[1].kind, BlockKind::List { .. }));
        assert_eq!(document.notes.len(), 1);
        assert!(markdown.warnings.is_empty());
        // Written and read again, the Markdown is the same.
        let written = to_markdown(&document);
        assert_eq!(to_markdown(&read(&written)), written);
    }

    #[test]
    fn what_the_model_cannot_hold_is_kept_as_text_and_named() {
        let markdown = read_markdown("![A chart](chart.png)\n\n<div>raw</div>\n").unwrap();
        let texts: Vec<String> = markdown
            .document
            .blocks()
            .map(|b| b.kind.plain_text().into_owned())
            .collect();
        assert_eq!(texts, ["A chart", "<div>raw</div>"]);
        assert_eq!(markdown.warnings.len(), 2);
        assert_eq!(markdown.warnings[1].0, 3);
        let markdown = read_markdown("Text.\n\n[^lost]: Never referred to.\n").unwrap();
        assert_eq!(markdown.document.notes.len(), 1);
        assert_eq!(markdown.warnings.len(), 1, "{:?}", markdown.warnings);
        assert!(markdown.warnings[0].1.contains("[^lost]"));
        assert_eq!(markdown.warnings[0].0, 3);
    }

    #[test]
    fn lettered_lists_are_read_back_and_an_escaped_letter_is_not() {
        let text = "::: {lang=en}\na) first\n\nb) second\n\nc\\) not an item\n:::\n";
        let document = read(text);
        let blocks = &document.sections[0].blocks;
        let BlockKind::List {
            numbering, items, ..
        } = &blocks[0].kind
        else {
            panic!("not a list: {blocks:?}");
        };
        assert_eq!(numbering.map(|n| n.style), Some(NumberStyle::LowerAlpha));
        assert_eq!(items.len(), 2);
        assert_eq!(blocks[1].kind.plain_text(), "c) not an item");
        assert_eq!(to_markdown(&document), text);
    }

    #[test]
    fn publisher_and_rights_round_trip() {
        let text = "---\ntitle: \"T\"\npublisher: \"MERICS\"\nrights: \"CC BY 4.0\"\n---\n\n::: {lang=en}\nText.\n:::\n";
        let document = read(text);
        assert_eq!(document.meta.publisher.as_deref(), Some("MERICS"));
        assert_eq!(document.meta.rights.as_deref(), Some("CC BY 4.0"));
        assert_eq!(to_markdown(&document), text);
    }

    #[test]
    fn broken_markdown_names_the_line() {
        let err = read_markdown("---\ntitle: x\n").unwrap_err();
        assert!(err.reason.contains("not closed"));
        let err = read_markdown("::: {label=x}\ntext\n:::\n").unwrap_err();
        assert_eq!(err.line, 1);
    }
}
