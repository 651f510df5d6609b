//! The text lines left after furniture and labels are taken out, with the
//! layout facts that the structure passes (unwrap, headings, lists) decide
//! with: the space before each line, how full it is, and how large it is set.
//!
//! Extracted text only has blank lines to go by. A PDF also says where each
//! line sits and at what size: the vertical distance between two lines is
//! turned into the same measure ("blank lines" of extra space), widths are
//! measured in points against the page's text block, and a line set larger
//! than the body text is a heading.

use super::chars::{is_mostly_cjk, width};
use super::sections::Label;
use super::{Line, Role};
use crate::input::LineGeometry;

/// A line of text, or a section label, in reading order.
#[derive(Debug)]
pub struct FlowLine<'a> {
    pub text: &'a str,
    pub page: usize,
    pub number: usize,
    /// Blank lines, removed lines or extra vertical space (in line pitches)
    /// between this line and the previous one.
    pub gap_before: usize,
    /// Whether a page or a column ends between this line and the previous one (the
    /// line stands higher on its page than the one before it).
    pub page_break_before: bool,
    /// Whether `gap_before` was measured on the page (both lines have
    /// positions) rather than counted in blank lines.
    pub measured: bool,
    pub label: Option<&'a Label>,
    /// Width: display columns, or points from the page's left text margin.
    pub width: f32,
    pub cjk: bool,
    /// How many columns the part of the page the line was read in has (1 for
    /// extracted text): lines are measured against others of their kind.
    pub columns: u8,
    /// Font size in points, when known.
    pub size: Option<f32>,
    /// Distance from the top of the page in points, when known.
    pub top: Option<f32>,
    /// The table cell the line is, when the page set it in a table.
    pub cell: Option<crate::input::TableCell>,
}

#[derive(Debug)]
pub struct Flow<'a> {
    pub lines: Vec<FlowLine<'a>>,
    /// Typical width of a full line, for Latin and for CJK lines, by the number
    /// of columns they were set in.
    typical: std::collections::BTreeMap<(bool, u8), f32>,
    /// The size of the body text, when the source gave sizes.
    body_size: Option<f32>,
    /// Whether some lines are set larger than the body: then size, not
    /// shape, tells headings.
    sized_headings: bool,
    /// The distinct sizes of heading size, ascending, of Latin and of CJK lines
    /// (found once: a heading's level is its rank among them).
    heading_sizes: [Vec<f32>; 2],
}

/// A line at least this share of the typical width is taken as full: the
/// layout, not the author, ended it.
const FULL: f32 = 0.8;
/// A line at most this share of the typical width is short enough for a heading.
const SHORT: f32 = 0.6;
/// Text at least this much larger than the body is a heading.
const HEADING_SCALE: f32 = 1.12;
/// Vertical space beyond this share of the normal line pitch is a gap.
const GAP_SCALE: f32 = 1.3;

impl<'a> Flow<'a> {
    pub fn new(lines: &'a [Line]) -> Flow<'a> {
        let margins = left_margins(lines);
        let pitch = line_pitch(lines);
        let mut flow: Vec<FlowLine> = Vec::with_capacity(lines.len());
        let mut gap = 0;
        let mut page = lines.first().map_or(1, |l| l.page);
        let mut page_break = false;
        let mut previous: Option<&Line> = None;
        for line in lines {
            if line.page != page {
                page = line.page;
                page_break = !flow.is_empty();
                previous = None;
            }
            let label = match &line.role {
                Role::Label(label) => Some(&**label),
                Role::Text if !line.text.is_empty() => None,
                _ => {
                    gap += 1;
                    continue;
                }
            };
            let vertical = match (previous.and_then(|p| p.geometry), line.geometry, pitch) {
                (Some(a), Some(b), Some(ratio)) => Some(extra_space(&a, &b, ratio)),
                _ => None,
            };
            let column_break = match (previous.and_then(|p| p.geometry), line.geometry) {
                (Some(a), Some(b)) => b.top < a.top - 0.5 * a.font_size,
                _ => false,
            };
            let width = match (line.geometry, margins.get(&line.page)) {
                (Some(g), Some(_)) if g.columns > 1 => g.right - g.column_left,
                (Some(g), Some(&left)) => g.right - left,
                _ => width(&line.text) as f32,
            };
            flow.push(FlowLine {
                text: &line.text,
                page: line.page,
                number: line.number,
                gap_before: gap + vertical.unwrap_or(0),
                page_break_before: page_break || column_break,
                measured: vertical.is_some(),
                label,
                width,
                cjk: is_mostly_cjk(&line.text),
                columns: line.geometry.map_or(1, |g| g.columns),
                size: line.geometry.map(|g| g.font_size),
                top: line.geometry.map(|g| g.top),
                cell: line.geometry.and_then(|g| g.cell),
            });
            gap = 0;
            page_break = false;
            previous = Some(line);
        }
        let mut widths: std::collections::BTreeMap<(bool, u8), Vec<f32>> = Default::default();
        // Cells are as wide as their text, not as the measure.
        for line in flow
            .iter()
            .filter(|l| l.label.is_none() && l.cell.is_none())
        {
            widths
                .entry((line.cjk, line.columns))
                .or_default()
                .push(line.width);
        }
        let typical = widths
            .into_iter()
            .map(|(class, mut widths)| {
                widths.sort_unstable_by(f32::total_cmp);
                (class, widths[widths.len() * 9 / 10])
            })
            .collect();
        let body_size = body_size(&flow);
        let sized_headings = body_size.is_some_and(|body| {
            flow.iter()
                .any(|l| l.size.is_some_and(|s| s >= HEADING_SCALE * body))
        });
        let heading_sizes = [false, true].map(|cjk| {
            let mut sizes: Vec<f32> = body_size.map_or_else(Vec::new, |body| {
                flow.iter()
                    .filter(|l| l.cjk == cjk)
                    .filter_map(|l| l.size)
                    .filter(|&s| s >= HEADING_SCALE * body)
                    .collect()
            });
            sizes.sort_unstable_by(f32::total_cmp);
            sizes.dedup();
            sizes
        });
        Flow {
            lines: flow,
            typical,
            body_size,
            sized_headings,
            heading_sizes,
        }
    }

    fn typical(&self, i: usize) -> f32 {
        let line = &self.lines[i];
        self.typical
            .get(&(line.cjk, line.columns))
            .copied()
            .unwrap_or(0.0)
    }

    /// Whether line `i` runs (nearly) to the measure.
    pub fn is_full(&self, i: usize) -> bool {
        self.lines[i].width >= FULL * self.typical(i)
    }

    /// Whether line `i` is short enough to be a heading.
    pub fn is_short(&self, i: usize) -> bool {
        self.lines[i].width <= SHORT * self.typical(i)
    }

    pub fn is_label(&self, i: usize) -> bool {
        self.lines.get(i).is_some_and(|l| l.label.is_some())
    }

    /// When the source gave sizes and some text is set larger than the body,
    /// whether line `i` is (`Some(true)`) or is not (`Some(false)`) set as a
    /// heading; `None` when sizes cannot tell.
    pub fn set_as_heading(&self, i: usize) -> Option<bool> {
        if !self.sized_headings {
            return None;
        }
        let body = self.body_size?;
        Some(
            self.lines[i]
                .size
                .is_some_and(|s| s >= HEADING_SCALE * body),
        )
    }

    /// Whether lines `a` and `b` are set at the same size (or sizes are unknown).
    pub fn same_size(&self, a: usize, b: usize) -> bool {
        match (self.lines[a].size, self.lines[b].size) {
            (Some(x), Some(y)) => (x - y).abs() <= 0.05 * x.max(y),
            _ => true,
        }
    }

    /// Whether line `b` sits right below line `a` on the same page, at most
    /// one and a half of `a`'s font sizes down: the spacing of one wrapped
    /// heading, tighter than that between two headings.
    pub fn right_below(&self, a: usize, b: usize) -> bool {
        let (x, y) = (&self.lines[a], &self.lines[b]);
        match (x.top, y.top, x.size) {
            (Some(top_a), Some(top_b), Some(size)) if x.page == y.page => {
                top_b > top_a && top_b - top_a <= 1.5 * size
            }
            _ => y.gap_before == 0,
        }
    }

    /// A heading's level: the rank of its size among the heading sizes of
    /// its script (CJK faces are often scaled against the Latin ones).
    pub fn heading_level(&self, i: usize) -> u8 {
        let (Some(body), Some(size)) = (self.body_size, self.lines[i].size) else {
            return 1;
        };
        let sizes = &self.heading_sizes[usize::from(self.lines[i].cjk)];
        let mut larger: Vec<f32> = sizes[sizes.partition_point(|&s| s <= size * 1.05)..]
            .iter()
            .copied()
            .filter(|&s| s >= HEADING_SCALE * body)
            .collect();
        larger.dedup_by(|a, b| (*a - *b).abs() <= 0.05 * a.max(*b));
        u8::try_from(larger.len() + 1).unwrap_or(6).min(6)
    }

    /// Whether the space before line `i` is wider than the line spacing:
    /// measured on the page, any space beyond the normal pitch; counted in
    /// blank lines, more than between its neighbours (so double-spaced text
    /// keeps its paragraphs together). A page break is a wide gap.
    pub fn gap_is_large(&self, i: usize) -> bool {
        let line = &self.lines[i];
        if line.page_break_before {
            return true;
        }
        if line.measured {
            return line.gap_before > 0;
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

/// The left edge of the text block of every page: its leftmost line.
fn left_margins(lines: &[Line]) -> std::collections::HashMap<usize, f32> {
    let mut margins = std::collections::HashMap::new();
    for line in lines.iter().filter(|l| l.is_content()) {
        if let Some(g) = line.geometry {
            let left = margins.entry(line.page).or_insert(g.left);
            *left = left.min(g.left);
        }
    }
    margins
}

/// The normal distance between the tops of two lines of a paragraph, as a
/// multiple of the font size: the median over neighbouring lines of one size.
fn line_pitch(lines: &[Line]) -> Option<f32> {
    let placed: Vec<(usize, LineGeometry)> = lines
        .iter()
        .filter(|l| l.is_content())
        .filter_map(|l| l.geometry.map(|g| (l.page, g)))
        .collect();
    let mut ratios: Vec<f32> = placed
        .windows(2)
        .filter(|w| w[0].0 == w[1].0 && (w[0].1.font_size - w[1].1.font_size).abs() < 0.25)
        .map(|w| (w[1].1.top - w[0].1.top) / w[0].1.font_size.max(1.0))
        .filter(|r| *r > 0.5)
        .collect();
    if ratios.is_empty() {
        return None;
    }
    ratios.sort_unstable_by(f32::total_cmp);
    Some(ratios[ratios.len() / 2])
}

/// Extra vertical space between two lines, in half line pitches beyond the
/// normal one; 0 for normal spacing.
fn extra_space(a: &LineGeometry, b: &LineGeometry, pitch: f32) -> usize {
    let normal = pitch * a.font_size.max(1.0);
    let distance = b.top - a.top;
    if distance <= GAP_SCALE * normal {
        return 0;
    }
    (((distance - normal) / (0.5 * normal)).floor() as usize).max(1)
}

/// The size most of the text is set in (weighted by characters).
fn body_size(flow: &[FlowLine]) -> Option<f32> {
    let mut by_size: Vec<(i32, usize)> = Vec::new();
    for line in flow {
        let Some(size) = line.size else { continue };
        let key = (size * 10.0).round() as i32;
        let chars = line.text.chars().count();
        match by_size.iter_mut().find(|(k, _)| *k == key) {
            Some((_, n)) => *n += chars,
            None => by_size.push((key, chars)),
        }
    }
    by_size
        .into_iter()
        .max_by_key(|&(key, n)| (n, -key))
        .map(|(key, _)| key as f32 / 10.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A line of a two-column page at `top`, running from `left` to `right`.
    fn placed(text: &str, number: usize, top: f32, left: f32, right: f32) -> Line<'_> {
        Line {
            geometry: Some(LineGeometry {
                top,
                left,
                right,
                font_size: 10.0,
                column_left: left,
                columns: 2,
                cell: None,
            }),
            ..Line::new(text, 1, number)
        }
    }

    #[test]
    fn the_next_column_is_a_break_and_lines_are_measured_in_their_column() {
        let lines = [
            placed("first column, a full line", 1, 100.0, 72.0, 290.0),
            placed("first column, the last line", 2, 112.0, 72.0, 290.0),
            placed("second column, a full line", 3, 100.0, 310.0, 528.0),
            placed("short", 4, 112.0, 310.0, 340.0),
        ];
        let flow = Flow::new(&lines);
        assert!(!flow.lines[1].page_break_before);
        assert!(flow.lines[2].page_break_before);
        // Full against its own column, not against the page.
        assert!(flow.is_full(2));
        assert!(!flow.is_full(3));
    }
}
