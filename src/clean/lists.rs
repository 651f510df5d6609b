//! List items: `1. `, `2) `, `a. `, `iv) `, `• ` at the start of a line.

/// A list marker at the start of a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Marker {
    /// The number, letter or bullet as written, with its `.` or `)`.
    pub text: String,
    /// Byte length of the marker and the space after it.
    pub len: usize,
    /// Position in its sequence (1 for `1`, `a`, `i`); `None` for bullets.
    pub ordinal: Option<u32>,
}

const BULLETS: [char; 7] = ['•', '◦', '▪', '●', '○', '‣', '·'];

/// Reads the list marker that starts `text`, if any. A marker is followed
/// by a space and then text.
pub fn parse_marker(text: &str) -> Option<Marker> {
    let first = text.chars().next()?;
    if BULLETS.contains(&first) {
        let rest = &text[first.len_utf8()..];
        let body = rest.trim_start();
        return (!body.is_empty() && rest.len() > body.len()).then(|| Marker {
            text: first.to_string(),
            len: text.len() - body.len(),
            ordinal: None,
        });
    }
    let end = text.find(['.', ')'])?;
    let label = &text[..end];
    let after = &text[end + 1..];
    let body = after.trim_start_matches(' ');
    if body.is_empty() || body.len() == after.len() {
        return None;
    }
    let ordinal =
        if !label.is_empty() && label.len() <= 3 && label.bytes().all(|b| b.is_ascii_digit()) {
            label.parse().ok()
        } else if label.len() == 1 && label.bytes().all(|b| b.is_ascii_lowercase()) {
            Some(u32::from(label.as_bytes()[0] - b'a') + 1)
        } else {
            None
        }?;
    Some(Marker {
        text: text[..=end].to_string(),
        len: text.len() - body.len(),
        ordinal: Some(ordinal),
    })
}

/// Follows the numbering of a list, so that a wrapped line that happens to
/// start with `15. ` is not taken for an item.
#[derive(Debug, Default)]
pub struct ListSequence {
    last: Option<(bool, u32)>,
}

impl ListSequence {
    /// Whether `marker` may start an item here: a bullet, a first item, or
    /// the next number of the current list.
    pub fn accepts(&self, marker: &Marker) -> bool {
        match (marker.ordinal, self.last) {
            (None, _) | (Some(1), _) => true,
            (Some(n), Some((numeric, last))) => numeric == is_numeric(marker) && n == last + 1,
            (Some(_), None) => false,
        }
    }

    pub fn record(&mut self, marker: &Marker) {
        self.last = marker.ordinal.map(|n| (is_numeric(marker), n));
    }
}

fn is_numeric(marker: &Marker) -> bool {
    marker
        .text
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers() {
        let m = parse_marker("1. In the past").unwrap();
        assert_eq!((m.text.as_str(), m.len, m.ordinal), ("1.", 3, Some(1)));
        assert_eq!(parse_marker("b) second").unwrap().ordinal, Some(2));
        assert_eq!(parse_marker("• point").unwrap().text, "•");
        for no in [
            "2023. A year",
            "1.5 metres",
            "Mr. Smith",
            "e.g. this",
            "1.",
            "(a) x",
            "COVID-19.",
        ] {
            assert_eq!(parse_marker(no), None, "{no}");
        }
    }

    #[test]
    fn sequence_accepts_only_the_next_number() {
        let mut seq = ListSequence::default();
        let one = parse_marker("1. a").unwrap();
        let two = parse_marker("2. b").unwrap();
        let five = parse_marker("5. c").unwrap();
        assert!(!seq.accepts(&two));
        assert!(seq.accepts(&one));
        seq.record(&one);
        assert!(seq.accepts(&two));
        assert!(!seq.accepts(&five));
    }
}
