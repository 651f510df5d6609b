//! Right-to-left text: a PDF draws glyphs where they are seen, so a line read left to
//! right across the page is in visual order. Arabic and Hebrew are read right to left,
//! with runs of digits and Latin inside them read left to right; this turns such a line
//! into the order it is read (its logical order), as the Unicode bidi algorithm would
//! have laid the logical text out.

use unicode_bidi::{bidi_class, BidiClass};

/// The order in which the units of a line given in visual (left-to-right) order are
/// read, the units starting at `starts` (byte offsets, ascending, the first 0): the
/// text of one glyph each, kept whole. `None` when the line reads as drawn.
///
/// A line whose strong units are mostly right-to-left is reversed, then each run of
/// left-to-right units in it (words, numbers, with what stands between them) is turned
/// back; in a left-to-right line only the right-to-left runs are reversed. Lines without
/// right-to-left characters read as drawn.
pub(super) fn reading_order(visual: &str, starts: &[usize]) -> Option<Vec<usize>> {
    // Most lines hold no right-to-left letter: a look at their non-ASCII characters.
    let has_rtl = visual
        .chars()
        .any(|c| !c.is_ascii() && direction(c) == Some(Direction::Rtl));
    if !has_rtl {
        return None;
    }
    let units = units(visual, starts);
    let directions: Vec<Option<Direction>> = units
        .iter()
        .map(|u| u.chars().find_map(direction))
        .collect();
    let count = |d: Direction| directions.iter().filter(|&&x| x == Some(d)).count();
    let base_rtl = count(Direction::Rtl) > count(Direction::Ltr);
    let mut order: Vec<usize> = (0..units.len()).collect();
    let embedded = if base_rtl {
        order.reverse();
        Direction::Ltr
    } else {
        Direction::Rtl
    };
    let in_order: Vec<Option<Direction>> = order.iter().map(|&i| directions[i]).collect();
    for run in runs_of(&in_order, embedded) {
        order[run].reverse();
    }
    Some(order)
}

/// The units of `text` that start at `starts`.
pub(super) fn units<'t>(text: &'t str, starts: &[usize]) -> Vec<&'t str> {
    let ends = starts.iter().skip(1).copied().chain([text.len()]);
    starts.iter().zip(ends).map(|(&a, b)| &text[a..b]).collect()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Direction {
    Ltr,
    Rtl,
}

/// The direction a character sets: letters of their script, digits left to right
/// (inside right-to-left text a number still reads left to right).
fn direction(c: char) -> Option<Direction> {
    match bidi_class(c) {
        BidiClass::R | BidiClass::AL => Some(Direction::Rtl),
        BidiClass::L | BidiClass::EN | BidiClass::AN => Some(Direction::Ltr),
        _ => None,
    }
}

/// Maximal runs that start and end with a unit of direction `wanted` and hold no unit of
/// the other direction.
fn runs_of(directions: &[Option<Direction>], wanted: Direction) -> Vec<std::ops::Range<usize>> {
    let mut runs = Vec::new();
    let mut open: Option<(usize, usize)> = None;
    for (i, &d) in directions.iter().enumerate() {
        match d {
            Some(d) if d == wanted => {
                open = Some((open.map_or(i, |(start, _)| start), i + 1));
            }
            Some(_) => runs.extend(open.take().map(|(start, end)| start..end)),
            None => {}
        }
    }
    runs.extend(open.map(|(start, end)| start..end));
    runs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rev(word: &str) -> String {
        word.chars().rev().collect()
    }

    fn logical_order(visual: &str, starts: &[usize]) -> String {
        match reading_order(visual, starts) {
            Some(order) => {
                let units = units(visual, starts);
                order.into_iter().map(|i| units[i]).collect()
            }
            None => visual.to_owned(),
        }
    }

    /// A line of one glyph a character.
    fn logical(visual: &str) -> String {
        let starts: Vec<usize> = visual.char_indices().map(|(i, _)| i).collect();
        logical_order(visual, &starts)
    }

    #[test]
    fn a_ligature_glyph_keeps_its_letters_in_reading_order() {
        // Lam-alef drawn as one glyph whose text is "لا", between two letters.
        let visual = "بلات";
        let starts = [0, "ب".len(), "بلا".len()];
        assert_eq!(logical_order(visual, &starts), "تلاب");
    }

    #[test]
    fn arabic_is_read_right_to_left_with_its_numbers_left_to_right() {
        // Drawn left to right: the last word first, each word's letters reversed, the
        // number as it is read.
        let visual = format!("{} {} 12 {}", rev("الإعلان"), rev("من"), rev("المادة"));
        assert_eq!(logical(&visual), "المادة 12 من الإعلان");
    }

    #[test]
    fn latin_inside_hebrew_keeps_its_order() {
        let visual = format!("{} PDF 2.0 {}", rev("עולם"), rev("שלום"));
        assert_eq!(logical(&visual), "שלום PDF 2.0 עולם");
    }

    #[test]
    fn an_arabic_word_inside_english_is_turned() {
        // Visual: the Arabic word's letters drawn right to left inside an LTR line.
        let word = "سلام";
        let visual = format!("He said {} twice", word.chars().rev().collect::<String>());
        assert_eq!(logical(&visual), format!("He said {word} twice"));
    }

    #[test]
    fn left_to_right_lines_are_untouched() {
        assert_eq!(logical("Plain text, 42."), "Plain text, 42.");
        assert_eq!(logical("中文文本"), "中文文本");
    }
}
