//! Unwrapping: the line breaks of a page layout are not the author's. Lines
//! of one paragraph or list item are joined, across single and double line
//! breaks and page breaks, when the text runs on.

use super::chars::{ends_sentence, is_wide};
use super::flow::Flow;
use super::hyphen::line_end_hyphen;

/// Whether line `b` continues the paragraph that line `a` (just before it)
/// belongs to. Lines that open something else (a label, a heading, a list
/// item) are ruled out by the caller.
pub fn continues(flow: &Flow, a: usize, b: usize) -> bool {
    let (first, next) = (flow.lines[a].text, flow.lines[b].text);
    let Some(next_char) = next.chars().next() else {
        return false;
    };
    // A word split by a hyphen always runs on.
    if line_end_hyphen(first).is_some() && next_char.is_alphabetic() {
        return true;
    }
    // A page break is no paragraph break by itself: what decides there is
    // whether the last line of the page ran to the margin.
    let normal_spacing = !flow.gap_is_large(b) || flow.lines[b].page_break_before;
    if !ends_sentence(first) {
        // Mid-sentence: a lower-case or East Asian continuation runs on
        // whatever the gap; anything else only across normal spacing and
        // after a line the layout ended (a short line ended a paragraph).
        let last_char = first.chars().next_back().unwrap_or(' ');
        return next_char.is_lowercase()
            || (is_wide(last_char) && is_wide(next_char))
            || (normal_spacing && flow.is_full(a));
    }
    // After a sentence end the paragraph goes on only if the line was full
    // and the spacing is normal.
    normal_spacing && flow.is_full(a)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clean::Line;

    fn flow_of(text: &str) -> Vec<Line<'static>> {
        text.split('\n')
            .enumerate()
            .map(|(k, t)| Line {
                text: t.to_string().into(),
                ..Line::new("", 1, k + 1)
            })
            .collect()
    }

    const FULL: &str =
        "a line of body text that runs all the way to the measure of the page and ends.";

    #[test]
    fn mid_sentence_lines_join() {
        let lines = flow_of("the Communist Party of China (CPC) remains\nfocused on creating");
        assert!(continues(&Flow::new(&lines), 0, 1));
    }

    #[test]
    fn lowercase_continuation_joins_across_a_wide_gap() {
        let lines = flow_of(&format!(
            "{FULL}\nstate organs handling\n\n\n\ncomplaints and petitions.\n{FULL}"
        ));
        let flow = Flow::new(&lines);
        assert!(continues(&flow, 1, 2));
    }

    #[test]
    fn cjk_lines_join_across_double_spacing() {
        let lines = flow_of("尽管中国共产党进行社会改造已近75年，仍然专注于创建一个植根于其意识形态的完美社\n\n会。在习近平的领导下");
        assert!(continues(&Flow::new(&lines), 0, 1));
    }

    #[test]
    fn short_line_then_capital_ends_the_paragraph() {
        let lines = flow_of(&format!(
            "{FULL}\nis the foundation of peace in the world,\nWhereas disregard {FULL}"
        ));
        assert!(!continues(&Flow::new(&lines), 1, 2));
    }

    #[test]
    fn full_line_ending_a_sentence_runs_on() {
        let lines = flow_of(&format!("{FULL}\n{FULL}\nNext sentence here."));
        assert!(continues(&Flow::new(&lines), 1, 2));
    }

    #[test]
    fn short_line_ending_a_sentence_ends_the_paragraph() {
        let lines = flow_of(&format!("{FULL}\nshort end.\nNew paragraph {FULL}"));
        assert!(!continues(&Flow::new(&lines), 1, 2));
    }

    #[test]
    fn wide_gap_after_a_sentence_ends_the_paragraph() {
        let lines = flow_of(&format!("{FULL}\n{FULL}\n\n\nNew paragraph.\n{FULL}"));
        assert!(!continues(&Flow::new(&lines), 1, 2));
    }

    #[test]
    fn full_line_runs_on_across_a_page_break() {
        let mut lines = flow_of(&format!("{FULL}\nthe Communist Party of China’s power and the rest of it runs to the end of the line\n(CPC) organisational power."));
        lines[2].page = 2;
        assert!(continues(&Flow::new(&lines), 1, 2));
    }

    #[test]
    fn hyphenated_word_runs_on() {
        let lines =
            flow_of("further reducing the autonomy of civil society, the non-\n\nstate sector");
        assert!(continues(&Flow::new(&lines), 0, 1));
    }
}
