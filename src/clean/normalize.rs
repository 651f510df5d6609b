//! Character normalisation of two kinds of font artefacts, each reported:
//! typographic ligatures (`ﬁ` for `fi`, from TeX and other fonts) and CJK
//! radicals that some fonts map their glyphs to (`⼈` U+2F08 for `人`).
//! Everything else (quotes, dashes, full-width punctuation) stays as it is.

use super::chars::is_cjk;
use super::report::{EditKind, Report};
use super::Line;
use unicode_normalization::char::decompose_compatible;

/// What a character is replaced with, and why, if it is one of the two kinds.
pub fn replacement(c: char) -> Option<(String, EditKind)> {
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
    None
}

/// Replaces ligatures and CJK radicals in every line, one report entry per
/// replaced character.
pub fn normalize_characters(lines: &mut [Line], report: &mut Report) {
    for line in lines.iter_mut() {
        // Most lines have nothing to replace: check before building a new string.
        if !line.text.chars().any(|c| replacement(c).is_some()) {
            continue;
        }
        let mut text = String::with_capacity(line.text.len());
        for c in line.text.chars() {
            match replacement(c) {
                Some((with, kind)) => {
                    report.push(kind, line.page, line.number, c.to_string(), with.as_str());
                    text.push_str(&with);
                }
                None => text.push(c),
            }
        }
        line.text = text;
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
    fn each_replacement_is_reported() {
        let mut lines = vec![Line::new("eﬀort and ﬁve ⼈", 2, 7)];
        let mut report = Report::default();
        normalize_characters(&mut lines, &mut report);
        assert_eq!(lines[0].text, "effort and five 人");
        assert_eq!(report.edits.len(), 3);
        assert_eq!((report.edits[0].page, report.edits[0].line), (2, 7));
    }
}
