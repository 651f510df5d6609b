//! Page layout: glyphs into lines, and lines into the order a reader takes them.

use std::collections::BTreeMap;

use super::bidi;
use super::columns::{self, Place};
use super::tables;
use super::{Glyph, LineGeometry, PdfLine};
use crate::input::style::{Raise, RunBuilder, Style, StyledRun};

/// Gap between glyphs, in em, above which we insert a space when the PDF drew none.
/// Chromium, LibreOffice and wkhtmltopdf draw their spaces; TeX does not, and its
/// interword glue shrinks to 0.22 em (Latin Modern; ~0.19 em for Times-like fonts),
/// while kerns inside words stay under 0.1 em.
const WORD_GAP_EM: f64 = 0.15;
/// In a line without space glyphs, letters at most this far apart (em) are set
/// tight, and a step of at least [`MIN_WORD_STEP_EM`] above them is a word space.
const TIGHT_LETTERS_EM: f64 = 0.03;
const MIN_WORD_STEP_EM: f64 = 0.04;
/// Between a CJK and a non-CJK character. LibreOffice's "Asian/non-Asian spacing" adds
/// a 0.21 em gap where the source has none ("75年"); a typed space is drawn as a glyph.
/// (xeCJK's inter-script glue is ≥ 0.31 em and does become a space.)
const MIXED_GAP_EM: f64 = 0.25;
/// Between two CJK characters (which take no spaces) only a really wide gap is a break:
/// justified CJK lines stretch the gap between every pair of ideographs.
const CJK_GAP_EM: f64 = 1.0;
/// Text on one baseline separated by more than this many em is split into separate lines.
/// Justified body text never stretches a space that far; page headers ("date … title"),
/// footers ("url … 1/3") and table columns do.
const SPLIT_GAP_EM: f64 = 3.0;
/// Baselines closer than this (in em of the larger glyph) belong to one line; this keeps
/// superscripts and subscripts (offset ≈ 0.33 em) on their line.
pub(super) const SAME_LINE_EM: f64 = 0.5;

/// A glyph projected onto its writing direction: `along` runs with the text, `up` is
/// across it (page y for horizontal text).
struct Placed<'g> {
    glyph: &'g Glyph,
    along: f64,
    up: f64,
}

/// The page's frame: its left and top edges in PDF user space.
#[derive(Debug, Clone, Copy)]
struct Frame {
    left: f64,
    top: f64,
}

/// Groups glyphs into lines by baseline, joins each line's glyphs left to right with
/// spaces where the gaps say so, and orders the lines as they are read: upright text
/// section by section and column by column ([`columns`]), then rotated text (margin
/// stamps, vertical captions) top to bottom.
pub(super) fn build_lines(mut glyphs: Vec<Glyph>, media: [f64; 4]) -> Vec<PdfLine> {
    compose_accents(&mut glyphs);
    let [llx, lly, urx, ury] = media;
    let frame = Frame {
        left: llx.min(urx),
        top: lly.max(ury),
    };
    let mut by_angle: BTreeMap<i32, Vec<&Glyph>> = BTreeMap::new();
    for g in &glyphs {
        by_angle.entry(g.angle).or_default().push(g);
    }
    let mut lines = Vec::new();
    let mut rotated: Vec<PdfLine> = Vec::new();
    for (angle, group) in by_angle {
        let rows = baselines(group, angle);
        if angle == 0 {
            lines.extend(upright_lines(&rows, frame));
            continue;
        }
        for row in &rows {
            for segment in split_at_wide_gaps(row) {
                rotated.extend(make_line(segment, angle, frame));
            }
        }
    }
    let top_left = |l: &PdfLine| l.geometry.map_or((0.0, 0.0), |g| (g.top, g.left));
    rotated.sort_by(|a, b| {
        let ((ta, la), (tb, lb)) = (top_left(a), top_left(b));
        ta.total_cmp(&tb).then(la.total_cmp(&lb))
    });
    lines.extend(rotated);
    lines
}

/// The combining mark of a spacing accent that a producer may set as a glyph of its
/// own over or under a letter (TeX's `\accent`, old word processors).
fn combining_mark(accent: &str) -> Option<char> {
    Some(match accent {
        "\u{B4}" => '\u{301}',             // ´ acute
        "`" => '\u{300}',                  // grave
        "\u{A8}" => '\u{308}',             // ¨ diaeresis
        "\u{2C7}" => '\u{30C}',            // ˇ caron
        "\u{2DC}" | "~" => '\u{303}',      // ˜ tilde
        "\u{2C6}" | "^" => '\u{302}',      // ˆ circumflex
        "\u{B8}" => '\u{327}',             // ¸ cedilla
        "\u{2DA}" => '\u{30A}',            // ˚ ring
        "\u{2D8}" => '\u{306}',            // ˘ breve
        "\u{2D9}" => '\u{307}',            // ˙ dot above
        "\u{2DB}" => '\u{328}',            // ˛ ogonek
        "\u{2DD}" => '\u{30B}',            // ˝ double acute
        "\u{AF}" | "\u{2C9}" => '\u{304}', // ¯ macron
        _ => return None,
    })
}

/// Puts each spacing accent drawn over (or under) the letter next to it in drawing
/// order into that letter, as the precomposed letter where Unicode has one
/// ("Ja´n" → "Ján"), as `pdftotext` does. An accent beside a letter rather than over
/// it (a typed `^` or `~`) stays as it is.
fn compose_accents(glyphs: &mut Vec<Glyph>) {
    use unicode_normalization::UnicodeNormalization;
    let over = |accent: &Glyph, base: &Glyph| {
        let centre = accent.x + accent.advance / 2.0;
        let letter = base.text.chars().count() == 1 && base.text.chars().all(char::is_alphabetic);
        letter
            && accent.angle == base.angle
            && (accent.y - base.y).abs() < base.size
            && centre > base.x + 0.1 * base.advance
            && centre < base.x + 0.9 * base.advance
    };
    let mut absorbed = vec![false; glyphs.len()];
    for i in 0..glyphs.len() {
        let Some(mark) = combining_mark(&glyphs[i].text) else {
            continue;
        };
        let base = [i + 1, i.wrapping_sub(1)]
            .into_iter()
            .find(|&j| glyphs.get(j).is_some_and(|b| over(&glyphs[i], b)) && !absorbed[j]);
        if let Some(j) = base {
            let letter = &mut glyphs[j];
            letter.text = letter.text.chars().chain([mark]).nfc().collect();
            absorbed[i] = true;
        }
    }
    let mut flags = absorbed.into_iter();
    glyphs.retain(|_| !flags.next().unwrap_or(false));
}

/// The glyphs of one direction grouped by baseline, top to bottom, each group sorted
/// along the line.
fn baselines(glyphs: Vec<&Glyph>, angle: i32) -> Vec<Vec<Placed<'_>>> {
    let (sin, cos) = f64::from(angle).to_radians().sin_cos();
    let mut placed: Vec<Placed> = glyphs
        .into_iter()
        .map(|g| Placed {
            glyph: g,
            along: g.x * cos + g.y * sin,
            up: -g.x * sin + g.y * cos,
        })
        .collect();
    // Highest baseline first; stable, so glyphs on one baseline keep drawing order.
    placed.sort_by(|a, b| b.up.total_cmp(&a.up));

    let mut rows: Vec<Vec<Placed>> = Vec::new();
    // The anchor is the baseline of the largest glyph so far, so that a superscript
    // seen first does not drag the line's baseline up.
    let mut anchor = (f64::NAN, 0.0f64);
    for p in placed {
        let joins =
            !rows.is_empty() && anchor.0 - p.up <= SAME_LINE_EM * p.glyph.size.max(anchor.1);
        if !joins {
            rows.push(Vec::new());
            anchor = (p.up, 0.0);
        }
        if p.glyph.size > anchor.1 {
            anchor = (p.up, p.glyph.size);
        }
        if let Some(row) = rows.last_mut() {
            row.push(p);
        }
    }
    for row in &mut rows {
        row.sort_by(|a, b| a.along.total_cmp(&b.along));
    }
    rows
}

/// Upright lines in reading order, each knowing the column it was read in.
fn upright_lines(rows: &[Vec<Placed>], frame: Frame) -> Vec<PdfLine> {
    let chunked: Vec<Vec<std::ops::Range<usize>>> =
        rows.iter().map(|row| gutter_chunks(row)).collect();
    let layout_rows: Vec<columns::Row> = rows
        .iter()
        .zip(&chunked)
        .map(|(row, ranges)| columns::Row {
            baseline: frame.top - anchor_page_y(row),
            size: row.iter().map(|p| p.glyph.size).fold(0.0, f64::max),
            chunks: ranges.iter().map(|r| extent(&row[r.clone()])).collect(),
        })
        .collect();
    let table_cells = tables::cells(&layout_rows);
    let in_table: Vec<bool> = table_cells.iter().map(Option::is_some).collect();
    let places = columns::reading_places(&layout_rows, &in_table);
    let mut lines: Vec<(Place, PdfLine)> = Vec::new();

    // Each column's glyphs are grouped into lines again on their own, so that lines of
    // two columns whose baselines nearly meet cannot be taken for one.
    let mut by_place: BTreeMap<Place, Vec<&Glyph>> = BTreeMap::new();
    for (((row, ranges), row_places), cells) in
        rows.iter().zip(&chunked).zip(&places).zip(&table_cells)
    {
        // A table's row is read in place, a line a cell.
        if let (Some(cells), Some(&place)) = (cells, row_places.first()) {
            for (range, &cell) in ranges.iter().zip(cells) {
                if let Some(mut line) = make_line(&row[range.clone()], 0, frame) {
                    if let Some(g) = line.geometry.as_mut() {
                        g.cell = Some(cell);
                    }
                    lines.push((place, line));
                }
            }
            continue;
        }
        for (range, &place) in ranges.iter().zip(row_places) {
            by_place
                .entry(place)
                .or_default()
                .extend(row[range.clone()].iter().map(|p| p.glyph));
        }
    }
    for (place, glyphs) in by_place {
        for row in baselines(glyphs, 0) {
            // In a narrow column a wide gap is a justified line's (a heading of a few
            // long words), not two pieces of text side by side.
            let segments = if place.columns > 1 {
                vec![row.as_slice()]
            } else {
                split_at_wide_gaps(&row)
            };
            for segment in segments {
                if let Some(mut line) = make_line(segment, 0, frame) {
                    if let Some(g) = line.geometry.as_mut() {
                        g.columns = u8::try_from(place.columns).unwrap_or(u8::MAX);
                    }
                    lines.push((place, line));
                }
            }
        }
    }
    // Tables' rows in their places among the rest (a stable sort keeps each
    // place's lines top to bottom).
    lines.sort_by_key(|(place, _)| *place);
    // A line's measure starts where its column's text does.
    let mut column_left: BTreeMap<Place, f32> = BTreeMap::new();
    for (place, line) in &lines {
        if let Some(g) = line.geometry {
            let left = column_left.entry(*place).or_insert(g.left);
            *left = left.min(g.left);
        }
    }
    lines
        .into_iter()
        .map(|(place, mut line)| {
            if let (Some(g), Some(&left)) = (line.geometry.as_mut(), column_left.get(&place)) {
                g.column_left = left;
            }
            line
        })
        .collect()
}

/// The horizontal extent of a run of glyphs, from its visible ones (or all of them,
/// when none is visible).
fn extent(glyphs: &[Placed]) -> columns::Chunk {
    let span = |run: &mut dyn Iterator<Item = &Placed>| {
        run.fold((f64::INFINITY, f64::NEG_INFINITY), |(l, r), p| {
            (l.min(p.along), r.max(p.along + p.glyph.advance))
        })
    };
    let mut visible = glyphs.iter().filter(|p| !p.glyph.text.trim().is_empty());
    let (mut left, mut right) = span(&mut visible);
    if left > right {
        (left, right) = span(&mut glyphs.iter());
    }
    columns::Chunk { left, right }
}

/// One line from a run of glyphs on one baseline, or `None` if it is only whitespace.
fn make_line(segment: &[Placed], angle: i32, frame: Frame) -> Option<PdfLine> {
    let size = dominant_size(segment);
    let (text, styles) = join_line(segment, size)?;
    let geometry = line_geometry(segment, angle, size, (frame.left, frame.top));
    Some(PdfLine {
        text,
        geometry: Some(geometry),
        styles,
    })
}

/// Page y of the baseline of the largest glyph: the line's own baseline, not a
/// superscript's.
fn anchor_page_y(glyphs: &[Placed]) -> f64 {
    glyphs
        .iter()
        .max_by(|a, b| a.glyph.size.total_cmp(&b.glyph.size))
        .map_or(0.0, |p| p.glyph.y)
}

/// Splits a baseline's glyphs (sorted along the line) where visible glyphs are more than
/// [`SPLIT_GAP_EM`] apart: a header's date and title, table cells, wide-gutter columns.
fn split_at_wide_gaps<'a, 'g>(cluster: &'a [Placed<'g>]) -> Vec<&'a [Placed<'g>]> {
    runs_between_gaps(cluster, |gap, em| gap > SPLIT_GAP_EM * em)
        .into_iter()
        .map(|range| &cluster[range])
        .collect()
}

/// Splits a row (sorted along the line) where visible glyphs are at least a gutter
/// apart ([`columns::GUTTER_EM`]): the runs the column analysis looks at.
fn gutter_chunks(row: &[Placed]) -> Vec<std::ops::Range<usize>> {
    runs_between_gaps(row, |gap, em| gap >= columns::GUTTER_EM * em)
}

/// The runs of a row between the gaps of visible glyphs that `splits(gap, em)` says
/// part it (`em`: the larger of the two glyphs' sizes).
fn runs_between_gaps(
    row: &[Placed],
    splits: impl Fn(f64, f64) -> bool,
) -> Vec<std::ops::Range<usize>> {
    let mut runs = Vec::new();
    let mut start = 0;
    let mut last_visible_end: Option<(f64, f64)> = None;
    for (i, p) in row.iter().enumerate() {
        if p.glyph.text.trim().is_empty() {
            continue;
        }
        if let Some((end, size)) = last_visible_end {
            if splits(p.along - end, size.max(p.glyph.size)) {
                runs.push(start..i);
                start = i;
            }
        }
        last_visible_end = Some((p.along + p.glyph.advance, p.glyph.size));
    }
    runs.push(start..row.len());
    runs
}

/// The text of one line and how its runs are set, or `None` if it is only whitespace.
/// Right-to-left text is turned into the order it is read, each glyph's text kept whole
/// (a ligature's text is already in reading order).
fn join_line(cluster: &[Placed], size: f64) -> Option<(String, Vec<StyledRun>)> {
    let mut text = String::new();
    // Where each glyph's text (or an inserted space) starts in `text`, and its style
    // (none for a space, which takes that of the glyphs around it; the list stays
    // empty while every glyph is plain, as on most lines).
    let mut starts = Vec::with_capacity(cluster.len());
    let mut styles: Vec<Option<Style>> = Vec::new();
    let mut styled = false;
    let word_gap = line_word_gap_em(cluster).unwrap_or(WORD_GAP_EM);
    let baseline = Baseline::of(cluster, size);
    let mut previous: Option<&Placed> = None;
    for p in cluster {
        if let Some(prev) = previous {
            // Fake bold: some producers draw the same glyph twice, nudged by a hair.
            if prev.glyph.text == p.glyph.text && (p.along - prev.along).abs() < 0.05 * p.glyph.size
            {
                continue;
            }
            let gap = p.along - (prev.along + prev.glyph.advance);
            let em = prev.glyph.size.max(p.glyph.size);
            let next = p.glyph.text.chars().next();
            let drawn_space = text.chars().next_back().is_some_and(char::is_whitespace)
                || next.is_some_and(char::is_whitespace);
            if !drawn_space && gap > space_gap_em(&text, next, word_gap) * em {
                starts.push(text.len());
                if styled {
                    styles.push(None);
                }
                text.push(' ');
            }
        }
        starts.push(text.len());
        // A drawn space, like an inserted one, is set as the text around it.
        let blank = p.glyph.text.trim().is_empty();
        let raise = baseline.raise(p);
        if !styled && !blank && (raise != Raise::Baseline || !p.glyph.style.is_plain()) {
            styled = true;
            styles.resize(starts.len() - 1, None);
        }
        if styled {
            styles.push((!blank).then(|| Style {
                raise,
                ..p.glyph.style.clone()
            }));
        }
        text.push_str(&p.glyph.text);
        previous = Some(p);
    }
    let (text, runs) = styled_runs(text, &starts, &styles);
    let leading = text.len() - text.trim_start().len();
    let trimmed = text.trim();
    (!trimmed.is_empty()).then(|| (trimmed.to_owned(), runs.finish(leading, trimmed.len())))
}

/// The line's text in reading order, with the runs of its units' styles (none
/// when `styles` is empty).
fn styled_runs(text: String, starts: &[usize], styles: &[Option<Style>]) -> (String, RunBuilder) {
    let mut runs = RunBuilder::default();
    let style = |i: usize| styles.get(i).and_then(Option::as_ref);
    let Some(order) = bidi::reading_order(&text, starts) else {
        if styles.is_empty() {
            return (text, runs);
        }
        let ends = starts.iter().skip(1).copied().chain([text.len()]);
        for ((&start, end), style) in starts.iter().zip(ends).zip(styles) {
            if let Some(style) = style {
                runs.push(start..end, style);
            }
        }
        return (text, runs);
    };
    let units = bidi::units(&text, starts);
    let mut logical = String::with_capacity(text.len());
    for i in order {
        let start = logical.len();
        logical.push_str(units[i]);
        if let Some(style) = style(i) {
            runs.push(start..logical.len(), style);
        }
    }
    (logical, runs)
}

/// A line's own baseline and size, against which a glyph is raised or lowered.
struct Baseline {
    up: f64,
    size: f64,
}

impl Baseline {
    /// The baseline of the first glyph of the line's dominant size `size`.
    fn of(cluster: &[Placed], size: f64) -> Baseline {
        let up = cluster
            .iter()
            .find(|p| (p.glyph.size - size).abs() < 0.06)
            .map_or(0.0, |p| p.up);
        Baseline { up, size }
    }

    /// A glyph set smaller than the line and a fifth of its em above it is a
    /// superscript; smaller and a tenth below, a subscript.
    fn raise(&self, p: &Placed) -> Raise {
        if p.glyph.size > 0.85 * self.size || p.glyph.text.trim().is_empty() {
            return Raise::Baseline;
        }
        let shift = (p.up - self.up) / self.size;
        if shift >= 0.2 {
            Raise::Superscript
        } else if shift <= -0.1 {
            Raise::Subscript
        } else {
            Raise::Baseline
        }
    }
}

/// The gap (in em) above which a space goes between the text so far and the next
/// character, by the widths of the characters on either side; `word_gap` between
/// two narrow ones.
fn space_gap_em(text: &str, next: Option<char>, word_gap: f64) -> f64 {
    let last = text.chars().next_back();
    let punctuation = |c: Option<char>| c.is_some_and(|c| ",.;:!?".contains(c));
    match (last.map(east_asian_width), next.map(east_asian_width)) {
        (Some(Width::Wide), Some(Width::Wide | Width::Ambiguous))
        | (Some(Width::Ambiguous), Some(Width::Wide)) => CJK_GAP_EM,
        // A narrow comma or stop set inside Chinese text takes its glue as a
        // wide character does (xeCJK stretches it in a justified line).
        (Some(Width::Wide), _) if punctuation(next) => CJK_GAP_EM,
        (_, Some(Width::Wide))
            if punctuation(last)
                && text.chars().nth_back(1).map(east_asian_width) == Some(Width::Wide) =>
        {
            CJK_GAP_EM
        }
        (Some(Width::Wide), _) | (_, Some(Width::Wide)) => MIXED_GAP_EM,
        _ => word_gap,
    }
}

/// The word gap of a line set so tightly that its word spaces stay under
/// [`WORD_GAP_EM`] (a producer that draws no space glyphs and positions each word
/// with a small offset): when the gaps between its letters fall in two clear groups,
/// letters close together and words a little apart, the line's own split between
/// them. `None` for lines that draw their spaces, are short, show no such split, or
/// part most of their words with normal spaces.
fn line_word_gap_em(cluster: &[Placed]) -> Option<f64> {
    const MIN_GLYPHS: usize = 12;
    if cluster.len() < MIN_GLYPHS || cluster.iter().any(|p| p.glyph.text.trim().is_empty()) {
        return None;
    }
    let narrow = |p: &Placed| {
        p.glyph
            .text
            .chars()
            .all(|c| east_asian_width(c) == Width::Narrow)
    };
    let all: Vec<f64> = cluster
        .windows(2)
        .filter(|w| narrow(&w[0]) && narrow(&w[1]))
        .map(|w| {
            let em = w[0].glyph.size.max(w[1].glyph.size);
            (w[1].along - (w[0].along + w[0].glyph.advance)) / em
        })
        .collect();
    let spaced = all.iter().filter(|&&g| g >= WORD_GAP_EM).count();
    let mut gaps: Vec<f64> = all
        .into_iter()
        .filter(|g| (-0.1..WORD_GAP_EM).contains(g))
        .collect();
    if gaps.len() < MIN_GLYPHS {
        return None;
    }
    gaps.sort_unstable_by(f64::total_cmp);
    // The widest step between neighbouring gaps parts letters from words.
    let (at, step) = gaps
        .windows(2)
        .enumerate()
        .map(|(i, w)| (i + 1, w[1] - w[0]))
        .max_by(|a, b| a.1.total_cmp(&b.1))?;
    let words = gaps.len() - at;
    let letters_close = gaps[at - 1] <= TIGHT_LETTERS_EM;
    // Most of the line's word breaks must be of the small kind: a line with normal
    // spaces and a few wider kerns keeps the normal threshold.
    let plausible = words > spaced && words * 40 >= gaps.len() && words * 10 <= 4 * gaps.len();
    (step >= MIN_WORD_STEP_EM && letters_close && plausible)
        .then(|| (gaps[at - 1] + gaps[at]) / 2.0)
}

/// The size most of a line's visible characters use, so that a lone large initial
/// or a small footnote marker does not decide it.
fn dominant_size(cluster: &[Placed]) -> f64 {
    // A line has few sizes: a short list beats a map.
    let mut counts: Vec<(i64, usize)> = Vec::with_capacity(4);
    for p in cluster.iter().filter(|p| !p.glyph.text.trim().is_empty()) {
        let tenths = (p.glyph.size * 10.0).round() as i64;
        let n = p.glyph.text.chars().count();
        match counts.iter_mut().find(|(t, _)| *t == tenths) {
            Some((_, count)) => *count += n,
            None => counts.push((tenths, n)),
        }
    }
    counts
        .into_iter()
        .max_by_key(|&(tenths, n)| (n, tenths))
        .map_or(0.0, |(tenths, _)| tenths as f64 / 10.0)
}

/// Box of a line set in `size` in top-down page coordinates, the page's left and
/// top edges at `edges`.
fn line_geometry(cluster: &[Placed], angle: i32, size: f64, edges: (f64, f64)) -> LineGeometry {
    let (left_edge, top_edge) = edges;
    let visible: Vec<&Placed> = cluster
        .iter()
        .filter(|p| !p.glyph.text.trim().is_empty())
        .collect();
    let visible = if visible.is_empty() {
        cluster.iter().collect()
    } else {
        visible
    };
    let (mut left, mut right, mut high) = (f64::INFINITY, f64::NEG_INFINITY, f64::NEG_INFINITY);
    let (sin, cos) = f64::from(angle).to_radians().sin_cos();
    for p in &visible {
        let g = p.glyph;
        let (ex, ey) = (g.x + g.advance * cos, g.y + g.advance * sin);
        left = left.min(g.x.min(ex));
        right = right.max(g.x.max(ex));
        high = high.max(g.y.max(ey));
    }
    let top = if angle == 0 {
        // Baseline of the dominant glyphs, raised by one em.
        let baseline = visible
            .iter()
            .max_by(|a, b| a.glyph.size.total_cmp(&b.glyph.size))
            .map_or(high, |p| p.glyph.y);
        top_edge - baseline - size
    } else {
        top_edge - high
    };
    LineGeometry {
        top: top as f32,
        left: (left - left_edge) as f32,
        right: (right - left_edge) as f32,
        font_size: size as f32,
        column_left: (left - left_edge) as f32,
        columns: 1,
        cell: None,
    }
}

/// Characters of scripts written without spaces between words (Han, kana, CJK
/// punctuation and compatibility forms). Hangul is excluded: Korean uses spaces.
/// How wide a character is set, by its Unicode East Asian Width.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Width {
    /// Wide or Fullwidth: ideographs, kana, CJK punctuation, radicals.
    Wide,
    /// Ambiguous and not ASCII: curly quotes and the like, which take the
    /// width of the East Asian text around them.
    Ambiguous,
    Narrow,
}

fn east_asian_width(c: char) -> Width {
    use unicode_width::UnicodeWidthChar;
    match (c.width(), c.width_cjk()) {
        (Some(2), _) => Width::Wide,
        (_, Some(2)) if !c.is_ascii() => Width::Ambiguous,
        _ => Width::Narrow,
    }
}

/// An ideograph, kana or other character set on a full em.
#[cfg(test)]
pub(super) fn is_cjk(c: char) -> bool {
    east_asian_width(c) == Width::Wide
}
