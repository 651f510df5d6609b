//! The text lines left after furniture and labels are taken out, with the
//! layout facts that the structure passes (unwrap, headings, lists) decide
//! with: the blank lines around each line and how full it is.

use super::chars::{is_mostly_cjk, width};
use super::sections::Label;
use super::{Line, Role};

/// A line of text, or a section label, in reading order.
#[derive(Debug)]
pub struct FlowLine<'a> {
    pub text: &'a str,
    pub page: usize,
    pub number: usize,
    /// Blank or removed lines between this line and the previous one.
    pub gap_before: usize,
    /// Whether a page ends between this line and the previous one.
    pub page_break_before: bool,
    pub label: Option<&'a Label>,
    /// Display width in columns.
    pub width: usize,
    pub cjk: bool,
}

#[derive(Debug)]
pub struct Flow<'a> {
    pub lines: Vec<FlowLine<'a>>,
    /// Typical width of a full line, for Latin and for CJK lines.
    typical_latin: usize,
    typical_cjk: usize,
}

/// A line at least this share of the typical width is taken as full: the
/// layout, not the author, ended it.
const FULL: f32 = 0.8;
/// A line at most this share of the typical width is short enough for a heading.
const SHORT: f32 = 0.6;

impl<'a> Flow<'a> {
    pub fn new(lines: &'a [Line]) -> Flow<'a> {
        let mut flow = Vec::new();
        let mut gap = 0;
        let mut page = lines.first().map_or(1, |l| l.page);
        let mut page_break = false;
        for line in lines {
            if line.page != page {
                page = line.page;
                page_break = !flow.is_empty();
            }
            let label = match &line.role {
                Role::Label(label) => Some(label),
                Role::Text if !line.text.is_empty() => None,
                _ => {
                    gap += 1;
                    continue;
                }
            };
            flow.push(FlowLine {
                text: &line.text,
                page: line.page,
                number: line.number,
                gap_before: gap,
                page_break_before: page_break,
                label,
                width: width(&line.text),
                cjk: is_mostly_cjk(&line.text),
            });
            gap = 0;
            page_break = false;
        }
        let typical = |cjk: bool| {
            let mut widths: Vec<usize> = flow
                .iter()
                .filter(|l| l.label.is_none() && l.cjk == cjk)
                .map(|l| l.width)
                .collect();
            widths.sort_unstable();
            widths.get(widths.len() * 9 / 10).copied().unwrap_or(0)
        };
        let (typical_latin, typical_cjk) = (typical(false), typical(true));
        Flow {
            lines: flow,
            typical_latin,
            typical_cjk,
        }
    }

    fn typical(&self, i: usize) -> usize {
        if self.lines[i].cjk {
            self.typical_cjk
        } else {
            self.typical_latin
        }
    }

    /// Whether line `i` runs (nearly) to the measure.
    pub fn is_full(&self, i: usize) -> bool {
        self.lines[i].width as f32 >= FULL * self.typical(i) as f32
    }

    /// Whether line `i` is short enough to be a heading.
    pub fn is_short(&self, i: usize) -> bool {
        self.lines[i].width as f32 <= SHORT * self.typical(i) as f32
    }

    pub fn is_label(&self, i: usize) -> bool {
        self.lines.get(i).is_some_and(|l| l.label.is_some())
    }

    /// Whether the space before line `i` is wider than the line spacing
    /// around it: more blank lines than between its neighbours, or a page
    /// break. Double-spaced text thus keeps its paragraphs together.
    pub fn gap_is_large(&self, i: usize) -> bool {
        let line = &self.lines[i];
        if line.page_break_before {
            return true;
        }
        let before = i
            .checked_sub(1)
            .filter(|&j| j > 0)
            .map(|j| self.lines[j].gap_before);
        let after = self.lines.get(i + 1).map(|l| l.gap_before);
        let spacing = match (before, after) {
            (Some(b), Some(a)) => b.min(a),
            (Some(g), None) | (None, Some(g)) => g,
            (None, None) => 0,
        };
        line.gap_before > spacing
    }
}
