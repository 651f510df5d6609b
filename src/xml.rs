//! What XML 1.0 allows in text. The XML writers (DOCX, EPUB) escape with it,
//! and the cleaner drops, with an edit, the characters no edition could carry.

/// Whether `c` may stand in the text of an XML document: a `Char` of XML 1.0
/// less the C1 controls (U+007F–U+009F) it discourages, which no real text
/// means (they come from a misread encoding).
pub fn allowed(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{7E}' | '\u{A0}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// `text` escaped for XML content and attributes (`&`, `<`, `>`, `"`), with
/// the characters XML forbids left out.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c if allowed(c) => out.push(c),
            _ => {}
        }
    }
    out
}

/// `text` without the characters XML forbids (for a library that escapes
/// the rest itself).
pub fn without_forbidden(text: &str) -> std::borrow::Cow<'_, str> {
    if text.chars().all(allowed) {
        text.into()
    } else {
        text.chars()
            .filter(|&c| allowed(c))
            .collect::<String>()
            .into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_are_left_out_and_markup_escaped() {
        assert_eq!(
            escape("a\u{0}b\u{1}<c>\u{1B}&\"\u{85}\u{FFFE}d"),
            "ab&lt;c&gt;&amp;&quot;d"
        );
        assert_eq!(without_forbidden("tab\tand\u{7}bell"), "tab\tandbell");
        assert!(matches!(
            without_forbidden("plain é 中"),
            std::borrow::Cow::Borrowed(_)
        ));
    }
}
