//! Setting one block of text into lines: runs by face, shaping, break
//! opportunities, greedy filling with hyphenation, justification with a
//! ragged last line, and a small gap where Latin meets CJK.

use super::breaks::{hyphenation_points, opportunities};
use super::shape::Shaper;
use crate::fonts::script::{class_of, is_cjk_letter, is_east_asian_lang, Class};
use crate::fonts::{FaceId, FontBook, Marks, Role};
use std::collections::BTreeSet;

/// The gap between a CJK letter and a Latin letter or digit, in em.
pub const SCRIPT_GAP: f32 = 0.08;

/// The source text of a glyph's cluster. Nearly every cluster is one
/// character, kept inline: a long document holds millions of glyphs.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum ClusterText {
    /// A later glyph of a cluster (the first carries the text).
    #[default]
    Empty,
    One(char),
    Several(Box<str>),
}

impl ClusterText {
    pub fn new(text: &str) -> ClusterText {
        let mut chars = text.chars();
        match (chars.next(), chars.next()) {
            (None, _) => ClusterText::Empty,
            (Some(c), None) => ClusterText::One(c),
            _ => ClusterText::Several(text.into()),
        }
    }

    pub fn is_empty(&self) -> bool {
        matches!(self, ClusterText::Empty)
    }

    /// Its length in bytes of UTF-8.
    pub fn len(&self) -> usize {
        match self {
            ClusterText::Empty => 0,
            ClusterText::One(c) => c.len_utf8(),
            ClusterText::Several(text) => text.len(),
        }
    }
}

impl std::fmt::Display for ClusterText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ClusterText::Empty => Ok(()),
            ClusterText::One(c) => write!(f, "{c}"),
            ClusterText::Several(text) => f.write_str(text),
        }
    }
}

/// A glyph placed on a line.
#[derive(Debug, Clone, PartialEq)]
pub struct Glyph {
    pub face: FaceId,
    pub gid: u16,
    /// From the line's start, in points.
    pub x: f32,
    /// Up from the baseline, in points.
    pub y: f32,
    pub size: f32,
    /// The source text of the glyph's cluster (empty for the second and
    /// later glyphs of one cluster).
    pub text: ClusterText,
    /// The link the glyph belongs to: 0 for none, else a 1-based index into
    /// its block's link targets.
    pub link: u16,
    /// Struck through (the model's strikeout).
    pub struck: bool,
}

/// One line of set text.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Line {
    pub glyphs: Vec<Glyph>,
    pub width: f32,
}

/// How a block's text is set.
#[derive(Debug, Clone)]
pub struct TextStyle {
    pub role: Role,
    pub size: f32,
    pub lang: String,
    pub justify: bool,
    pub hyphenate: bool,
}

/// Marks over a byte range of a block's text: the faces they ask for
/// (italic, bold, code) and a raise (1 superscript, -1 subscript).
#[derive(Debug, Clone, PartialEq)]
pub struct MarkSpan {
    pub range: std::ops::Range<usize>,
    pub marks: Marks,
    pub raise: i8,
    /// 0, or the 1-based index of the link target the text leads to.
    pub link: u16,
    /// Struck through.
    pub struck: bool,
}

/// How much smaller raised and lowered text is, and how far it moves, in em.
const RAISED_SCALE: f32 = 0.7;
const RAISE: f32 = 0.33;

/// A glyph before placement.
#[derive(Debug, Clone)]
struct Proto {
    face: FaceId,
    gid: u16,
    advance: f32,
    x_offset: f32,
    y_offset: f32,
    /// Of the style's size (smaller for raised text).
    scale: f32,
    text: ClusterText,
    link: u16,
    struck: bool,
}

/// A run of glyphs: a piece's content or its trailing spaces.
#[derive(Debug, Clone, Default)]
struct Frag {
    glyphs: Vec<Proto>,
    width: f32,
}

/// The text between two break opportunities.
#[derive(Debug, Clone)]
struct Piece {
    start: usize,
    /// End of the content, before trailing spaces.
    end: usize,
    content: Frag,
    space: Frag,
    /// Gap before the piece when it does not start a line (script change).
    lead_gap: f32,
    mandatory_after: bool,
    /// Ends in a CJK character: justification may widen the gap after it.
    cjk_end: bool,
}

/// How much of a block's text is set at once: a paragraph longer than this
/// (about ten thousand words; real ones never are) is set a window at a time.
pub const WINDOW: usize = 64 << 10;

/// Where a set line starts in its text, and how many lines in a row before it
/// ended with an added hyphen: what setting needs to start again there.
#[derive(Debug, Clone, Copy)]
struct LineStart {
    at: usize,
    hyphen_run: usize,
}

/// Lines as they are filled, with their starts.
#[derive(Default)]
struct SetLines {
    lines: Vec<Line>,
    starts: Vec<LineStart>,
    /// The hyphen run when the line being filled began.
    run_at_start: usize,
}

/// The end of the window of `text` from `start`: `window` bytes on, moved to
/// the next character boundary.
fn window_end(text: &str, start: usize, window: usize) -> usize {
    let mut end = start.saturating_add(window).min(text.len());
    while !text.is_char_boundary(end) {
        end += 1;
    }
    end
}

/// A block's text with what setting it needs: the face of each character,
/// a char index per byte, and where scripts meet.
struct Prepared<'t> {
    text: &'t str,
    faces: Vec<FaceId>,
    /// The raise, and the link and strike, of each character (see
    /// [`MarkSpan`]; empty when no span marks the text).
    raises: Vec<i8>,
    links: Vec<(u16, bool)>,
    char_index: Vec<usize>,
    gaps: Vec<usize>,
    size: f32,
}

/// Receives the lines of a text in runs, with the setter to go on with.
pub type RunSink<'s> = dyn for<'b> FnMut(&mut Setter<'b>, Vec<Line>) -> Result<(), String> + 's;

/// Sets text for one edition; collects the characters no font covers.
pub struct Setter<'a> {
    pub book: &'a mut FontBook,
    pub shaper: &'a mut Shaper,
    pub uncovered: BTreeSet<char>,
    /// Why setting stopped short (the memory budget passed in a long block):
    /// the edition must fail, not go on without the rest of the text.
    pub stopped: Option<String>,
}

impl Setter<'_> {
    /// The face and the raise of each character of `text`, which starts at
    /// byte `base` of the text `spans` mark.
    fn faces(
        &mut self,
        text: &str,
        style: &TextStyle,
        spans: &[MarkSpan],
        base: usize,
    ) -> (Vec<FaceId>, Vec<i8>, Vec<(u16, bool)>) {
        let east_asian = is_east_asian_lang(&style.lang);
        let mut faces = Vec::with_capacity(text.len());
        let marked = if spans.is_empty() { 0 } else { text.len() };
        let mut raises = Vec::with_capacity(marked);
        let mut links = Vec::with_capacity(marked);
        let mut last: Option<FaceId> = None;
        let mut span = 0;
        for (at, c) in text.char_indices() {
            let at = base + at;
            while spans.get(span).is_some_and(|s| s.range.end <= at) {
                span += 1;
            }
            let (marks, raise, link) = match spans.get(span).filter(|s| s.range.start <= at) {
                Some(s) => (s.marks, s.raise, (s.link, s.struck)),
                None => (Marks::NONE, 0, (0, false)),
            };
            if !spans.is_empty() {
                raises.push(raise);
                links.push(link);
            }
            let class = class_of(c, east_asian);
            // Combining marks and joiners stay with their base's face.
            let face = match last.filter(|&f| is_mark(c) && self.book.face(f).covers(c)) {
                Some(face) => face,
                None => match self.book.face_marked(style.role, class, marks, c) {
                    Ok(face) => face,
                    Err(uncovered) => {
                        // A line break is no character to draw.
                        if !c.is_control() {
                            self.uncovered.insert(uncovered.ch);
                        }
                        self.book
                            .primary(style.role, class)
                            .or_else(|| self.book.primary(style.role, Class::Latin))
                            .unwrap_or(0)
                    }
                },
            };
            last = Some(face);
            faces.push(face);
        }
        (faces, raises, links)
    }

    /// Shapes `text[range]` run by run (one face a run).
    fn frag(&mut self, prep: &Prepared, start: usize, end: usize) -> Frag {
        let Prepared {
            text,
            faces,
            raises,
            links,
            char_index,
            gaps,
            size,
        } = prep;
        let (text, style_size) = (*text, *size);
        let raise_of = |at: usize| raises.get(char_index[at]).copied().unwrap_or(0);
        let mut frag = Frag::default();
        let mut run_start = start;
        while run_start < end {
            let face = faces[char_index[run_start]];
            let raise = raise_of(run_start);
            let mut run_end = run_start;
            for (k, c) in text[run_start..end].char_indices() {
                let at = run_start + k;
                if faces[char_index[at]] != face
                    || raise_of(at) != raise
                    || (at > run_start && gaps.binary_search(&at).is_ok())
                {
                    break;
                }
                run_end = at + c.len_utf8();
            }
            let run = &text[run_start..run_end];
            let shaped = self.shaper.shape(self.book, face, run);
            let glyph_scale = if raise == 0 { 1.0 } else { RAISED_SCALE };
            let size = style_size * glyph_scale;
            let lift = f32::from(raise) * RAISE * style_size;
            let scale = size / f32::from(self.book.face(face).units_per_em);
            // Cluster starts in text order: a cluster runs to the next one.
            let mut starts: Vec<usize> = shaped.iter().map(|g| g.cluster).collect();
            starts.sort_unstable();
            starts.dedup();
            for (k, g) in shaped.iter().enumerate() {
                let first_of_cluster = k == 0 || shaped[k - 1].cluster != g.cluster;
                let text_of = if first_of_cluster {
                    let next = starts
                        .get(starts.partition_point(|&c| c <= g.cluster))
                        .copied()
                        .unwrap_or(run.len());
                    ClusterText::new(&run[g.cluster..next])
                } else {
                    ClusterText::Empty
                };
                let advance = g.advance as f32 * scale;
                frag.width += advance;
                let (link, struck) = links
                    .get(char_index[run_start + g.cluster])
                    .copied()
                    .unwrap_or((0, false));
                frag.glyphs.push(Proto {
                    face,
                    gid: g.gid,
                    advance,
                    x_offset: g.x_offset as f32 * scale,
                    y_offset: g.y_offset as f32 * scale + lift,
                    scale: glyph_scale,
                    text: text_of,
                    link,
                    struck,
                });
            }
            if run_end < end && gaps.binary_search(&run_end).is_ok() {
                if let Some(last) = frag.glyphs.last_mut() {
                    last.advance += SCRIPT_GAP * style_size;
                    frag.width += SCRIPT_GAP * style_size;
                }
            }
            run_start = run_end;
        }
        frag
    }

    /// A hyphen in `face`.
    fn hyphen(&mut self, face: FaceId, size: f32) -> Proto {
        let shaped = self.shaper.shape(self.book, face, "-");
        let scale = size / f32::from(self.book.face(face).units_per_em);
        let g = &shaped[0];
        Proto {
            face,
            gid: g.gid,
            advance: g.advance as f32 * scale,
            x_offset: 0.0,
            y_offset: 0.0,
            scale: 1.0,
            text: ClusterText::One('-'),
            link: 0,
            struck: false,
        }
    }

    /// Sets `text` into lines `width` points wide.
    pub fn set(&mut self, text: &str, style: &TextStyle, width: f32) -> Vec<Line> {
        self.set_marked(text, &[], style, width)
    }

    /// Sets `text`, marked up by `spans` (sorted, apart), into lines `width`
    /// points wide.
    pub fn set_marked(
        &mut self,
        text: &str,
        spans: &[MarkSpan],
        style: &TextStyle,
        width: f32,
    ) -> Vec<Line> {
        let mut lines = Vec::new();
        let collected = self.set_in_runs(text, spans, style, width, &mut |_, run| {
            lines.extend(run);
            Ok(())
        });
        debug_assert!(collected.is_ok(), "collecting lines cannot fail");
        lines
    }

    /// Sets `text` into lines `width` points wide, handing them to `each` in runs:
    /// a long text is set a window at a time, so that its lines, glyphs and
    /// break opportunities are never all held at once. The lines are those
    /// setting it whole would give (see [`WINDOW`]). Stops at the first error of
    /// `each`; a stop for memory is left in [`Setter::stopped`].
    pub fn set_in_runs(
        &mut self,
        text: &str,
        spans: &[MarkSpan],
        style: &TextStyle,
        width: f32,
        each: &mut RunSink,
    ) -> Result<(), String> {
        self.set_windowed(text, spans, style, width, WINDOW, each)
    }

    fn set_windowed(
        &mut self,
        text: &str,
        spans: &[MarkSpan],
        style: &TextStyle,
        width: f32,
        window: usize,
        each: &mut RunSink,
    ) -> Result<(), String> {
        let (mut start, mut hyphen_run) = (0, 0);
        while start < text.len() {
            if let Err(why) = crate::memory::check(|| "setting a long block".into()) {
                self.stopped = Some(why);
                return Ok(());
            }
            let end = window_end(text, start, window);
            let (mut lines, starts) =
                self.set_whole(&text[start..end], (spans, start), style, width, hyphen_run);
            // The last two lines of a window may differ from the whole text's (its
            // end cuts a word, and the last word is never hyphenated): they are
            // set again at the head of the next window.
            let restart = starts
                .get(lines.len().saturating_sub(2))
                .filter(|r| r.at > 0);
            match restart {
                Some(&LineStart {
                    at,
                    hyphen_run: run,
                }) if end < text.len() => {
                    lines.truncate(lines.len() - 2);
                    start += at;
                    hyphen_run = run;
                }
                _ => start = end,
            }
            if self.stopped.is_some() {
                return Ok(());
            }
            each(self, lines)?;
        }
        Ok(())
    }

    /// Sets all of `text` at once, after `hyphen_run` hyphenated lines; with
    /// where each line starts.
    fn set_whole(
        &mut self,
        text: &str,
        (spans, base): (&[MarkSpan], usize),
        style: &TextStyle,
        width: f32,
        hyphen_run: usize,
    ) -> (Vec<Line>, Vec<LineStart>) {
        if text.is_empty() {
            return (Vec::new(), Vec::new());
        }
        let (faces, raises, links) = self.faces(text, style, spans, base);
        // Byte offset -> char index.
        let mut char_index = vec![0; text.len() + 1];
        for (n, (at, c)) in text.char_indices().enumerate() {
            char_index[at..at + c.len_utf8()].fill(n);
        }
        char_index[text.len()] = faces.len();
        let prep = Prepared {
            text,
            faces,
            raises,
            links,
            char_index,
            gaps: script_gaps(text),
            size: style.size,
        };
        let gaps = &prep.gaps;
        let mut pieces = Vec::new();
        let mut start = 0;
        for (n, brk) in opportunities(text).into_iter().enumerate() {
            if n % 65_536 == 65_535 {
                if let Err(why) = crate::memory::check(|| "setting a long block".into()) {
                    self.stopped = Some(why);
                    return (Vec::new(), Vec::new());
                }
            }
            let slice = &text[start..brk.at];
            let content_len = slice.trim_end_matches([' ', '\n', '\t']).len();
            let end = start + content_len;
            let content = self.frag(&prep, start, end);
            let space = self.frag(&prep, end, brk.at);
            let space = Frag {
                glyphs: space
                    .glyphs
                    .into_iter()
                    .filter(|g| g.text != ClusterText::One('\n'))
                    .collect(),
                ..space
            };
            let lead_gap = if start > 0 && gaps.binary_search(&start).is_ok() {
                SCRIPT_GAP * style.size
            } else {
                0.0
            };
            let cjk_end = text[start..end]
                .chars()
                .next_back()
                .is_some_and(|c| class_of(c, true) == Class::Cjk);
            pieces.push(Piece {
                start,
                end,
                content,
                space,
                lead_gap,
                mandatory_after: brk.mandatory,
                cjk_end,
            });
            start = brk.at;
        }
        self.fill(&prep, pieces, style, width, hyphen_run)
    }

    /// Fills lines greedily with `pieces`, after `hyphen_run` lines in a row
    /// that ended with an added hyphen.
    fn fill(
        &mut self,
        prep: &Prepared,
        pieces: Vec<Piece>,
        style: &TextStyle,
        width: f32,
        mut hyphen_run: usize,
    ) -> (Vec<Line>, Vec<LineStart>) {
        let mut lines = SetLines::default();
        let mut current: Vec<Piece> = Vec::new();
        let mut queue: std::collections::VecDeque<Piece> = pieces.into();
        while let Some(piece) = queue.pop_front() {
            if current.is_empty() {
                lines.run_at_start = hyphen_run;
            }
            let used = natural_width(&current);
            let extra = if current.is_empty() {
                piece.content.width
            } else {
                current.last().map_or(0.0, |p| p.space.width) + piece.lead_gap + piece.content.width
            };
            if used + extra <= width + 0.01 || current.is_empty() && !style.hyphenate {
                let mandatory = piece.mandatory_after;
                current.push(piece);
                if mandatory {
                    self.finish_line(
                        &mut lines,
                        std::mem::take(&mut current),
                        style,
                        width,
                        false,
                    );
                }
                continue;
            }
            // Overflow: hyphenate the piece if the line would otherwise be
            // loose, never on more than two lines in a row, and never the
            // last word (its tail would make a short last line).
            let loose = (width - used) / slots(&current).max(1) as f32 > 0.12 * style.size;
            if style.hyphenate && loose && hyphen_run < 2 && !queue.is_empty() {
                if let Some((head, tail)) = self.hyphenate(prep, &piece, &current, style, width) {
                    current.push(head);
                    self.finish_line(&mut lines, std::mem::take(&mut current), style, width, true);
                    hyphen_run += 1;
                    queue.push_front(tail);
                    continue;
                }
            }
            hyphen_run = 0;
            if current.is_empty() {
                // A piece wider than the line (a long URL, a string of symbols):
                // cut where each line is full, so that nothing runs off the page;
                // what follows may join its last part.
                let mut parts = cut_to_fit(piece, width);
                let last = parts.pop().expect("at least one part");
                for part in parts {
                    self.finish_line(&mut lines, vec![part], style, width, false);
                    lines.run_at_start = hyphen_run;
                }
                if last.content.width > width + 0.01 {
                    // One cluster wider than the line: it stands alone.
                    let mandatory = last.mandatory_after;
                    current.push(last);
                    if mandatory || !queue.is_empty() {
                        self.finish_line(
                            &mut lines,
                            std::mem::take(&mut current),
                            style,
                            width,
                            true,
                        );
                    }
                } else {
                    queue.push_front(last);
                }
                continue;
            }
            self.finish_line(&mut lines, std::mem::take(&mut current), style, width, true);
            queue.push_front(piece);
        }
        if !current.is_empty() {
            self.finish_line(&mut lines, current, style, width, false);
        }
        (lines.lines, lines.starts)
    }

    /// Places `pieces` as the next line, noting where it starts.
    fn finish_line(
        &mut self,
        lines: &mut SetLines,
        pieces: Vec<Piece>,
        style: &TextStyle,
        width: f32,
        justify: bool,
    ) {
        lines.starts.push(LineStart {
            at: pieces.first().map_or(0, |p| p.start),
            hyphen_run: lines.run_at_start,
        });
        lines.lines.push(self.place(pieces, style, width, justify));
    }

    /// Splits `piece` at the last hyphenation point whose head (with a
    /// hyphen) still fits after `current`.
    fn hyphenate(
        &mut self,
        prep: &Prepared,
        piece: &Piece,
        current: &[Piece],
        style: &TextStyle,
        width: f32,
    ) -> Option<(Piece, Piece)> {
        let text = prep.text;
        let content = &text[piece.start..piece.end];
        let core_start = content.find(char::is_alphabetic)?;
        let core_end = content
            .rfind(char::is_alphabetic)
            .map(|k| k + content[k..].chars().next().map_or(1, char::len_utf8))?;
        let core = &content[core_start..core_end];
        // Each part of a compound (`decision-making`) hyphenates on its own.
        let mut points = Vec::new();
        let mut offset = 0;
        for part in core.split(['-', '\u{2010}']) {
            points.extend(
                hyphenation_points(part, &style.lang)
                    .into_iter()
                    .map(|p| offset + p),
            );
            offset += part.len() + 1;
        }
        let used = natural_width(current);
        let before = if current.is_empty() {
            0.0
        } else {
            current.last().map_or(0.0, |p| p.space.width) + piece.lead_gap
        };
        // The head's width before the hyphen, from the piece's own glyphs, so
        // that only a head that can fit is shaped again (shaping every head of
        // a long word would be quadratic).
        let mut cluster_ends = Vec::with_capacity(piece.content.glyphs.len());
        let (mut offset, mut running) = (piece.start, 0.0);
        for g in &piece.content.glyphs {
            offset += g.text.len();
            running += g.advance;
            cluster_ends.push((offset, running));
        }
        let width_before = |split: usize| {
            let k = cluster_ends.partition_point(|&(end, _)| end <= split);
            k.checked_sub(1).map_or(0.0, |k| cluster_ends[k].1)
        };
        for &point in points.iter().rev() {
            let split = piece.start + core_start + point;
            if used + before + width_before(split) > width + 0.01 {
                continue;
            }
            let mut head = self.frag(prep, piece.start, split);
            let last_face = prep.faces[prep.char_index[split - 1]];
            let hyphen = self.hyphen(last_face, style.size);
            head.width += hyphen.advance;
            head.glyphs.push(hyphen);
            if used + before + head.width <= width + 0.01 {
                let tail = self.frag(prep, split, piece.end);
                let head_piece = Piece {
                    start: piece.start,
                    end: split,
                    content: head,
                    space: Frag::default(),
                    lead_gap: piece.lead_gap,
                    mandatory_after: false,
                    cjk_end: false,
                };
                let tail_piece = Piece {
                    start: split,
                    content: tail,
                    lead_gap: 0.0,
                    ..piece.clone()
                };
                return Some((head_piece, tail_piece));
            }
        }
        None
    }

    /// Places the glyphs of a line's pieces, justified unless `ragged`.
    fn place(&mut self, pieces: Vec<Piece>, style: &TextStyle, width: f32, justify: bool) -> Line {
        let natural = natural_width(&pieces);
        let n = pieces.len();
        let slots = slots(&pieces);
        let stretch = if justify && style.justify && slots > 0 && natural < width {
            (width - natural) / slots as f32
        } else {
            0.0
        };
        let mut line = Line::default();
        let mut x = 0.0;
        for (k, piece) in pieces.into_iter().enumerate() {
            if k > 0 {
                x += piece.lead_gap;
            }
            for g in piece.content.glyphs {
                push(&mut line, &g, x, style.size);
                x += g.advance;
            }
            if k + 1 < n {
                if piece.space.glyphs.is_empty() {
                    if piece.cjk_end {
                        x += stretch;
                    }
                } else {
                    for g in piece.space.glyphs {
                        push(&mut line, &g, x, style.size);
                        x += g.advance + stretch;
                    }
                }
            }
        }
        line.width = x;
        // Lines stay until the page is written: hold only what they use.
        line.glyphs.shrink_to_fit();
        line
    }
}

/// Cuts a piece wider than `width` into parts that each fit (at least one
/// cluster a part), in one pass over its glyphs; a piece that fits comes back whole.
fn cut_to_fit(piece: Piece, width: f32) -> Vec<Piece> {
    if piece.content.width <= width + 0.01 {
        return vec![piece];
    }
    let Piece {
        start,
        end,
        content,
        space,
        lead_gap,
        mandatory_after,
        cjk_end,
    } = piece;
    let mut parts = Vec::new();
    let mut part = Frag::default();
    let mut part_start = start;
    let mut at = start;
    for g in content.glyphs {
        // A cluster starts where its glyph carries text.
        let starts_cluster = !g.text.is_empty();
        if starts_cluster && !part.glyphs.is_empty() && part.width + g.advance > width + 0.01 {
            parts.push(Piece {
                start: part_start,
                end: at,
                content: std::mem::take(&mut part),
                space: Frag::default(),
                lead_gap: if parts.is_empty() { lead_gap } else { 0.0 },
                mandatory_after: false,
                cjk_end: false,
            });
            part_start = at;
        }
        at += g.text.len();
        part.width += g.advance;
        part.glyphs.push(g);
    }
    parts.push(Piece {
        start: part_start,
        end,
        content: part,
        space,
        lead_gap: if parts.is_empty() { lead_gap } else { 0.0 },
        mandatory_after,
        cjk_end,
    });
    parts
}

fn push(line: &mut Line, g: &Proto, x: f32, size: f32) {
    line.glyphs.push(Glyph {
        face: g.face,
        gid: g.gid,
        x: x + g.x_offset,
        y: g.y_offset,
        size: size * g.scale,
        text: g.text.clone(),
        link: g.link,
        struck: g.struck,
    });
}

/// Places that justification may widen on a line of `pieces`: the spaces
/// between pieces, and the boundaries after CJK pieces that have no space.
fn slots(pieces: &[Piece]) -> usize {
    let n = pieces.len();
    pieces[..n.saturating_sub(1)]
        .iter()
        .map(|p| {
            if !p.space.glyphs.is_empty() {
                p.space.glyphs.len()
            } else {
                usize::from(p.cjk_end)
            }
        })
        .sum()
}

/// Width of pieces set on one line: content, the spaces and gaps between.
fn natural_width(pieces: &[Piece]) -> f32 {
    let mut width = 0.0;
    for (k, p) in pieces.iter().enumerate() {
        if k > 0 {
            width += pieces[k - 1].space.width + p.lead_gap;
        }
        width += p.content.width;
    }
    width
}

/// Zero-width marks that belong to the preceding character.
fn is_mark(c: char) -> bool {
    use unicode_normalization::char::is_combining_mark;
    is_combining_mark(c) || matches!(c, '\u{200C}' | '\u{200D}' | '\u{FE00}'..='\u{FE0F}')
}

/// Byte offsets where a CJK letter and a Latin letter or digit meet with
/// nothing between them: a small gap goes there.
fn script_gaps(text: &str) -> Vec<usize> {
    let mut gaps = Vec::new();
    let mut prev: Option<char> = None;
    for (at, c) in text.char_indices() {
        if let Some(p) = prev {
            let meet = (is_cjk_letter(p) && c.is_alphanumeric() && !is_cjk_letter(c))
                || (is_cjk_letter(c) && p.is_alphanumeric() && !is_cjk_letter(p));
            if meet {
                gaps.push(at);
            }
        }
        prev = Some(c);
    }
    gaps
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fonts::FontOptions;

    /// Runs `f` with a setter over the bundled fonts.
    fn with_setter<T>(f: impl FnOnce(&mut Setter) -> T) -> T {
        let mut book = FontBook::new(&FontOptions::default()).unwrap();
        let mut shaper = Shaper::default();
        f(&mut Setter {
            book: &mut book,
            shaper: &mut shaper,
            uncovered: BTreeSet::new(),
            stopped: None,
        })
    }

    fn body(lang: &str, hyphenate: bool) -> TextStyle {
        TextStyle {
            role: Role::Body,
            size: 10.0,
            lang: lang.into(),
            justify: true,
            hyphenate,
        }
    }

    fn set(text: &str, lang: &str, width: f32) -> Vec<Line> {
        with_setter(|setter| setter.set(text, &body(lang, true), width))
    }

    /// Sets `text` a window of `window` bytes at a time and whole: the same lines.
    fn windowed_is_whole(text: &str, lang: &str, width: f32, window: usize) {
        with_setter(|setter| {
            let style = body(lang, lang != "zh");
            let (whole, _) = setter.set_whole(text, (&[], 0), &style, width, 0);
            let mut windowed = Vec::new();
            let mut runs = 0;
            setter
                .set_windowed(text, &[], &style, width, window, &mut |_, run| {
                    runs += 1;
                    windowed.extend(run);
                    Ok(())
                })
                .unwrap();
            assert!(runs > 3, "{runs} windows: the test needs more");
            let texts = |lines: &[Line]| lines.iter().map(line_text).collect::<Vec<_>>();
            assert_eq!(texts(&windowed), texts(&whole));
            assert_eq!(windowed, whole, "same glyphs at the same places");
        })
    }

    #[test]
    fn a_long_paragraph_set_in_windows_gives_the_lines_of_setting_it_whole() {
        let english = "The committee examined organisational accountability, the \
            responsibilities of intergovernmental institutions and their \
            characteristically incomprehensible procedures. "
            .repeat(12);
        // Narrow lines hyphenate often, so windows restart after hyphenated lines.
        windowed_is_whole(&english, "en", 120.0, 300);
        windowed_is_whole(&english, "en", 300.0, 257);
        let chinese = "新的城市规划委员会于二〇二三年三月成立，负责协调各部门的工作。".repeat(20);
        windowed_is_whole(&chinese, "zh", 150.0, 200);
        // Words wider than the line are cut, across the windows' ends.
        let long_words = format!("{} then {} end.", "x".repeat(900), "Ab-".repeat(300));
        windowed_is_whole(&long_words, "en", 100.0, 250);
        let mixed = "Chapter 3 第三章 covers 2023年 reforms in 北京 and Paris. ".repeat(15);
        windowed_is_whole(&mixed, "en", 140.0, 180);
    }

    fn line_text(line: &Line) -> String {
        line.glyphs.iter().map(|g| g.text.to_string()).collect()
    }

    #[test]
    fn justified_lines_fill_the_measure_and_the_last_is_ragged() {
        let text = "Social work is similar to but different from the better-known united front work which involves aligning external forces with the party.";
        let lines = set(text, "en", 150.0);
        assert!(lines.len() > 2);
        for line in &lines[..lines.len() - 1] {
            assert!((line.width - 150.0).abs() < 0.5, "{}", line.width);
        }
        assert!(lines.last().unwrap().width < 150.0);
        let joined: String = lines
            .iter()
            .map(|l| line_text(l).trim_end_matches('-').to_string())
            .collect::<Vec<_>>()
            .join(" ");
        let squeeze = |t: &str| t.replace([' ', '-'], "");
        // A compound hyphenates inside its parts, never at its own hyphen.
        let compound = "reviewed the plan and asked for a decision-making assessment";
        let ends: Vec<String> = (100..260)
            .step_by(4)
            .map(|w| line_text(&set(compound, "en", w as f32)[0]))
            .collect();
        assert!(ends.iter().any(|l| l.ends_with("deci-")), "{ends:?}");
        assert!(!ends.iter().any(|l| l.ends_with("decision-")), "{ends:?}");
        assert_eq!(squeeze(&joined), squeeze(text));
    }

    #[test]
    fn a_word_wider_than_the_line_is_cut_to_fit_not_set_off_the_page() {
        let word = "<".repeat(2000);
        let text =
            format!("See {word} and https://example.org/a/very/long/path/without/any/break.");
        let lines = set(&text, "en", 120.0);
        assert!(lines.len() > 10);
        for line in &lines {
            assert!(
                line.width <= 120.5,
                "{} wide: {}",
                line.width,
                line_text(line)
            );
        }
        let all: String = lines.iter().map(line_text).collect::<String>();
        assert_eq!(all.replace(' ', ""), text.replace(' ', ""));
    }

    #[test]
    fn a_long_word_with_letters_at_both_ends_hyphenates_or_is_cut_whole() {
        // Found by `cargo xtask fuzz`: every hyphenation point of such a word
        // was shaped again from its start.
        let word = format!("information{}organisation", "[".repeat(5000));
        let text = format!("The {word} ends here.");
        let lines = set(&text, "en", 150.0);
        for line in &lines {
            assert!(line.width <= 150.5, "{} wide", line.width);
        }
        let all: String = lines.iter().map(line_text).collect::<String>();
        let squeeze = |t: &str| t.replace([' ', '-'], "");
        assert_eq!(squeeze(&all), squeeze(&text));
    }

    #[test]
    fn chinese_lines_respect_the_punctuation_rules() {
        let text = "尽管中国共产党进行社会改造已近七十五年，仍然专注于创建一个植根于其意识形态的完美社会。在习近平的领导下，“社会治理”优先考虑党的统治，而非个人和组织自治。";
        for width in [60.0, 70.0, 85.0, 100.0, 123.0] {
            let lines = set(text, "zh", width);
            let all: String = lines.iter().map(line_text).collect();
            assert_eq!(all, text);
            for line in &lines[1..] {
                let first = line_text(line).chars().next().unwrap();
                assert!(
                    !super::super::breaks::NO_LINE_START.contains(&first),
                    "{first}"
                );
            }
            for line in &lines {
                let last = line_text(line).chars().next_back().unwrap();
                assert!(!super::super::breaks::NO_LINE_END.contains(&last), "{last}");
            }
        }
    }

    #[test]
    fn latin_and_cjk_take_their_own_faces_with_a_gap() {
        let lines = set("近75年", "zh", 400.0);
        let glyphs = &lines[0].glyphs;
        assert_ne!(glyphs[0].face, glyphs[1].face);
        assert_eq!(glyphs[1].face, glyphs[2].face);
        assert_ne!(glyphs[2].face, glyphs[3].face);
        // 近 is a full em; then the gap.
        assert!((glyphs[1].x - 10.0 - SCRIPT_GAP * 10.0).abs() < 0.01);
    }
}
