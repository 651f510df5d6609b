//! Footnotes: the lines set small at the foot of a PDF page, each note opening
//! with a marker (`1`, `*`, `†`) that the page's text raises as a superscript.
//! They are taken out of the page's text into the document's notes, and the
//! raised marker in the text becomes a reference to its note
//! ([`super::inline`]). Both must be found: small print at the foot of a page
//! whose markers nothing on the page raises stays text.

use std::collections::BTreeSet;

use super::inline::NoteMarkers;
use super::{chars, EditKind, Line, Report};
use crate::input::style::Raise;
use crate::input::{LineGeometry, RawDoc, RawLine};
use crate::model::{Block, BlockKind, Document, Note, Provenance, Section};

/// A footnote set smaller than the line above it is at most this fraction of its size.
const SMALL: f32 = 0.9;
/// A footnote set at the text's size is set apart from it by a gap this many
/// times the page's line spacing.
const GAP: f32 = 1.6;

/// The notes found and the markers that refer to them.
#[derive(Debug, Default)]
pub struct Footnotes {
    pub notes: Vec<Note>,
    pub markers: NoteMarkers,
}

/// Takes the footnotes out of the pages' text.
pub fn take_footnotes(lines: &mut [Line], raw: &RawDoc, report: &mut Report) -> Footnotes {
    let mut found = Footnotes::default();
    let source: Vec<&RawLine> = raw.lines().map(|(_, line)| line).collect();
    if !source
        .iter()
        .any(|l| l.styles.iter().any(|r| r.style.raise == Raise::Superscript))
    {
        return found;
    }
    let mut start = 0;
    while start < lines.len() {
        let page = lines[start].page;
        let end = (start..lines.len())
            .find(|&k| lines[k].page != page)
            .unwrap_or(lines.len());
        // The markers the page's text raises.
        let markers: BTreeSet<String> = (start..end)
            .filter(|&k| lines[k].is_content())
            .flat_map(|k| raised(&source, lines[k].number))
            .collect();
        let area = foot_area(&lines[start..end], &markers, &source);
        let at: Vec<usize> = area.iter().map(|k| start + k).collect();
        take_page_notes(
            &mut lines[..end],
            &at,
            &markers,
            &source,
            &mut found,
            report,
        );
        start = end;
    }
    found
}

/// The texts of the superscript runs of source line `number` that could be
/// markers, after its start (where a note's own marker stands).
fn raised(source: &[&RawLine], number: usize) -> Vec<String> {
    let Some(line) = source.get(number.wrapping_sub(1)) else {
        return Vec::new();
    };
    line.styles
        .iter()
        .filter(|r| r.style.raise == Raise::Superscript && r.range.start > 0)
        .filter_map(|r| line.text.get(r.range.clone()))
        .map(|t| t.trim().to_owned())
        .filter(|t| is_marker(t))
        .collect()
}

/// A note marker: a number of up to three digits, or one of the reference symbols.
fn is_marker(text: &str) -> bool {
    let digits = !text.is_empty() && text.len() <= 3 && text.bytes().all(|b| b.is_ascii_digit());
    let symbol =
        !text.is_empty() && text.chars().all(|c| "*†‡§¶‖".contains(c)) && text.chars().count() <= 3;
    digits || symbol
}

/// Indices (in `page`) of the lines of its foot area, top to bottom: from the
/// first line that opens with one of the page's `markers`, below the text that
/// raises it, and is set apart from the line above (its marker raised, a smaller
/// size, or a gap wider than the page's line spacing), to the foot of the page.
fn foot_area(page: &[Line], markers: &BTreeSet<String>, source: &[&RawLine]) -> Vec<usize> {
    let mut placed: Vec<(usize, LineGeometry)> = page
        .iter()
        .enumerate()
        .filter(|(_, l)| l.is_content())
        .filter_map(|(k, l)| l.geometry.map(|g| (k, g)))
        .collect();
    placed.sort_by(|a, b| a.1.top.total_cmp(&b.1.top));
    let pitch = line_pitch(&placed);
    for (i, &(k, g)) in placed.iter().enumerate().skip(1) {
        let Some((marker, raised_at_start)) = opening_marker(&page[k], source) else {
            continue;
        };
        let above = placed[i - 1].1;
        let apart = raised_at_start
            || g.font_size <= SMALL * above.font_size
            || g.top - above.top >= GAP * pitch;
        if markers.contains(&marker) && apart {
            return placed[i..].iter().map(|&(k, _)| k).collect();
        }
    }
    Vec::new()
}

/// The usual step from one line to the next on a page.
fn line_pitch(placed: &[(usize, LineGeometry)]) -> f32 {
    let mut steps: Vec<f32> = placed
        .windows(2)
        .map(|w| w[1].1.top - w[0].1.top)
        .filter(|&d| d > 0.0)
        .collect();
    steps.sort_by(f32::total_cmp);
    // The lower median: of few steps, the wide one is the gap looked for.
    steps
        .get(steps.len().saturating_sub(1) / 2)
        .copied()
        .unwrap_or(f32::INFINITY)
}

/// Makes notes of the foot-area lines `at` that open with one of `markers`, and
/// of the lines that follow each.
fn take_page_notes(
    lines: &mut [Line],
    at: &[usize],
    markers: &BTreeSet<String>,
    source: &[&RawLine],
    found: &mut Footnotes,
    report: &mut Report,
) {
    let mut open: Option<(String, String, Provenance)> = None;
    for &k in at {
        let marker = opening_marker(&lines[k], source)
            .map(|(m, _)| m)
            .filter(|m| markers.contains(m));
        let line = &lines[k];
        let rest = match &marker {
            Some(m) => line.text[m.len()..].trim_start_matches(['.', ')', ' ', '\t']),
            None => &line.text,
        };
        match (&mut open, marker) {
            (_, Some(marker)) => {
                if let Some(note) = open.take() {
                    close(note, found);
                }
                let id = unique_id(&marker, line.page, found);
                found.markers.insert((line.page, marker), id.clone());
                let mut provenance = Provenance::default();
                provenance.add_line(line.page, line.number);
                open = Some((id, rest.to_owned(), provenance));
            }
            (Some((_, text, provenance)), None) => {
                let last = text.chars().next_back().unwrap_or(' ');
                let first = rest.chars().next().unwrap_or(' ');
                let joiner = if last == '-' {
                    ""
                } else {
                    chars::line_joiner(last, first)
                };
                text.push_str(joiner);
                text.push_str(rest);
                provenance.add_line(line.page, line.number);
            }
            // Small print above the first note is not a note.
            (None, None) => continue,
        }
        let id = open.as_ref().map(|(id, ..)| id.clone()).unwrap_or_default();
        report.push(
            EditKind::Footnote,
            line.page,
            line.number,
            line.text.to_string(),
            format!("note {id}"),
        );
        lines[k].remove();
    }
    if let Some(note) = open {
        close(note, found);
    }
}

/// The marker a line opens with, and whether it is raised: a raised number or
/// symbol, or one set before the text.
fn opening_marker(line: &Line, source: &[&RawLine]) -> Option<(String, bool)> {
    let raw = source.get(line.number.wrapping_sub(1))?;
    if let Some(run) = raw.styles.first().filter(|r| r.range.start == 0) {
        let text = raw.text.get(run.range.clone())?.trim();
        if run.style.raise == Raise::Superscript && is_marker(text) && line.text.starts_with(text) {
            return Some((text.to_owned(), true));
        }
    }
    let end = line
        .text
        .find(|c: char| c.is_whitespace() || c == '.' || c == ')')
        .unwrap_or(line.text.len());
    let lead = &line.text[..end];
    (is_marker(lead) && end < line.text.len()).then(|| (lead.to_owned(), false))
}

/// A note id not used yet: the marker, or the marker and its page when notes are
/// numbered page by page.
fn unique_id(marker: &str, page: usize, found: &Footnotes) -> String {
    let taken = |id: &str| found.markers.values().any(|v| v == id);
    if taken(marker) {
        format!("{marker}-p{page}")
    } else {
        marker.to_owned()
    }
}

fn close((id, text, provenance): (String, String, Provenance), found: &mut Footnotes) {
    found.notes.push(Note {
        id,
        blocks: vec![Block {
            kind: BlockKind::paragraph(text),
            lang: Default::default(),
            provenance,
        }],
    });
}

/// A note whose marker the text no longer shows as a reference (its line was
/// joined past recognition) goes back into the text, after the last section:
/// no edition shows a note nothing refers to.
pub fn keep_unreferenced(sections: &mut [Section], notes: &mut Vec<Note>) {
    let referred = Document::note_ids(sections.iter().flat_map(|s| &s.blocks));
    let (kept, orphans): (Vec<Note>, Vec<Note>) = std::mem::take(notes)
        .into_iter()
        .partition(|n| referred.contains(&n.id));
    *notes = kept;
    if let Some(last) = sections.last_mut() {
        last.blocks
            .extend(orphans.into_iter().flat_map(|n| n.blocks));
    }
}

#[cfg(test)]
mod tests {
    use crate::clean::inline::tests::{line, page, raised};
    use crate::input::style::Raise;
    use crate::model::{BlockKind, Inline};

    const BODY: f32 = 10.0;

    #[test]
    fn a_raised_marker_and_the_small_line_at_the_foot_that_opens_with_it_are_a_note() {
        let sup = raised(Raise::Superscript);
        let raw = page(vec![
            line(
                "The clerks wrote every correction in the margin.1 A",
                1,
                (100.0, BODY),
                &[(48..49, sup.clone())],
            ),
            line(
                "reader who ignores them misses half of the story.",
                2,
                (112.0, BODY),
                &[],
            ),
            line(
                "1 The clerks' names are in the county's staff book",
                3,
                (700.0, 8.0),
                &[(0..1, sup.clone())],
            ),
            line("for 1874.", 4, (710.0, 8.0), &[]),
        ]);
        let cleaned = crate::clean::clean(&raw);
        let doc = &cleaned.document;
        assert_eq!(doc.notes.len(), 1);
        assert_eq!(doc.notes[0].id, "1");
        assert_eq!(
            doc.notes[0].blocks[0].kind,
            BlockKind::paragraph("The clerks' names are in the county's staff book for 1874.")
        );
        let BlockKind::Paragraph { content } = &doc.sections[0].blocks[0].kind else {
            panic!("not a paragraph: {:?}", doc.sections[0].blocks[0].kind);
        };
        assert!(
            content.contains(&Inline::NoteRef { id: "1".into() }),
            "{content:?}"
        );
        assert_eq!(doc.sections[0].blocks.len(), 1);
        let moved = cleaned
            .report
            .of_kind(crate::clean::EditKind::Footnote)
            .count();
        assert_eq!(moved, 2);
    }

    #[test]
    fn a_note_at_the_texts_size_is_found_by_the_gap_above_it() {
        let sup = raised(Raise::Superscript);
        let raw = page(vec![
            line(
                "The register is published online,2 with its",
                1,
                (100.0, BODY),
                &[(33..34, sup)],
            ),
            line(
                "transcription, for every page of it.",
                2,
                (112.0, BODY),
                &[],
            ),
            line("2 See the catalogue of the archive.", 3, (600.0, BODY), &[]),
        ]);
        let doc = crate::clean::clean(&raw).document;
        assert_eq!(doc.notes.len(), 1);
        assert_eq!(
            doc.notes[0].blocks[0].kind,
            BlockKind::paragraph("See the catalogue of the archive.")
        );
    }

    #[test]
    fn small_print_whose_marker_nothing_raises_stays_text() {
        let raw = page(vec![
            line(
                "The register is published online, with its",
                1,
                (100.0, BODY),
                &[],
            ),
            line(
                "transcription, for every page of it.",
                2,
                (112.0, BODY),
                &[],
            ),
            line(
                "1 Printed by the county press.",
                3,
                (700.0, 8.0),
                &[(0..1, raised(Raise::Superscript))],
            ),
        ]);
        let doc = crate::clean::clean(&raw).document;
        assert!(doc.notes.is_empty());
        let text: Vec<String> = doc
            .blocks()
            .map(|b| b.kind.plain_text().into_owned())
            .collect();
        assert!(
            text.iter()
                .any(|t| t.contains("Printed by the county press.")),
            "{text:?}"
        );
    }
}
