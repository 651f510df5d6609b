//! Typesetting: the model into pages of positioned glyphs. offprint sets
//! its own type (printpdf without its layout features does none): shaping
//! ([`shape`]), break opportunities and hyphenation ([`breaks`]), lines
//! ([`paragraph`]), and here the page design — paper, margins, leading,
//! headings kept with what follows, hanging list items, no widows or
//! orphans, a running header with the title and a footer with the folio.

mod blocks;
pub mod breaks;
mod footnotes;
pub mod paragraph;
pub mod shape;

use crate::fonts::{FontBook, Role};
use crate::model::{plain_text, BlockKind, Document};
use paragraph::{Line, Setter, TextStyle};
use shape::Shaper;
use std::collections::{BTreeMap, BTreeSet};

/// Paper sizes, in points.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Paper {
    #[default]
    A4,
    Letter,
}

impl Paper {
    pub fn size(self) -> (f32, f32) {
        match self {
            Paper::A4 => (595.276, 841.89),
            Paper::Letter => (612.0, 792.0),
        }
    }
}

/// The page design.
#[derive(Debug, Clone)]
pub struct Design {
    pub paper: Paper,
    pub margin_top: f32,
    pub margin_bottom: f32,
    pub margin_side: f32,
    pub body_size: f32,
    pub body_leading: f32,
    pub paragraph_space: f32,
    pub item_space: f32,
    pub hanging_indent: f32,
    pub furniture_size: f32,
    /// Footnotes: their size and leading.
    pub note_size: f32,
    pub note_leading: f32,
}

impl Design {
    pub fn new(paper: Paper) -> Design {
        Design {
            paper,
            margin_top: 78.0,
            margin_bottom: 78.0,
            margin_side: 76.0,
            body_size: 10.5,
            body_leading: 15.0,
            paragraph_space: 7.5,
            item_space: 5.0,
            hanging_indent: 21.0,
            furniture_size: 8.0,
            note_size: 8.5,
            note_leading: 11.0,
        }
    }

    /// A heading level's size, leading, space before and space after.
    pub fn heading(&self, level: u8) -> (f32, f32, f32, f32) {
        // size, leading, space before, space after
        match level {
            1 => (15.0, 19.0, 22.0, 8.0),
            2 => (12.5, 16.0, 16.0, 6.0),
            _ => (11.0, 15.0, 12.0, 4.0),
        }
    }
}

/// A line placed on a page: `x` from the left edge, `baseline` up from the
/// bottom edge, in points.
#[derive(Debug, Clone, PartialEq)]
pub struct Placed {
    pub x: f32,
    pub baseline: f32,
    pub line: Line,
    /// Index of the chunk (title, byline or block, in order) the line
    /// belongs to; `None` for the running header and footer.
    pub block: Option<usize>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Page {
    pub lines: Vec<Placed>,
    /// Hairlines: (x1, y1, x2, y2).
    pub rules: Vec<(f32, f32, f32, f32)>,
    /// Where the text of a link is, and where it leads.
    pub links: Vec<LinkArea>,
}

/// The box around a link's text on a page: (x1, y1, x2, y2), and its target.
#[derive(Debug, Clone, PartialEq)]
pub struct LinkArea {
    pub rect: (f32, f32, f32, f32),
    pub target: LinkTo,
}

/// Where a link on a page leads.
#[derive(Debug, Clone, PartialEq)]
pub enum LinkTo {
    Uri(String),
    /// A place in the edition: a page (0-based) and a height on it.
    Place {
        page: usize,
        top: f32,
    },
    /// A note whose place is not known yet (until its page is full).
    Note(usize),
}

/// A bookmark: a section (depth 0) or a heading (depth = level).
#[derive(Debug, Clone, PartialEq)]
pub struct OutlineEntry {
    pub title: String,
    pub depth: u8,
    /// 0-based page index.
    pub page: usize,
    /// Top of the entry, up from the bottom edge.
    pub top: f32,
}

/// A block set into lines, ready to be paginated.
#[derive(Clone)]
struct Chunk {
    lines: Vec<(f32, Line)>,
    leading: f32,
    ascent: f32,
    space_before: f32,
    keep_with_next: bool,
    outline: Vec<(String, u8)>,
    rules: Rules,
    /// The targets of the links its glyphs name (see [`paragraph::Glyph::link`]).
    links: Vec<blocks::Target>,
    /// A table row's header rows, set again at the head of each page the row
    /// starts or goes on on.
    head: Option<std::rc::Rc<[Chunk]>>,
}

/// Hairlines drawn with a chunk (a table's rows): above its first line and
/// below its last, from and to these offsets from the left margin.
#[derive(Debug, Clone, Copy, Default)]
struct Rules {
    above: Option<(f32, f32)>,
    below: Option<(f32, f32)>,
}

/// The title used in the running header: the document's, else its first heading.
pub fn running_title(document: &Document) -> Option<String> {
    document.meta.title.clone().or_else(|| {
        document.blocks().find_map(|b| match &b.kind {
            BlockKind::Heading { content, .. } => Some(plain_text(content).into_owned()),
            _ => None,
        })
    })
}

/// Receives each page of an edition as soon as it is complete (with the
/// book its glyphs' faces are in), so that a long edition is never held whole.
pub type PageSink<'s> = dyn FnMut(&FontBook, Page) -> Result<(), String> + 's;

/// What is known of a typeset edition once its pages have gone to the sink.
#[derive(Debug, Clone, Default)]
pub struct Typeset {
    pub width: f32,
    pub height: f32,
    pub pages: usize,
    pub outline: Vec<OutlineEntry>,
    /// Characters that no available font covers.
    pub uncovered: BTreeSet<char>,
}

/// Typesets `document` on pages of `design`, handing each page to `sink` as
/// soon as it is full: memory holds one block's lines and one page.
pub fn typeset_into(
    document: &Document,
    design: &Design,
    book: &mut FontBook,
    shaper: &mut Shaper,
    sink: &mut PageSink,
) -> Result<Typeset, String> {
    let (page_width, page_height) = design.paper.size();
    let measure = page_width - 2.0 * design.margin_side;
    let mut setter = Setter {
        book,
        shaper,
        uncovered: BTreeSet::new(),
        stopped: None,
    };
    let mut pages = Paginator::new(document, design);
    for chunk in title_block(document, design, &mut setter, measure) {
        pages.add(chunk, &mut setter, sink)?;
    }
    let notes = document.note_numbers();
    pages.footnotes = footnotes::Footnotes::set(document, design, &notes, &mut setter, measure)?;
    for section in &document.sections {
        let mut outline = vec![(
            section
                .label
                .clone()
                .unwrap_or_else(|| crate::lang::english_name(&section.lang)),
            0u8,
        )];
        let mut place = blocks::Place {
            lang: &section.lang,
            indent: 0.0,
            space_before: 10.0,
            after_heading: false,
        };
        for (k, block) in section.blocks.iter().enumerate() {
            crate::memory::check(|| {
                format!("typesetting block {} of a {} section", k + 1, section.lang)
            })?;
            let mut add = |chunk, setter: &mut Setter| pages.add(chunk, setter, sink);
            let mut blocks = blocks::Blocks {
                design,
                setter: &mut setter,
                measure,
                notes: &notes,
                add: &mut add,
            };
            blocks.block(block, place, std::mem::take(&mut outline))?;
            if let Some(why) = setter.stopped.take() {
                return Err(why);
            }
            place.space_before = 0.0;
            place.after_heading = matches!(block.kind, BlockKind::Heading { .. });
        }
    }
    let (count, outline) = pages.finish(&mut setter, sink)?;
    Ok(Typeset {
        width: page_width,
        height: page_height,
        pages: count,
        outline,
        uncovered: setter.uncovered,
    })
}

/// The title block, when the document has a title: the title, then the
/// authors and date.
fn title_block(
    document: &Document,
    design: &Design,
    setter: &mut Setter,
    measure: f32,
) -> Vec<Chunk> {
    let Some(title) = &document.meta.title else {
        return Vec::new();
    };
    let lang = first_lang(document);
    let style = TextStyle {
        role: Role::Heading,
        size: 20.0,
        lang: lang.clone(),
        justify: false,
        hyphenate: false,
    };
    let mut chunks = vec![Chunk {
        lines: setter
            .set(title, &style, measure)
            .into_iter()
            .map(|l| (0.0, l))
            .collect(),
        leading: 25.0,
        ascent: 20.0,
        space_before: 0.0,
        keep_with_next: true,
        outline: Vec::new(),
        rules: Rules::default(),
        links: Vec::new(),
        head: None,
    }];
    if let Some(byline) = document.meta.byline() {
        let style = TextStyle {
            role: Role::Body,
            size: design.body_size,
            lang,
            justify: false,
            hyphenate: false,
        };
        chunks.push(Chunk {
            lines: setter
                .set(&byline, &style, measure)
                .into_iter()
                .map(|l| (0.0, l))
                .collect(),
            leading: design.body_leading,
            ascent: design.body_size,
            space_before: 4.0,
            keep_with_next: true,
            outline: Vec::new(),
            rules: Rules::default(),
            links: Vec::new(),
            head: None,
        });
    }
    chunks
}

/// Fills pages with chunks as they come: a heading stays with the first two
/// lines of what follows (so each chunk waits for the next); a paragraph
/// breaks across pages only with at least two lines on each side. A full
/// page gets its running head and folio and goes to the sink.
struct Paginator<'d> {
    design: &'d Design,
    furniture: Furniture<'d>,
    top: f32,
    available: f32,
    /// Height used on the current page.
    used: f32,
    page: Page,
    /// Pages already handed on.
    done: usize,
    pending: Option<Chunk>,
    /// Chunks placed so far (the index of the next).
    chunks: usize,
    outline: Vec<OutlineEntry>,
    footnotes: footnotes::Footnotes,
}

impl<'d> Paginator<'d> {
    fn new(document: &'d Document, design: &'d Design) -> Paginator<'d> {
        let (_, page_height) = design.paper.size();
        Paginator {
            design,
            furniture: Furniture::new(document, design),
            top: page_height - design.margin_top,
            available: page_height - design.margin_top - design.margin_bottom,
            used: 0.0,
            page: Page::default(),
            done: 0,
            pending: None,
            chunks: 0,
            outline: Vec::new(),
            footnotes: footnotes::Footnotes::default(),
        }
    }

    /// Takes `chunk`, placing the one before it (which now knows what follows).
    fn add(
        &mut self,
        chunk: Chunk,
        setter: &mut Setter,
        sink: &mut PageSink,
    ) -> Result<(), String> {
        if let Some(previous) = self.pending.take() {
            self.place(previous, Some(&chunk), setter, sink)?;
        }
        self.pending = Some(chunk);
        Ok(())
    }

    /// Places the last chunk and hands on the last page: how many pages there
    /// were, and the outline.
    fn finish(
        mut self,
        setter: &mut Setter,
        sink: &mut PageSink,
    ) -> Result<(usize, Vec<OutlineEntry>), String> {
        if let Some(last) = self.pending.take() {
            self.place(last, None, setter, sink)?;
        }
        self.next_page(setter, sink)?;
        Ok((self.done, self.outline))
    }

    /// Dresses the current page and hands it on; a fresh page follows.
    fn next_page(&mut self, setter: &mut Setter, sink: &mut PageSink) -> Result<(), String> {
        crate::memory::check(|| format!("typesetting page {}", self.done + 1))?;
        let mut page = std::mem::take(&mut self.page);
        self.footnotes.place(&mut page, self.design, self.done);
        self.furniture.dress(&mut page, self.done, setter);
        sink(setter.book, page)?;
        self.done += 1;
        self.used = 0.0;
        Ok(())
    }

    /// How many of `lines` fit in `room` with the footnotes they bring (a
    /// note comes whole with the line that refers to it), and the height of
    /// them all with their notes.
    fn fitting(
        &self,
        lines: &[(f32, Line)],
        leading: f32,
        room: f32,
        links: &[blocks::Target],
    ) -> (usize, f32) {
        if links.is_empty() {
            let fitting = (room / leading + 0.001).floor().max(0.0) as usize;
            return (fitting.min(lines.len()), lines.len() as f32 * leading);
        }
        let (mut fitting, mut height, mut brought) = (0, 0.0, Vec::new());
        let mut all_fit = true;
        for (_, line) in lines {
            let mut notes = self.footnotes.of_line(line, links);
            notes.retain(|n| !brought.contains(n));
            height += leading + self.footnotes.cost(&notes, brought.is_empty());
            brought.extend(notes.iter().copied());
            all_fit &= height <= room + 0.01;
            if all_fit {
                fitting += 1;
            }
        }
        (fitting, height)
    }

    /// The bookmarks of a chunk that starts here.
    fn bookmark(&mut self, outline: &[(String, u8)]) {
        for (title, depth) in outline {
            self.furniture.begins(title, *depth);
            self.outline.push(OutlineEntry {
                title: title.clone(),
                depth: *depth,
                page: self.done,
                top: self.top - self.used + 4.0,
            });
        }
    }

    fn place(
        &mut self,
        chunk: Chunk,
        next: Option<&Chunk>,
        setter: &mut Setter,
        sink: &mut PageSink,
    ) -> Result<(), String> {
        let index = self.chunks;
        self.chunks += 1;
        let x0 = self.design.margin_side;
        let Chunk {
            lines,
            leading,
            ascent,
            space_before,
            keep_with_next,
            outline,
            rules,
            links,
            head,
        } = chunk;
        if lines.is_empty() {
            // Nothing to set (an empty block): its bookmarks point here.
            self.bookmark(&outline);
            return Ok(());
        }
        let mut lines = lines;
        // The first line not placed yet.
        let mut next_line = 0;
        let mut first_part = true;
        loop {
            if let Some(head) = head.as_deref().filter(|_| self.used == 0.0) {
                self.repeat_head(head);
            }
            let before = if self.used == 0.0 || !first_part {
                0.0
            } else {
                space_before
            };
            let room = self.available - self.used - before - self.footnotes.height();
            // How many lines fit with the notes they bring, and what all take.
            let rest = lines.len() - next_line;
            let (fitting, whole) = self.fitting(&lines[next_line..], leading, room, &links);
            // What must come along: the first two lines of the next chunk.
            let keep = match next.filter(|_| keep_with_next) {
                Some(next) => next.space_before + next.lines.len().min(2) as f32 * next.leading,
                None => 0.0,
            };
            let fits = whole + keep <= room + 0.01;
            let take = if fits {
                rest
            } else if keep_with_next || rest <= 3 {
                0
            } else {
                let k = fitting.min(rest - 2);
                if k >= 2 {
                    k
                } else {
                    0
                }
            };
            let take = if take == 0 && self.used == 0.0 {
                // Nothing fits even on a fresh page: take what the page holds.
                fitting.clamp(1, rest)
            } else {
                take
            };
            if take == 0 {
                self.next_page(setter, sink)?;
                continue;
            }
            self.used += before;
            if first_part {
                self.bookmark(&outline);
                if let Some((from, to)) = rules.above {
                    let y = self.top - self.used + 1.0;
                    self.page.rules.push((x0 + from, y, x0 + to, y));
                }
            }
            for (indent, line) in &mut lines[next_line..next_line + take] {
                let (indent, line) = (*indent, std::mem::take(line));
                let baseline = self.top - self.used - ascent;
                strike_rules(&line, x0 + indent, baseline, &mut self.page.rules);
                if !links.is_empty() {
                    link_areas(&line, x0 + indent, baseline, &links, &mut self.page.links);
                    let notes = self.footnotes.of_line(&line, &links);
                    self.footnotes.take(&notes);
                }
                self.page.lines.push(Placed {
                    x: x0 + indent,
                    baseline,
                    line,
                    block: Some(index),
                });
                self.used += leading;
            }
            next_line += take;
            first_part = false;
            if next_line == lines.len() {
                if let Some((from, to)) = rules.below {
                    let y = self.top - self.used + 1.0;
                    self.page.rules.push((x0 + from, y, x0 + to, y));
                }
                return Ok(());
            }
            self.next_page(setter, sink)?;
        }
    }
}

impl Paginator<'_> {
    /// Sets a table's header rows again at the head of a page, with their rules
    /// (as text that repeats, not as content: they stand for no block here).
    fn repeat_head(&mut self, head: &[Chunk]) {
        let x0 = self.design.margin_side;
        for row in head {
            if let Some((from, to)) = row.rules.above {
                let y = self.top - self.used + 1.0;
                self.page.rules.push((x0 + from, y, x0 + to, y));
            }
            for (indent, line) in &row.lines {
                let baseline = self.top - self.used - row.ascent;
                self.page.lines.push(Placed {
                    x: x0 + indent,
                    baseline,
                    line: line.clone(),
                    block: None,
                });
                self.used += row.leading;
            }
            if let Some((from, to)) = row.rules.below {
                let y = self.top - self.used + 1.0;
                self.page.rules.push((x0 + from, y, x0 + to, y));
            }
            self.used += 1.0;
        }
    }
}

/// The boxes around the runs of `line`'s glyphs that belong to a link, the
/// line starting at `x` on `baseline`.
fn link_areas(
    line: &Line,
    x: f32,
    baseline: f32,
    targets: &[blocks::Target],
    out: &mut Vec<LinkArea>,
) {
    let glyphs = &line.glyphs;
    let mut k = 0;
    while k < glyphs.len() {
        let link = glyphs[k].link;
        let end = (k..glyphs.len())
            .find(|&j| glyphs[j].link != link)
            .unwrap_or(glyphs.len());
        if let Some(target) = usize::from(link)
            .checked_sub(1)
            .and_then(|i| targets.get(i))
        {
            let size = glyphs[k].size;
            let right = glyphs.get(end).map_or(line.width, |g| g.x);
            out.push(LinkArea {
                rect: (
                    x + glyphs[k].x,
                    baseline - 0.25 * size,
                    x + right,
                    baseline + 0.9 * size,
                ),
                target: match target {
                    blocks::Target::Uri(uri) => LinkTo::Uri(uri.clone()),
                    blocks::Target::Note(n) => LinkTo::Note(*n),
                },
            });
        }
        k = end;
    }
}

/// A hairline through each run of `line`'s struck glyphs, the line starting
/// at `x` on `baseline`.
fn strike_rules(line: &Line, x: f32, baseline: f32, rules: &mut Vec<(f32, f32, f32, f32)>) {
    let glyphs = &line.glyphs;
    let mut k = 0;
    while k < glyphs.len() {
        if !glyphs[k].struck {
            k += 1;
            continue;
        }
        let end = (k..glyphs.len())
            .find(|&j| !glyphs[j].struck)
            .unwrap_or(glyphs.len());
        let right = glyphs.get(end).map_or(line.width, |g| g.x);
        let y = baseline + 0.3 * glyphs[k].size;
        rules.push((x + glyphs[k].x, y, x + right, y));
        k = end;
    }
}

/// Running header (from page 2 on) and footer (page number). The header is
/// the document's title; a document without one is headed, page by page,
/// by its current top-level heading (so a page of French text is not headed
/// by the Chinese title that opened the document): the last one begun on or
/// before the page, the document's first before any has begun.
struct Furniture<'d> {
    document: &'d Document,
    design: &'d Design,
    /// The title, or the heading the pages are headed by now.
    head: Option<String>,
    /// The level of the headings that head pages; `None` with a title.
    top: Option<u8>,
    set_heads: BTreeMap<String, Option<Line>>,
    folio_style: TextStyle,
}

impl<'d> Furniture<'d> {
    fn new(document: &'d Document, design: &'d Design) -> Furniture<'d> {
        let headings = || {
            document.blocks().filter_map(|b| match &b.kind {
                BlockKind::Heading { level, content } => {
                    Some(((*level).clamp(1, 6), plain_text(content)))
                }
                _ => None,
            })
        };
        let (head, top) = match &document.meta.title {
            Some(title) => (Some(title.clone()), None),
            None => {
                let top = headings().map(|(level, _)| level).min();
                let first = headings()
                    .find(|&(level, _)| Some(level) == top)
                    .map(|(_, text)| text.into_owned());
                (first, top)
            }
        };
        Furniture {
            document,
            design,
            head,
            top,
            set_heads: BTreeMap::new(),
            folio_style: furniture_style(design, first_lang(document)),
        }
    }

    /// Notes an outline entry placed on the current page.
    fn begins(&mut self, title: &str, depth: u8) {
        if self.top.is_some_and(|top| top == depth) {
            self.head = Some(title.to_string());
        }
    }

    /// Adds the running head and the folio to page `n` (from 0).
    fn dress(&mut self, page: &mut Page, n: usize, setter: &mut Setter) {
        let design = self.design;
        let (page_width, page_height) = design.paper.size();
        let measure = page_width - 2.0 * design.margin_side;
        let header_base = page_height - design.margin_top + 30.0;
        let footer_base = design.margin_bottom - 36.0;
        if let (true, Some(head)) = (n > 0, self.head.clone()) {
            let document = self.document;
            let line = self.set_heads.entry(head.clone()).or_insert_with(|| {
                let style = furniture_style(design, head_language(document, &head));
                set_head(setter, &head, &style, measure)
            });
            if let Some(line) = line {
                page.lines.push(Placed {
                    x: (page_width - line.width) / 2.0,
                    baseline: header_base,
                    line: line.clone(),
                    block: None,
                });
                let y = header_base - 6.0;
                page.rules
                    .push((design.margin_side, y, page_width - design.margin_side, y));
            }
        }
        let folio = (n + 1).to_string();
        if let Some(line) = setter
            .set(&folio, &self.folio_style, f32::MAX)
            .into_iter()
            .next()
        {
            page.lines.push(Placed {
                x: (page_width - line.width) / 2.0,
                baseline: footer_base,
                line,
                block: None,
            });
        }
    }
}

/// A running head on one line: a head too long for the measure loses words
/// from its end and takes an ellipsis.
fn set_head(setter: &mut Setter, head: &str, style: &TextStyle, measure: f32) -> Option<Line> {
    let words: Vec<&str> = head.split_whitespace().collect();
    let mut line = setter.set(head, style, f32::MAX).into_iter().next()?;
    let mut kept = words.len();
    while line.width > measure && kept > 1 {
        kept -= 1;
        let shorter = format!("{}\u{2026}", words[..kept].join(" "));
        line = setter.set(&shorter, style, f32::MAX).into_iter().next()?;
    }
    if line.width > measure {
        // One word wider than the page: cut it at the measure.
        line.glyphs.retain(|g| g.x < measure);
        line.width = measure;
    }
    Some(line)
}

/// The language a running head is set in: the document's CJK language for
/// a head with Han or kana, else the language the document opens in.
fn head_language(document: &Document, head: &str) -> String {
    let cjk = head.chars().any(crate::fonts::script::is_cjk_letter);
    document
        .meta
        .languages
        .iter()
        .find(|l| cjk && crate::fonts::script::is_east_asian_lang(l))
        .map_or_else(|| first_lang(document), |l| l.to_string())
}

fn furniture_style(design: &Design, lang: String) -> TextStyle {
    TextStyle {
        role: Role::Heading,
        size: design.furniture_size,
        lang,
        justify: false,
        hyphenate: false,
    }
}

/// The language the document opens in (`und` for an empty one).
fn first_lang(document: &Document) -> String {
    document
        .sections
        .first()
        .map_or_else(|| "und".to_string(), |s| s.lang.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_table_over_pages_repeats_its_header_rows_at_the_head_of_each() {
        use crate::model::{Alignment, Cell, Row, Table};
        let cell = |t: &str| Cell {
            content: vec![crate::model::Inline::text(t)],
        };
        let table = Table {
            columns: vec![Alignment::Left, Alignment::Right],
            head: vec![Row {
                cells: vec![cell("Parish"), cell("Deeds")],
            }],
            body: (1..=150)
                .map(|k| Row {
                    cells: vec![cell(&format!("Parish {k}")), cell(&k.to_string())],
                })
                .collect(),
        };
        let document = english(vec![Block::new(BlockKind::Table(table), "en")]);
        let mut book = FontBook::new(&FontOptions::default()).unwrap();
        let layout = typeset(
            &document,
            &Design::new(Paper::A4),
            &mut book,
            &mut Shaper::default(),
        )
        .unwrap();
        assert!(layout.pages.len() >= 3, "{} pages", layout.pages.len());
        let text = |line: &Line| {
            line.glyphs
                .iter()
                .map(|g| g.text.to_string())
                .collect::<String>()
        };
        for (k, page) in layout.pages.iter().enumerate() {
            let first = page.lines.iter().find(|l| !text(&l.line).trim().is_empty());
            let first = first.map(|l| text(&l.line)).unwrap_or_default();
            assert!(
                first.starts_with("ParishDeeds") || first.starts_with("Parish Deeds"),
                "page {}: {first:?}",
                k + 1
            );
        }
        // The header stands for no block where it repeats; every body row is set once.
        let rows: usize = layout
            .pages
            .iter()
            .map(|p| p.lines.iter().filter(|l| l.block.is_some()).count())
            .sum();
        assert_eq!(rows, 151);
    }

    /// A document of one English section.
    fn english(blocks: Vec<Block>) -> Document {
        Document {
            notes: Vec::new(),
            meta: Meta::default(),
            sections: vec![Section {
                lang: "en".into(),
                label: None,
                blocks,
            }],
        }
    }

    /// A typeset edition, every page held.
    struct Layout {
        height: f32,
        pages: Vec<Page>,
        outline: Vec<OutlineEntry>,
    }

    /// Typesets `document` on pages of `design`, all held in the [`Layout`].
    fn typeset(
        document: &Document,
        design: &Design,
        book: &mut FontBook,
        shaper: &mut Shaper,
    ) -> Result<Layout, String> {
        let mut pages = Vec::new();
        let done = typeset_into(document, design, book, shaper, &mut |_, page| {
            pages.push(page);
            Ok(())
        })?;
        Ok(Layout {
            height: done.height,
            pages,
            outline: done.outline,
        })
    }
    use crate::fonts::FontOptions;
    use crate::model::{Block, Meta, Provenance, Section};

    fn block(kind: BlockKind) -> Block {
        Block {
            kind,
            lang: "en".into(),
            provenance: Provenance::default(),
        }
    }

    #[test]
    fn no_widows_no_orphans_and_headings_stay_with_their_text() {
        // Paragraphs of 1 to 9 lines, with headings between, over many pages.
        let sentence = "The committee met in session to consider the reorganisation of grassroots governance. ";
        let mut blocks = Vec::new();
        for k in 0..60 {
            if k % 5 == 0 {
                blocks.push(block(BlockKind::heading(
                    1 + (k % 2) as u8,
                    format!("Heading {k}"),
                )));
            }
            blocks.push(block(BlockKind::paragraph(sentence.repeat(1 + k * 7 % 9))));
        }
        let document = english(blocks.clone());
        let mut book = FontBook::new(&FontOptions::default()).unwrap();
        let mut shaper = Shaper::default();
        for paper in [Paper::A4, Paper::Letter] {
            let layout = typeset(&document, &Design::new(paper), &mut book, &mut shaper).unwrap();
            assert!(layout.pages.len() > 5);
            let total = |b: usize| {
                layout
                    .pages
                    .iter()
                    .flat_map(|p| &p.lines)
                    .filter(|l| l.block == Some(b))
                    .count()
            };
            for page in &layout.pages {
                let body: Vec<usize> = page.lines.iter().filter_map(|l| l.block).collect();
                let (Some(&first), Some(&last)) = (body.first(), body.last()) else {
                    continue;
                };
                let on_page = |b: usize| body.iter().filter(|&&x| x == b).count();
                // A block carried over or cut off keeps two lines here.
                if total(first) > on_page(first) {
                    assert!(on_page(first) >= 2, "widow of block {first}");
                }
                if total(last) > on_page(last) {
                    assert!(on_page(last) >= 2, "orphan of block {last}");
                }
                // No page ends with a heading.
                assert!(
                    !matches!(blocks[last].kind, BlockKind::Heading { .. }),
                    "heading {last} alone at a page foot"
                );
            }
            // Every block is set, in order.
            let order: Vec<usize> = layout
                .pages
                .iter()
                .flat_map(|p| p.lines.iter().filter_map(|l| l.block))
                .collect();
            assert!(order.windows(2).all(|w| w[0] <= w[1]));
            assert_eq!(order.last(), Some(&(blocks.len() - 1)));
        }
    }

    #[test]
    fn a_document_without_a_title_is_headed_by_its_current_heading() {
        let section = |lang: &str, heading: &str, sentence: &str| Section {
            lang: lang.into(),
            label: None,
            blocks: vec![
                Block {
                    lang: lang.into(),
                    ..block(BlockKind::heading(1, heading))
                },
                Block {
                    lang: lang.into(),
                    ..block(BlockKind::paragraph(sentence.repeat(400)))
                },
            ],
        };
        let mut document = Document {
            notes: Vec::new(),
            meta: Meta::default(),
            sections: vec![
                section("zh", "展望未来", "城市规划委员会成立了。"),
                section("fr", "Retour vers le futur", "Le département a été créé. "),
            ],
        };
        let mut book = FontBook::new(&FontOptions::default()).unwrap();
        let mut shaper = Shaper::default();
        let design = Design::new(Paper::A4);
        let head_of = |layout: &Layout, n: usize| -> String {
            let header = layout.pages[n]
                .lines
                .iter()
                .find(|l| l.block.is_none() && l.baseline > layout.height - design.margin_top)
                .expect("a running header");
            header
                .line
                .glyphs
                .iter()
                .map(|g| g.text.to_string())
                .collect()
        };
        let layout = typeset(&document, &design, &mut book, &mut shaper).unwrap();
        let french = layout
            .outline
            .iter()
            .find(|e| e.title.starts_with("Retour"))
            .unwrap()
            .page;
        assert!(french >= 2 && french + 1 < layout.pages.len());
        assert!(!layout.pages[0]
            .lines
            .iter()
            .any(|l| l.block.is_none() && l.baseline > layout.height - design.margin_top));
        assert_eq!(head_of(&layout, 1), "展望未来");
        assert_eq!(head_of(&layout, french + 1), "Retour vers le futur");
        // A heading too long for the measure is cut at a word, with an ellipsis.
        document.sections[1].blocks[0].kind =
            BlockKind::heading(1, "Retour vers le futur ".repeat(12));
        let layout = typeset(&document, &design, &mut book, &mut shaper).unwrap();
        let head = head_of(&layout, french + 1);
        let kept = head.strip_suffix('\u{2026}').expect("an ellipsis");
        assert!(kept.starts_with("Retour vers le futur Retour"), "{head}");
        assert!(
            "Retour vers le futur "
                .repeat(12)
                .starts_with(&format!("{kept} ")),
            "cut at a word: {head}"
        );
        // A title heads every page.
        document.meta.title = Some("Back".into());
        let layout = typeset(&document, &design, &mut book, &mut shaper).unwrap();
        assert_eq!(head_of(&layout, french + 1), "Back");
    }

    #[test]
    fn every_construct_is_set_with_its_face_indent_raise_or_rule() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/fixtures/markdown/constructs.expected.md"
        );
        let text = std::fs::read_to_string(path).unwrap();
        let document = crate::input::markdown::read_markdown(&text)
            .unwrap()
            .document;
        let mut book = FontBook::new(&FontOptions::default()).unwrap();
        let mut shaper = Shaper::default();
        let layout = typeset(&document, &Design::new(Paper::A4), &mut book, &mut shaper).unwrap();
        let placed: Vec<&Placed> = layout.pages.iter().flat_map(|p| &p.lines).collect();
        let line_text = |l: &Placed| {
            l.line
                .glyphs
                .iter()
                .map(|g| g.text.to_string())
                .collect::<String>()
        };
        let find = |needle: &str| {
            placed
                .iter()
                .copied()
                .find(|l| line_text(l).contains(needle))
                .unwrap_or_else(|| panic!("no line has {needle:?}"))
        };
        // The face that sets the first glyph of `word` on its line.
        let face_of = |word: &str| {
            let line = find(word);
            let text = line_text(line);
            let at = text.find(word).unwrap();
            let mut seen = 0;
            let glyph = line
                .line
                .glyphs
                .iter()
                .find(|g| {
                    let here = seen;
                    seen += g.text.len();
                    here >= at && !g.text.is_empty()
                })
                .unwrap();
            (
                book.face(glyph.face).post_script_name.clone(),
                glyph.clone(),
            )
        };
        assert_eq!(face_of("emphasis").0, "NotoSerif-Italic");
        assert_eq!(face_of("strong").0, "NotoSerif-Bold");
        assert_eq!(face_of("both").0, "NotoSerif-BoldItalic");
        assert_eq!(face_of("inline").0, "NotoSansMono-Regular");
        assert_eq!(face_of("println!").0, "NotoSansMono-Regular");
        // The note's number is raised and smaller.
        let number = find("and a note.")
            .line
            .glyphs
            .iter()
            .find(|g| g.text.to_string() == "1")
            .unwrap()
            .clone();
        assert!(number.y > 0.0 && number.size < 10.5, "{number:?}");
        // Nested items and quotations are indented.
        assert!(find("a bullet;").x > find("The first item.").x);
        assert!(find("A quotation").x > find("The end of the English").x);
        // Each note is at the foot of the page that refers to it, smaller,
        // and its reference leads there.
        let page_of = |needle: &str| {
            layout
                .pages
                .iter()
                .position(|p| p.lines.iter().any(|l| line_text(l).contains(needle)))
                .unwrap()
        };
        for (reference, note) in [
            ("and a note.", "The English note"),
            ("un lien.", "La note française"),
        ] {
            assert_eq!(page_of(reference), page_of(note), "{note}");
            let note_line = find(note);
            assert!(note_line.baseline < find(reference).baseline);
            assert!(note_line.line.glyphs.iter().all(|g| g.size <= 8.5));
        }
        let to_notes = layout
            .pages
            .iter()
            .flat_map(|p| &p.links)
            .filter(|l| matches!(l.target, LinkTo::Place { .. }))
            .count();
        assert_eq!(to_notes, 4, "each reference leads to its note");
        // Pages with notes have the short rule over them.
        let with_notes = layout
            .pages
            .iter()
            .filter(|p| {
                p.lines.iter().any(|l| {
                    let first = l.line.glyphs.first();
                    l.block.is_none() && first.is_some_and(|g| (g.size - 8.5).abs() < 0.01)
                })
            })
            .count();
        // The table is ruled above, under its header and below; the break is a rule.
        let rules: usize = layout.pages.iter().map(|p| p.rules.len()).sum();
        let running_heads = layout.pages.len() - 1;
        assert_eq!(
            rules - running_heads - with_notes,
            3 + 3 + 1 + 1,
            "two tables, a break and a struck word"
        );
        let struck = find("struck");
        let strike = layout
            .pages
            .iter()
            .flat_map(|p| &p.rules)
            .find(|r| r.1 > struck.baseline && r.1 < struck.baseline + 5.0)
            .expect("a rule through the struck word");
        assert!(
            strike.2 - strike.0 > 10.0 && strike.2 - strike.0 < 40.0,
            "{strike:?}"
        );
        // A right-aligned column ends where its header does.
        let count = find("Column");
        let three = find("apples");
        let end = |l: &Placed| l.line.glyphs.last().map(|g| l.x + g.x).unwrap();
        assert!((end(count) - end(three)).abs() < 6.0);
        // Links lead out of the text from a box around it.
        let link = layout
            .pages
            .iter()
            .flat_map(|p| &p.links)
            .find(|l| l.target == LinkTo::Uri("https://example.org/offprint".into()))
            .expect("the link's box");
        let words = find("link to the project");
        assert!(link.rect.0 > words.x && link.rect.2 > link.rect.0);
        assert!(link.rect.1 < words.baseline && link.rect.3 > words.baseline);
    }
}
