//! Tables on a page: runs of rows whose text stands in short cells, the cells
//! of every row falling into the same vertical bands. Such rows are read row by
//! row, each cell a line of its own that knows its table, row and column — never
//! column by column, as text columns are, and never spliced with a neighbour.
//!
//! What tells a table from text columns is the cells' length: a line of a text
//! column runs most of the column's width (more than ten em in any layout seen),
//! while a table's cells are a few words or a number. Tables with cells of
//! running text are left to the column analysis.

use super::columns::{Chunk, Row};
use crate::input::TableCell;
use crate::model::Alignment;

/// A table has at least this many rows (its header included).
const MIN_ROWS: usize = 3;
/// A table row's cells are at most this many em wide.
const CELL_EM: f64 = 10.0;
/// Rows of one table are at most this many em apart (baseline to baseline).
const ROW_GAP_EM: f64 = 3.0;
/// Edges within this many points of each other are aligned.
const ALIGNED: f64 = 1.5;

/// For each row, the cell each of its chunks is, when the row is a table's.
pub(super) fn cells(rows: &[Row]) -> Vec<Option<Vec<TableCell>>> {
    let mut out: Vec<Option<Vec<TableCell>>> = vec![None; rows.len()];
    let mut table = 0;
    let mut start = 0;
    while start < rows.len() {
        if !is_cell_row(&rows[start]) {
            start += 1;
            continue;
        }
        let mut end = start + 1;
        while end < rows.len()
            && is_cell_row(&rows[end])
            && rows[end].baseline - rows[end - 1].baseline <= ROW_GAP_EM * rows[end].size.max(1.0)
        {
            end += 1;
        }
        if let Some(found) = table_of(&rows[start..end], table) {
            for (k, row) in found.into_iter().enumerate() {
                out[start + k] = Some(row);
            }
            table += 1;
        }
        start = end;
    }
    out
}

/// A row of two or more chunks, all of them short (a line of a text column
/// beside a table keeps its row out of it, so the column is never spliced in).
fn is_cell_row(row: &Row) -> bool {
    row.chunks.len() >= 2
        && row.size > 0.0
        && row
            .chunks
            .iter()
            .all(|c| c.right - c.left <= CELL_EM * row.size)
}

/// The cells of `rows` when they make a table: at least [`MIN_ROWS`] rows, their
/// chunks in two or more bands, no row with two chunks in one band.
fn table_of(rows: &[Row], table: usize) -> Option<Vec<Vec<TableCell>>> {
    if rows.len() < MIN_ROWS {
        return None;
    }
    let bands = bands(rows);
    if bands.len() < 2 {
        return None;
    }
    let band_of = |c: &Chunk| {
        bands
            .iter()
            .position(|b| c.left < b.right && b.left < c.right)
    };
    let mut columns: Vec<Vec<usize>> = Vec::with_capacity(rows.len());
    for row in rows {
        let of_row: Vec<usize> = row.chunks.iter().filter_map(band_of).collect();
        if of_row.len() != row.chunks.len() || of_row.windows(2).any(|w| w[0] >= w[1]) {
            return None;
        }
        columns.push(of_row);
    }
    let align: Vec<Alignment> = (0..bands.len())
        .map(|band| {
            let members: Vec<&Chunk> = rows
                .iter()
                .zip(&columns)
                .flat_map(|(row, cols)| {
                    row.chunks
                        .iter()
                        .zip(cols)
                        .filter(move |(_, &c)| c == band)
                        .map(|(chunk, _)| chunk)
                })
                .collect();
            alignment(&members)
        })
        .collect();
    let id = u16::try_from(table).unwrap_or(u16::MAX);
    Some(
        columns
            .into_iter()
            .enumerate()
            .map(|(r, cols)| {
                cols.into_iter()
                    .map(|column| TableCell {
                        table: id,
                        row: u32::try_from(r).unwrap_or(u32::MAX),
                        column: u16::try_from(column).unwrap_or(u16::MAX),
                        align: align[column],
                    })
                    .collect()
            })
            .collect(),
    )
}

/// The vertical bands the chunks of `rows` fill, left to right: chunks that
/// overlap are in one band.
fn bands(rows: &[Row]) -> Vec<Chunk> {
    let mut chunks: Vec<Chunk> = rows.iter().flat_map(|r| r.chunks.iter().copied()).collect();
    chunks.sort_by(|a, b| a.left.total_cmp(&b.left));
    let mut bands: Vec<Chunk> = Vec::new();
    for chunk in chunks {
        match bands.last_mut() {
            Some(band) if chunk.left < band.right => band.right = band.right.max(chunk.right),
            _ => bands.push(chunk),
        }
    }
    bands
}

/// How a column's cells are aligned: by the edge they share (numbers set right,
/// headings centred); left when the left edges agree or nothing does.
fn alignment(cells: &[&Chunk]) -> Alignment {
    let spread = |edge: fn(&Chunk) -> f64| {
        let (lo, hi) = cells
            .iter()
            .map(|c| edge(c))
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), x| {
                (lo.min(x), hi.max(x))
            });
        hi - lo
    };
    let (left, right, centre) = (
        spread(|c| c.left),
        spread(|c| c.right),
        spread(|c| (c.left + c.right) / 2.0),
    );
    if left <= ALIGNED || cells.len() < 2 {
        Alignment::Left
    } else if right <= ALIGNED {
        Alignment::Right
    } else if centre <= ALIGNED {
        Alignment::Center
    } else {
        Alignment::Left
    }
}

#[cfg(test)]
mod tests {
    use super::super::columns::tests::row;
    use super::*;

    #[test]
    fn short_cells_in_bands_are_a_table_with_their_alignment() {
        let rows = vec![
            row(100.0, &[(72.0, 300.0)]),
            row(130.0, &[(72.0, 110.0), (180.0, 210.0), (250.0, 300.0)]),
            row(142.0, &[(72.0, 120.0), (195.0, 210.0), (250.0, 290.0)]),
            row(154.0, &[(72.0, 100.0), (190.0, 210.0), (250.0, 310.0)]),
            row(180.0, &[(72.0, 300.0)]),
        ];
        let cells = cells(&rows);
        assert!(cells[0].is_none() && cells[4].is_none());
        let second = cells[2].as_ref().expect("a table row");
        let columns: Vec<u16> = second.iter().map(|c| c.column).collect();
        assert_eq!(columns, [0, 1, 2]);
        assert_eq!(second[1].row, 1);
        let align: Vec<Alignment> = second.iter().map(|c| c.align).collect();
        assert_eq!(align, [Alignment::Left, Alignment::Right, Alignment::Left]);
    }

    #[test]
    fn two_columns_of_text_are_not_a_table() {
        let rows: Vec<Row> = (0..10)
            .map(|k| row(100.0 + 12.0 * k as f64, &[(72.0, 290.0), (310.0, 530.0)]))
            .collect();
        assert!(cells(&rows).iter().all(Option::is_none));
    }

    #[test]
    fn cells_beside_a_column_of_text_are_not_taken_with_it() {
        let rows: Vec<Row> = (0..5)
            .map(|k| {
                row(
                    100.0 + 12.0 * k as f64,
                    &[(72.0, 110.0), (150.0, 200.0), (310.0, 530.0)],
                )
            })
            .collect();
        assert!(cells(&rows).iter().all(Option::is_none));
    }

    #[test]
    fn two_rows_are_not_a_table() {
        let rows = vec![
            row(100.0, &[(72.0, 110.0), (180.0, 210.0)]),
            row(112.0, &[(72.0, 110.0), (180.0, 210.0)]),
        ];
        assert!(cells(&rows).iter().all(Option::is_none));
    }
}
