//! Script classes for choosing a face, decided from Unicode properties
//! (Script and East Asian Width), not from hand-written code-point ranges.

use unicode_script::{Script, UnicodeScript};
use unicode_width::UnicodeWidthChar;

/// Which face family a character is set in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Class {
    /// Latin letters, digits, Latin punctuation, spaces, and everything else
    /// that is not East Asian.
    Latin,
    /// Han, kana, bopomofo and East Asian wide or fullwidth punctuation.
    Cjk,
}

impl Class {
    /// The name on the command line (`--font body.cjk=…`).
    pub fn name(self) -> &'static str {
        match self {
            Class::Latin => "latin",
            Class::Cjk => "cjk",
        }
    }
}

/// A Han, kana or bopomofo letter.
pub fn is_cjk_letter(c: char) -> bool {
    !c.is_ascii()
        && matches!(
            c.script(),
            Script::Han | Script::Hiragana | Script::Katakana | Script::Bopomofo
        )
}

/// The class of `c`. `east_asian` says whether the text around it is
/// Chinese or Japanese: then punctuation of Ambiguous East Asian Width
/// (curly quotes, ellipsis, middle dot, em dash) is set in the CJK face,
/// at full width, as it would be in a Chinese book.
pub fn class_of(c: char, east_asian: bool) -> Class {
    if c.is_ascii() {
        return Class::Latin;
    }
    if is_cjk_letter(c) || c.width() == Some(2) {
        return Class::Cjk;
    }
    let ambiguous = c.width_cjk() == Some(2) && c.width() == Some(1);
    if east_asian && ambiguous && matches!(c.script(), Script::Common) && !c.is_alphanumeric() {
        return Class::Cjk;
    }
    Class::Latin
}

/// Whether text in language `lang` (BCP 47) is East Asian.
pub fn is_east_asian_lang(lang: &str) -> bool {
    let primary = lang.split('-').next().unwrap_or(lang);
    matches!(primary, "zh" | "ja" | "ko")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_follow_unicode_properties() {
        assert_eq!(class_of('社', false), Class::Cjk);
        assert_eq!(class_of('か', false), Class::Cjk);
        assert_eq!(class_of('，', false), Class::Cjk);
        assert_eq!(class_of('。', false), Class::Cjk);
        assert_eq!(class_of('「', false), Class::Cjk);
        assert_eq!(class_of('a', true), Class::Latin);
        assert_eq!(class_of('7', true), Class::Latin);
        assert_eq!(class_of('é', false), Class::Latin);
        assert_eq!(class_of('“', false), Class::Latin);
        assert_eq!(class_of('“', true), Class::Cjk);
    }
}
