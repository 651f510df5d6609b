//! Metadata pass: values the text states about itself. The lines stay in
//! the text; the report notes what was read from where.

use super::report::{EditKind, Report};
use super::Line;

/// Words that make a `Key: value` line a date line, in the languages
/// offprint reads.
const DATE_KEYS: [&str; 9] = [
    "date",
    "published",
    "publication",
    "publié",
    "parution",
    "fecha",
    "publicación",
    "日期",
    "发布",
];

/// The first `Date of Publication: 4 July 2024`-style line sets the date
/// (ISO 8601).
pub fn find_date(lines: &[Line], report: &mut Report) -> Option<String> {
    lines.iter().filter(|l| l.is_content()).find_map(|line| {
        let (key, value) = line.text.split_once([':', '：'])?;
        let key = key.to_lowercase();
        if key.split_whitespace().count() > 4 || !DATE_KEYS.iter().any(|k| key.contains(k)) {
            return None;
        }
        let date = parse_date(value.trim())?;
        report.push(
            EditKind::Metadata,
            line.page,
            line.number,
            line.text.as_ref(),
            format!("date: {date}"),
        );
        Some(date)
    })
}

/// The document title, from the running headers: the first that has words,
/// without the date and time a browser prints beside it and that is no URL.
pub fn title_from_headers(headers: &[String]) -> Option<String> {
    headers.iter().find_map(|header| {
        let words: Vec<&str> = header.split_whitespace().collect();
        let is_stamp = |w: &&str| {
            let w = w.trim_end_matches(',');
            matches!(w, "AM" | "PM" | "am" | "pm")
                || (w.chars().any(|c| c.is_ascii_digit())
                    && w.chars().any(|c| matches!(c, '/' | ':'))
                    && w.chars()
                        .all(|c| c.is_ascii_digit() || matches!(c, '/' | ':' | '.')))
        };
        let start = words.iter().position(|w| !is_stamp(w))?;
        let end = words.iter().rposition(|w| !is_stamp(w))? + 1;
        let title = words[start..end].join(" ");
        let lettered = words[start..end]
            .iter()
            .filter(|w| w.chars().any(char::is_alphabetic))
            .count();
        let is_url = title.contains("://") || title.starts_with("www.");
        (lettered >= 2 && !is_url).then_some(title)
    })
}

/// Parses `2024-07-04`, `4 July 2024`, `July 4, 2024`, `4 juillet 2024`,
/// `4 de julio de 2024` and `2024年7月4日` into `2024-07-04`.
pub fn parse_date(text: &str) -> Option<String> {
    let text = text.trim().trim_end_matches('.');
    if let Some(iso) = parse_iso(text) {
        return Some(iso);
    }
    if let Some(rest) = text.strip_suffix('日') {
        let (year, rest) = rest.split_once('年')?;
        let (month, day) = rest.split_once('月')?;
        return format_date(
            year.trim().parse().ok()?,
            month.trim().parse().ok()?,
            day.trim().parse().ok()?,
        );
    }
    let words: Vec<String> = text
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty() && *w != "de" && *w != "del")
        .map(|w| w.to_lowercase())
        .collect();
    let [a, b, c] = words.as_slice() else {
        return None;
    };
    let year: u32 = c.parse().ok()?;
    if let (Ok(day), Some(month)) = (
        a.trim_end_matches(['.', 'º']).parse::<u32>(),
        month_number(b),
    ) {
        return format_date(year, month, day);
    }
    let (month, day) = (
        month_number(a)?,
        b.trim_end_matches(['.', 's', 't', 'h', 'n', 'd', 'r'])
            .parse()
            .ok()?,
    );
    format_date(year, month, day)
}

fn parse_iso(text: &str) -> Option<String> {
    let mut parts = text.splitn(3, '-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return None;
    }
    format_date(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
}

fn format_date(year: u32, month: u32, day: u32) -> Option<String> {
    let days_in_month = match month {
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        1..=12 => 31,
        _ => return None,
    };
    ((1000..=9999).contains(&year) && (1..=days_in_month).contains(&day))
        .then(|| format!("{year:04}-{month:02}-{day:02}"))
}

/// Month names (full and three-letter) in English, French and Spanish.
fn month_number(word: &str) -> Option<u32> {
    const MONTHS: [[&str; 3]; 12] = [
        ["january", "janvier", "enero"],
        ["february", "février", "febrero"],
        ["march", "mars", "marzo"],
        ["april", "avril", "abril"],
        ["may", "mai", "mayo"],
        ["june", "juin", "junio"],
        ["july", "juillet", "julio"],
        ["august", "août", "agosto"],
        ["september", "septembre", "septiembre"],
        ["october", "octobre", "octubre"],
        ["november", "novembre", "noviembre"],
        ["december", "décembre", "diciembre"],
    ];
    let word = word.trim_end_matches('.');
    MONTHS
        .iter()
        .position(|names| {
            names
                .iter()
                .any(|name| *name == word || (word.chars().count() >= 3 && name.starts_with(word)))
        })
        .map(|k| k as u32 + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_forms() {
        for (text, iso) in [
            ("4 July 2024", "2024-07-04"),
            ("July 4, 2024", "2024-07-04"),
            ("Jul. 4th, 2024", "2024-07-04"),
            ("2024-07-04", "2024-07-04"),
            ("4 juillet 2024", "2024-07-04"),
            ("4 de julio de 2024", "2024-07-04"),
            ("2024年7月4日", "2024-07-04"),
            ("29 February 2024", "2024-02-29"),
        ] {
            assert_eq!(parse_date(text).as_deref(), Some(iso), "{text}");
        }
        for text in [
            "30 February 2024",
            "4 Julyish 2024",
            "soon",
            "2024-7-4",
            "13/13/2024",
        ] {
            assert_eq!(parse_date(text), None, "{text}");
        }
    }

    #[test]
    fn title_from_headers_drops_browser_stamps_and_urls() {
        let headers = vec![
            "file:///tmp/x.html".to_string(),
            "11/26/26, 7:09 PM Universal Declaration of Human Rights: Preamble and Articles 1-7"
                .to_string(),
        ];
        assert_eq!(
            title_from_headers(&headers).as_deref(),
            Some("Universal Declaration of Human Rights: Preamble and Articles 1-7")
        );
        assert_eq!(title_from_headers(&["11/26/26, 7:09 PM".to_string()]), None);
    }

    #[test]
    fn date_line_sets_date_and_stays() {
        let lines = vec![
            Line::new("Intro.", 1, 1),
            Line::new("Date of Publication: 4 July 2024", 1, 2),
        ];
        let mut report = Report::default();
        assert_eq!(
            find_date(&lines, &mut report).as_deref(),
            Some("2024-07-04")
        );
        assert_eq!(report.edits[0].line, 2);
        assert!(lines[1].is_content());
    }

    #[test]
    fn a_sentence_with_a_colon_is_not_a_date_line() {
        let lines = vec![Line::new(
            "The date we feared came at last: 4 July 2024",
            1,
            1,
        )];
        assert_eq!(find_date(&lines, &mut Report::default()), None);
    }
}
