//! The metrics: one output document scored against its expected document.
//!
//! Text is compared as the blocks' text joined by one space (Markdown
//! syntax already removed, white space collapsed). Most metrics read one
//! character alignment of the two texts, made by [`align`].
//!
//! **Edit distance.** A plain O(n·m) Levenshtein table over 10–40 KB texts
//! is too slow in a debug build, so [`align`] runs `similar`'s Myers diff
//! over characters (O((n+m)·d), and bounded by its deterministic Git-style
//! heuristics on very different texts). Each changed hunk of `d` deleted
//! and `i` inserted characters is read as `min(d, i)` substitutions plus
//! the rest as deletions or insertions, so it costs `max(d, i)`. The sum is
//! an upper bound of the Levenshtein distance that is exact for most real
//! hunks. No deadline is used, so the result never depends on timing.

use super::markdown::{Doc, Kind};
use serde::Serialize;
use similar::{capture_diff_slices, Algorithm, DiffTag};
use std::collections::{BTreeMap, HashMap};

/// Scores of one output against the expected document.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Metrics {
    /// 1 − edit distance / length of the longer text, at least 0.
    pub text_accuracy: f64,
    /// The same over each expected language's sections against the output
    /// sections tagged with that language.
    pub text_accuracy_by_lang: BTreeMap<String, f64>,
    pub edit_distance: usize,
    pub expected_chars: usize,
    pub paragraph_f1: f64,
    pub heading_f1: f64,
    pub list_item_f1: f64,
    /// Share of expected blocks whose best-matching output block sits in a
    /// section of the expected language.
    pub lang_accuracy: f64,
    pub title_ok: bool,
    pub date_ok: bool,
    /// Page numbers, title lines and repeated header lines left as lines of
    /// their own, plus form feeds.
    pub furniture_left: usize,
    /// `Han space Han` in the output beyond those in the expected text.
    pub cjk_spaces: usize,
    /// Line-end fragments left apart (`organ- isation`).
    pub hyphen_split: usize,
    /// Compounds written without their hyphen (`selfgovernance`).
    pub hyphen_merged: usize,
}

/// Scores `output` against `expected`.
pub fn score(expected: &Doc, output: &Doc) -> Metrics {
    let exp = Flat::new(expected);
    let out = Flat::new(output);
    let steps = align(&exp.chars, &out.chars);
    let edit_distance = distance(&steps);
    let text_accuracy_by_lang = expected
        .langs()
        .into_iter()
        .map(|lang| {
            let accuracy = text_accuracy(&expected.only_lang(&lang), &output.only_lang(&lang));
            (lang, accuracy)
        })
        .collect();
    let (split, merged) = hyphenation_errors(expected, output);
    Metrics {
        text_accuracy: accuracy(edit_distance, exp.chars.len(), out.chars.len()),
        text_accuracy_by_lang,
        edit_distance,
        expected_chars: exp.chars.len(),
        paragraph_f1: boundary_f1(&exp, &out, &steps),
        heading_f1: kind_f1(expected, output, Kind::Heading),
        list_item_f1: kind_f1(expected, output, Kind::ListItem),
        lang_accuracy: lang_accuracy(&exp, &out, &steps),
        title_ok: expected.title == output.title,
        date_ok: expected.date == output.date,
        furniture_left: furniture_left(expected, output),
        cjk_spaces: han_spaces(output).saturating_sub(han_spaces(expected)),
        hyphen_split: split,
        hyphen_merged: merged,
    }
}

/// A document's body as one compared text.
struct Flat {
    chars: Vec<char>,
    /// The (non-empty) block each character belongs to; `None` for the
    /// space between two blocks.
    block: Vec<Option<usize>>,
    /// Language of each non-empty block.
    langs: Vec<String>,
    /// Offsets in the white-space-free text where a block ends and the
    /// next begins.
    boundaries: Vec<usize>,
}

impl Flat {
    fn new(doc: &Doc) -> Flat {
        let mut flat = Flat {
            chars: Vec::new(),
            block: Vec::new(),
            langs: Vec::new(),
            boundaries: Vec::new(),
        };
        let mut solid = 0;
        for (lang, block) in doc.blocks() {
            let text = block.full_text();
            if text.is_empty() {
                continue;
            }
            if !flat.chars.is_empty() {
                flat.boundaries.push(solid);
                flat.chars.push(' ');
                flat.block.push(None);
            }
            let index = flat.langs.len();
            flat.langs.push(lang.to_string());
            for c in text.chars() {
                solid += usize::from(c != ' ');
                flat.chars.push(c);
                flat.block.push(Some(index));
            }
        }
        flat
    }
}

/// One step of a character alignment of expected against output text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Same,
    /// A substitution: both sides advance.
    Changed,
    /// An expected character missing from the output.
    Deleted,
    /// An output character not in the expected text.
    Inserted,
}

impl Step {
    fn uses_expected(self) -> bool {
        self != Step::Inserted
    }
    fn uses_output(self) -> bool {
        self != Step::Deleted
    }
}

/// Aligns two texts character by character (see the module documentation).
pub fn align(expected: &[char], output: &[char]) -> Vec<Step> {
    let mut steps = Vec::with_capacity(expected.len().max(output.len()));
    let (mut deleted, mut inserted) = (0, 0);
    let flush = |steps: &mut Vec<Step>, deleted: &mut usize, inserted: &mut usize| {
        let changed = (*deleted).min(*inserted);
        steps.extend(std::iter::repeat_n(Step::Changed, changed));
        steps.extend(std::iter::repeat_n(Step::Deleted, *deleted - changed));
        steps.extend(std::iter::repeat_n(Step::Inserted, *inserted - changed));
        (*deleted, *inserted) = (0, 0);
    };
    for op in capture_diff_slices(Algorithm::Myers, expected, output) {
        let (tag, old, new) = op.as_tag_tuple();
        if tag == DiffTag::Equal {
            flush(&mut steps, &mut deleted, &mut inserted);
            steps.extend(std::iter::repeat_n(Step::Same, old.len()));
        } else {
            deleted += old.len();
            inserted += new.len();
        }
    }
    flush(&mut steps, &mut deleted, &mut inserted);
    steps
}

pub fn distance(steps: &[Step]) -> usize {
    steps.iter().filter(|&&s| s != Step::Same).count()
}

fn accuracy(distance: usize, expected_len: usize, output_len: usize) -> f64 {
    let longer = expected_len.max(output_len);
    if longer == 0 {
        return 1.0;
    }
    (1.0 - distance as f64 / longer as f64).max(0.0)
}

/// Text accuracy of two whole documents.
pub fn text_accuracy(expected: &Doc, output: &Doc) -> f64 {
    let (exp, out) = (Flat::new(expected), Flat::new(output));
    accuracy(
        distance(&align(&exp.chars, &out.chars)),
        exp.chars.len(),
        out.chars.len(),
    )
}

/// F1 of `matched` items out of `expected` and `output` ones; 1 when both
/// sides have none.
fn f1(matched: usize, expected: usize, output: usize) -> f64 {
    if expected + output == 0 {
        return 1.0;
    }
    2.0 * matched as f64 / (expected + output) as f64
}

/// Paragraph-boundary F1. An output boundary is carried to the expected
/// text through the alignment: it lands after the expected character
/// aligned with the output character before it, or anywhere in a run of
/// expected characters missing right there. It matches an expected
/// boundary at that offset, one to one.
fn boundary_f1(exp: &Flat, out: &Flat, steps: &[Step]) -> f64 {
    let solid_out = out.chars.iter().filter(|&&c| c != ' ').count();
    // For each white-space-free output offset, the range of expected
    // offsets it corresponds to.
    let mut range = vec![(0, 0); solid_out + 1];
    let (mut i, mut j, mut e, mut o) = (0, 0, 0, 0);
    for &step in steps {
        if step.uses_expected() {
            e += usize::from(exp.chars[i] != ' ');
            i += 1;
        }
        if step.uses_output() {
            if out.chars[j] != ' ' {
                o += 1;
                range[o].0 = e;
            }
            j += 1;
        }
        range[o].1 = e;
    }
    let mut next = 0;
    let mut matched = 0;
    for &b in &out.boundaries {
        let (low, high) = range[b];
        while next < exp.boundaries.len() && exp.boundaries[next] < low {
            next += 1;
        }
        if next < exp.boundaries.len() && exp.boundaries[next] <= high {
            matched += 1;
            next += 1;
        }
    }
    f1(matched, exp.boundaries.len(), out.boundaries.len())
}

/// F1 over the multiset of texts of the blocks of one kind.
fn kind_f1(expected: &Doc, output: &Doc, kind: Kind) -> f64 {
    let texts = |doc: &Doc| -> Vec<String> {
        doc.blocks()
            .filter(|(_, b)| b.kind == kind)
            .map(|(_, b)| b.text.clone())
            .collect()
    };
    let (exp, out) = (texts(expected), texts(output));
    let mut wanted = counts(exp.iter().map(String::as_str));
    let mut matched = 0;
    for text in &out {
        if let Some(n) = wanted.get_mut(text.as_str()).filter(|n| **n > 0) {
            *n -= 1;
            matched += 1;
        }
    }
    f1(matched, exp.len(), out.len())
}

fn counts<'a>(items: impl Iterator<Item = &'a str>) -> HashMap<&'a str, usize> {
    let mut counts = HashMap::new();
    for item in items {
        *counts.entry(item).or_insert(0) += 1;
    }
    counts
}

/// Share of expected blocks whose best-matching output block (the one that
/// holds most of its identically aligned characters; the first on a tie)
/// is in a section of the same language.
fn lang_accuracy(exp: &Flat, out: &Flat, steps: &[Step]) -> f64 {
    if exp.langs.is_empty() {
        return 1.0;
    }
    let mut votes: Vec<BTreeMap<usize, usize>> = vec![BTreeMap::new(); exp.langs.len()];
    let (mut i, mut j) = (0, 0);
    for &step in steps {
        if step == Step::Same {
            if let (Some(eb), Some(ob)) = (exp.block[i], out.block[j]) {
                *votes[eb].entry(ob).or_insert(0) += 1;
            }
        }
        i += usize::from(step.uses_expected());
        j += usize::from(step.uses_output());
    }
    let right = votes
        .iter()
        .zip(&exp.langs)
        .filter(|(votes, lang)| {
            let best =
                votes
                    .iter()
                    .fold(None, |best: Option<(usize, usize)>, (&ob, &n)| match best {
                        Some((_, most)) if most >= n => best,
                        _ => Some((ob, n)),
                    });
            best.is_some_and(|(ob, _)| out.langs[ob] == **lang)
        })
        .count();
    right as f64 / exp.langs.len() as f64
}

/// Output lines (blocks) that are page furniture, plus form feeds. A line
/// that is also a line of the expected body is never furniture.
fn furniture_left(expected: &Doc, output: &Doc) -> usize {
    let body: Vec<String> = expected.blocks().map(|(_, b)| b.full_text()).collect();
    let lines: Vec<String> = output.blocks().map(|(_, b)| b.full_text()).collect();
    let repeated = counts(lines.iter().map(String::as_str));
    let title = expected.title.as_deref().map(str::to_lowercase);
    let furniture = lines
        .iter()
        .filter(|line| !body.contains(line))
        .filter(|line| {
            is_page_number(line)
                || title.as_deref() == Some(line.to_lowercase().as_str())
                || repeated[line.as_str()] > 1
        })
        .count();
    furniture + output.form_feeds
}

/// `2`, `ii`, `3/7`, `3 / 7`, `Page 3`, `Page 3 of 7`, `- 2 -`, `第 2 页`.
fn is_page_number(line: &str) -> bool {
    let number = |s: &str| !s.is_empty() && s.len() <= 4 && s.bytes().all(|b| b.is_ascii_digit());
    let words: Vec<&str> = line.split([' ', '/']).filter(|w| !w.is_empty()).collect();
    let lower = line.to_lowercase();
    match words.as_slice() {
        [n] => number(n) || (n.len() <= 6 && n.chars().all(|c| "ivxlc".contains(c))),
        [n, m] if line.contains('/') => number(n) && number(m),
        ["-" | "–" | "—", n, "-" | "–" | "—"] => number(n),
        [_, n] if lower.starts_with("page ") => number(n),
        [_, n, of, m] if lower.starts_with("page ") => {
            number(n) && number(m) && (*of == "of" || *of == "/")
        }
        _ => {
            let inner = line.strip_prefix('第').and_then(|s| s.strip_suffix('页'));
            inner.is_some_and(|s| number(s.trim()))
        }
    }
}

fn is_han(c: char) -> bool {
    matches!(c,
        '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{3FFFF}')
}

/// Occurrences of `Han space Han` inside blocks.
fn han_spaces(doc: &Doc) -> usize {
    doc.blocks()
        .map(|(_, block)| {
            let chars: Vec<char> = block.full_text().chars().collect();
            chars
                .windows(3)
                .filter(|w| is_han(w[0]) && w[1] == ' ' && is_han(w[2]))
                .count()
        })
        .sum()
}

fn is_hyphen(c: char) -> bool {
    matches!(c, '-' | '\u{2010}' | '\u{2011}' | '\u{AD}')
}

/// Lower-case words of a document, hyphens kept inside words and unified
/// to `-`, soft hyphens dropped.
fn word_counts(doc: &Doc) -> HashMap<String, usize> {
    let mut words = HashMap::new();
    for (_, block) in doc.blocks() {
        for word in block
            .full_text()
            .split(|c: char| !(c.is_alphanumeric() || is_hyphen(c)))
        {
            let word: String = word
                .chars()
                .filter(|&c| c != '\u{AD}')
                .map(|c| if is_hyphen(c) { '-' } else { c })
                .collect::<String>()
                .trim_matches('-')
                .to_lowercase();
            if !word.is_empty() {
                *words.entry(word).or_insert(0) += 1;
            }
        }
    }
    words
}

/// (fragments left split, compounds merged); see [`Metrics`].
fn hyphenation_errors(expected: &Doc, output: &Doc) -> (usize, usize) {
    let exp_words = word_counts(expected);
    let out_words = word_counts(output);
    let mut split = 0;
    for (_, block) in output.blocks() {
        let text = block.full_text();
        let tokens: Vec<&str> = text.split(' ').collect();
        for pair in tokens.windows(2) {
            let head = pair[0].trim_start_matches(|c: char| !c.is_alphanumeric());
            let stem = head.trim_end_matches(is_hyphen);
            let tail: String = pair[1]
                .chars()
                .take_while(|c| c.is_alphanumeric() || is_hyphen(*c))
                .collect();
            let cut = stem.len() < head.len()
                && stem.ends_with(char::is_alphabetic)
                && tail.starts_with(char::is_lowercase);
            if !cut {
                continue;
            }
            let stem: String = stem
                .chars()
                .map(|c| if is_hyphen(c) { '-' } else { c })
                .collect();
            let joined = format!("{stem}{tail}").to_lowercase();
            let compound = format!("{stem}-{tail}").to_lowercase();
            if exp_words.contains_key(&joined) || exp_words.contains_key(&compound) {
                split += 1;
            }
        }
    }
    let merged = exp_words
        .keys()
        .filter(|w| w.contains('-'))
        .map(|w| w.replace('-', ""))
        .map(|m| {
            let expected = exp_words.get(&m).copied().unwrap_or(0);
            out_words
                .get(&m)
                .copied()
                .unwrap_or(0)
                .saturating_sub(expected)
        })
        .sum();
    (split, merged)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::markdown::parse;

    const EXPECTED: &str = "---\ntitle: \"Report\"\ndate: 2024-03-18\n---\n\n\
        ::: {lang=en}\n# Heading one\n\nFirst paragraph about co-operation.\n\n\
        Second paragraph on organisation.\n\n1. An item.\n\n2. Another item.\n:::\n\n\
        ::: {lang=zh}\n# 标题\n\n社会工作部。\n:::\n";

    fn doc(markdown: &str) -> Doc {
        parse(markdown)
    }

    #[test]
    fn identical_documents_score_perfectly() {
        let m = score(&doc(EXPECTED), &doc(EXPECTED));
        assert_eq!(m.text_accuracy, 1.0);
        assert!(m.text_accuracy_by_lang.values().all(|&a| a == 1.0));
        assert_eq!(m.edit_distance, 0);
        assert_eq!(m.paragraph_f1, 1.0);
        assert_eq!(m.heading_f1, 1.0);
        assert_eq!(m.list_item_f1, 1.0);
        assert_eq!(m.lang_accuracy, 1.0);
        assert!(m.title_ok && m.date_ok);
        let errors = m.furniture_left + m.cjk_spaces + m.hyphen_split + m.hyphen_merged;
        assert_eq!(errors, 0);
    }

    #[test]
    fn edit_distance_counts_substitutions_insertions_and_deletions() {
        let chars = |s: &str| s.chars().collect::<Vec<_>>();
        assert_eq!(distance(&align(&chars("kitten"), &chars("sitting"))), 3);
        assert_eq!(distance(&align(&chars("abc"), &chars(""))), 3);
        assert_eq!(distance(&align(&chars("same"), &chars("same"))), 0);
    }

    #[test]
    fn an_empty_output_scores_zero_text_accuracy() {
        let m = score(&doc(EXPECTED), &Doc::default());
        assert_eq!(m.text_accuracy, 0.0);
        assert_eq!(m.paragraph_f1, 0.0);
        assert_eq!(m.lang_accuracy, 0.0);
    }

    #[test]
    fn a_removed_boundary_lowers_paragraph_f1() {
        let joined = EXPECTED.replace("co-operation.\n\nSecond", "co-operation. Second");
        let m = score(&doc(EXPECTED), &doc(&joined));
        // 6 expected boundaries, 5 in the output, all of them right.
        assert!(
            (m.paragraph_f1 - 10.0 / 11.0).abs() < 1e-9,
            "{}",
            m.paragraph_f1
        );
        assert!(m.text_accuracy == 1.0);
    }

    #[test]
    fn boundaries_survive_furniture_inserted_before_them() {
        let with_number = EXPECTED.replace("co-operation.\n\nSecond", "co-operation. 2\n\nSecond");
        let m = score(&doc(EXPECTED), &doc(&with_number));
        assert_eq!(m.paragraph_f1, 1.0);
        assert!(m.text_accuracy < 1.0);
    }

    #[test]
    fn headings_and_items_are_compared_as_sets_of_text() {
        let demoted = EXPECTED
            .replace("# Heading one", "Heading one")
            .replace("2. Another item.", "Another item.");
        let m = score(&doc(EXPECTED), &doc(&demoted));
        assert!((m.heading_f1 - 2.0 / 3.0).abs() < 1e-9);
        assert!((m.list_item_f1 - 2.0 / 3.0).abs() < 1e-9);
    }

    #[test]
    fn a_block_in_the_wrong_section_lowers_language_accuracy() {
        let mistagged = EXPECTED.replace("::: {lang=zh}", "::: {lang=ja}");
        let m = score(&doc(EXPECTED), &doc(&mistagged));
        assert!((m.lang_accuracy - 5.0 / 7.0).abs() < 1e-9);
        assert_eq!(m.text_accuracy_by_lang["zh"], 0.0);
        assert_eq!(m.text_accuracy_by_lang["en"], 1.0);
        assert_eq!(m.text_accuracy, 1.0);
    }

    #[test]
    fn a_space_between_han_characters_is_counted() {
        let spaced = EXPECTED.replace("社会", "社 会");
        assert_eq!(score(&doc(EXPECTED), &doc(&spaced)).cjk_spaces, 1);
    }

    #[test]
    fn split_fragments_and_merged_compounds_are_counted() {
        let broken = EXPECTED
            .replace("organisation", "organ- isation")
            .replace("co-operation", "cooperation");
        let m = score(&doc(EXPECTED), &doc(&broken));
        assert_eq!((m.hyphen_split, m.hyphen_merged), (1, 1));
        let soft = EXPECTED.replace("co-operation", "co\u{AD}\u{2010} operation");
        assert_eq!(score(&doc(EXPECTED), &doc(&soft)).hyphen_split, 1);
        // A suspended hyphen is not a fragment.
        let suspended = "::: {lang=en}\npre- and post-war\n:::\n";
        assert_eq!(score(&doc(suspended), &doc(suspended)).hyphen_split, 0);
    }

    #[test]
    fn page_numbers_titles_and_repeated_lines_are_furniture() {
        let left = EXPECTED.replace(
            "# Heading one",
            "Report\n\n3/7\n\n\\- 2 -\n\nPage 3 of 7\n\nRunning head\n\nRunning head\n\n# Heading one",
        );
        let mut output = doc(&left);
        output.form_feeds = 1;
        assert_eq!(score(&doc(EXPECTED), &output).furniture_left, 7);
        for line in ["2", "ii", "3 / 7", "Page 2", "第 2 页", "– 12 –"] {
            assert!(is_page_number(line), "{line}");
        }
        for line in ["2023, the party", "Article 2", "page two"] {
            assert!(!is_page_number(line), "{line}");
        }
    }

    #[test]
    fn title_and_date_must_match() {
        let other = EXPECTED.replace("2024-03-18", "2024-03-19");
        let m = score(&doc(EXPECTED), &doc(&other));
        assert!(m.title_ok && !m.date_ok);
    }
}
