//! The model's blocks set into chunks of lines: headings, paragraphs with
//! their inline marks (italic, bold, code, raised note numbers), lists with
//! hanging markers nested by indent, quotations indented, code in the
//! monospaced face, tables with horizontal rules, thematic breaks.

use super::paragraph::{Line, MarkSpan, Setter, TextStyle};
use super::{Chunk, Design, Rules};
use crate::fonts::{Marks, Role};
use crate::model::{plain_text, Alignment, Block, BlockKind, Inline, ListItem, Numbering, Table};
use std::collections::BTreeMap;

/// A block's inline content as one text, the marks over it, and the
/// targets of its links (which spans name by 1-based index).
#[derive(Debug, Default, PartialEq)]
pub struct Flat {
    pub text: String,
    pub spans: Vec<MarkSpan>,
    pub links: Vec<Target>,
}

/// Where a link in the text leads: out of the document, or to a note (its
/// number), which is set at the foot of the page that refers to it.
#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    Uri(String),
    Note(usize),
}

/// Note ids and the numbers they are shown with.
pub type NoteNumbers = BTreeMap<String, usize>;

/// Flattens `content`: note references become their raised numbers, line
/// breaks mandatory breaks.
pub fn flatten(content: &[Inline], notes: &NoteNumbers) -> Flat {
    flatten_marked(content, notes, Marks::NONE)
}

/// Flattens `content` as if all of it were marked by `marks` (a table's
/// header cells are bold).
pub fn flatten_marked(content: &[Inline], notes: &NoteNumbers, marks: Marks) -> Flat {
    let mut flat = Flat::default();
    let style = Style {
        marks,
        raise: 0,
        link: 0,
        struck: false,
    };
    push_flat(&mut flat, content, notes, style);
    flat
}

/// What the inlines being flattened are inside of.
#[derive(Clone, Copy)]
struct Style {
    marks: Marks,
    raise: i8,
    link: u16,
    struck: bool,
}

fn push_flat(flat: &mut Flat, content: &[Inline], notes: &NoteNumbers, style: Style) {
    let push = |flat: &mut Flat, text: &str, style: Style| {
        let start = flat.text.len();
        flat.text.push_str(text);
        if style.marks != Marks::NONE || style.raise != 0 || style.link != 0 || style.struck {
            flat.spans.push(MarkSpan {
                range: start..flat.text.len(),
                marks: style.marks,
                raise: style.raise,
                link: style.link,
                struck: style.struck,
            });
        }
    };
    let marked = |f: fn(&mut Marks)| {
        let mut marks = style.marks;
        f(&mut marks);
        Style { marks, ..style }
    };
    for inline in content {
        match inline {
            Inline::Text { text } => push(flat, text, style),
            Inline::Code { text } => push(flat, text, marked(|m| m.code = true)),
            Inline::Emphasis { content } => {
                push_flat(flat, content, notes, marked(|m| m.italic = true))
            }
            Inline::Strong { content } => {
                push_flat(flat, content, notes, marked(|m| m.bold = true))
            }
            Inline::Superscript { content } => {
                push_flat(flat, content, notes, Style { raise: 1, ..style })
            }
            Inline::Subscript { content } => {
                push_flat(flat, content, notes, Style { raise: -1, ..style })
            }
            Inline::Link { target, content } if crate::model::leads_out(target) => {
                flat.links.push(Target::Uri(target.clone()));
                let link = u16::try_from(flat.links.len()).unwrap_or(0);
                push_flat(flat, content, notes, Style { link, ..style })
            }
            Inline::Strikeout { content } => push_flat(
                flat,
                content,
                notes,
                Style {
                    struck: true,
                    ..style
                },
            ),
            Inline::Link { content, .. } => push_flat(flat, content, notes, style),
            Inline::NoteRef { id } => {
                if let Some(&number) = notes.get(id) {
                    flat.links.push(Target::Note(number));
                    let link = u16::try_from(flat.links.len()).unwrap_or(0);
                    let style = Style {
                        raise: 1,
                        link,
                        ..style
                    };
                    push(flat, &number.to_string(), style);
                }
            }
            Inline::LineBreak => push(flat, "\n", style),
        }
    }
}

/// Where a block is set: its language, how far it is indented, and the
/// space before it.
#[derive(Clone, Copy)]
pub struct Place<'l> {
    pub lang: &'l str,
    pub indent: f32,
    pub space_before: f32,
    /// Follows a heading (a list right after one is spaced as a paragraph).
    pub after_heading: bool,
}

/// Sets blocks and hands their chunks on.
pub struct Blocks<'s, 'b> {
    pub design: &'s Design,
    pub setter: &'s mut Setter<'b>,
    pub measure: f32,
    pub notes: &'s NoteNumbers,
    pub add: &'s mut dyn FnMut(Chunk, &mut Setter) -> Result<(), String>,
}

impl Blocks<'_, '_> {
    fn body_style(&self, lang: &str) -> TextStyle {
        TextStyle {
            role: Role::Body,
            size: self.design.body_size,
            lang: lang.to_string(),
            justify: true,
            hyphenate: matches!(lang.split('-').next(), Some("en" | "fr" | "es")),
        }
    }

    /// Sets `block` at `place`, its first chunk carrying `outline`.
    pub fn block(
        &mut self,
        block: &Block,
        place: Place,
        outline: Vec<(String, u8)>,
    ) -> Result<(), String> {
        let lang = block.lang_or(place.lang).to_string();
        let place = Place {
            lang: &lang,
            ..place
        };
        match &block.kind {
            BlockKind::Heading { level, content } => self.heading(*level, content, place, outline),
            BlockKind::Paragraph { content } => {
                let space = place.space_before + self.design.paragraph_space;
                self.text(content, place, space, None, outline)
            }
            BlockKind::List {
                numbering, items, ..
            } => self.list(numbering.as_ref(), items, place, outline),
            BlockKind::Quote { blocks } => {
                let inner = Place {
                    indent: place.indent + self.design.hanging_indent,
                    ..place
                };
                self.blocks(blocks, inner, outline)
            }
            BlockKind::CodeBlock { text, .. } => self.code(text, place, outline),
            BlockKind::Table(table) => self.table(table, place, outline),
            BlockKind::ThematicBreak => {
                // A short centred rule under an empty line.
                let middle = place.indent + (self.measure - place.indent) / 2.0;
                let space = place.space_before + self.design.paragraph_space;
                let mut chunk =
                    body_chunk(self.design, vec![(0.0, Line::default())], space, outline);
                chunk.rules.above = Some((middle - 36.0, middle + 36.0));
                chunk.space_before += self.design.body_leading / 2.0;
                self.emit(chunk)
            }
        }
    }

    /// Blocks one after another, the first with `place`'s space.
    fn blocks(
        &mut self,
        blocks: &[Block],
        mut place: Place,
        mut outline: Vec<(String, u8)>,
    ) -> Result<(), String> {
        for block in blocks {
            self.block(block, place, std::mem::take(&mut outline))?;
            place.space_before = 0.0;
            place.after_heading = matches!(block.kind, BlockKind::Heading { .. });
        }
        if !outline.is_empty() {
            // No blocks: the bookmarks still point here.
            self.emit(body_chunk(
                self.design,
                Vec::new(),
                place.space_before,
                outline,
            ))?;
        }
        Ok(())
    }

    fn emit(&mut self, chunk: Chunk) -> Result<(), String> {
        (self.add)(chunk, self.setter)
    }

    fn heading(
        &mut self,
        level: u8,
        content: &[Inline],
        place: Place,
        mut outline: Vec<(String, u8)>,
    ) -> Result<(), String> {
        let (size, leading, before, _after) = self.design.heading(level);
        let style = TextStyle {
            role: Role::Heading,
            size,
            lang: place.lang.to_string(),
            justify: false,
            hyphenate: false,
        };
        outline.push((plain_text(content).into_owned(), level.clamp(1, 6)));
        let flat = flatten(content, self.notes);
        let lines =
            self.setter
                .set_marked(&flat.text, &flat.spans, &style, self.measure - place.indent);
        self.emit(Chunk {
            lines: lines.into_iter().map(|l| (place.indent, l)).collect(),
            leading,
            ascent: size,
            space_before: before + place.space_before,
            keep_with_next: true,
            outline,
            rules: Rules::default(),
            links: flat.links,
            head: None,
        })
    }

    /// A paragraph's lines at `place`, `space` before them; `marker` hangs
    /// in the indent before its first line. A very long paragraph goes on
    /// as a chunk for each window of its text (see [`WINDOW`]), so that its
    /// lines are never all held at once.
    ///
    /// [`WINDOW`]: super::paragraph::WINDOW
    fn text(
        &mut self,
        content: &[Inline],
        place: Place,
        space: f32,
        marker: Option<&str>,
        mut outline: Vec<(String, u8)>,
    ) -> Result<(), String> {
        let body = self.body_style(place.lang);
        let indent = place.indent;
        let mut marker = marker.and_then(|marker| {
            let style = TextStyle {
                justify: false,
                hyphenate: false,
                ..body.clone()
            };
            let set = self.setter.set(marker, &style, self.design.hanging_indent);
            set.into_iter().next()
        });
        let hanging = self.design.hanging_indent;
        let flat = flatten(content, self.notes);
        let mut space = Some(space);
        let design = self.design;
        let add = &mut *self.add;
        self.setter.set_in_runs(
            &flat.text,
            &flat.spans,
            &body,
            self.measure - indent,
            &mut |setter, run| {
                let mut lines: Vec<(f32, Line)> = run.into_iter().map(|l| (indent, l)).collect();
                if let (Some(m), Some(first_line)) = (marker.take(), lines.first_mut()) {
                    // The marker hangs in the indent; its glyphs go first.
                    let mut glyphs: Vec<_> = m
                        .glyphs
                        .into_iter()
                        .map(|mut g| {
                            g.x -= hanging;
                            g
                        })
                        .collect();
                    glyphs.append(&mut first_line.1.glyphs);
                    first_line.1.glyphs = glyphs;
                }
                let space_before = space.take().unwrap_or(0.0);
                let mut chunk =
                    body_chunk(design, lines, space_before, std::mem::take(&mut outline));
                chunk.links = flat.links.clone();
                add(chunk, setter)
            },
        )?;
        match space {
            // No text: the block still takes its space and carries its bookmarks.
            Some(space_before) => self.emit(body_chunk(design, Vec::new(), space_before, outline)),
            None => Ok(()),
        }
    }

    fn list(
        &mut self,
        numbering: Option<&Numbering>,
        items: &[ListItem],
        place: Place,
        mut outline: Vec<(String, u8)>,
    ) -> Result<(), String> {
        let depth = (place.indent / self.design.hanging_indent).round() as usize;
        let inner = place.indent + self.design.hanging_indent;
        for (k, item) in items.iter().enumerate() {
            let marker = match numbering {
                Some(n) => n.marker(k),
                None => ["•", "◦", "▪"][depth % 3].to_string(),
            };
            let space = place.space_before
                + if k == 0 && place.after_heading {
                    self.design.paragraph_space
                } else {
                    self.design.item_space
                };
            let item_place = Place {
                indent: inner,
                space_before: 0.0,
                after_heading: false,
                ..place
            };
            let (lead, rest) = item.lead();
            let outline = std::mem::take(&mut outline);
            match lead {
                Some((first, content)) => {
                    let lang = first.lang_or(place.lang).to_string();
                    let first_place = Place {
                        lang: &lang,
                        ..item_place
                    };
                    self.text(content, first_place, space, Some(&marker), outline)?;
                }
                // An item that opens with no paragraph still shows its marker.
                None => self.text(&[], item_place, space, Some(&marker), outline)?,
            }
            for block in rest {
                self.block(block, item_place, Vec::new())?;
            }
        }
        Ok(())
    }

    fn code(&mut self, text: &str, place: Place, outline: Vec<(String, u8)>) -> Result<(), String> {
        let style = TextStyle {
            size: self.design.body_size * 0.9,
            justify: false,
            hyphenate: false,
            ..self.body_style(place.lang)
        };
        let code = [MarkSpan {
            range: 0..text.len(),
            marks: Marks {
                code: true,
                ..Marks::NONE
            },
            raise: 0,
            link: 0,
            struck: false,
        }];
        let lines = self
            .setter
            .set_marked(text, &code, &style, self.measure - place.indent);
        let space = place.space_before + self.design.paragraph_space;
        let lines = lines.into_iter().map(|l| (place.indent, l)).collect();
        self.emit(body_chunk(self.design, lines, space, outline))
    }

    /// A table: a chunk a row, cells side by side in columns as wide as
    /// their content needs (shared out when the measure is too narrow), a
    /// rule above the table, below the header and below the last row.
    fn table(
        &mut self,
        table: &Table,
        place: Place,
        mut outline: Vec<(String, u8)>,
    ) -> Result<(), String> {
        const PADDING: f32 = 6.0;
        let rows: Vec<(&crate::model::Row, bool)> = table
            .head
            .iter()
            .map(|r| (r, true))
            .chain(table.body.iter().map(|r| (r, false)))
            .collect();
        let columns = rows.iter().map(|(r, _)| r.cells.len()).max().unwrap_or(0);
        if columns == 0 {
            return Ok(());
        }
        let style = TextStyle {
            justify: false,
            hyphenate: false,
            ..self.body_style(place.lang)
        };
        let flats: Vec<Vec<Flat>> = rows
            .iter()
            .map(|(row, head)| {
                // A row's cells share its chunk: their links are numbered on
                // from the cells before.
                let mut links = 0;
                row.cells
                    .iter()
                    .map(|cell| {
                        let marks = Marks {
                            bold: *head,
                            ..Marks::NONE
                        };
                        let mut flat = flatten_marked(&cell.content, self.notes, marks);
                        for span in flat.spans.iter_mut().filter(|s| s.link > 0) {
                            span.link += links;
                        }
                        links += u16::try_from(flat.links.len()).unwrap_or(0);
                        flat
                    })
                    .collect()
            })
            .collect();
        let widths = self.column_widths(&flats, columns, &style, place.indent, PADDING);
        let table_width: f32 = widths.iter().sum();
        let span = (place.indent, place.indent + table_width);
        let last = flats.len() - 1;
        // The header rows as set, for the pages the body goes on to.
        let mut header: Vec<Chunk> = Vec::new();
        let mut shared: Option<std::rc::Rc<[Chunk]>> = None;
        for (r, (row, (_, head))) in flats.iter().zip(&rows).enumerate() {
            let mut merged: Vec<Line> = Vec::new();
            let mut x = 0.0;
            for (c, flat) in row.iter().enumerate() {
                let lines = self.setter.set_marked(
                    &flat.text,
                    &flat.spans,
                    &style,
                    (widths[c] - PADDING).max(1.0),
                );
                let room = (widths[c] - PADDING).max(1.0);
                for (k, mut line) in lines.into_iter().enumerate() {
                    if merged.len() <= k {
                        merged.push(Line::default());
                    }
                    let shift = match table.columns.get(c).copied().unwrap_or_default() {
                        Alignment::Right => (room - line.width).max(0.0),
                        Alignment::Center => ((room - line.width) / 2.0).max(0.0),
                        Alignment::Default | Alignment::Left => 0.0,
                    };
                    for glyph in &mut line.glyphs {
                        glyph.x += x + shift;
                    }
                    merged[k].glyphs.append(&mut line.glyphs);
                    merged[k].width = x + shift + line.width;
                }
                x += widths[c];
            }
            if merged.is_empty() {
                merged.push(Line::default());
            }
            let next_is_body = *head && !rows.get(r + 1).is_some_and(|(_, h)| *h);
            let rules = Rules {
                above: (r == 0).then_some(span),
                below: (next_is_body || r == last).then_some(span),
            };
            let space = if r == 0 {
                place.space_before + self.design.paragraph_space
            } else {
                1.0
            };
            let mut chunk = body_chunk(
                self.design,
                merged.into_iter().map(|l| (place.indent, l)).collect(),
                space,
                std::mem::take(&mut outline),
            );
            chunk.keep_with_next = *head;
            chunk.rules = rules;
            chunk.links = row.iter().flat_map(|f| f.links.iter().cloned()).collect();
            if *head {
                header.push(Chunk {
                    outline: Vec::new(),
                    links: Vec::new(),
                    ..chunk.clone()
                });
            } else if !header.is_empty() || shared.is_some() {
                chunk.head = Some(
                    shared
                        .get_or_insert_with(|| std::mem::take(&mut header).into())
                        .clone(),
                );
            }
            self.emit(chunk)?;
        }
        Ok(())
    }

    /// Each column as wide as its widest cell set on one line (with `padding`),
    /// shared out in proportion when together they pass the measure.
    fn column_widths(
        &mut self,
        flats: &[Vec<Flat>],
        columns: usize,
        style: &TextStyle,
        indent: f32,
        padding: f32,
    ) -> Vec<f32> {
        let mut natural = vec![padding; columns];
        for row in flats {
            for (c, flat) in row.iter().enumerate() {
                let lines = self
                    .setter
                    .set_marked(&flat.text, &flat.spans, style, f32::MAX);
                let width = lines.iter().map(|l| l.width).fold(0.0, f32::max);
                natural[c] = natural[c].max(width + padding);
            }
        }
        let room = self.measure - indent;
        let total: f32 = natural.iter().sum();
        if total <= room {
            natural
        } else {
            natural.iter().map(|w| w / total * room).collect()
        }
    }
}

/// Lines of body text with the space before them and the bookmarks they carry.
pub fn body_chunk(
    design: &Design,
    lines: Vec<(f32, Line)>,
    space_before: f32,
    outline: Vec<(String, u8)>,
) -> Chunk {
    Chunk {
        lines,
        leading: design.body_leading,
        ascent: design.body_size,
        space_before,
        keep_with_next: false,
        outline,
        rules: Rules::default(),
        links: Vec::new(),
        head: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_marks_become_spans_over_the_flat_text() {
        let content = vec![
            Inline::text("a "),
            Inline::Emphasis {
                content: vec![
                    Inline::text("b "),
                    Inline::Strong {
                        content: vec![Inline::text("c")],
                    },
                ],
            },
            Inline::NoteRef { id: "n".into() },
            Inline::Code { text: "d".into() },
        ];
        let notes: NoteNumbers = [("n".to_string(), 3)].into();
        let flat = flatten(&content, &notes);
        assert_eq!(flat.text, "a b c3d");
        let italic = Marks {
            italic: true,
            ..Marks::NONE
        };
        assert_eq!(
            flat.spans,
            vec![
                MarkSpan {
                    range: 2..4,
                    marks: italic,
                    raise: 0,
                    link: 0,
                    struck: false
                },
                MarkSpan {
                    range: 4..5,
                    marks: Marks {
                        bold: true,
                        ..italic
                    },
                    raise: 0,
                    link: 0,
                    struck: false
                },
                // The note's number is raised and leads to the note.
                MarkSpan {
                    range: 5..6,
                    marks: Marks::NONE,
                    raise: 1,
                    link: 1,
                    struck: false
                },
                MarkSpan {
                    range: 6..7,
                    marks: Marks {
                        code: true,
                        ..Marks::NONE
                    },
                    raise: 0,
                    link: 0,
                    struck: false
                },
            ]
        );
        assert_eq!(flat.links, [Target::Note(3)]);
        let bold = Marks {
            bold: true,
            ..Marks::NONE
        };
        let head = flatten_marked(&content, &notes, bold);
        assert!(head.spans.iter().all(|s| s.marks.bold));
        assert_eq!(head.spans.first().map(|s| s.range.clone()), Some(0..2));
    }
}
