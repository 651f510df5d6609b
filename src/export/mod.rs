//! Text exports of the model: Markdown, JSON and plain text (the format
//! registry, [`crate::format`], names them and their writers).

pub mod json;
pub mod md;
pub mod txt;

/// `body` written to `out` with `first` before its first line and `rest`
/// before every later line that is not blank: a list item's or a note's
/// blocks under their marker, a quotation's under `> `.
pub(crate) fn push_prefixed(out: &mut String, body: &str, first: &str, rest: &str) {
    for (k, line) in body.split('\n').enumerate() {
        if k > 0 {
            out.push('\n');
        }
        if k == 0 {
            out.push_str(first);
        } else if !line.is_empty() {
            out.push_str(rest);
        }
        out.push_str(line);
    }
}
