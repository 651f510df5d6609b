//! Page furniture: bare page numbers and running headers and footers, the
//! lines a page layout adds around the text.

use super::report::{EditKind, Report};
use super::Line;
use std::collections::BTreeMap;

/// How many text lines at the top and at the bottom of a page can be furniture.
const BAND: usize = 3;

/// Removes lines that are only a page number (`2`, `- 2 -`, `Page 2 of 7`,
/// `3/7`, `ii`, `第 2 页`). On a document with pages, such a line must sit in
/// the top or bottom band of its page; on one page, a bare number must stand alone
/// between blank lines or, from a PDF, at the page's head or foot set apart from the
/// text. `2023, the party …` is text.
pub fn remove_page_numbers(lines: &mut [Line], report: &mut Report) {
    let paged = lines.first().map(|l| l.page) != lines.last().map(|l| l.page);
    let in_band = if paged {
        band_positions(lines)
    } else {
        Vec::new()
    };
    for i in 0..lines.len() {
        if !lines[i].is_text() || !is_page_number(&lines[i].text) {
            continue;
        }
        // Without pages, a bare `2` must stand alone between blank lines; a
        // marked form (`Page 2 of 7`, `- 2 -`, `2/7`) says what it is.
        let placed = if paged {
            in_band[i]
        } else {
            stands_alone(lines, i)
                || !is_number(lines[i].text.trim())
                || set_apart_at_page_edge(lines, i)
        };
        if placed {
            remove(&mut lines[i], EditKind::PageNumber, report);
        }
    }
}

/// Removes running headers and footers and returns the distinct texts of
/// the headers (the title often runs there), in document order.
///
/// With pages, a running line sits in the top (bottom) band of its page and
/// repeats in that band on at least half of the pages, at least two. Lines
/// that differ only in a number repeat too when that number follows the page
/// number (`Page 3 of 7`, `file:///x.html 3/7`). Without pages (an
/// extraction that kept no form feeds), a running line repeats at least
/// three times, far apart, the same or with a number counting up by one.
pub fn remove_running_lines(lines: &mut [Line], report: &mut Report) -> Vec<String> {
    let groups = if count_pages(lines) >= 2 {
        paged_running_lines(lines)
    } else {
        unpaged_running_lines(lines)
    };
    let mut headers: Vec<String> = Vec::new();
    for (kind, occurrences) in groups {
        // A line repeated page after page that is most pages' only text is their
        // text ("Potato 1", "Potato 2", …), not furniture around it.
        let alone = occurrences
            .iter()
            .filter(|&&i| only_text_of_its_page(lines, i))
            .count();
        if 2 * alone > occurrences.len() {
            continue;
        }
        let text = lines[occurrences[0]].text.as_ref();
        if kind != EditKind::RunningFooter && !headers.iter().any(|h| h == text) {
            headers.push(text.to_string());
        }
        for i in occurrences {
            remove(&mut lines[i], kind, report);
        }
    }
    headers
}

/// Lines of the first page this far into its text may be the title.
const TITLE_LINES: usize = 6;
/// A title is set over at most this many lines.
const TITLE_WRAP: usize = 3;

/// Takes out the title set at the head of the first page when it is a running
/// header's text (a masthead, a title set across the columns, wrapped over up to
/// `TITLE_WRAP` lines): the running header already made it the document's title.
pub fn remove_title_repeat(lines: &mut [Line], headers: &[String], report: &mut Report) {
    let Some(first_page) = lines.iter().find(|l| l.is_content()).map(|l| l.page) else {
        return;
    };
    let wanted: Vec<String> = headers.iter().map(|h| folded(h)).collect();
    let head: Vec<usize> = (0..lines.len())
        .filter(|&i| lines[i].page == first_page && lines[i].is_content())
        .take(TITLE_LINES)
        .collect();
    for start in 0..head.len() {
        for count in 1..=TITLE_WRAP.min(head.len() - start) {
            let run = &head[start..start + count];
            let joined = run
                .iter()
                .map(|&i| lines[i].text.as_ref())
                .collect::<Vec<_>>()
                .join(" ");
            if wanted.contains(&folded(&joined)) {
                for &i in run {
                    remove(&mut lines[i], EditKind::Title, report);
                }
                return;
            }
        }
    }
}

/// Text compared case- and space-insensitively.
fn folded(text: &str) -> String {
    text.split_whitespace().collect::<String>().to_lowercase()
}

fn paged_running_lines(lines: &[Line]) -> Vec<(EditKind, Vec<usize>)> {
    let pages = count_pages(lines);
    let mut groups = Vec::new();
    for (top, kind) in [
        (true, EditKind::RunningHeader),
        (false, EditKind::RunningFooter),
    ] {
        let mut by_shape: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for i in band_lines(lines, top) {
            by_shape.entry(shape(&lines[i].text)).or_default().push(i);
        }
        let needed = pages.div_ceil(2).max(2);
        for occurrences in by_shape.into_values() {
            let mut on_pages: Vec<usize> = occurrences.iter().map(|&i| lines[i].page).collect();
            on_pages.dedup();
            if on_pages.len() >= needed && numbers_track_pages(lines, &occurrences) {
                groups.push((kind, occurrences));
            }
        }
    }
    groups
}

/// At least this many occurrences make a running line in text without pages.
const MIN_UNPAGED_REPEATS: usize = 3;
/// Occurrences of a running line are at least this many text lines apart.
const MIN_UNPAGED_SPACING: usize = 8;

fn unpaged_running_lines(lines: &[Line]) -> Vec<(EditKind, Vec<usize>)> {
    let content: Vec<usize> = (0..lines.len())
        .filter(|&i| lines[i].is_content())
        .collect();
    let mut by_shape: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (rank, &i) in content.iter().enumerate() {
        if crate::clean::lists::parse_marker(&lines[i].text).is_none() {
            by_shape
                .entry(shape(&lines[i].text))
                .or_default()
                .push(rank);
        }
    }
    let mut groups = Vec::new();
    for ranks in by_shape.into_values() {
        let far_apart = ranks.windows(2).all(|w| w[1] - w[0] >= MIN_UNPAGED_SPACING);
        let occurrences: Vec<usize> = ranks.iter().map(|&r| content[r]).collect();
        if ranks.len() >= MIN_UNPAGED_REPEATS && far_apart && numbers_count_up(lines, &occurrences)
        {
            groups.push((EditKind::RunningLine, occurrences));
        }
    }
    groups.sort_by_key(|(_, occurrences)| occurrences[0]);
    groups
}

/// Whether lines of one shape are the same text, or differ in one number
/// that counts up by one from each to the next (a page number).
fn numbers_count_up(lines: &[Line], occurrences: &[usize]) -> bool {
    let pseudo_pages: Vec<usize> = (0..occurrences.len()).collect();
    numbers_follow(lines, occurrences, &pseudo_pages)
}

fn remove(line: &mut Line, kind: EditKind, report: &mut Report) {
    report.push(kind, line.page, line.number, line.text.as_ref(), "");
    line.remove();
}

fn count_pages(lines: &[Line]) -> usize {
    let mut pages: Vec<usize> = lines
        .iter()
        .filter(|l| l.is_content())
        .map(|l| l.page)
        .collect();
    pages.dedup();
    pages.len()
}

/// Indices of the first and last [`BAND`] content lines of every page.
fn band_lines(lines: &[Line], top: bool) -> Vec<usize> {
    let mut picked = Vec::new();
    let mut start = 0;
    while start < lines.len() {
        let page = lines[start].page;
        let end = start + lines[start..].iter().take_while(|l| l.page == page).count();
        let content = (start..end).filter(|&i| lines[i].is_content());
        if top {
            picked.extend(content.take(BAND));
        } else {
            let mut bottom: Vec<usize> = content.rev().take(BAND).collect();
            bottom.reverse();
            picked.extend(bottom);
        }
        start = end;
    }
    picked
}

fn band_positions(lines: &[Line]) -> Vec<bool> {
    let mut in_band = vec![false; lines.len()];
    for i in band_lines(lines, true)
        .into_iter()
        .chain(band_lines(lines, false))
    {
        in_band[i] = true;
    }
    in_band
}

/// Whether line `i` is the only text line of its page.
fn only_text_of_its_page(lines: &[Line], i: usize) -> bool {
    page_span(lines, i)
        .filter(|&j| j != i)
        .all(|j| !lines[j].is_content())
}

/// The indices of the lines of line `i`'s page (lines run in page order): found
/// from `i` outwards, so that asking for every line of a long document stays
/// linear in its length, not in its length squared.
fn page_span(lines: &[Line], i: usize) -> std::ops::Range<usize> {
    let page = lines[i].page;
    let start = i - lines[..i]
        .iter()
        .rev()
        .take_while(|l| l.page == page)
        .count();
    let end = i + lines[i..].iter().take_while(|l| l.page == page).count();
    start..end
}

/// Whether line `i` is the first or the last text line of its page and set apart from
/// the text next to it (PDF input): more than two lines' height away, or smaller. A
/// folio on a one-page document is told by this, as repetition cannot tell it.
fn set_apart_at_page_edge(lines: &[Line], i: usize) -> bool {
    let span = page_span(lines, i);
    let content = |j: &usize| lines[*j].is_content();
    let before = (span.start..i).rev().find(content);
    let after = (i + 1..span.end).find(content);
    let neighbour = match (before, after) {
        (None, Some(j)) | (Some(j), None) => j,
        _ => return false,
    };
    let (Some(line), Some(next)) = (lines[i].geometry, lines[neighbour].geometry) else {
        return false;
    };
    let size = line.font_size.max(next.font_size);
    (line.top - next.top).abs() > 2.0 * size || line.font_size < 0.9 * next.font_size
}

/// Blank (or nothing) right before and right after line `i`.
fn stands_alone(lines: &[Line], i: usize) -> bool {
    let blank = |j: Option<&Line>| j.is_none_or(|l| !l.is_content());
    blank(i.checked_sub(1).and_then(|j| lines.get(j))) && blank(lines.get(i + 1))
}

/// The text with every run of digits replaced by `#`, case and spacing folded.
fn shape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_digits = false;
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_digit() {
            if !in_digits {
                out.push('#');
            }
            in_digits = true;
        } else {
            in_digits = false;
            if !c.is_whitespace() {
                out.push(c);
            }
        }
    }
    out
}

fn numbers_in(text: &str) -> Vec<u64> {
    text.split(|c: char| !c.is_ascii_digit())
        .filter_map(|n| n.parse().ok())
        .collect()
}

/// Whether lines of one shape are the same text, or differ in a number that
/// moves with the page number (so a column of figures is not taken).
fn numbers_track_pages(lines: &[Line], occurrences: &[usize]) -> bool {
    let pages: Vec<usize> = occurrences.iter().map(|&i| lines[i].page).collect();
    numbers_follow(lines, occurrences, &pages)
}

/// Whether the lines are the same text, or some number in them keeps a
/// constant difference to `pages`.
fn numbers_follow(lines: &[Line], occurrences: &[usize], pages: &[usize]) -> bool {
    let first = &lines[occurrences[0]].text;
    if occurrences.iter().all(|&i| &lines[i].text == first) {
        return true;
    }
    let numbers: Vec<Vec<u64>> = occurrences
        .iter()
        .map(|&i| numbers_in(&lines[i].text))
        .collect();
    let slots = numbers[0].len();
    if numbers.iter().any(|n| n.len() != slots) {
        return false;
    }
    (0..slots).any(|slot| {
        let offset = |k: usize| i128::from(numbers[k][slot]) - pages[k] as i128;
        (0..numbers.len()).all(|k| offset(k) == offset(0))
    })
}

/// Whether the whole line is a page number in one of the usual forms.
pub fn is_page_number(text: &str) -> bool {
    let t = text.trim();
    let t = t
        .trim_start_matches(['-', '–', '—', '|', '[', '(', ' '])
        .trim_end_matches(['-', '–', '—', '|', ']', ')', ' ']);
    if t.is_empty() || t.chars().count() > 40 {
        return false;
    }
    if is_number(t) {
        return true;
    }
    // `第 2 页`, `第2页 共7页`
    if let Some(rest) = t.strip_prefix('第') {
        let (n, tail) = split_number(rest.trim_start());
        let tail = tail.trim();
        return n && (matches!(tail, "页" | "頁") || tail.starts_with("页 共"));
    }
    // `3/7`, `3 / 7`, `3 of 7`, `Page 3`, `Page 3 of 7`, `p. 3`, `Página 3 de 7`
    let words: Vec<&str> = t.split([' ', '/']).filter(|w| !w.is_empty()).collect();
    match words.as_slice() {
        [n, m] if is_arabic(n) && is_arabic(m) => t.contains('/'),
        [n, of, m] if is_arabic(n) && is_arabic(m) => is_of(of),
        [page, n] => is_page_word(page) && is_number(n),
        [page, n, of, m] => is_page_word(page) && is_arabic(n) && is_of(of) && is_arabic(m),
        _ => false,
    }
}

fn is_page_word(w: &str) -> bool {
    matches!(
        w.to_lowercase().as_str(),
        "page" | "p." | "pp." | "pg." | "página" | "pagina" | "pág." | "seite" | "s."
    )
}

fn is_of(w: &str) -> bool {
    matches!(w.to_lowercase().as_str(), "of" | "de" | "sur" | "von" | "/")
}

fn is_arabic(w: &str) -> bool {
    !w.is_empty() && w.len() <= 4 && w.bytes().all(|b| b.is_ascii_digit())
}

fn is_number(w: &str) -> bool {
    is_arabic(w) || is_roman(w)
}

fn split_number(text: &str) -> (bool, &str) {
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    (digits > 0 && digits <= 4, &text[digits..])
}

/// A canonical Roman numeral of a front-matter page (up to 200) in one
/// case (`ii`, `XIV`); `civil`, `mix` or `I` alone are not taken.
fn is_roman(w: &str) -> bool {
    if w.len() < 2 || w.len() > 8 {
        return false;
    }
    let lower = w.to_ascii_lowercase();
    if !(w == lower || w == w.to_ascii_uppercase()) {
        return false;
    }
    let value = |c: char| match c {
        'i' => Some(1),
        'v' => Some(5),
        'x' => Some(10),
        'l' => Some(50),
        'c' => Some(100),
        'd' => Some(500),
        'm' => Some(1000),
        _ => None,
    };
    let Some(values) = lower.chars().map(value).collect::<Option<Vec<u32>>>() else {
        return false;
    };
    let mut total = 0i64;
    for (k, &v) in values.iter().enumerate() {
        if values.get(k + 1).is_some_and(|&next| next > v) {
            total -= v as i64;
        } else {
            total += v as i64;
        }
    }
    (1..=200).contains(&total)
        && crate::model::NumberStyle::LowerRoman.format(total as u32) == lower
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<Line<'_>> {
        let mut page = 1;
        text.split('\n')
            .enumerate()
            .map(|(k, t)| {
                let t = match t.strip_prefix('\x0c') {
                    Some(rest) => {
                        page += 1;
                        rest
                    }
                    None => t,
                };
                Line::new(t, page, k + 1)
            })
            .collect()
    }

    fn kept<'a>(lines: &'a [Line]) -> Vec<&'a str> {
        lines
            .iter()
            .filter(|l| l.is_content())
            .map(|l| l.text.as_ref())
            .collect()
    }

    #[test]
    fn page_number_forms() {
        for yes in [
            "2",
            "- 2 -",
            "— 12 —",
            "Page 2 of 7",
            "page 2",
            "ii",
            "XIV",
            "第 2 页",
            "3/7",
            "3 / 7",
            "3 of 7",
            "Página 3 de 9",
            "[4]",
        ] {
            assert!(is_page_number(yes), "{yes}");
        }
        for no in [
            "2023, the party",
            "I",
            "civil",
            "mix",
            "12345",
            "Page two",
            "1. Item",
            "第一条",
            "3/x",
            "COVID-19",
        ] {
            assert!(!is_page_number(no), "{no}");
        }
    }

    #[test]
    fn lone_number_between_blank_lines_is_removed() {
        let mut l = lines("end of text.\n\n2\n\nNext page");
        let mut report = Report::default();
        remove_page_numbers(&mut l, &mut report);
        assert_eq!(kept(&l), vec!["end of text.", "Next page"]);
        assert_eq!(report.edits.len(), 1);
        assert_eq!(
            (report.edits[0].line, report.edits[0].before.as_str()),
            (3, "2")
        );
    }

    /// A one-page PDF's lines: text at `top` points, size 10.
    fn placed<'a>(lines: &[(&'a str, f32)]) -> Vec<Line<'a>> {
        lines
            .iter()
            .enumerate()
            .map(|(k, &(text, top))| Line {
                geometry: Some(crate::input::LineGeometry {
                    top,
                    left: 72.0,
                    right: 300.0,
                    font_size: 10.0,
                    column_left: 72.0,
                    columns: 1,
                    cell: None,
                }),
                ..Line::new(text, 1, k + 1)
            })
            .collect()
    }

    #[test]
    fn a_folio_set_apart_at_the_foot_of_a_single_page_goes() {
        let mut l = placed(&[
            ("Votes cast in the year", 100.0),
            ("2023", 112.0),
            ("were counted.", 124.0),
            ("62", 740.0),
        ]);
        let mut report = Report::default();
        remove_page_numbers(&mut l, &mut report);
        assert_eq!(
            kept(&l),
            ["Votes cast in the year", "2023", "were counted."]
        );
        assert_eq!(report.of_kind(EditKind::PageNumber).count(), 1);
    }

    #[test]
    fn a_line_that_is_each_page_s_only_text_is_not_furniture() {
        let text = (1..=4)
            .map(|n| format!("Potato {n}"))
            .collect::<Vec<_>>()
            .join("\n\x0c");
        let mut l = lines(&text);
        let mut report = Report::default();
        let headers = remove_running_lines(&mut l, &mut report);
        assert_eq!(kept(&l).len(), 4);
        assert!(headers.is_empty() && report.edits.is_empty());
    }

    #[test]
    fn number_inside_text_stays() {
        let mut l = lines("Votes cast in the year\n2023\nwere counted.");
        remove_page_numbers(&mut l, &mut Report::default());
        assert_eq!(kept(&l).len(), 3);
    }

    #[test]
    fn on_paged_text_only_band_numbers_go() {
        let body: Vec<String> = (0..8).map(|k| format!("line {k}")).collect();
        let text = format!(
            "{}\n5\n{}\n3\n\x0c{}",
            body[..4].join("\n"),
            body[4..].join("\n"),
            "last"
        );
        let mut l = lines(&text);
        remove_page_numbers(&mut l, &mut Report::default());
        // `5` sits in the middle of page 1; `3` is in its bottom band.
        assert!(kept(&l).contains(&"5"));
        assert!(!kept(&l).contains(&"3"));
    }

    #[test]
    fn running_header_and_numbered_footer_go() {
        let words = ["alpha", "beta", "gamma"];
        let page = |n: usize| {
            let w = words[n - 1];
            format!("Annual Report\nBody {w} one.\nMore body {w}.\nAnother {w}.\nfile:///tmp/report.html {n}/3")
        };
        let text = (1..=3).map(page).collect::<Vec<_>>().join("\n\x0c");
        let mut l = lines(&text);
        let mut report = Report::default();
        remove_running_lines(&mut l, &mut report);
        assert!(!kept(&l)
            .iter()
            .any(|t| t.starts_with("Annual") || t.starts_with("file:")));
        assert_eq!(report.of_kind(EditKind::RunningHeader).count(), 3);
        assert_eq!(report.of_kind(EditKind::RunningFooter).count(), 3);
        assert!(kept(&l).contains(&"More body beta."));
    }

    #[test]
    fn the_title_wrapped_on_the_first_page_goes_as_the_title() {
        let text = "Annual Report of the\nCommittee\nBody one.\nMore body.\n\x0cBody two.\nAnnual report of the committee";
        let mut l = lines(text);
        let mut report = Report::default();
        remove_title_repeat(
            &mut l,
            &["Annual Report of the Committee".into()],
            &mut report,
        );
        assert_eq!(
            kept(&l),
            [
                "Body one.",
                "More body.",
                "Body two.",
                "Annual report of the committee"
            ]
        );
        assert_eq!(report.of_kind(EditKind::Title).count(), 2);
        // Without a running header there is no title to take out.
        let mut l = lines(text);
        remove_title_repeat(&mut l, &[], &mut report);
        assert_eq!(kept(&l).len(), 6);
    }

    #[test]
    fn headings_numbered_unlike_pages_stay() {
        let text = [
            "Article 1\nText a.\nText b.\nText c.",
            "Article 5\nText d.\nText e.\nText f.",
            "Article 9\nText g.\nText h.\nText i.",
        ]
        .join("\n\x0c");
        let mut l = lines(&text);
        remove_running_lines(&mut l, &mut Report::default());
        assert!(kept(&l).contains(&"Article 5"));
    }
}
