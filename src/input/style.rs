//! How runs of a source line are set, where the source says (a PDF's fonts, its
//! link annotations, raised and lowered glyphs): what the cleaner turns into
//! emphasis, strong text, code, links, superscripts and note references.

use std::ops::Range;
use std::sync::Arc;

/// A run of a line's text set otherwise than plain text.
#[derive(Debug, Clone, PartialEq)]
pub struct StyledRun {
    /// Byte range in the line's text.
    pub range: Range<usize>,
    pub style: Style,
}

/// How a glyph is set: its face, its place against the baseline, and the link
/// over it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Style {
    pub face: Face,
    pub raise: Raise,
    /// The URI of a link annotation over the glyph.
    pub link: Option<Arc<str>>,
}

impl Style {
    pub fn is_plain(&self) -> bool {
        *self == Style::default()
    }
}

/// What a font's name and descriptor say of its face.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Face {
    pub italic: bool,
    pub bold: bool,
    /// A monospaced (typewriter) face.
    pub mono: bool,
}

/// Where a glyph sits against its line's baseline.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Raise {
    #[default]
    Baseline,
    Superscript,
    Subscript,
}

/// Gathers glyphs' styles into runs while a line's text is built.
#[derive(Debug, Default)]
pub struct RunBuilder {
    runs: Vec<StyledRun>,
    /// Plain text was pushed since the last run.
    plain_since: bool,
}

impl RunBuilder {
    /// Records that `range` of the text is set in `style`; a run that continues
    /// the last one in the same style (or across a space put between two glyphs
    /// of it, which nobody pushed) extends it.
    pub fn push(&mut self, range: Range<usize>, style: &Style) {
        if range.is_empty() {
            return;
        }
        if style.is_plain() {
            self.plain_since = true;
            return;
        }
        let plain_since = std::mem::take(&mut self.plain_since);
        if let Some(last) = self.runs.last_mut() {
            if last.style == *style && !plain_since && range.start <= last.range.end + 1 {
                last.range.end = range.end;
                return;
            }
        }
        self.runs.push(StyledRun {
            range,
            style: style.clone(),
        });
    }

    /// The runs, moved by `shift` bytes to the left (the text was trimmed) and
    /// cut to `len`.
    pub fn finish(self, shift: usize, len: usize) -> Vec<StyledRun> {
        self.runs
            .into_iter()
            .filter_map(|mut run| {
                run.range.start = run.range.start.saturating_sub(shift).min(len);
                run.range.end = run.range.end.saturating_sub(shift).min(len);
                (!run.range.is_empty()).then_some(run)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn italic() -> Style {
        Style {
            face: Face {
                italic: true,
                ..Face::default()
            },
            ..Style::default()
        }
    }

    #[test]
    fn runs_of_one_style_merge_across_a_space_and_plain_text_makes_none() {
        let mut runs = RunBuilder::default();
        runs.push(0..3, &Style::default());
        runs.push(4..6, &italic());
        runs.push(7..9, &italic());
        runs.push(9..10, &Style::default());
        runs.push(10..11, &italic());
        runs.push(12..14, &italic());
        let runs = runs.finish(1, 12);
        let ranges: Vec<_> = runs.iter().map(|r| r.range.clone()).collect();
        assert_eq!(ranges, vec![3..8, 9..12]);
    }
}
