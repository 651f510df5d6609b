//! Headings: short lines that stand alone (`Key Findings`), titles in
//! capitals wrapped over several lines, and a translated section's title.

use super::chars::{ends_sentence, is_all_caps, is_cjk};
use super::flow::Flow;
use super::lists::parse_marker;

/// At most this many words in a heading.
const MAX_WORDS: usize = 24;
/// At most this many lines in a heading set in capitals.
const MAX_CAPS_LINES: usize = 3;
/// At most this many lines in a heading set large.
const MAX_SIZED_LINES: usize = 5;

/// How many lines from line `i` make one heading (0: none). A heading stands
/// alone: it follows a label, a heading, a sentence end or a wide gap, and a
/// wide gap (or a label, or the end) follows it.
pub fn heading_lines(flow: &Flow, i: usize, after_heading: bool) -> usize {
    match flow.set_as_heading(i) {
        Some(true) => return sized_heading_lines(flow, i),
        Some(false) => return 0,
        None => {}
    }
    if !(after_heading || stands_apart_before(flow, i)) || !looks_like_heading(flow.lines[i].text) {
        return 0;
    }
    let caps = |j: usize| !flow.is_label(j) && is_all_caps(flow.lines[j].text, 2);
    let count = if caps(i) {
        let mut n = 1;
        while n < MAX_CAPS_LINES
            && i + n < flow.lines.len()
            && caps(i + n)
            && !flow.gap_is_large(i + n)
        {
            n += 1;
        }
        n
    } else if flow.is_short(i) {
        1
    } else {
        return 0;
    };
    let last = i + count - 1;
    let words: usize = (i..=last)
        .map(|j| flow.lines[j].text.split_whitespace().count())
        .sum();
    if words > MAX_WORDS || !stands_apart_after(flow, last) {
        return 0;
    }
    count
}

/// With sizes known, a heading is the lines set larger than the body: the
/// following lines of the same size, close below, belong to it.
fn sized_heading_lines(flow: &Flow, i: usize) -> usize {
    if parse_marker(flow.lines[i].text).is_some() {
        return 0;
    }
    let mut n = 1;
    while n < MAX_SIZED_LINES
        && i + n < flow.lines.len()
        && !flow.is_label(i + n)
        && flow.set_as_heading(i + n) == Some(true)
        && flow.same_size(i, i + n)
        && flow.right_below(i + n - 1, i + n)
    {
        n += 1;
    }
    n
}

fn stands_apart_before(flow: &Flow, i: usize) -> bool {
    i == 0 || flow.is_label(i - 1) || flow.gap_is_large(i) || ends_sentence(flow.lines[i - 1].text)
}

/// A wide gap follows, or a label, or the end; or, when the extraction
/// kept no blank lines, a line that starts like a new sentence after a
/// short one.
fn stands_apart_after(flow: &Flow, last: usize) -> bool {
    let next = last + 1;
    if next >= flow.lines.len() || flow.is_label(next) {
        return true;
    }
    if flow.lines[next].gap_before > 0 && flow.gap_is_large(next) {
        return true;
    }
    let starts_sentence = flow.lines[next]
        .text
        .chars()
        .next()
        .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit() || is_cjk(c));
    starts_sentence && (flow.is_short(last) || is_all_caps(flow.lines[last].text, 2))
}

/// What a heading's text looks like: it starts with a capital, a digit, a
/// CJK character or an opening mark (not a bracket); it does not end like a
/// sentence or a clause; it is not a `Key: value` line or a list item.
pub fn looks_like_heading(text: &str) -> bool {
    let Some(first) = text
        .chars()
        .find(|c| !matches!(c, '¿' | '¡' | '«' | '“' | '"' | '‘'))
    else {
        return false;
    };
    let starts_well = first.is_uppercase() || first.is_ascii_digit() || is_cjk(first);
    let last = text.chars().next_back().unwrap_or(' ');
    let ends_open = !matches!(
        last,
        '.' | ',' | ';' | ':' | '，' | '。' | '；' | '：' | '、'
    ) && (!ends_sentence(text) || last == '?' || last == '？');
    let key_value = text
        .split_once([':', '：'])
        .is_some_and(|(_, value)| !value.trim().is_empty());
    starts_well && ends_open && !key_value && parse_marker(text).is_none()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clean::Line;

    fn flow_lines(text: &str) -> Vec<Line<'static>> {
        text.split('\n')
            .enumerate()
            .map(|(k, t)| Line {
                text: t.to_string().into(),
                ..Line::new("", 1, k + 1)
            })
            .collect()
    }

    #[test]
    fn heading_text_shapes() {
        for yes in [
            "Key Findings",
            "Article 1",
            "展望未来？新的城市规划委员会",
            "¿HACIA DÓNDE VAMOS?",
        ] {
            assert!(looks_like_heading(yes), "{yes}");
        }
        for no in [
            "Date of Release: 9 March 2021",
            "(Click on the link)",
            "Now, therefore,",
            "it continues",
            "1. Item",
            "The end.",
        ] {
            assert!(!looks_like_heading(no), "{no}");
        }
    }

    #[test]
    fn short_line_after_a_sentence_and_before_a_gap_is_a_heading() {
        let long =
            "This is a long line of body text that runs all the way to the measure of the page";
        let lines = flow_lines(&format!("{long}\nends here.\nKey Findings\n\n\n1. First item of the list that is long enough to be body"));
        let flow = Flow::new(&lines);
        assert_eq!(heading_lines(&flow, 2, false), 1);
        assert_eq!(heading_lines(&flow, 1, false), 0);
    }

    #[test]
    fn last_short_line_of_a_paragraph_is_not_a_heading() {
        let long =
            "This is a long line of body text that runs all the way to the measure of the page";
        let lines = flow_lines(&format!(
            "{long}\n{long}\nCapitalised Tail\n\nNext paragraph."
        ));
        let flow = Flow::new(&lines);
        assert_eq!(heading_lines(&flow, 2, false), 0);
    }

    #[test]
    fn capitals_wrapped_over_two_lines_make_one_heading() {
        let long =
            "Depuis près de trente ans, la commission régionale organise la planification des villes";
        let lines = flow_lines(&format!("VERS UN AVENIR COMMUN? LE NOUVEAU COMITÉ RÉGIONAL DE LA\nPLANIFICATION DES VILLES\n\n{long}\n{long}\nend."));
        let flow = Flow::new(&lines);
        assert_eq!(heading_lines(&flow, 0, false), 2);
    }
}
