//! Tables: the cells the PDF reader found in a table's rows
//! ([`crate::input::TableCell`]) made one table block — the first row its
//! header, each column aligned as its cells are. Extracted text has no cells,
//! so this pass sees tables only in PDFs.

use super::flow::Flow;
use super::{EditKind, Report};
use crate::model::{Alignment, Block, BlockKind, Cell, Inline, Provenance, Row, Table};

/// The table whose first cell is flow line `i`, and the index of the line after it.
pub fn take_table(flow: &Flow, i: usize, report: &mut Report) -> (Block, usize) {
    let first = &flow.lines[i];
    let key = |k: usize| {
        let line = &flow.lines[k];
        line.cell.map(|c| (line.page, c.table))
    };
    let table = key(i);
    let end = (i..flow.lines.len())
        .find(|&k| key(k) != table)
        .unwrap_or(flow.lines.len());
    let mut rows: Vec<Vec<(usize, &str)>> = Vec::new();
    let mut columns: Vec<Alignment> = Vec::new();
    let mut provenance = Provenance::default();
    let mut last_row = None;
    for line in &flow.lines[i..end] {
        let Some(cell) = line.cell else { continue };
        if last_row != Some(cell.row) {
            rows.push(Vec::new());
            last_row = Some(cell.row);
        }
        let column = usize::from(cell.column);
        if columns.len() <= column {
            columns.resize(column + 1, Alignment::Default);
        }
        columns[column] = cell.align;
        if let Some(row) = rows.last_mut() {
            row.push((column, line.text));
        }
        provenance.add_line(line.page, line.number);
    }
    let width = columns.len();
    let mut rows = rows.into_iter().map(|cells| {
        let mut row = vec![String::new(); width];
        for (column, text) in cells {
            if !row[column].is_empty() {
                row[column].push(' ');
            }
            row[column].push_str(text);
        }
        Row {
            cells: row
                .into_iter()
                .map(|text| Cell {
                    content: vec![Inline::text(text)],
                })
                .collect(),
        }
    });
    let head: Vec<Row> = rows.next().into_iter().collect();
    let body: Vec<Row> = rows.collect();
    let header: Vec<String> = head
        .iter()
        .flat_map(|r| &r.cells)
        .map(|c| crate::model::plain_text(&c.content).into_owned())
        .collect();
    report.push(
        EditKind::Table,
        first.page,
        first.number,
        header.join(" | "),
        format!(
            "a table of {} rows and {width} columns",
            body.len() + head.len()
        ),
    );
    let block = Block {
        kind: BlockKind::Table(Table {
            columns,
            head,
            body,
        }),
        lang: Default::default(),
        provenance,
    };
    (block, end)
}
