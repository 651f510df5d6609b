//! Text exports of the model: Markdown, JSON and plain text (the format
//! registry, [`crate::format`], names them and their writers).

pub mod json;
pub mod md;
pub mod txt;
