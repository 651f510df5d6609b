//! Reading order on a page: which column each piece of text is in, and in what order
//! the columns and the text spanning them are read.
//!
//! The page is seen as rows (one a baseline) of chunks (the runs of text on a baseline
//! between gaps wide enough to be a gutter). A gutter is a vertical strip of the text
//! block that many rows leave empty on both sides of it and few rows cross: its vertical
//! projection is a valley between two columns of text (the idea of the projection
//! profiles in recursive XY-cut, applied to the whole page and allowing for the rows,
//! such as a title or an abstract, that span the columns). Rows that cross a gutter, or
//! stand alone across the columns (a running header "date … title"), span the page;
//! the rows between two spanning ones form a section that is read column by column. So
//! a title above two columns comes first, each column is read to its foot, and a
//! heading set across the columns between two sets of them stays between them.

/// A run of text on one baseline, by its horizontal extent in points.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Chunk {
    pub left: f64,
    pub right: f64,
}

/// The chunks of one baseline, left to right.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Row {
    /// Baseline, in points down from the top of the page.
    pub baseline: f64,
    /// The size of the row's text, in points.
    pub size: f64,
    pub chunks: Vec<Chunk>,
}

/// Where one chunk is read: its section (counted from the top of the page), its column
/// within the section, and how many columns the section has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct Place {
    pub section: usize,
    pub column: usize,
    pub columns: usize,
}

/// A gap between two text runs of one baseline at least this wide (in em) may be a
/// gutter: the narrowest column gaps seen (TeX's `\columnsep`, CSS `column-gap`,
/// word processors' column spacing) are 1.4–1.8 em; justified word spaces stay below.
pub(super) const GUTTER_EM: f64 = 0.8;
/// A column is at least this many em wide; narrower strips (table cells, line numbers,
/// drop capitals) are not columns.
const MIN_COLUMN_EM: f64 = 6.0;
/// Rows that cross a gutter may be at most this share of the rows beside it.
const CROSSING_SHARE: f64 = 0.5;
/// A column is a column when at least this many rows have text in it.
const MIN_COLUMN_ROWS: usize = 3;
/// A column more than this share of whose rows hold several runs of text is a table's.
const TABULAR_SHARE: f64 = 0.3;
/// Text at least this much larger than the body may be a heading.
const HEADING_SCALE: f64 = 1.1;
/// A run at most this many em wide before a row's text is a list marker.
const MARKER_EM: f64 = 2.0;
/// Table cells that start within this many points of each other are aligned.
const ALIGNED: f64 = 2.0;
/// A row this far (in em) from the rows above and below stands alone.
const ALONE_EM: f64 = 2.0;

/// Where each chunk of each row is read (`places[row][chunk]`). The rows of a
/// table (`in_table`) are read in place, as rows that span the page, and leave
/// no gutters.
pub(super) fn reading_places(rows: &[Row], in_table: &[bool]) -> Vec<Vec<Place>> {
    let Some(block) = TextBlock::of(rows) else {
        return Vec::new();
    };
    let text: Vec<Row> = rows
        .iter()
        .zip(in_table)
        .filter(|(_, &table)| !table)
        .map(|(row, _)| row.clone())
        .collect();
    let gutters = find_gutters(&text, &block);
    let mut spanning = spanning_rows(rows, &gutters, &block);
    for (spans, &table) in spanning.iter_mut().zip(in_table) {
        *spans |= table;
    }
    let mut places = Vec::with_capacity(rows.len());
    let mut section = 0;
    let mut previous_spanning: Option<bool> = None;
    for (row, &spans) in rows.iter().zip(&spanning) {
        // A section ends where the rows change between spanning and columnar; every
        // spanning row is a section of its own, read in place.
        if previous_spanning.is_some() && (spans || previous_spanning == Some(true)) {
            section += 1;
        }
        previous_spanning = Some(spans);
        let columns = if spans { 1 } else { gutters.len() + 1 };
        places.push(
            row.chunks
                .iter()
                .map(|chunk| Place {
                    section,
                    column: if spans { 0 } else { column_of(chunk, &gutters) },
                    columns,
                })
                .collect(),
        );
    }
    places
}

/// A strip of the page between two columns.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Gutter {
    left: f64,
    right: f64,
}

fn column_of(chunk: &Chunk, gutters: &[Gutter]) -> usize {
    let centre = (chunk.left + chunk.right) / 2.0;
    gutters.iter().filter(|g| g.right <= centre).count()
}

/// The page's text as a whole: where it starts and ends, and the size most of its
/// rows are set in.
struct TextBlock {
    left: f64,
    right: f64,
    body: f64,
}

impl TextBlock {
    /// `None` for a page without rows.
    fn of(rows: &[Row]) -> Option<TextBlock> {
        let left = rows
            .iter()
            .flat_map(|r| r.chunks.first())
            .map(|c| c.left)
            .min_by(f64::total_cmp)?;
        let right = rows
            .iter()
            .flat_map(|r| r.chunks.last())
            .map(|c| c.right)
            .max_by(f64::total_cmp)?;
        let mut sizes: Vec<f64> = rows.iter().map(|r| r.size).collect();
        sizes.sort_unstable_by(f64::total_cmp);
        let body = sizes[sizes.len() / 2];
        Some(TextBlock { left, right, body })
    }

    fn centre(&self) -> f64 {
        (self.left + self.right) / 2.0
    }
}

/// The gutters of the page, left to right: valleys of the vertical projection of its
/// rows that are wide enough, between columns that are wide and full enough.
fn find_gutters(rows: &[Row], block: &TextBlock) -> Vec<Gutter> {
    let (left, right, size) = (block.left, block.right, block.body);
    if size <= 0.0 || right - left < 2.0 * MIN_COLUMN_EM * size {
        return Vec::new();
    }
    let profile = Profile::of(rows, left, right);
    let mut gutters = profile.valleys(GUTTER_EM * size);
    drop_narrow_columns(&mut gutters, left, right, MIN_COLUMN_EM * size);
    if gutters.is_empty() || is_tabular(rows, &gutters, size) {
        return Vec::new();
    }
    gutters
}

/// Whether the "columns" are a table's. In a column of text a row is one run of text,
/// or a list marker and its text, or a justified line whose wide gaps fall anywhere;
/// a column made of table cells has many rows of several runs whose cells start at the
/// same places, row after row.
fn is_tabular(rows: &[Row], gutters: &[Gutter], body: f64) -> bool {
    (0..=gutters.len()).any(|column| {
        let mut with_text = 0;
        // Where the second cell of each row of several runs starts.
        let mut second_lefts: Vec<f64> = Vec::new();
        for row in rows {
            let runs: Vec<&Chunk> = row
                .chunks
                .iter()
                .filter(|c| column_of(c, gutters) == column)
                .collect();
            if runs.is_empty() {
                continue;
            }
            with_text += 1;
            let marker = runs.len() > 1 && runs[0].right - runs[0].left <= MARKER_EM * body;
            let cells = if marker { &runs[1..] } else { &runs[..] };
            if let [_, second, ..] = cells {
                second_lefts.push(second.left);
            }
        }
        if (second_lefts.len() as f64) <= TABULAR_SHARE * with_text as f64 {
            return false;
        }
        // The most second cells that start within one window of ALIGNED points.
        second_lefts.sort_unstable_by(f64::total_cmp);
        let mut aligned = 0;
        let mut start = 0;
        for end in 0..second_lefts.len() {
            while second_lefts[end] - second_lefts[start] > ALIGNED {
                start += 1;
            }
            aligned = aligned.max(end + 1 - start);
        }
        aligned >= MIN_COLUMN_ROWS && 2 * aligned >= second_lefts.len()
    })
}

/// How many rows cover each strip of the text block.
struct Profile {
    left: f64,
    step: f64,
    counts: Vec<usize>,
}

/// The projection is measured in strips this wide (points), or wider on huge pages.
const STRIP: f64 = 1.0;
const MAX_STRIPS: usize = 4096;

impl Profile {
    fn of(rows: &[Row], left: f64, right: f64) -> Profile {
        let width = right - left;
        let strips = ((width / STRIP).ceil() as usize).clamp(1, MAX_STRIPS);
        let step = width / strips as f64;
        let mut counts = vec![0usize; strips];
        let index = |x: f64| (((x - left) / step).floor().max(0.0) as usize).min(strips - 1);
        for row in rows {
            let mut last_covered = None;
            for chunk in &row.chunks {
                let (from, to) = (index(chunk.left), index(chunk.right));
                // Each row counts once per strip, even if two of its chunks touch it.
                let from = last_covered.map_or(from, |last: usize| from.max(last + 1));
                for count in counts.iter_mut().take(to + 1).skip(from) {
                    *count += 1;
                }
                last_covered = Some(to.max(last_covered.unwrap_or(0)));
            }
        }
        Profile { left, step, counts }
    }

    /// Interior runs at least `min_width` wide that few rows cross compared with the
    /// fullest strips on either side of them.
    fn valleys(&self, min_width: f64) -> Vec<Gutter> {
        let n = self.counts.len();
        let peak_before: Vec<usize> = self
            .counts
            .iter()
            .scan(0, |m, &c| {
                *m = (*m).max(c);
                Some(*m)
            })
            .collect();
        let mut peak_after = vec![0usize; n];
        let mut m = 0;
        for i in (0..n).rev() {
            m = m.max(self.counts[i]);
            peak_after[i] = m;
        }
        let mut gutters = Vec::new();
        let mut i = 0;
        while i < n {
            let Some(start) = (i..n).find(|&j| self.is_low(j, &peak_before, &peak_after)) else {
                break;
            };
            let end = (start..n)
                .find(|&j| !self.is_low(j, &peak_before, &peak_after))
                .unwrap_or(n);
            if start > 0 && end < n {
                let beside = peak_before[start].min(peak_after[end - 1]);
                let (from, to) = self.core(start, end, beside);
                if (to - from) as f64 * self.step >= min_width {
                    gutters.push(Gutter {
                        left: self.left + from as f64 * self.step,
                        right: self.left + to as f64 * self.step,
                    });
                }
            }
            i = end;
        }
        gutters
    }

    /// The emptiest stretch of the valley `start..end`: its longest run of strips
    /// within a few rows of its lowest count. Lines indented from a column's edge (a
    /// list's text beside its markers) leave a shelf beside the gutter that is low but
    /// not empty; the gutter is the strip no column's text enters.
    fn core(&self, start: usize, end: usize, beside: usize) -> (usize, usize) {
        let counts = &self.counts[start..end];
        let floor = counts.iter().copied().min().unwrap_or(0);
        let tolerance = (beside / 10).max(2);
        let (mut best, mut run) = ((start, start), None);
        for (k, &count) in counts.iter().enumerate() {
            if count <= floor + tolerance {
                let from = *run.get_or_insert(start + k);
                if start + k + 1 - from > best.1 - best.0 {
                    best = (from, start + k + 1);
                }
            } else {
                run = None;
            }
        }
        best
    }

    /// Whether strip `i` is crossed by few rows compared with the columns on both sides.
    fn is_low(&self, i: usize, peak_before: &[usize], peak_after: &[usize]) -> bool {
        let beside = peak_before[i].min(peak_after[i]);
        beside >= MIN_COLUMN_ROWS && (self.counts[i] as f64) <= CROSSING_SHARE * beside as f64
    }
}

/// Removes gutters until every column is at least `min_width` wide: a narrow strip at
/// the edge (line numbers, a side note's marker) joins its neighbour.
fn drop_narrow_columns(gutters: &mut Vec<Gutter>, left: f64, right: f64, min_width: f64) {
    loop {
        let edges: Vec<f64> = std::iter::once(left)
            .chain(gutters.iter().flat_map(|g| [g.left, g.right]))
            .chain(std::iter::once(right))
            .collect();
        let widths: Vec<f64> = edges.chunks(2).map(|pair| pair[1] - pair[0]).collect();
        let Some((narrowest, &width)) = widths.iter().enumerate().min_by(|a, b| a.1.total_cmp(b.1))
        else {
            return;
        };
        if width >= min_width || gutters.is_empty() {
            return;
        }
        // Column k lies between gutters k-1 and k; drop the one towards the narrower
        // neighbour.
        let towards_left = narrowest == gutters.len()
            || (narrowest > 0 && widths[narrowest - 1] <= widths[narrowest + 1]);
        let gutter = if towards_left {
            narrowest - 1
        } else {
            narrowest
        };
        gutters.remove(gutter);
    }
}

/// Which rows span the columns: those that cross a gutter, those with text in several
/// columns that stand alone (a header's date and title), and a lone centred line that
/// no other column has text beside (a heading set across three columns).
fn spanning_rows(rows: &[Row], gutters: &[Gutter], block: &TextBlock) -> Vec<bool> {
    if gutters.is_empty() {
        return vec![false; rows.len()];
    }
    let (centre, body) = (block.centre(), block.body);
    let spanning: Vec<bool> = (0..rows.len())
        .map(|i| {
            let row = &rows[i];
            let slack = 0.3 * row.size;
            // Across the whole gutter (a list marker hung into it does not cross it), or
            // set in it (a folio centred under two columns).
            let crosses = row.chunks.iter().any(|c| {
                let centre = (c.left + c.right) / 2.0;
                gutters.iter().any(|g| {
                    (c.left <= g.left + slack && c.right >= g.right - slack)
                        || (g.left..=g.right).contains(&centre)
                })
            });
            let columns_used = {
                let mut used: Vec<usize> =
                    row.chunks.iter().map(|c| column_of(c, gutters)).collect();
                used.dedup();
                used.len()
            };
            crosses || (columns_used > 1 && stands_alone(rows, i))
        })
        .collect();
    // Headings across the columns are told by the column text around them, top down:
    // rows found to span the page do not count as column text, and the text above a
    // heading is that of the section it closes.
    let mut spanning = spanning;
    for i in 0..rows.len() {
        if !spanning[i] && is_heading_across(rows, &spanning, i, gutters, centre, body) {
            spanning[i] = true;
        }
    }
    spanning
}

/// Whether no other row is within [`ALONE_EM`] of row `i`'s baseline.
fn stands_alone(rows: &[Row], i: usize) -> bool {
    let row = &rows[i];
    let reach = ALONE_EM * row.size;
    rows.iter()
        .enumerate()
        .all(|(j, other)| j == i || (other.baseline - row.baseline).abs() > reach)
}

/// A heading set across the columns that crosses no gutter (a short one, centred or
/// flush left over the first column): one run of text, set larger than the body or
/// centred with room on both sides, that the other columns leave empty beside it
/// while they hold text above it.
fn is_heading_across(
    rows: &[Row],
    spanning: &[bool],
    i: usize,
    gutters: &[Gutter],
    centre: f64,
    body: f64,
) -> bool {
    let row = &rows[i];
    let [chunk] = row.chunks.as_slice() else {
        return false;
    };
    let column = column_of(chunk, gutters);
    let centred = ((chunk.left + chunk.right) / 2.0 - centre).abs() <= row.size
        && column > 0
        && column < gutters.len()
        && chunk.left - gutters[column - 1].right >= row.size
        && gutters[column].left - chunk.right >= row.size;
    if !(centred || row.size >= HEADING_SCALE * body) {
        return false;
    }
    // The rows just above and below it in its own column: a heading across the columns
    // has the ends of the columns above it and nothing beside it down to the text it
    // heads, while one in a column has the other columns' lines running on beside it.
    let in_column = |j: usize, c: usize| {
        !spanning[j] && rows[j].chunks.iter().any(|k| column_of(k, gutters) == c)
    };
    // The section this row would close starts after the last row spanning the page.
    let section_start = (0..i).rev().find(|&j| spanning[j]).map_or(0, |j| j + 1);
    let Some(above) = (section_start..i).rev().find(|&j| in_column(j, column)) else {
        return false;
    };
    let below = (i + 1..rows.len()).find(|&j| in_column(j, column));
    let slack = 0.3 * row.size;
    // From the top of the heading: the other columns may end a line lower than this one.
    let from = row.baseline - row.size;
    // At the foot of a page (its text on the next), beside means within a few lines.
    let to = below.map_or(row.baseline + ALONE_EM * row.size, |b| {
        rows[b].baseline - slack
    });
    // Each other column is empty beside it and, if it has text above, ends about where
    // this column's text above the heading ends: columns balanced above it. At least
    // one other column must have such text.
    let mut balanced_above = false;
    for other in (0..=gutters.len()).filter(|&c| c != column) {
        let (mut last_before, mut beside) = (None, false);
        for j in (section_start..rows.len()).filter(|&j| in_column(j, other)) {
            let baseline = rows[j].baseline;
            if baseline < from {
                last_before = Some(baseline);
            }
            beside |= (from..=to).contains(&baseline);
        }
        let ended_together =
            last_before.map(|b| (b - rows[above].baseline).abs() <= ALONE_EM * row.size);
        if beside || ended_together == Some(false) {
            return false;
        }
        balanced_above |= ended_together == Some(true);
    }
    balanced_above
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    /// A row of chunks at a baseline, size 10.
    pub(in crate::input::pdf) fn row(baseline: f64, chunks: &[(f64, f64)]) -> Row {
        Row {
            baseline,
            size: 10.0,
            chunks: chunks
                .iter()
                .map(|&(left, right)| Chunk { left, right })
                .collect(),
        }
    }

    /// `n` rows of two columns, 72–290 and 310–528, 12 pt apart from `top`.
    fn two_columns(top: f64, n: usize) -> Vec<Row> {
        (0..n)
            .map(|k| row(top + 12.0 * k as f64, &[(72.0, 290.0), (310.0, 528.0)]))
            .collect()
    }

    fn columns_of(places: &[Vec<Place>]) -> Vec<Vec<usize>> {
        places
            .iter()
            .map(|p| p.iter().map(|p| p.column).collect())
            .collect()
    }

    #[test]
    fn one_column_of_justified_text_has_no_gutter() {
        // Word gaps at varying places never line up into a strip.
        let rows: Vec<Row> = (0..30)
            .map(|k| {
                let gap = 100.0 + (k * 37 % 300) as f64;
                row(100.0 + 12.0 * k as f64, &[(72.0, gap), (gap + 9.0, 528.0)])
            })
            .collect();
        assert!(find_gutters(&rows, &TextBlock::of(&rows).unwrap()).is_empty());
        assert!(reading_places(&rows, &vec![false; rows.len()])
            .iter()
            .flatten()
            .all(|p| p.columns == 1 && p.section == 0));
    }

    #[test]
    fn two_columns_are_found_and_read_apart() {
        let rows = two_columns(100.0, 20);
        let gutters = find_gutters(&rows, &TextBlock::of(&rows).unwrap());
        assert_eq!(gutters.len(), 1);
        assert!(gutters[0].left >= 289.0 && gutters[0].right <= 311.0);
        let places = reading_places(&rows, &vec![false; rows.len()]);
        assert!(columns_of(&places).iter().all(|c| c == &[0, 1]));
        assert!(places.iter().flatten().all(|p| p.columns == 2));
    }

    #[test]
    fn a_title_across_the_columns_is_a_section_before_them() {
        let mut rows = vec![row(60.0, &[(150.0, 450.0)])];
        rows.extend(two_columns(100.0, 20));
        let places = reading_places(&rows, &vec![false; rows.len()]);
        assert_eq!(places[0][0].section, 0);
        assert_eq!(places[0][0].columns, 1);
        assert!(places[1..].iter().flatten().all(|p| p.section == 1));
    }

    #[test]
    fn an_abstract_across_the_columns_does_not_hide_them() {
        let mut rows: Vec<Row> = (0..12)
            .map(|k| row(60.0 + 12.0 * k as f64, &[(72.0, 528.0)]))
            .collect();
        rows.extend(two_columns(220.0, 24));
        let places = reading_places(&rows, &vec![false; rows.len()]);
        assert!(places[..12].iter().flatten().all(|p| p.columns == 1));
        assert!(places[12..].iter().flatten().all(|p| p.columns == 2));
        // The abstract's rows are sections of their own, before the columns' section.
        let body = places[12][0].section;
        assert!(places[..12].iter().flatten().all(|p| p.section < body));
    }

    #[test]
    fn a_list_marker_hung_into_the_gutter_stays_in_its_column() {
        let mut rows = two_columns(100.0, 20);
        rows[5].chunks[1].left = 300.0;
        let places = reading_places(&rows, &vec![false; rows.len()]);
        assert!(places
            .iter()
            .flatten()
            .all(|p| p.section == 0 && p.columns == 2));
    }

    #[test]
    fn a_folio_centred_in_the_gutter_spans_the_columns() {
        let mut rows = two_columns(100.0, 20);
        rows.push(row(400.0, &[(297.0, 303.0)]));
        let places = reading_places(&rows, &vec![false; rows.len()]);
        assert_eq!(places[20][0].columns, 1);
        assert!(places[20][0].section > places[0][0].section);
    }

    #[test]
    fn indented_lines_beside_the_gutter_do_not_widen_it() {
        // The second column's list text starts 30 pt in from its edge on most rows.
        let mut rows = two_columns(100.0, 24);
        for row in rows.iter_mut().skip(6) {
            row.chunks[1].left = 340.0;
        }
        let gutters = find_gutters(&rows, &TextBlock::of(&rows).unwrap());
        assert_eq!(gutters.len(), 1);
        assert!(gutters[0].right <= 311.0, "{gutters:?}");
    }

    #[test]
    fn a_header_with_text_over_both_columns_spans_them() {
        // "date … title" alone at the top, its parts over the two columns.
        let mut rows = vec![row(30.0, &[(72.0, 120.0), (400.0, 528.0)])];
        rows.extend(two_columns(100.0, 20));
        let places = reading_places(&rows, &vec![false; rows.len()]);
        assert_eq!(
            places[0].iter().map(|p| p.column).collect::<Vec<_>>(),
            [0, 0]
        );
        assert!(places[0][0].section < places[1][0].section);
    }

    #[test]
    fn a_centred_heading_across_three_columns_separates_them() {
        let three = |top: f64, n: usize| -> Vec<Row> {
            (0..n)
                .map(|k| {
                    row(
                        top + 12.0 * k as f64,
                        &[(42.0, 203.0), (218.0, 379.0), (393.0, 554.0)],
                    )
                })
                .collect()
        };
        let mut rows = three(100.0, 10);
        rows.push(row(240.0, &[(250.0, 346.0)]));
        // A line of the middle column after a paragraph break beside gaps in the
        // others is no heading.
        rows.push(Row {
            size: 10.0,
            ..row(254.0, &[(218.0, 379.0)])
        });
        rows.extend(three(280.0, 10));
        // A heading at the foot of the page, its text on the next.
        rows.push(Row {
            size: 15.0,
            ..row(420.0, &[(42.0, 100.0)])
        });
        let places = reading_places(&rows, &vec![false; rows.len()]);
        assert_eq!(places[22][0].columns, 1);
        assert!(places[..10].iter().flatten().all(|p| p.columns == 3));
        assert_eq!(places[10][0].columns, 1);
        let (above, heading, below) = (
            places[0][0].section,
            places[10][0].section,
            places[12][0].section,
        );
        assert!(above < heading && heading < below);
        assert_eq!(
            places[11][0],
            Place {
                section: below,
                column: 1,
                columns: 3
            }
        );
    }

    #[test]
    fn headings_between_short_balanced_sections_each_close_theirs() {
        let cols = [(42.0, 203.0), (218.0, 379.0), (393.0, 554.0)];
        let heading = |baseline: f64| Row {
            size: 15.0,
            ..row(baseline, &[(42.0, 104.0)])
        };
        // Article 1 over three columns, Article 2 over two with its second column a
        // line short, Article 3 over one: each heading closes the section above it.
        let mut rows = vec![heading(60.0)];
        rows.extend((0..3).map(|k| row(84.0 + 12.0 * k as f64, &cols)));
        rows.push(heading(150.0));
        rows.push(row(174.0, &cols[..2]));
        rows.push(row(186.0, &cols[..1]));
        rows.push(heading(216.0));
        rows.push(row(240.0, &cols[..1]));
        // Enough rows of three columns below for the gutters to show.
        rows.push(heading(270.0));
        rows.extend((0..6).map(|k| row(294.0 + 12.0 * k as f64, &cols)));
        let places = reading_places(&rows, &vec![false; rows.len()]);
        for i in [4, 7] {
            assert_eq!(places[i][0].columns, 1, "row {i}: {places:?}");
        }
        assert!(places[5][0].section < places[7][0].section);
        assert_eq!(places[5][1].column, 1);
        // The first heading and the one after a single column's text are read in
        // their column's place anyway: before the text below them.
        assert!(places[9][0] < places[10][1]);
    }

    #[test]
    fn list_markers_and_justified_gaps_are_text_not_a_table() {
        let mut rows = two_columns(100.0, 20);
        for (k, row) in rows.iter_mut().enumerate() {
            if k % 3 == 0 {
                // A list marker before the item's text.
                row.chunks = vec![
                    row.chunks[0],
                    Chunk {
                        left: 310.0,
                        right: 318.0,
                    },
                    Chunk {
                        left: 330.0,
                        right: 528.0,
                    },
                ];
            } else if k % 3 == 1 {
                // A justified line with one wide gap, somewhere.
                let gap = 340.0 + 7.0 * k as f64;
                row.chunks = vec![
                    row.chunks[0],
                    Chunk {
                        left: 310.0,
                        right: gap,
                    },
                    Chunk {
                        left: gap + 10.0,
                        right: 528.0,
                    },
                ];
            }
        }
        let block = TextBlock::of(&rows).unwrap();
        assert_eq!(find_gutters(&rows, &block).len(), 1);
    }

    #[test]
    fn narrow_strips_are_not_columns() {
        // Line numbers in the margin, then one column of text.
        let rows: Vec<Row> = (0..30)
            .map(|k| row(100.0 + 12.0 * k as f64, &[(40.0, 50.0), (72.0, 528.0)]))
            .collect();
        assert!(find_gutters(&rows, &TextBlock::of(&rows).unwrap()).is_empty());
    }

    #[test]
    fn a_table_of_short_cells_is_not_columns() {
        let rows: Vec<Row> = (0..10)
            .map(|k| {
                row(
                    100.0 + 12.0 * k as f64,
                    &[
                        (72.0, 110.0),
                        (150.0, 190.0),
                        (230.0, 260.0),
                        (300.0, 330.0),
                    ],
                )
            })
            .collect();
        assert!(find_gutters(&rows, &TextBlock::of(&rows).unwrap()).is_empty());
    }
}
