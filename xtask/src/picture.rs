//! `cargo xtask picture`: the README's picture, `docs/edition-pages.png` —
//! the first page of the brief's English and Chinese PDF editions side by
//! side, rendered by `pdftoppm` at 50 dpi from the debug binary's editions.

use std::path::Path;
use std::process::Command;

pub fn run(mut args: impl Iterator<Item = String>) -> Result<(), String> {
    if let Some(other) = args.next() {
        return Err(format!("picture: unknown argument {other:?}"));
    }
    let root = crate::root();
    let work = root.join("target/picture");
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work).map_err(|e| format!("{}: {e}", work.display()))?;
    let status = crate::cargo()
        .args(["run", "--quiet", "-p", "offprint", "--", "convert"])
        .arg(root.join("fixtures/brief/brief.extracted.txt"))
        .args(["-t", "pdf", "--edition", "en,zh", "--out"])
        .arg(&work)
        .env("SOURCE_DATE_EPOCH", "0")
        .status()
        .map_err(|e| format!("cargo run: {e}"))?;
    if !status.success() {
        return Err("offprint convert failed".into());
    }
    let mut pages = Vec::new();
    for lang in ["en", "zh"] {
        let prefix = work.join(lang);
        let status = Command::new("pdftoppm")
            .args(["-r", "50", "-png", "-f", "1", "-l", "1", "-singlefile"])
            .arg(work.join(format!("brief.extracted.{lang}.pdf")))
            .arg(&prefix)
            .status()
            .map_err(|e| format!("pdftoppm: {e} (install poppler-utils)"))?;
        if !status.success() {
            return Err("pdftoppm failed".into());
        }
        pages.push(read_rgb(&prefix.with_extension("png"))?);
    }
    let out = root.join("docs/edition-pages.png");
    write_side_by_side(&pages, &out)?;
    println!("picture: {}", out.display());
    Ok(())
}

/// An 8-bit RGB image: width, height and its rows.
struct Image {
    width: usize,
    height: usize,
    pixels: Vec<u8>,
}

fn read_rgb(path: &Path) -> Result<Image, String> {
    let (info, pixels) = crate::read_png(path)?;
    if info.color_type != png::ColorType::Rgb {
        return Err(format!(
            "{}: not RGB ({:?})",
            path.display(),
            info.color_type
        ));
    }
    Ok(Image {
        width: info.width as usize,
        height: info.height as usize,
        pixels,
    })
}

/// The pages in a row on a grey ground, a gap around each.
fn write_side_by_side(pages: &[Image], out: &Path) -> Result<(), String> {
    const GAP: usize = 12;
    let height = pages.iter().map(|p| p.height).max().unwrap_or(0) + 2 * GAP;
    let width = pages.iter().map(|p| p.width + GAP).sum::<usize>() + GAP;
    let mut canvas = vec![0xD8u8; width * height * 3];
    let mut left = GAP;
    for page in pages {
        for row in 0..page.height {
            let from = &page.pixels[row * page.width * 3..(row + 1) * page.width * 3];
            let at = ((row + GAP) * width + left) * 3;
            canvas[at..at + from.len()].copy_from_slice(from);
        }
        left += page.width + GAP;
    }
    let file = std::fs::File::create(out).map_err(|e| format!("{}: {e}", out.display()))?;
    let mut encoder = png::Encoder::new(std::io::BufWriter::new(file), width as u32, height as u32);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::High);
    let mut writer = encoder.write_header().map_err(|e| e.to_string())?;
    writer.write_image_data(&canvas).map_err(|e| e.to_string())
}
