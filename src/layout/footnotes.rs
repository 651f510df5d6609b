//! Footnotes at the foot of the page that refers to them: each note is set
//! before pagination (smaller, its number hanging), and the paginator gives a
//! line of text room only together with the notes it brings to its page.

use super::blocks::{Blocks, NoteNumbers, Place, Target};
use super::paragraph::{Line, Setter};
use super::{Design, LinkTo, Page, Placed};
use crate::model::{Block, BlockKind, Document, ListItem, Numbering};
use std::collections::BTreeMap;

/// The space between the text and the notes, where the short rule is.
const GAP: f32 = 12.0;

/// The notes of a document, set, and those on the page being filled.
#[derive(Default)]
pub struct Footnotes {
    /// Note number → its lines (x offset, line), not yet on a page.
    waiting: BTreeMap<usize, Vec<(f32, Line)>>,
    /// The notes of the current page, in order.
    here: Vec<(usize, Vec<(f32, Line)>)>,
    leading: f32,
    size: f32,
}

impl Footnotes {
    /// Sets every note `numbers` names, in the design's note size.
    pub fn set(
        document: &Document,
        design: &Design,
        numbers: &NoteNumbers,
        setter: &mut Setter,
        measure: f32,
    ) -> Result<Footnotes, String> {
        let small = Design {
            body_size: design.note_size,
            body_leading: design.note_leading,
            paragraph_space: 0.0,
            item_space: 0.0,
            hanging_indent: design.note_size * 1.8,
            ..design.clone()
        };
        let lang = document.sections.first().map_or("und", |s| s.lang.as_str());
        let mut waiting = BTreeMap::new();
        for (id, &number) in numbers {
            let Some(note) = document.note(id) else {
                continue;
            };
            let list = Block::new(
                BlockKind::List {
                    numbering: Some(Numbering {
                        start: u32::try_from(number).unwrap_or(u32::MAX),
                        ..Numbering::DECIMAL
                    }),
                    tight: true,
                    items: vec![ListItem {
                        blocks: note.blocks.clone(),
                    }],
                },
                lang,
            );
            let mut lines = Vec::new();
            let mut collect = |chunk: super::Chunk, _: &mut Setter| {
                lines.extend(chunk.lines);
                Ok(())
            };
            let mut blocks = Blocks {
                design: &small,
                setter,
                measure,
                notes: numbers,
                add: &mut collect,
            };
            let place = Place {
                lang,
                indent: 0.0,
                space_before: 0.0,
                after_heading: false,
            };
            blocks.block(&list, place, Vec::new())?;
            waiting.insert(number, lines);
        }
        Ok(Footnotes {
            waiting,
            here: Vec::new(),
            leading: design.note_leading,
            size: design.note_size,
        })
    }

    /// The notes a line of text refers to that are not on a page yet.
    pub fn of_line(&self, line: &Line, targets: &[Target]) -> Vec<usize> {
        let mut numbers = Vec::new();
        for glyph in &line.glyphs {
            let target = usize::from(glyph.link)
                .checked_sub(1)
                .and_then(|k| targets.get(k));
            if let Some(&Target::Note(n)) = target {
                if self.waiting.contains_key(&n) && !numbers.contains(&n) {
                    numbers.push(n);
                }
            }
        }
        numbers
    }

    /// The height the notes `numbers` would add to the current page; with
    /// `first`, they would be its first notes, under the rule.
    pub fn cost(&self, numbers: &[usize], first: bool) -> f32 {
        let lines: usize = numbers
            .iter()
            .filter_map(|n| self.waiting.get(n))
            .map(Vec::len)
            .sum();
        if lines == 0 {
            return 0.0;
        }
        let gap = if first && self.here.is_empty() {
            GAP
        } else {
            0.0
        };
        gap + lines as f32 * self.leading
    }

    /// The height the current page's notes take.
    pub fn height(&self) -> f32 {
        let lines: usize = self.here.iter().map(|(_, l)| l.len()).sum();
        if lines == 0 {
            0.0
        } else {
            GAP + lines as f32 * self.leading
        }
    }

    /// Puts the notes `numbers` on the current page.
    pub fn take(&mut self, numbers: &[usize]) {
        for n in numbers {
            if let Some(lines) = self.waiting.remove(n) {
                self.here.push((*n, lines));
            }
        }
    }

    /// Sets the current page's notes at its foot, above the bottom margin,
    /// under a short rule; references to them on the page lead to them.
    pub fn place(&mut self, page: &mut Page, design: &Design, index: usize) {
        if self.here.is_empty() {
            return;
        }
        let content = self.height() - GAP;
        let mut top = design.margin_bottom + content;
        let rule = top + GAP / 2.0;
        page.rules
            .push((design.margin_side, rule, design.margin_side + 72.0, rule));
        let mut tops = BTreeMap::new();
        for (number, lines) in std::mem::take(&mut self.here) {
            tops.insert(number, top);
            for (x, line) in lines {
                page.lines.push(Placed {
                    x: design.margin_side + x,
                    baseline: top - self.size,
                    line,
                    block: None,
                });
                top -= self.leading;
            }
        }
        for link in &mut page.links {
            if let LinkTo::Note(n) = link.target {
                if let Some(&top) = tops.get(&n) {
                    link.target = LinkTo::Place { page: index, top };
                }
            }
        }
    }
}
