//! Dehyphenation: a hyphen at a line end either splits one word (removed)
//! or belongs to a compound (`non-state`, kept).

use std::collections::HashSet;

const SOFT_HYPHEN: char = '\u{AD}';

/// What to do with a line-end hyphen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HyphenChoice {
    /// A soft hyphen, or the joined word occurs elsewhere: remove it.
    Remove,
    /// The hyphenated compound occurs elsewhere: keep it.
    KeepKnown,
    /// Nothing decides: keep it, and say so in the report.
    KeepUndecided,
}

/// The words of a document, to decide hyphens by.
#[derive(Debug, Default)]
pub struct Lexicon {
    /// Lower-case words, split at every character that is not a letter or digit.
    words: HashSet<String>,
    /// Lower-case compounds written with an inner hyphen (`non-state`).
    compounds: HashSet<String>,
}

impl Lexicon {
    /// Collects the words of `lines`. A hyphen at the end of a line does not
    /// make a compound, since that is what is being decided.
    pub fn from_lines<'a>(lines: impl IntoIterator<Item = &'a str>) -> Lexicon {
        let mut lexicon = Lexicon::default();
        for line in lines {
            for token in line.split(|c: char| !(c.is_alphanumeric() || is_hyphen(c))) {
                let token = token.trim_start_matches(is_hyphen);
                if token.ends_with(is_hyphen) {
                    continue;
                }
                if token.contains(is_hyphen) {
                    lexicon.compounds.insert(fold(token));
                }
                for word in token.split(is_hyphen).filter(|w| !w.is_empty()) {
                    lexicon.words.insert(word.to_lowercase());
                }
            }
        }
        lexicon
    }

    /// Decides the hyphen between `head` (the end of one line, hyphen
    /// included) and `tail` (the start of the next).
    pub fn decide(&self, head: &str, tail: &str) -> HyphenChoice {
        if head.ends_with(SOFT_HYPHEN) || is_set_apart(head) {
            return HyphenChoice::Remove;
        }
        let before =
            last_word(&head[..head.len() - head.chars().next_back().map_or(0, char::len_utf8)]);
        let after = first_word(tail);
        let joined = format!("{before}{after}").to_lowercase();
        if self.words.contains(&joined) {
            HyphenChoice::Remove
        } else if self.compounds.contains(&fold(&format!("{before}-{after}"))) {
            HyphenChoice::KeepKnown
        } else {
            HyphenChoice::KeepUndecided
        }
    }
}

/// Whether `text` ends with a hyphen that may split a word: a hyphen or
/// soft hyphen right after a letter, or one set apart by a space (below).
pub fn ends_with_word_hyphen(text: &str) -> bool {
    let mut rev = text.chars().rev();
    matches!(
        (rev.next(), rev.next()),
        (Some(h), Some(letter)) if is_hyphen(h) && letter.is_alphabetic()
    ) || is_set_apart(text)
}

/// A typographic hyphen (U+2010) or soft hyphen drawn apart from its word
/// (`mea ‐`): the layout engine hyphenated the word and an extractor saw
/// the gap before the hyphen glyph. No author writes that.
fn is_set_apart(text: &str) -> bool {
    let mut rev = text.chars().rev();
    matches!(
        (rev.next(), rev.next(), rev.next()),
        (Some('\u{2010}' | SOFT_HYPHEN), Some(' '), Some(letter)) if letter.is_alphabetic()
    )
}

fn is_hyphen(c: char) -> bool {
    matches!(c, '-' | '\u{2010}' | SOFT_HYPHEN)
}

/// Lower case, every hyphen spelled `-`.
fn fold(word: &str) -> String {
    word.chars()
        .map(|c| if is_hyphen(c) { '-' } else { c })
        .flat_map(char::to_lowercase)
        .collect()
}

fn last_word(text: &str) -> &str {
    let start = text
        .char_indices()
        .rev()
        .find(|(_, c)| !c.is_alphanumeric())
        .map_or(0, |(i, c)| i + c.len_utf8());
    &text[start..]
}

fn first_word(text: &str) -> &str {
    let end = text
        .find(|c: char| !c.is_alphanumeric())
        .unwrap_or(text.len());
    &text[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lexicon(text: &str) -> Lexicon {
        Lexicon::from_lines(text.lines())
    }

    #[test]
    fn soft_hyphen_is_always_removed() {
        assert_eq!(
            Lexicon::default().decide("organ\u{AD}", "isation"),
            HyphenChoice::Remove
        );
    }

    #[test]
    fn word_seen_whole_elsewhere_is_rejoined() {
        let lex = lexicon("the organisation grew\nan organ-\nisation");
        assert_eq!(lex.decide("an organ-", "isation of"), HyphenChoice::Remove);
    }

    #[test]
    fn known_compound_is_kept() {
        let lex = lexicon("the self-governance of\nand self-\ngovernance");
        assert_eq!(
            lex.decide("and self-", "governance"),
            HyphenChoice::KeepKnown
        );
    }

    #[test]
    fn unknown_is_kept_and_undecided() {
        let lex = lexicon("the non-\nstate sector");
        assert_eq!(
            lex.decide("the non-", "state sector"),
            HyphenChoice::KeepUndecided
        );
    }

    #[test]
    fn hyphen_set_apart_by_the_layout_is_removed() {
        assert!(ends_with_word_hyphen("isolated mea \u{2010}"));
        assert_eq!(
            Lexicon::default().decide("isolated mea \u{2010}", "sures"),
            HyphenChoice::Remove
        );
        assert!(!ends_with_word_hyphen("in 1990 -"));
        assert!(!ends_with_word_hyphen("a spaced dash -"));
    }

    #[test]
    fn line_end_hyphen_needs_a_letter_before() {
        assert!(ends_with_word_hyphen("non-"));
        assert!(ends_with_word_hyphen("co\u{2010}"));
        assert!(!ends_with_word_hyphen("1990 -"));
        assert!(!ends_with_word_hyphen("-"));
    }
}
