//! Character normalisation of font and layout artefacts, each reported:
//! typographic ligatures (`ﬁ` for `fi`, from TeX and other fonts), CJK
//! radicals that some fonts map their glyphs to (`⼈` U+2F08 for `人`), soft
//! hyphens inside a line, and control characters no XML edition can carry.
//! Everything else (quotes, dashes, full-width punctuation) stays as it is.

use super::chars::is_cjk;
use super::report::{EditKind, Report};
use super::Line;
use std::sync::OnceLock;
use unicode_normalization::char::decompose_compatible;

/// A soft hyphen inside a line (`immediate\u{AD}ly`): an invisible break
/// opportunity that only matters at a line end, where dehyphenation sees it.
const SOFT_HYPHEN: char = '\u{AD}';

/// What a character is replaced with, and why, if it is one of the kinds.
pub fn replacement(c: char) -> Option<(String, EditKind)> {
    if c == SOFT_HYPHEN {
        return Some((String::new(), EditKind::SoftHyphen));
    }
    if !crate::xml::allowed(c) {
        return Some((String::new(), EditKind::ControlChar));
    }
    if c.is_ascii() {
        return None;
    }
    let mut decomposed = String::new();
    decompose_compatible(c, |d| decomposed.push(d));
    let mut chars = decomposed.chars();
    let first = chars.next()?;
    let count = decomposed.chars().count();
    // A ligature decomposes into several plain letters.
    if count >= 2 && decomposed.chars().all(|d| d.is_ascii_alphabetic()) {
        return Some((decomposed, EditKind::Ligature));
    }
    // A radical (or compatibility ideograph) stands for one unified ideograph.
    if count == 1 && first != c && is_cjk(first) {
        return Some((decomposed, EditKind::CjkRadical));
    }
    equivalent_ideograph(c).map(|ideograph| (ideograph.to_string(), EditKind::CjkRadical))
}

/// The unified ideograph a CJK radical or stroke looks like, from the
/// Unicode property Equivalent_Unified_Ideograph (most CJK Radicals
/// Supplement characters have no compatibility decomposition).
fn equivalent_ideograph(c: char) -> Option<char> {
    static TABLE: OnceLock<Vec<(u32, u32, char)>> = OnceLock::new();
    let table = TABLE.get_or_init(|| {
        include_str!("data/EquivalentUnifiedIdeograph.txt")
            .lines()
            .filter_map(|line| {
                let (range, target) = line.split('#').next()?.split_once(';')?;
                let (first, last) = match range.trim().split_once("..") {
                    Some((a, b)) => (a, b),
                    None => (range.trim(), range.trim()),
                };
                let hex = |h: &str| u32::from_str_radix(h.trim(), 16).ok();
                Some((hex(first)?, hex(last)?, char::from_u32(hex(target)?)?))
            })
            .collect()
    });
    // The file lists its ranges in code point order.
    let code = u32::from(c);
    let after = table.partition_point(|&(first, _, _)| first <= code);
    let &(_, last, ideograph) = table.get(after.checked_sub(1)?)?;
    (code <= last).then_some(ideograph)
}

/// Replaces ligatures and CJK radicals and drops soft hyphens inside lines,
/// one report entry per character. Soft hyphens at the end of a line stay
/// for dehyphenation.
pub fn normalize_characters(lines: &mut [Line], report: &mut Report) {
    for line in lines.iter_mut() {
        let keep_from = line
            .text
            .trim_end_matches(['\u{2010}', SOFT_HYPHEN, '-'])
            .len();
        let needs = |(k, c): (usize, char)| k < keep_from && replacement(c).is_some();
        // Most lines have nothing to replace: check before building a new string.
        if !line.text.char_indices().any(needs) {
            continue;
        }
        let mut text = String::with_capacity(line.text.len());
        for (k, c) in line.text.char_indices() {
            match replacement(c).filter(|_| k < keep_from) {
                Some((with, kind)) => {
                    report.push(kind, line.page, line.number, c.to_string(), with.as_str());
                    text.push_str(&with);
                }
                None => text.push(c),
            }
        }
        line.text = text.into();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ligatures_and_radicals_are_replaced() {
        assert_eq!(replacement('ﬁ'), Some(("fi".into(), EditKind::Ligature)));
        assert_eq!(replacement('ﬀ'), Some(("ff".into(), EditKind::Ligature)));
        assert_eq!(
            replacement('\u{2F08}'),
            Some(("人".into(), EditKind::CjkRadical))
        );
    }

    #[test]
    fn other_compatibility_characters_stay() {
        for c in ['，', '（', 'Ａ', '²', '\u{a0}', '…', '½', 'é', '人', '“'] {
            assert_eq!(replacement(c), None, "{c}");
        }
    }

    #[test]
    fn soft_hyphens_go_inside_lines_and_stay_at_line_ends() {
        let mut lines = vec![Line::new("immediate\u{AD}ly and organ\u{AD}\u{2010}", 1, 1)];
        let mut report = Report::default();
        normalize_characters(&mut lines, &mut report);
        assert_eq!(lines[0].text, "immediately and organ\u{AD}\u{2010}");
        assert_eq!(report.of_kind(EditKind::SoftHyphen).count(), 1);
    }

    #[test]
    fn control_characters_are_dropped_and_reported() {
        let mut lines = vec![Line::new("NUL\u{0} ESC\u{1B}[0m C1\u{85} tab\tstays", 3, 4)];
        let mut report = Report::default();
        normalize_characters(&mut lines, &mut report);
        assert_eq!(lines[0].text, "NUL ESC[0m C1 tab\tstays");
        let dropped: Vec<&str> = report
            .of_kind(EditKind::ControlChar)
            .map(|e| e.before.as_str())
            .collect();
        assert_eq!(dropped, ["\u{0}", "\u{1B}", "\u{85}"]);
    }

    #[test]
    fn each_replacement_is_reported() {
        let mut lines = vec![Line::new("eﬀort and ﬁve ⼈", 2, 7)];
        let mut report = Report::default();
        normalize_characters(&mut lines, &mut report);
        assert_eq!(lines[0].text, "effort and five 人");
        assert_eq!(report.edits.len(), 3);
        assert_eq!((report.edits[0].page, report.edits[0].line), (2, 7));
    }
}
