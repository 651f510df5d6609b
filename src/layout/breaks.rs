//! Where a line may end: UAX #14 (`unicode-linebreak`, which already allows
//! a break between two ideographs), tightened by the Chinese rules that no
//! line starts with closing punctuation and none ends with opening
//! punctuation; and where a word may be hyphenated (en, fr, es, with the
//! `hyphenation` crate's embedded Knuth–Liang patterns).

use hyphenation::{Hyphenator, Language, Load, Standard};
use std::sync::OnceLock;
use unicode_linebreak::{linebreaks, BreakOpportunity};

/// Characters that may not start a line (Chinese 行首禁则).
pub const NO_LINE_START: &[char] = &[
    '，', '。', '、', '；', '：', '？', '！', '）', '」', '』', '》', '”', '’', '〉', '】', '〕',
    '…', '‥', '・', '·', '％', '〜',
];
/// Characters that may not end a line (Chinese 行尾禁则).
pub const NO_LINE_END: &[char] = &['（', '「', '『', '《', '“', '‘', '〈', '【', '〔'];

/// A place where a line may end: the byte offset where the next line would start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Break {
    pub at: usize,
    pub mandatory: bool,
}

/// The break opportunities of `text`, the end of text included.
pub fn opportunities(text: &str) -> Vec<Break> {
    linebreaks(text)
        .filter(|&(at, _)| {
            let next = text[at..].chars().next();
            let prev = text[..at].chars().next_back();
            let forbidden_start = next.is_some_and(|c| NO_LINE_START.contains(&c));
            let forbidden_end = prev.is_some_and(|c| NO_LINE_END.contains(&c));
            // A compound's own hyphen (`non-state`) is no place to break:
            // a reader could not tell it from a hyphen added at the line end.
            let before_hyphen = text[..at].chars().rev().nth(1);
            let compound = prev.is_some_and(|c| matches!(c, '-' | '\u{2010}'))
                && before_hyphen.is_some_and(char::is_alphanumeric)
                && next.is_some_and(char::is_alphanumeric);
            at == text.len() || !(forbidden_start || forbidden_end || compound)
        })
        .map(|(at, kind)| Break {
            at,
            mandatory: kind == BreakOpportunity::Mandatory && at < text.len(),
        })
        .collect()
}

fn dictionary(lang: &str) -> Option<&'static Standard> {
    static EN: OnceLock<Option<Standard>> = OnceLock::new();
    static EN_GB: OnceLock<Option<Standard>> = OnceLock::new();
    static FR: OnceLock<Option<Standard>> = OnceLock::new();
    static ES: OnceLock<Option<Standard>> = OnceLock::new();
    let mut parts = lang.split('-');
    let primary = parts.next().unwrap_or(lang);
    // British English has its own patterns; any other English takes the US ones.
    let british = parts.any(|p| p.eq_ignore_ascii_case("GB"));
    let (cell, language) = match primary {
        "en" if british => (&EN_GB, Language::EnglishGB),
        "en" => (&EN, Language::EnglishUS),
        "fr" => (&FR, Language::French),
        "es" => (&ES, Language::Spanish),
        _ => return None,
    };
    cell.get_or_init(|| Standard::from_embedded(language).ok())
        .as_ref()
}

/// Byte offsets inside `word` where it may be hyphenated in language `lang`
/// (none for other languages, or words with digits or capitals only).
pub fn hyphenation_points(word: &str, lang: &str) -> Vec<usize> {
    if word.chars().count() < 5
        || !word.chars().all(char::is_alphabetic)
        || word.chars().all(|c| !c.is_lowercase())
    {
        return Vec::new();
    }
    match dictionary(lang) {
        Some(dict) => dict.hyphenate(word).breaks,
        None => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn british_english_has_its_own_patterns() {
        assert!(dictionary("en-GB").is_some());
        assert!(!std::ptr::eq(
            dictionary("en-GB").unwrap(),
            dictionary("en-US").unwrap()
        ));
        assert!(std::ptr::eq(
            dictionary("en").unwrap(),
            dictionary("en-US").unwrap()
        ));
    }

    fn lines_may_start_at(text: &str) -> Vec<&str> {
        opportunities(text)
            .iter()
            .filter(|b| b.at < text.len())
            .map(|b| &text[b.at..])
            .collect()
    }

    #[test]
    fn no_line_starts_with_closing_or_ends_with_opening_punctuation() {
        let text = "党的纪律，“社会治理”（CPC）。";
        for rest in lines_may_start_at(text) {
            let first = rest.chars().next().unwrap();
            assert!(!NO_LINE_START.contains(&first), "{rest}");
            let before = &text[..text.len() - rest.len()];
            let last = before.chars().next_back().unwrap();
            assert!(!NO_LINE_END.contains(&last), "{before}");
        }
        // Between two ideographs a line may break.
        assert!(lines_may_start_at("社会工作").contains(&"会工作"));
    }

    #[test]
    fn latin_words_break_at_spaces_and_hyphenate() {
        assert_eq!(
            lines_may_start_at("the party’s work"),
            ["party’s work", "work"]
        );
        assert!(!hyphenation_points("organisational", "en").is_empty());
        assert!(!hyphenation_points("gouvernance", "fr").is_empty());
        assert!(!hyphenation_points("organizativo", "es").is_empty());
        assert!(hyphenation_points("organisational", "zh").is_empty());
        assert!(hyphenation_points("COVID", "en").is_empty());
    }
}
