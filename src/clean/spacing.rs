//! Spacing pass: leading, trailing and doubled spaces. Nothing else about
//! the characters changes: quotes, dashes, accents and no-break spaces stay.

use super::report::{EditKind, Report};
use super::Line;

/// Trims every line and folds runs of spaces and tabs into one space.
/// A line that is only white space becomes blank without an entry: no
/// character of text is involved.
pub fn normalize_spacing(lines: &mut [Line], report: &mut Report) {
    for line in lines {
        // Most lines are already spaced right: check before building a new string.
        if is_normal(&line.text) {
            continue;
        }
        let normalized = normalize(&line.text);
        if normalized != line.text {
            if !normalized.is_empty() {
                report.push(
                    EditKind::Spacing,
                    line.page,
                    line.number,
                    line.text.as_ref(),
                    normalized.as_str(),
                );
            }
            line.text = normalized.into();
        }
    }
}

/// Whether `text` has no leading, trailing, doubled spaces or tabs.
fn is_normal(text: &str) -> bool {
    !text.starts_with(' ') && !text.ends_with(' ') && !text.contains('\t') && !text.contains("  ")
}

fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split([' ', '\t']).filter(|w| !w.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    // Other white space (no-break, ideographic) is kept inside the line
    // but not at its ends.
    let trimmed = out.trim();
    if trimmed.len() != out.len() {
        return trimmed.to_string();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_and_folds_spaces() {
        assert_eq!(
            normalize("  Date of Publication:  4 July\t2024 "),
            "Date of Publication: 4 July 2024"
        );
        assert_eq!(normalize(" "), "");
    }

    #[test]
    fn keeps_other_characters() {
        assert_eq!(
            normalize("« gouvernance » – l’État"),
            "« gouvernance » – l’État"
        );
        assert_eq!(normalize("a\u{a0}:"), "a\u{a0}:");
    }

    #[test]
    fn reports_each_changed_line_but_not_blank_ones() {
        let mut lines = vec![
            Line::new("a  b ", 1, 1),
            Line::new("   ", 1, 2),
            Line::new("c", 1, 3),
        ];
        let mut report = Report::default();
        normalize_spacing(&mut lines, &mut report);
        assert_eq!(report.edits.len(), 1);
        assert_eq!(report.edits[0].after, "a b");
        assert_eq!(lines[1].text, "");
    }
}
