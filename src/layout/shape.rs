//! Shaping with rustybuzz (kerning, ligatures), a run of one face at a time,
//! with a cache: the same word in the same face is shaped once.

use crate::fonts::{FaceId, FontBook};
use std::collections::HashMap;
use std::rc::Rc;

/// A shaped glyph in font units, with the source text of its cluster.
#[derive(Debug, Clone, PartialEq)]
pub struct Shaped {
    pub gid: u16,
    /// Byte offset of the glyph's cluster in the shaped text.
    pub cluster: usize,
    pub advance: i32,
    pub x_offset: i32,
    pub y_offset: i32,
}

/// Shapes runs and remembers the results, and the shaping plan of each
/// face, direction and script (making a plan is most of the cost of
/// shaping a word).
#[derive(Default)]
pub struct Shaper {
    cache: HashMap<FaceId, HashMap<String, Rc<Vec<Shaped>>>>,
    plans: HashMap<PlanKey, rustybuzz::ShapePlan>,
}

type PlanKey = (FaceId, rustybuzz::Direction, rustybuzz::Script);

impl Shaper {
    pub fn shape(&mut self, book: &FontBook, face: FaceId, text: &str) -> Rc<Vec<Shaped>> {
        if let Some(hit) = self.cache.get(&face).and_then(|words| words.get(text)) {
            return hit.clone();
        }
        let shaped = Rc::new(self.shape_uncached(book, face, text));
        self.cache
            .entry(face)
            .or_default()
            .insert(text.to_string(), shaped.clone());
        shaped
    }

    fn shape_uncached(&mut self, book: &FontBook, face: FaceId, text: &str) -> Vec<Shaped> {
        let shaper = book.face(face).shaper();
        let mut buffer = rustybuzz::UnicodeBuffer::new();
        buffer.push_str(text);
        // Direction and script from the text: a right-to-left word comes out in
        // visual order. (Reordering whole right-to-left lines is not done yet.)
        buffer.guess_segment_properties();
        let key = (face, buffer.direction(), buffer.script());
        let plan = self
            .plans
            .entry(key)
            .or_insert_with(|| rustybuzz::ShapePlan::new(shaper, key.1, Some(key.2), None, &[]));
        let output = rustybuzz::shape_with_plan(shaper, plan, buffer);
        output
            .glyph_infos()
            .iter()
            .zip(output.glyph_positions())
            .map(|(info, pos)| Shaped {
                gid: u16::try_from(info.glyph_id).unwrap_or(0),
                cluster: info.cluster as usize,
                advance: pos.x_advance,
                x_offset: pos.x_offset,
                y_offset: pos.y_offset,
            })
            .collect()
    }
}
