//! `cargo xtask bench memory`: peak memory of long inputs, against the aims of
//! the memory budget (README, "Bad input").
//!
//! - A 5,000-page PDF (the corpus's four-page bulletin repeated by `qpdf
//!   --pages`), converted to every format and edition: aim under 1.5 GB.
//! - A 20 MB text of 10,000 pages (sentences of the brief's words drawn by a
//!   seeded generator, paragraphs, page numbers), converted to every format,
//!   and its `clean`: the peak as a multiple of the input's size.
//! - A 40 MB text that is one paragraph on one line, to the PDF (set a
//!   window at a time): the same multiple.
//! - The brief 2,000 times (8,000 language sections), to an EPUB of as many
//!   chapters: the same multiple.
//!
//! Each run is one `offprint convert … --json` whose summary gives the peak
//! resident memory (`VmHWM`) and the wall time.

use std::path::Path;
use std::process::Command;

const BRIEF_TEXT: &str = "fixtures/brief/brief.extracted.txt";
/// The aim for the 5,000-page PDF, in MiB.
const LONG_PDF_AIM_MIB: u64 = 1536;

/// About `size` bytes of text that reads like a long report: pages of six
/// paragraphs of 3–9 lines of 9–13 of the brief's words, each page numbered
/// at its foot, no two pages alike (a seeded xorshift, so the same every run).
fn long_text_of(brief: &str, size: usize) -> String {
    let words: Vec<&str> = brief
        .split_whitespace()
        .filter(|w| w.chars().all(|c| c.is_ascii_alphabetic()))
        .collect();
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = |n: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % n as u64) as usize
    };
    let mut text = String::with_capacity(size + 4096);
    let mut page = 1;
    while text.len() < size {
        for _ in 0..6 {
            for _ in 0..3 + next(7) {
                let line: Vec<&str> = (0..9 + next(5)).map(|_| words[next(words.len())]).collect();
                text.push_str(&line.join(" "));
                text.push('\n');
            }
            text.push('\n');
        }
        text.push_str(&format!("{page}\n\u{c}"));
        page += 1;
    }
    text
}

pub fn run(offprint: &Path) -> Result<(), String> {
    let work = Path::new("target/bench-memory");
    let _ = std::fs::remove_dir_all(work);
    std::fs::create_dir_all(work).map_err(|e| format!("{}: {e}", work.display()))?;
    let long_pdf = crate::pages_bench::repeated_bulletin(work, 5000)?;
    let brief = std::fs::read_to_string(BRIEF_TEXT).map_err(|e| format!("{BRIEF_TEXT}: {e}"))?;
    let long_text = work.join("text-20mb.txt");
    let text = long_text_of(&brief, 20_000_000);
    std::fs::write(&long_text, &text).map_err(|e| format!("{}: {e}", long_text.display()))?;

    // One paragraph of 40 MB on one line: set a window at a time.
    let one_line = work.join("line-40mb.txt");
    let line = long_text_of(&brief, 40_000_000).replace(['\n', '\u{c}'], " ");
    std::fs::write(&one_line, line.trim_end())
        .map_err(|e| format!("{}: {e}", one_line.display()))?;
    drop(line);

    // The brief 2,000 times: 8,000 language sections, an EPUB of as many chapters.
    let many_sections = work.join("brief-2000.txt");
    std::fs::write(&many_sections, format!("{brief}\u{c}").repeat(2000))
        .map_err(|e| format!("{}: {e}", many_sections.display()))?;

    println!("\nmemory: peak resident memory of long inputs (VmHWM, one run each)");
    println!(
        "{:<44} {:>9} {:>8} {:>10} {:>12}",
        "input → output", "input", "time", "peak", "aim"
    );
    let runs: [(&Path, &[&str], &str); 4] = [
        (
            &long_pdf,
            &["--to", "md,txt,json,pdf,docx,epub"],
            "every format",
        ),
        (
            &long_text,
            &["--to", "md,txt,json,pdf,docx,epub"],
            "every format",
        ),
        (&one_line, &["--to", "pdf", "--edition", "combined"], "PDF"),
        (
            &many_sections,
            &["--to", "epub", "--edition", "combined"],
            "EPUB",
        ),
    ];
    let mut missed = Vec::new();
    for (input, args, what) in runs {
        let out = work.join(format!(
            "out-{}",
            input.file_stem().unwrap_or_default().to_string_lossy()
        ));
        let summary = work.join("summary.json");
        let status = Command::new(offprint)
            .arg("convert")
            .arg(input)
            .args(args)
            .arg("--out")
            .arg(&out)
            .arg("--json")
            .arg(&summary)
            .args(["-q", "--force", "--memory-limit", "8GiB"])
            .status()
            .map_err(|e| format!("cannot run offprint: {e}"))?;
        let json: serde_json::Value = std::fs::read(&summary)
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .ok_or("offprint wrote no summary")?;
        let peak_mib = json["timing"]["peak_memory_kib"].as_u64().unwrap_or(0) / 1024;
        let seconds = json["timing"]["wall_ms"].as_f64().unwrap_or(0.0) / 1000.0;
        let input_mib = std::fs::metadata(input).map(|m| m.len()).unwrap_or(0) as f64 / 1048576.0;
        let name = format!(
            "{} → {what}",
            input.file_name().unwrap_or_default().to_string_lossy()
        );
        let aim = if input == long_pdf.as_path() {
            if peak_mib > LONG_PDF_AIM_MIB {
                missed.push(format!(
                    "{name}: {peak_mib} MiB, aim {LONG_PDF_AIM_MIB} MiB"
                ));
            }
            format!("< {LONG_PDF_AIM_MIB} MiB")
        } else {
            format!("{:.0}x input", peak_mib as f64 / input_mib.max(0.001))
        };
        let state = if status.success() {
            ""
        } else {
            missed.push(format!("{name}: the conversion failed"));
            " (failed)"
        };
        println!(
            "{name:<44} {input_mib:>6.1} MiB {seconds:>7.1}s {peak_mib:>6} MiB {aim:>12}{state}"
        );
    }
    let clean = Command::new("/usr/bin/time")
        .args(["-f", "%M"])
        .arg(offprint)
        .arg("clean")
        .arg(&long_text)
        .arg("-o")
        .arg(work.join("clean.md"))
        .output();
    if let Ok(clean) = clean {
        let kib: u64 = String::from_utf8_lossy(&clean.stderr)
            .trim()
            .lines()
            .last()
            .and_then(|l| l.parse().ok())
            .unwrap_or(0);
        let input_mib = text.len() as f64 / 1048576.0;
        println!(
            "{:<44} {input_mib:>6.1} MiB {:>8} {:>6} MiB {:>12}",
            "text-20mb.txt → clean (Markdown)",
            "",
            kib / 1024,
            format!("{:.0}x input", (kib / 1024) as f64 / input_mib)
        );
    }
    let _ = std::fs::remove_dir_all(work);
    if missed.is_empty() {
        Ok(())
    } else {
        Err(format!("memory aims missed: {}", missed.join("; ")))
    }
}
