//! A page's links to the web: its `/Link` annotations whose action is a URI,
//! each a rectangle of the page. A glyph under one is link text.
//! Links within the document (`/Dest`, `/GoTo`) are not kept: the model has
//! no place to point them yet.

use std::sync::Arc;

use lopdf::{Dictionary, Document, ObjectId};

use super::resolve;

/// At most this many links are read from one page (a hostile file may list millions).
const MAX_LINKS_PER_PAGE: usize = 10_000;
/// A URI longer than this is not a link anyone follows.
const MAX_URI_BYTES: usize = 8_192;

/// A link annotation: its rectangle in page space and its target.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Link {
    /// `[left, bottom, right, top]`.
    rect: [f64; 4],
    uri: Arc<str>,
}

/// The URI links of a page.
pub(super) fn of_page(doc: &Document, page: ObjectId) -> Vec<Link> {
    let Ok(page) = doc.get_dictionary(page) else {
        return Vec::new();
    };
    let Some(annots) = page
        .get(b"Annots")
        .ok()
        .and_then(|a| resolve(doc, a).as_array().ok())
    else {
        return Vec::new();
    };
    annots
        .iter()
        .take(MAX_LINKS_PER_PAGE)
        .filter_map(|a| resolve(doc, a).as_dict().ok())
        .filter_map(|a| link(doc, a))
        .collect()
}

/// The first link whose rectangle holds `point`.
pub(super) fn at(links: &[Link], (x, y): (f64, f64)) -> Option<Arc<str>> {
    links
        .iter()
        .find(|l| (l.rect[0]..=l.rect[2]).contains(&x) && (l.rect[1]..=l.rect[3]).contains(&y))
        .map(|l| l.uri.clone())
}

fn link(doc: &Document, annot: &Dictionary) -> Option<Link> {
    if annot.get(b"Subtype").ok()?.as_name().ok()? != b"Link" {
        return None;
    }
    let action = resolve(doc, annot.get(b"A").ok()?).as_dict().ok()?;
    if action.get(b"S").ok()?.as_name().ok()? != b"URI" {
        return None;
    }
    let uri = resolve(doc, action.get(b"URI").ok()?).as_str().ok()?;
    if uri.len() > MAX_URI_BYTES {
        return None;
    }
    let uri = String::from_utf8_lossy(uri).trim().to_owned();
    if uri.is_empty() || uri.chars().any(char::is_control) {
        return None;
    }
    let rect = resolve(doc, annot.get(b"Rect").ok()?).as_array().ok()?;
    let numbers: Vec<f64> = rect
        .iter()
        .filter_map(|n| resolve(doc, n).as_float().ok().map(f64::from))
        .filter(|n| n.is_finite())
        .collect();
    let [x0, y0, x1, y1] = numbers[..] else {
        return None;
    };
    Some(Link {
        rect: [x0.min(x1), y0.min(y1), x0.max(x1), y0.max(y1)],
        uri: uri.into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use lopdf::{dictionary, Object, StringFormat};

    #[test]
    fn uri_links_are_read_with_their_rectangles_and_others_are_not() {
        let mut doc = Document::with_version("1.5");
        let uri = |target: &str| {
            Object::Dictionary(dictionary! {
                "S" => "URI",
                "URI" => Object::String(target.as_bytes().to_vec(), StringFormat::Literal),
            })
        };
        let web = doc.add_object(dictionary! {
            "Type" => "Annot", "Subtype" => "Link", "Rect" => vec![200.into(), 700.into(), 100.into(), 712.into()],
            "A" => uri("https://example.org/a"),
        });
        let internal = doc.add_object(dictionary! {
            "Type" => "Annot", "Subtype" => "Link", "Rect" => vec![0.into(), 0.into(), 50.into(), 50.into()],
            "Dest" => vec![Object::Integer(0)],
        });
        let page = doc.add_object(dictionary! {
            "Type" => "Page", "Annots" => vec![web.into(), internal.into()],
        });
        let links = of_page(&doc, page);
        assert_eq!(links.len(), 1);
        assert_eq!(
            at(&links, (150.0, 705.0)).as_deref(),
            Some("https://example.org/a")
        );
        assert_eq!(at(&links, (150.0, 690.0)), None);
        assert_eq!(at(&links, (10.0, 10.0)), None);
    }
}
