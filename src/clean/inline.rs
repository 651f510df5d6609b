//! Inline content from how the source set its text: italic and bold faces,
//! typewriter text, superscripts and subscripts, links, note references.
//!
//! The other passes work on plain text; this one runs last. Each block's text
//! is matched, character by character, against the styled characters of the
//! source lines its provenance names (the passes only join lines, drop
//! hyphens, markers and furniture, and normalise a few characters, so the two
//! run side by side), and each run of one style becomes its inline. White
//! space takes the style of the text on both sides of it, else none.
//!
//! A face that sets most of the document's text is its body face, not
//! emphasis (a document set in italic has no italics); a face that sets a
//! whole heading is the heading's own. Each run marked up is an edit of kind
//! `inline-style` in the report: its text, and the Markdown it became.

use std::collections::HashMap;

use super::{EditKind, Report};
use crate::input::style::{Face, Raise, Style};
use crate::input::{RawDoc, RawLine};
use crate::model::{Block, BlockKind, Inline, Note, Provenance, Section};

/// How far ahead in the source a block's next character is looked for before the
/// two are taken to part (a list marker, a dropped hyphen, a normalised ligature).
const NEAR: usize = 8;
/// How far ahead the next few characters are looked for when they have parted
/// (a removed line inside a block's span of lines).
const RESYNC: usize = 400;

/// The note a superscript marker on a page refers to: `(page, marker)` → id.
pub type NoteMarkers = HashMap<(usize, String), String>;

/// Gives every block of `sections` and of the notes the inline content its
/// source's styles say. Does nothing for a source without styles (text and
/// Markdown input).
pub fn restyle(
    sections: &mut [Section],
    notes: &mut [Note],
    raw: &RawDoc,
    markers: &NoteMarkers,
    report: &mut Report,
) {
    let lines: Vec<(usize, &RawLine)> = raw.lines().collect();
    if lines.iter().all(|(_, line)| line.styles.is_empty()) {
        return;
    }
    let source = Source {
        lines,
        body: body_face(raw),
        notes: markers,
    };
    let note_blocks = notes.iter_mut().flat_map(|n| &mut n.blocks);
    for block in sections
        .iter_mut()
        .flat_map(|s| &mut s.blocks)
        .chain(note_blocks)
    {
        source.restyle_block(block, report);
    }
}

/// A face most of the document's text is set in.
fn body_face(raw: &RawDoc) -> Face {
    let (mut total, mut italic, mut bold, mut mono) = (0usize, 0usize, 0usize, 0usize);
    for (_, line) in raw.lines() {
        total += line.text.len();
        for run in &line.styles {
            let n = run.range.len();
            italic += n * usize::from(run.style.face.italic);
            bold += n * usize::from(run.style.face.bold);
            mono += n * usize::from(run.style.face.mono);
        }
    }
    Face {
        italic: italic * 2 > total,
        bold: bold * 2 > total,
        mono: mono * 2 > total,
    }
}

struct Source<'r> {
    /// Every source line with its page, by line number − 1.
    lines: Vec<(usize, &'r RawLine)>,
    body: Face,
    notes: &'r NoteMarkers,
}

/// A source character with its style, page and line.
struct Styled<'r> {
    c: char,
    style: Option<&'r Style>,
    page: usize,
    line: usize,
}

impl<'r> Source<'r> {
    fn restyle_block(&self, block: &mut Block, report: &mut Report) {
        let heading = matches!(block.kind, BlockKind::Heading { .. });
        match &mut block.kind {
            BlockKind::Heading { content, .. } | BlockKind::Paragraph { content } => {
                if let [Inline::Text { text }] = content.as_slice() {
                    if self.has_styles(&block.provenance) {
                        let styled = self.styled(&block.provenance);
                        if let Some(inlines) = self.runs(text, &styled, heading, report) {
                            *content = inlines;
                        }
                    }
                }
            }
            BlockKind::List { items, .. } => {
                for block in items.iter_mut().flat_map(|item| &mut item.blocks) {
                    self.restyle_block(block, report);
                }
            }
            BlockKind::Quote { blocks } => {
                for block in blocks {
                    self.restyle_block(block, report);
                }
            }
            BlockKind::CodeBlock { .. } | BlockKind::Table(_) | BlockKind::ThematicBreak => {}
        }
    }

    /// Whether any source line a block came from is styled (most are not).
    fn has_styles(&self, provenance: &Provenance) -> bool {
        provenance.spans.iter().any(|span| {
            (span.first_line..=span.last_line).any(|number| {
                self.lines
                    .get(number.wrapping_sub(1))
                    .is_some_and(|(_, line)| !line.styles.is_empty())
            })
        })
    }

    /// The non-white-space characters of the source lines a block came from.
    fn styled(&self, provenance: &Provenance) -> Vec<Styled<'r>> {
        let mut out = Vec::new();
        for span in &provenance.spans {
            for number in span.first_line..=span.last_line {
                let Some(&(page, line)) = self.lines.get(number.wrapping_sub(1)) else {
                    continue;
                };
                let mut runs = line.styles.iter().peekable();
                for (at, c) in line.text.char_indices() {
                    while runs.next_if(|r| r.range.end <= at).is_some() {}
                    let style = runs
                        .peek()
                        .filter(|r| r.range.start <= at)
                        .map(|r| &r.style);
                    for c in expand_ligature(c) {
                        if !c.is_whitespace() {
                            out.push(Styled {
                                c,
                                style,
                                page,
                                line: line.number,
                            });
                        }
                    }
                }
            }
        }
        out
    }

    /// The block's text as inline content, or `None` when none of it is styled;
    /// each marked-up run is reported.
    fn runs(
        &self,
        text: &str,
        source: &[Styled<'r>],
        heading: bool,
        report: &mut Report,
    ) -> Option<Vec<Inline>> {
        let chars: Vec<char> = text.chars().collect();
        let found = align(&chars, source);
        let origins: Vec<Option<(usize, usize)>> =
            found.iter().map(|s| s.map(|s| (s.page, s.line))).collect();
        let mut marks: Vec<Option<Mark>> = found
            .into_iter()
            .map(|found| found.map(|s| self.mark(s)))
            .collect();
        fill_white_space(&chars, &mut marks);
        if heading {
            unmark_whole(&chars, &mut marks);
        }
        if marks.iter().all(|m| m.as_ref().is_none_or(Mark::is_plain)) {
            return None;
        }
        let runs = runs_of(&chars, &marks, &origins);
        self.report_runs(&runs, report);
        Some(nest(&runs, 0, self.notes))
    }

    /// One `inline-style` edit for each stretch of marked-up runs.
    fn report_runs(&self, runs: &[Run], report: &mut Report) {
        let mut start = 0;
        while start < runs.len() {
            if runs[start].mark.is_plain() {
                start += 1;
                continue;
            }
            let end = (start..runs.len())
                .find(|&k| runs[k].mark.is_plain())
                .unwrap_or(runs.len());
            let group = &runs[start..end];
            let before: String = group.iter().map(|r| r.text.as_str()).collect();
            let mut after = String::new();
            crate::export::md::push_inlines(&mut after, &nest(group, 0, self.notes));
            let (page, line) = group.iter().find_map(|r| r.origin).unwrap_or_default();
            report.push(EditKind::InlineStyle, page, line, before, after);
            start = end;
        }
    }

    /// What a source character's style means in this document.
    fn mark(&self, styled: &Styled<'r>) -> Mark {
        let Some(style) = styled.style else {
            return Mark::default();
        };
        Mark {
            italic: style.face.italic && !self.body.italic,
            bold: style.face.bold && !self.body.bold,
            mono: style.face.mono && !self.body.mono,
            raise: style.raise,
            link: style.link.as_deref().map(str::to_owned),
            page: (style.raise == Raise::Superscript).then_some(styled.page),
        }
    }
}

/// A ligature's letters (the normalisation pass writes them out).
fn expand_ligature(c: char) -> impl Iterator<Item = char> {
    let letters: &'static str = match c {
        '\u{FB00}' => "ff",
        '\u{FB01}' => "fi",
        '\u{FB02}' => "fl",
        '\u{FB03}' => "ffi",
        '\u{FB04}' => "ffl",
        '\u{FB05}' | '\u{FB06}' => "st",
        _ => "",
    };
    let single = letters.is_empty().then_some(c);
    letters.chars().chain(single)
}

/// For each character of the block, the source character it is (`None` for white
/// space and for characters not found).
fn align<'s, 'r>(chars: &[char], source: &'s [Styled<'r>]) -> Vec<Option<&'s Styled<'r>>> {
    let mut found = Vec::with_capacity(chars.len());
    let mut j = 0;
    for (i, &c) in chars.iter().enumerate() {
        if c.is_whitespace() {
            found.push(None);
            continue;
        }
        let near = source[j.min(source.len())..]
            .iter()
            .take(NEAR)
            .position(|s| s.c == c)
            .map(|k| j + k)
            .or_else(|| resync(chars, i, source, j));
        match near {
            Some(k) => {
                found.push(Some(&source[k]));
                j = k + 1;
            }
            None => found.push(None),
        }
    }
    found
}

/// Where the block's next few characters from `i` occur together in the source
/// after `j`.
fn resync(chars: &[char], i: usize, source: &[Styled], j: usize) -> Option<usize> {
    let next: Vec<char> = chars[i..]
        .iter()
        .filter(|c| !c.is_whitespace())
        .take(4)
        .copied()
        .collect();
    let end = source.len().min(j + RESYNC);
    (j..end.saturating_sub(next.len() - 1))
        .find(|&k| next.iter().enumerate().all(|(d, &c)| source[k + d].c == c))
}

/// How one character is set, as the model marks it up.
#[derive(Debug, Clone, Default, PartialEq)]
struct Mark {
    italic: bool,
    bold: bool,
    mono: bool,
    raise: Raise,
    link: Option<String>,
    /// The page of a superscript, which may be a note marker.
    page: Option<usize>,
}

impl Mark {
    /// What two marks share.
    fn common(&self, other: &Mark) -> Mark {
        let same = |a, b| a == b;
        Mark {
            italic: self.italic && other.italic,
            bold: self.bold && other.bold,
            mono: self.mono && other.mono,
            raise: if same(self.raise, other.raise) {
                self.raise
            } else {
                Raise::Baseline
            },
            link: self.link.clone().filter(|l| other.link.as_ref() == Some(l)),
            page: self.page.filter(|p| other.page == Some(*p)),
        }
    }

    fn is_plain(&self) -> bool {
        !self.italic
            && !self.bold
            && !self.mono
            && self.raise == Raise::Baseline
            && self.link.is_none()
    }
}

/// White space takes what the marks of the characters on both sides of it
/// share; a character not found, the mark of the one before it.
fn fill_white_space(chars: &[char], marks: &mut [Option<Mark>]) {
    let mut i = 0;
    while i < marks.len() {
        if marks[i].is_some() {
            i += 1;
            continue;
        }
        let end = (i..marks.len())
            .find(|&k| marks[k].is_some())
            .unwrap_or(marks.len());
        let before = i.checked_sub(1).and_then(|k| marks[k].clone());
        let after = marks.get(end).cloned().flatten();
        let fill = match (before, after) {
            // A character not found beside a found one (not white space) is set like it.
            (Some(b), _) if !chars[i].is_whitespace() => b,
            (Some(b), Some(a)) => b.common(&a),
            _ => Mark::default(),
        };
        for mark in &mut marks[i..end] {
            *mark = Some(fill.clone());
        }
        i = end;
    }
}

/// A face that sets all of a heading's letters is the heading's own.
fn unmark_whole(chars: &[char], marks: &mut [Option<Mark>]) {
    let letters = || {
        chars
            .iter()
            .zip(marks.iter())
            .filter(|(c, _)| !c.is_whitespace())
            .filter_map(|(_, m)| m.as_ref())
    };
    let all = |f: fn(&Mark) -> bool| letters().all(f);
    let (italic, bold) = (all(|m| m.italic), all(|m| m.bold));
    for mark in marks.iter_mut().flatten() {
        mark.italic &= !italic;
        mark.bold &= !bold;
    }
}

/// A run of a block's text in one mark, and the source page and line it starts on.
struct Run {
    text: String,
    mark: Mark,
    origin: Option<(usize, usize)>,
}

/// The block's text cut into runs of one mark.
fn runs_of(chars: &[char], marks: &[Option<Mark>], origins: &[Option<(usize, usize)>]) -> Vec<Run> {
    let mut runs: Vec<Run> = Vec::new();
    for ((&c, mark), origin) in chars.iter().zip(marks).zip(origins) {
        let mark = mark.clone().unwrap_or_default();
        match runs.last_mut() {
            Some(run) if run.mark == mark => {
                run.text.push(c);
                run.origin = run.origin.or(*origin);
            }
            _ => runs.push(Run {
                text: c.to_string(),
                mark,
                origin: *origin,
            }),
        }
    }
    runs
}

/// The levels of mark-up, outermost first: a link holds emphasis, not the
/// other way round.
const LEVELS: usize = 5;

/// Runs as nested inlines: consecutive runs that share the mark of a level are
/// wrapped in that level's inline once.
fn nest(runs: &[Run], level: usize, notes: &NoteMarkers) -> Vec<Inline> {
    if level == LEVELS {
        return merge_text(runs.iter().map(|r| Inline::text(r.text.as_str())).collect());
    }
    let key = |mark: &Mark| -> Option<String> {
        match level {
            0 => mark.link.clone(),
            1 => mark.bold.then(String::new),
            2 => mark.italic.then(String::new),
            3 => match mark.raise {
                Raise::Baseline => None,
                Raise::Superscript => Some("sup".into()),
                Raise::Subscript => Some("sub".into()),
            },
            _ => mark.mono.then(String::new),
        }
    };
    let mut out = Vec::new();
    let mut start = 0;
    while start < runs.len() {
        let k = key(&runs[start].mark);
        let end = (start..runs.len())
            .find(|&e| key(&runs[e].mark) != k)
            .unwrap_or(runs.len());
        let group = &runs[start..end];
        out.extend(wrap(level, k, group, notes));
        start = end;
    }
    merge_text(out)
}

/// The inlines of a group of runs that share the mark `key` of `level`; a
/// superscript that is the marker of a note on its page refers to the note.
fn wrap(level: usize, key: Option<String>, group: &[Run], notes: &NoteMarkers) -> Vec<Inline> {
    let inner = || nest(group, level + 1, notes);
    let Some(key) = key else {
        return inner();
    };
    let text = || group.iter().map(|r| r.text.as_str()).collect::<String>();
    if level == 3 && key == "sup" {
        let marker = text().trim().to_owned();
        let note = group[0]
            .mark
            .page
            .and_then(|page| notes.get(&(page, marker)));
        if let Some(id) = note {
            return vec![Inline::NoteRef { id: id.clone() }];
        }
    }
    match level {
        0 => vec![Inline::Link {
            target: key,
            content: inner(),
        }],
        1 => vec![Inline::Strong { content: inner() }],
        2 => vec![Inline::Emphasis { content: inner() }],
        3 if key == "sup" => vec![Inline::Superscript { content: inner() }],
        3 => vec![Inline::Subscript { content: inner() }],
        _ => vec![Inline::Code { text: text() }],
    }
}

/// Neighbouring text inlines as one.
fn merge_text(inlines: Vec<Inline>) -> Vec<Inline> {
    let mut out: Vec<Inline> = Vec::with_capacity(inlines.len());
    for inline in inlines {
        match (out.last_mut(), inline) {
            (Some(Inline::Text { text }), Inline::Text { text: more }) => text.push_str(&more),
            (_, inline) => out.push(inline),
        }
    }
    out
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::input::style::StyledRun;
    use crate::input::{LineGeometry, RawPage};
    use crate::model::Inline as I;

    /// A source line of a PDF page at `top`, set in `size`, with styled runs.
    pub(crate) fn line(
        text: &str,
        number: usize,
        (top, size): (f32, f32),
        runs: &[(std::ops::Range<usize>, Style)],
    ) -> RawLine {
        RawLine {
            text: text.to_owned(),
            number,
            geometry: Some(LineGeometry {
                top,
                left: 72.0,
                right: 72.0 + 5.0 * text.len() as f32,
                font_size: size,
                column_left: 72.0,
                columns: 1,
                cell: None,
            }),
            styles: runs
                .iter()
                .map(|(range, style)| StyledRun {
                    range: range.clone(),
                    style: style.clone(),
                })
                .collect(),
        }
    }

    pub(crate) fn page(lines: Vec<RawLine>) -> RawDoc {
        RawDoc {
            pages: vec![RawPage {
                number: 1,
                lines,
                size: Some((612.0, 792.0)),
            }],
            ..RawDoc::default()
        }
    }

    pub(crate) fn face(italic: bool, bold: bool, mono: bool) -> Style {
        Style {
            face: Face { italic, bold, mono },
            ..Style::default()
        }
    }

    pub(crate) fn raised(raise: Raise) -> Style {
        Style {
            raise,
            ..Style::default()
        }
    }

    fn link(uri: &str) -> Style {
        Style {
            link: Some(uri.into()),
            ..Style::default()
        }
    }

    fn blocks(raw: &RawDoc) -> Vec<BlockKind> {
        let cleaned = crate::clean::clean(raw);
        cleaned
            .document
            .sections
            .into_iter()
            .flat_map(|s| s.blocks)
            .map(|b| b.kind)
            .collect()
    }

    fn text(t: &str) -> Inline {
        Inline::text(t)
    }

    #[test]
    fn faces_become_emphasis_strong_and_code_across_joined_lines() {
        let raw = page(vec![
            line(
                "The register of the county was kept in the",
                1,
                (100.0, 10.0),
                &[(39..42, face(true, false, false))],
            ),
            line(
                "hall for a long time, as the records",
                2,
                (112.0, 10.0),
                &[
                    (0..4, face(true, false, false)),
                    (11..15, face(false, true, false)),
                ],
            ),
            line(
                "under REG-02 show for every year.",
                3,
                (124.0, 10.0),
                &[(6..12, face(false, false, true))],
            ),
        ]);
        let content = vec![
            text("The register of the county was kept in "),
            I::Emphasis {
                content: vec![text("the hall")],
            },
            text(" for a "),
            I::Strong {
                content: vec![text("long")],
            },
            text(" time, as the records under "),
            I::Code {
                text: "REG-02".into(),
            },
            text(" show for every year."),
        ];
        assert_eq!(blocks(&raw), vec![BlockKind::Paragraph { content }]);
    }

    #[test]
    fn a_link_over_two_lines_is_one_link_holding_its_emphasis() {
        let uri = "https://example.org/a";
        let both = Style {
            face: Face {
                italic: true,
                ..Face::default()
            },
            link: Some(uri.into()),
            ..Style::default()
        };
        let raw = page(vec![
            line(
                "The scans are at the county",
                1,
                (100.0, 10.0),
                &[(21..27, link(uri))],
            ),
            line(
                "archive online, with their catalogue.",
                2,
                (112.0, 10.0),
                &[(0..7, link(uri)), (8..14, both)],
            ),
        ]);
        let content = vec![
            text("The scans are at the "),
            I::Link {
                target: uri.into(),
                content: vec![
                    text("county archive "),
                    I::Emphasis {
                        content: vec![text("online")],
                    },
                ],
            },
            text(", with their catalogue."),
        ];
        assert_eq!(blocks(&raw), vec![BlockKind::Paragraph { content }]);
    }

    #[test]
    fn a_body_face_and_a_heading_face_are_not_emphasis() {
        // Set in italic throughout, with a bold heading: nothing to mark up.
        let italic = face(true, false, false);
        let raw = page(vec![
            line(
                "Corrections",
                1,
                (80.0, 14.0),
                &[(0..11, face(true, true, false))],
            ),
            line(
                "Most corrections are in one hand, which the",
                2,
                (100.0, 10.0),
                &[(0..43, italic.clone())],
            ),
            line(
                "catalogue calls the second clerk of the county.",
                3,
                (112.0, 10.0),
                &[(0..47, italic)],
            ),
        ]);
        assert_eq!(
            blocks(&raw),
            vec![
                BlockKind::heading(1, "Corrections"),
                BlockKind::paragraph("Most corrections are in one hand, which the catalogue calls the second clerk of the county."),
            ]
        );
    }

    #[test]
    fn raised_and_lowered_glyphs_are_superscripts_and_subscripts() {
        let raw = page(vec![line(
            "Water is H2O and the area is 12 m2 in all of the house.",
            1,
            (100.0, 10.0),
            &[
                (10..11, raised(Raise::Subscript)),
                (33..34, raised(Raise::Superscript)),
            ],
        )]);
        let content = vec![
            text("Water is H"),
            I::Subscript {
                content: vec![text("2")],
            },
            text("O and the area is 12 m"),
            I::Superscript {
                content: vec![text("2")],
            },
            text(" in all of the house."),
        ];
        assert_eq!(blocks(&raw), vec![BlockKind::Paragraph { content }]);
    }

    #[test]
    fn text_without_styles_is_left_as_it_is() {
        let mut raw = page(vec![line("Plain text of the page.", 1, (100.0, 10.0), &[])]);
        raw.pages[0].lines[0].geometry = None;
        assert_eq!(
            blocks(&raw),
            vec![BlockKind::paragraph("Plain text of the page.")]
        );
    }
}
