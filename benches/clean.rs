//! Cleaning throughput on a synthetic 1,000-page extracted text, and its
//! linearity: the same text at a quarter of the size, timed in the same run.
//!
//! Run with `cargo bench --bench clean` (or `cargo xtask bench`).

use offprint::clean::clean;
use offprint::input::text::read_text;
use std::hint::black_box;
use std::time::{Duration, Instant};

/// A page of wrapped English, French and Chinese text with the furniture a
/// PDF extraction leaves: running header, page number, hyphenated words.
fn page(n: usize) -> String {
    let mut page = String::from("Quarterly Review of Regional Affairs\n\n");
    for k in 0..6 {
        page.push_str(&format!(
            "{k}. The committee met in session {n} to consider the reorgan-\n\
             isation of grassroots governance and the non-state sector of the\n\
             economy, and resolved that its work would continue through the\n\
             coming year with a report to the plenary assembly.\n\n"
        ));
    }
    page.push_str("Le comité s’est réuni pour examiner la réorganisation de la gouvernance\nlocale et du secteur non étatique de l’économie.\n\n");
    page.push_str("社会工作致力于使社会与中国共产党的目标更加紧密地结合起来，减少\n\n自治并确保遵守党的纪律。\n\n");
    page.push_str(&format!("{n}\n\x0c"));
    page
}

fn synthetic(pages: usize) -> Vec<u8> {
    (1..=pages).map(page).collect::<String>().into_bytes()
}

/// Best of `runs` timings of reading and cleaning `bytes`.
fn time(bytes: &[u8], runs: usize) -> Duration {
    (0..runs)
        .map(|_| {
            let start = Instant::now();
            let raw = read_text(black_box(bytes)).expect("synthetic text is UTF-8");
            black_box(clean(&raw));
            start.elapsed()
        })
        .min()
        .expect("at least one run")
}

fn main() {
    let full = synthetic(1000);
    let quarter = synthetic(250);
    let t_full = time(&full, 5);
    let t_quarter = time(&quarter, 5);
    let mb = full.len() as f64 / 1e6;
    println!(
        "clean: 1,000 pages, {:.2} MB in {:.1} ms = {:.1} MB/s",
        mb,
        t_full.as_secs_f64() * 1e3,
        mb / t_full.as_secs_f64()
    );
    println!(
        "linearity: 4x the input took {:.2}x the time (1.00 would be perfectly linear per byte: {:.2})",
        t_full.as_secs_f64() / t_quarter.as_secs_f64(),
        (t_full.as_secs_f64() / t_quarter.as_secs_f64()) / 4.0
    );
}
