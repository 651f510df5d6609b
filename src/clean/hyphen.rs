//! Dehyphenation: a hyphen at a line end either splits one word (removed)
//! or belongs to a compound (`non-state`, kept).
//!
//! The evidence, strongest first:
//! 1. a soft hyphen (U+00AD), or a hyphen drawn apart from its word: the
//!    layout engine hyphenated → remove;
//! 2. the joined word occurs elsewhere in the document → remove;
//! 3. the hyphenated compound occurs elsewhere → keep;
//! 4. the hyphen is U+2010, a character layout engines do not insert by
//!    themselves (they use `-` or a soft hyphen) → keep;
//! 5. the layout marks the hyphens it inserts (most line-end hyphens of the
//!    document are soft, rule 1), so a plain one at a line end is the
//!    author's (`c'est-à-` `dire`) → keep;
//! 6. the second half starts with a capital (`Tran-` `Harris`): names and
//!    compounds keep their capitals, split words do not → keep, undecided;
//! 7. the document hyphenates its lines (the strong evidence above removed
//!    more hyphens than it kept) → remove, unless both halves are words of
//!    the document of five letters or more (`society-making`): a split word
//!    is then far likelier than a compound broken at its hyphen;
//! 8. both halves are words of the document (`gig` and `economy`) → keep;
//! 9. the second half is no word of the document (`mem-` `bers`) → remove;
//! 10. otherwise → keep, undecided, and say so in the report.

use std::collections::HashSet;

const SOFT_HYPHEN: char = '\u{AD}';

/// What to do with a line-end hyphen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HyphenChoice {
    /// The hyphen splits a word: remove it.
    Remove,
    /// The hyphen belongs to a compound: keep it.
    KeepKnown,
    /// Nothing decides: keep it, and say so in the report.
    KeepUndecided,
}

/// The hyphen at the end of a line that may split a word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineEndHyphen {
    /// Bytes to take off the end of the line to rejoin the word: the
    /// hyphen characters and a space drawn before them.
    pub len: usize,
    /// Whether the layout engine certainly put it there (a soft hyphen, or
    /// a hyphen set apart from its word, which no author writes).
    pub by_layout: bool,
}

/// Finds a line-end hyphen: hyphen characters (`-`, U+2010, U+00AD) right
/// after a letter, or U+2010 / U+00AD after a letter and one space (`mea ‐`,
/// an extractor seeing the gap before a hyphen glyph). `1990 -`, `a -` and
/// `--` are dashes, not hyphens.
pub fn line_end_hyphen(text: &str) -> Option<LineEndHyphen> {
    let stem = text.trim_end_matches(is_hyphen);
    let run = &text[stem.len()..];
    if run.is_empty() || run == "--" || run.chars().count() > 2 {
        return None;
    }
    let soft = run.contains(SOFT_HYPHEN);
    if let Some(word) = stem.strip_suffix(' ') {
        let typographic = run.chars().all(|c| c != '-');
        let ends_in_letter = word.chars().next_back().is_some_and(char::is_alphabetic);
        return (typographic && ends_in_letter).then_some(LineEndHyphen {
            len: run.len() + 1,
            by_layout: true,
        });
    }
    stem.chars()
        .next_back()
        .is_some_and(char::is_alphabetic)
        .then_some(LineEndHyphen {
            len: run.len(),
            by_layout: soft,
        })
}

/// The words of a document, to decide hyphens by.
#[derive(Debug, Default)]
pub struct Lexicon {
    /// Lower-case words, split at every character that is not a letter or digit.
    words: HashSet<String>,
    /// Lower-case compounds written with an inner hyphen (`non-state`).
    compounds: HashSet<String>,
    /// Whether the layout hyphenated words at line ends.
    hyphenates: bool,
    /// Whether the layout marks the hyphens it inserts: most line-end hyphens
    /// are soft hyphens (two at least).
    marks_its_hyphens: bool,
}

impl Lexicon {
    /// Collects the words of the lines, in reading order. The pieces of a
    /// word split at a line end (`mem-` and the `bers` that starts the next
    /// line) are not words: they are what is being decided.
    pub fn from_lines<'a>(lines: impl IntoIterator<Item = &'a str>) -> Lexicon {
        let lines: Vec<&str> = lines.into_iter().collect();
        let mut lexicon = Lexicon::default();
        let mut after_hyphen = false;
        for &line in &lines {
            let hyphen = line_end_hyphen(line);
            let body = &line[..line.len() - hyphen.map_or(0, |h| h.len)];
            let mut tokens = body
                .split(|c: char| !(c.is_alphanumeric() || is_hyphen(c)))
                .map(|t| t.trim_matches(is_hyphen))
                .filter(|t| !t.is_empty())
                .peekable();
            if after_hyphen {
                tokens.next();
            }
            while let Some(token) = tokens.next() {
                if hyphen.is_some() && tokens.peek().is_none() {
                    break;
                }
                if token.contains(is_hyphen) {
                    lexicon.compounds.insert(fold(token));
                }
                for word in token.split(is_hyphen).filter(|w| !w.is_empty()) {
                    lexicon.words.insert(word.to_lowercase());
                }
            }
            after_hyphen = hyphen.is_some();
        }
        lexicon.hyphenates = lexicon.layout_hyphenation(&lines);
        let line_end_hyphens = lines.iter().filter_map(|l| line_end_hyphen(l));
        let (soft, plain) = line_end_hyphens.fold((0, 0), |(soft, plain), h| {
            if h.by_layout {
                (soft + 1, plain)
            } else {
                (soft, plain + 1)
            }
        });
        lexicon.marks_its_hyphens = soft >= 2 && soft > plain;
        lexicon
    }

    /// Whether the strong evidence (soft hyphens, joined words, attested
    /// compounds) removes more line-end hyphens than it keeps, two at least.
    fn layout_hyphenation(&self, lines: &[&str]) -> bool {
        let (mut removed, mut kept) = (0, 0);
        for pair in lines.windows(2) {
            let Some(hyphen) = line_end_hyphen(pair[0]) else {
                continue;
            };
            match self.strong_evidence(pair[0], hyphen, pair[1]) {
                Some(HyphenChoice::Remove) => removed += 1,
                Some(_) => kept += 1,
                None => {}
            }
        }
        removed >= 2 && removed > kept
    }

    /// The decision the document itself makes (rules 1 to 4), if any.
    fn strong_evidence(
        &self,
        head: &str,
        hyphen: LineEndHyphen,
        tail: &str,
    ) -> Option<HyphenChoice> {
        if hyphen.by_layout {
            return Some(HyphenChoice::Remove);
        }
        let before = last_word(&head[..head.len() - hyphen.len]).to_lowercase();
        let after = first_word(tail).to_lowercase();
        if self.words.contains(&format!("{before}{after}")) {
            Some(HyphenChoice::Remove)
        } else if self.compounds.contains(&format!("{before}-{after}"))
            || head.ends_with('\u{2010}')
        {
            Some(HyphenChoice::KeepKnown)
        } else {
            None
        }
    }

    /// Decides the hyphen `hyphen` that ends `head` (the end of one line),
    /// before `tail` (the start of the next).
    pub fn decide(&self, head: &str, hyphen: LineEndHyphen, tail: &str) -> HyphenChoice {
        if let Some(choice) = self.strong_evidence(head, hyphen, tail) {
            return choice;
        }
        let before = last_word(&head[..head.len() - hyphen.len]).to_lowercase();
        let after = first_word(tail);
        let after_lower = after.to_lowercase();
        if self.marks_its_hyphens {
            HyphenChoice::KeepKnown
        } else if after.chars().next().is_some_and(char::is_uppercase) {
            HyphenChoice::KeepUndecided
        } else if self.hyphenates && !self.long_words(&before, &after_lower) {
            HyphenChoice::Remove
        } else if self.words.contains(&before) && self.words.contains(&after_lower) {
            HyphenChoice::KeepKnown
        } else if !self.words.contains(&after_lower) {
            HyphenChoice::Remove
        } else {
            HyphenChoice::KeepUndecided
        }
    }
}

impl Lexicon {
    /// Whether both halves are words of the document of five letters or
    /// more (`society-making`): too long to be the syllables a layout splits
    /// a word into, unlike `your-self` or `govern-ment`.
    fn long_words(&self, before: &str, after: &str) -> bool {
        const LONG: usize = 5;
        [before, after]
            .iter()
            .all(|w| w.chars().count() >= LONG && self.words.contains(*w))
    }
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

    fn decide(lex: &Lexicon, head: &str, tail: &str) -> HyphenChoice {
        lex.decide(head, line_end_hyphen(head).expect("a hyphen"), tail)
    }

    #[test]
    fn soft_hyphen_is_always_removed() {
        let lex = Lexicon::default();
        assert_eq!(decide(&lex, "organ\u{AD}", "isation"), HyphenChoice::Remove);
        assert_eq!(
            decide(&lex, "mea\u{AD}\u{2010}", "sures"),
            HyphenChoice::Remove
        );
    }

    #[test]
    fn hyphen_set_apart_by_the_layout_is_removed() {
        let found = line_end_hyphen("isolated mea \u{2010}").unwrap();
        assert_eq!(
            found,
            LineEndHyphen {
                len: 4,
                by_layout: true
            }
        );
        for dash in [
            "in 1990 -",
            "a spaced dash -",
            "-",
            "word--",
            "a \u{2010}\u{2010}\u{2010}",
        ] {
            assert_eq!(line_end_hyphen(dash), None, "{dash}");
        }
    }

    #[test]
    fn word_seen_whole_elsewhere_is_rejoined() {
        let lex = lexicon("the organisation grew\nan organ-\nisation");
        assert_eq!(
            decide(&lex, "an organ-", "isation of"),
            HyphenChoice::Remove
        );
    }

    #[test]
    fn known_compound_is_kept() {
        let lex = lexicon("the self-governance of\nand self-\ngovernance");
        assert_eq!(
            decide(&lex, "and self-", "governance"),
            HyphenChoice::KeepKnown
        );
    }

    #[test]
    fn compound_of_two_words_is_kept() {
        let lex = lexicon("non-public bodies of the state\nthe non-\nstate sector");
        assert_eq!(
            decide(&lex, "the non-", "state sector"),
            HyphenChoice::KeepKnown
        );
    }

    #[test]
    fn fragment_that_is_no_word_is_rejoined() {
        let lex = lexicon("rights of all mem-\nbers of the family");
        assert_eq!(decide(&lex, "all mem-", "bers of"), HyphenChoice::Remove);
    }

    #[test]
    fn capitalised_continuation_is_kept_undecided() {
        let lex = lexicon("confirmed by Tran-\nHarris today");
        assert_eq!(
            decide(&lex, "by Tran-", "Harris today"),
            HyphenChoice::KeepUndecided
        );
    }

    #[test]
    fn typographic_hyphen_is_the_author_s() {
        let lex = lexicon("ils en ont eux\u{2010}\nmêmes fait");
        assert_eq!(
            decide(&lex, "eux\u{2010}", "mêmes fait"),
            HyphenChoice::KeepKnown
        );
    }

    #[test]
    fn a_plain_hyphen_is_the_author_s_where_the_layout_marks_its_own() {
        let text = "the organ\u{AD}\nisation and the men\u{AD}\ntion of c'est-à-\ndire here";
        let lex = lexicon(text);
        assert_eq!(
            decide(&lex, "of c'est-à-", "dire here"),
            HyphenChoice::KeepKnown
        );
        // Without soft hyphens elsewhere the same line end is a split word.
        let lex = lexicon("the mention of c'est-à-\ndire here");
        assert_ne!(
            decide(&lex, "of c'est-à-", "dire here"),
            HyphenChoice::KeepKnown
        );
    }

    #[test]
    fn a_hyphenating_layout_removes_the_undecided() {
        let text = "the organisation and the mention of\nan organ-\nisation that we men-\ntion as your-\nself";
        let lex = lexicon(text);
        assert!(lex.hyphenates);
        assert_eq!(decide(&lex, "as your-", "self"), HyphenChoice::Remove);
        let text = "society and making\nthe organisation and the mention of\nan organ-\nisation that we men-\ntion as society-\nmaking";
        assert_eq!(
            decide(&lexicon(text), "as society-", "making"),
            HyphenChoice::KeepKnown
        );
        let plain = lexicon("the state of your\nown self-\nreliance");
        assert!(!plain.hyphenates);
    }

    #[test]
    fn word_that_is_also_a_fragment_elsewhere_stays_undecided() {
        let lex = lexicon("the state of things\nthe pre-\nstate era");
        assert_eq!(
            decide(&lex, "the pre-", "state era"),
            HyphenChoice::KeepUndecided
        );
    }
}
