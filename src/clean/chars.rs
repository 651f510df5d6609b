//! Character classes the passes decide with, from Unicode properties
//! (East Asian Width, Script, General Category) rather than code-point ranges.

use unicode_script::{Script, UnicodeScript};
use unicode_width::UnicodeWidthChar;

/// East Asian Wide or Fullwidth: a character set on a full em in CJK text.
pub fn is_wide(c: char) -> bool {
    c.width() == Some(2)
}

/// Wide, or Ambiguous width (curly quotes, some dashes) which takes the
/// width of the East Asian text around it.
fn is_wide_in_east_asian_context(c: char) -> bool {
    c.width_cjk() == Some(2) && !c.is_ascii()
}

/// A letter of a script written without spaces between words.
pub fn is_cjk(c: char) -> bool {
    // The Script lookup is a table search; ASCII, most of any text, needs none.
    !c.is_ascii()
        && matches!(
            c.script(),
            Script::Han | Script::Hiragana | Script::Katakana | Script::Bopomofo
        )
}

/// The separator that replaces a layout line break between `before` and
/// `after`: nothing inside East Asian text, one space elsewhere.
pub fn line_joiner(before: char, after: char) -> &'static str {
    let east_asian = (is_wide(before) && is_wide_in_east_asian_context(after))
        || (is_wide(after) && is_wide_in_east_asian_context(before));
    if east_asian {
        ""
    } else {
        " "
    }
}

/// Display width in columns: 2 for wide characters, 1 for the rest.
pub fn width(text: &str) -> usize {
    text.chars().map(|c| c.width().unwrap_or(0)).sum()
}

/// Closing quotes and brackets that may follow the end of a sentence.
fn is_closing(c: char) -> bool {
    matches!(
        c,
        '"' | '\'' | ')' | ']' | '»' | '”' | '’' | '」' | '』' | '）' | '》' | '】'
    )
}

/// Whether `text` ends like a sentence (`.`, `?`, `!`, `…`, `。`, …),
/// looking through closing quotes and brackets.
pub fn ends_sentence(text: &str) -> bool {
    let trimmed = text.trim_end().trim_end_matches(is_closing);
    trimmed
        .chars()
        .next_back()
        .is_some_and(|c| matches!(c, '.' | '!' | '?' | '…' | '。' | '！' | '？' | '．'))
}

/// Whether the line's letters are mostly CJK: such lines are measured and
/// joined by East Asian rules.
pub fn is_mostly_cjk(text: &str) -> bool {
    let (cjk, other) =
        text.chars()
            .filter(|c| c.is_alphanumeric())
            .fold((0usize, 0usize), |(cjk, other), c| {
                if is_cjk(c) {
                    (cjk + 1, other)
                } else {
                    (cjk, other + 1)
                }
            });
    cjk > 0 && cjk >= other
}

/// Whether all letters of `text` are capitals, at least `min` of them. A
/// script without case (Han) makes it false.
pub fn is_all_caps(text: &str, min: usize) -> bool {
    let mut capitals = 0;
    for c in text.chars().filter(|c| c.is_alphabetic()) {
        if !c.is_uppercase() {
            return false;
        }
        capitals += 1;
    }
    capitals >= min
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joiner_is_empty_only_inside_east_asian_text() {
        assert_eq!(line_joiner('社', '识'), "");
        assert_eq!(line_joiner('，', '以'), "");
        assert_eq!(line_joiner('制', '“'), "");
        assert_eq!(line_joiner('a', 'b'), " ");
        assert_eq!(line_joiner('C', '进'), " ");
        assert_eq!(line_joiner(')', '进'), " ");
    }

    #[test]
    fn sentence_ends_look_through_quotes() {
        assert!(ends_sentence("work.”"));
        assert!(ends_sentence("控制。"));
        assert!(ends_sentence("Why?)"));
        assert!(!ends_sentence("the better-known “united"));
        assert!(!ends_sentence("(Click here)"));
    }

    #[test]
    fn widths_and_scripts() {
        assert_eq!(width("ab"), 2);
        assert_eq!(width("中文"), 4);
        assert!(is_mostly_cjk("尽管中国共产党 (CPC) 进行"));
        assert!(!is_mostly_cjk("Communist Party (中共)"));
        assert!(is_all_caps("VERS UN AVENIR? COMITÉ RÉGIONAL", 3));
        assert!(!is_all_caps("COVID-19 lockdown", 3));
        assert!(!is_all_caps("A1", 3));
        assert!(!is_all_caps("中国共产党 (CPC)", 2));
    }
}
