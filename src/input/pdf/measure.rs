//! How much a stream's filters decode it to, measured without holding the
//! result: the filters lopdf decodes (`FlateDecode`, `LZWDecode`,
//! `ASCII85Decode`, in any chain) run as a pipeline of small buffers into a
//! counter that stops at the limit. Each step decodes as lopdf does, down to
//! its fallbacks, so that what is measured is what lopdf would allocate.

/// A filter lopdf decodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Filter {
    Flate,
    /// LZW, with the code width switching one code early (the default) or not.
    Lzw {
        early_change: bool,
    },
    Ascii85,
}

impl Filter {
    /// The filter of a name in a `/Filter` entry; `None` for one lopdf does not
    /// decode (it stops there, so nothing after it is decoded either).
    pub fn of_name(name: &[u8], early_change: bool) -> Option<Filter> {
        match name {
            b"FlateDecode" => Some(Filter::Flate),
            b"LZWDecode" => Some(Filter::Lzw { early_change }),
            b"ASCII85Decode" => Some(Filter::Ascii85),
            _ => None,
        }
    }

    /// The most one input byte can decode to.
    fn greatest_ratio(self) -> usize {
        match self {
            // A run of one byte.
            Filter::Flate => 1032,
            // A 12-bit code can stand for a string of up to 3,839 bytes.
            Filter::Lzw { .. } => 2600,
            // `z` is four zero bytes.
            Filter::Ascii85 => 4,
        }
    }

    fn step(self) -> Box<dyn Step> {
        match self {
            Filter::Flate => Box::new(Inflate::new()),
            Filter::Lzw { early_change } => {
                let order = weezl::BitOrder::Msb;
                let decoder = if early_change {
                    weezl::decode::Decoder::with_tiff_size_switch(order, 8)
                } else {
                    weezl::decode::Decoder::new(order, 8)
                };
                Box::new(Lzw { decoder })
            }
            Filter::Ascii85 => Box::new(Ascii85::default()),
        }
    }
}

/// The most `length` bytes can decode to through `filters`.
pub fn greatest_decoded(length: usize, filters: &[Filter]) -> usize {
    filters
        .iter()
        .fold(length, |n, f| n.saturating_mul(f.greatest_ratio()))
}

/// Whether `data` decodes through `filters` to more than `limit` bytes.
pub fn decodes_past(data: &[u8], filters: &[Filter], limit: usize) -> bool {
    let mut steps: Vec<Box<dyn Step>> = filters.iter().map(|f| f.step()).collect();
    let mut counter = Counter { total: 0, limit };
    for piece in data.chunks(BUFFER) {
        match feed(&mut steps, piece, &mut counter) {
            Ok(()) => {}
            Err(Stop::Past) => return true,
            // A step's data ended or broke: nothing more comes out.
            Err(Stop::Ended) => return false,
        }
    }
    false
}

const BUFFER: usize = 32 << 10;

/// Why decoding stops before its input does.
enum Stop {
    /// The output passed the limit.
    Past,
    /// A step reached its end marker or broken data.
    Ended,
}

struct Counter {
    total: usize,
    limit: usize,
}

/// Passes `input` through the first step, its output through the rest, and
/// counts what comes out of the last.
fn feed(steps: &mut [Box<dyn Step>], input: &[u8], counter: &mut Counter) -> Result<(), Stop> {
    match steps.split_first_mut() {
        None => {
            counter.total += input.len();
            if counter.total > counter.limit {
                Err(Stop::Past)
            } else {
                Ok(())
            }
        }
        Some((first, rest)) => first.push(input, &mut |out| feed(rest, out, counter)),
    }
}

type Next<'a> = dyn FnMut(&[u8]) -> Result<(), Stop> + 'a;

/// A decoding step fed its input in pieces.
trait Step {
    fn push(&mut self, input: &[u8], next: &mut Next) -> Result<(), Stop>;
}

/// zlib data; when it is broken before any output, lopdf inflates it again as
/// raw deflate data after the two header bytes, and so does this.
struct Inflate {
    inflater: flate2::Decompress,
    /// The input so far, while there is no output (for the raw retry).
    unproductive: Option<Vec<u8>>,
    buffer: Vec<u8>,
}

impl Inflate {
    fn new() -> Inflate {
        Inflate {
            inflater: flate2::Decompress::new(true),
            unproductive: Some(Vec::new()),
            buffer: vec![0; BUFFER],
        }
    }

    fn inflate(&mut self, input: &[u8], next: &mut Next) -> Result<(), Stop> {
        let mut at = 0;
        loop {
            let (before_in, before_out) = (self.inflater.total_in(), self.inflater.total_out());
            let status = self.inflater.decompress(
                &input[at..],
                &mut self.buffer,
                flate2::FlushDecompress::None,
            );
            at += (self.inflater.total_in() - before_in) as usize;
            let produced = (self.inflater.total_out() - before_out) as usize;
            if produced > 0 {
                self.unproductive = None;
                next(&self.buffer[..produced])?;
            }
            match status {
                Ok(flate2::Status::StreamEnd) => return Err(Stop::Ended),
                Ok(_)
                    if produced > 0 || at < input.len() && self.inflater.total_in() > before_in => {
                }
                Ok(_) => return Ok(()),
                Err(_) => return self.retry_raw(next),
            }
        }
    }

    fn retry_raw(&mut self, next: &mut Next) -> Result<(), Stop> {
        match self.unproductive.take() {
            Some(seen) if seen.len() > 2 => {
                self.inflater = flate2::Decompress::new(false);
                self.inflate(&seen[2..], next)
            }
            _ => Err(Stop::Ended),
        }
    }
}

impl Step for Inflate {
    fn push(&mut self, input: &[u8], next: &mut Next) -> Result<(), Stop> {
        if let Some(seen) = &mut self.unproductive {
            seen.extend_from_slice(input);
        }
        self.inflate(input, next)
    }
}

struct Lzw {
    decoder: weezl::decode::Decoder,
}

impl Step for Lzw {
    fn push(&mut self, mut input: &[u8], next: &mut Next) -> Result<(), Stop> {
        let mut buffer = [0u8; 4096];
        loop {
            let result = self.decoder.decode_bytes(input, &mut buffer);
            input = &input[result.consumed_in..];
            if result.consumed_out > 0 {
                next(&buffer[..result.consumed_out])?;
            }
            match result.status {
                Ok(weezl::LzwStatus::Ok) if result.consumed_in + result.consumed_out > 0 => {}
                Ok(weezl::LzwStatus::Ok | weezl::LzwStatus::NoProgress) => return Ok(()),
                Ok(weezl::LzwStatus::Done) | Err(_) => return Err(Stop::Ended),
            }
        }
    }
}

/// ASCII base-85: five characters for four bytes, `z` for four zeros, `~` ends.
#[derive(Default)]
struct Ascii85 {
    group: u32,
    count: u8,
}

impl Step for Ascii85 {
    fn push(&mut self, input: &[u8], next: &mut Next) -> Result<(), Stop> {
        let mut out = Vec::with_capacity(input.len());
        let mut ended = false;
        for &c in input {
            match c {
                b'z' if self.count == 0 => out.extend_from_slice(&[0; 4]),
                c if c.is_ascii_whitespace() => {}
                b'!'..=b'u' => {
                    self.group = self
                        .group
                        .wrapping_mul(85)
                        .wrapping_add(u32::from(c - b'!'));
                    self.count += 1;
                    if self.count == 5 {
                        out.extend_from_slice(&self.group.to_be_bytes());
                        (self.group, self.count) = (0, 0);
                    }
                }
                _ => {
                    ended = true;
                    break;
                }
            }
        }
        next(&out)?;
        if ended {
            Err(Stop::Ended)
        } else {
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn zlib(data: &[u8]) -> Vec<u8> {
        let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        encoder.write_all(data).unwrap();
        encoder.finish().unwrap()
    }

    fn ascii85(data: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        for chunk in data.chunks(4) {
            let mut group = [0u8; 4];
            group[..chunk.len()].copy_from_slice(chunk);
            let mut n = u32::from_be_bytes(group);
            let mut digits = [0u8; 5];
            for d in digits.iter_mut().rev() {
                *d = b'!' + (n % 85) as u8;
                n /= 85;
            }
            out.extend_from_slice(&digits[..chunk.len() + 1]);
        }
        out.extend_from_slice(b"~>");
        out
    }

    const MIB: usize = 1 << 20;

    #[test]
    fn flate_is_measured_exactly_at_the_limit() {
        let data = zlib(&vec![7u8; 3 * MIB]);
        assert!(decodes_past(&data, &[Filter::Flate], 3 * MIB - 1));
        assert!(!decodes_past(&data, &[Filter::Flate], 3 * MIB));
    }

    #[test]
    fn a_chain_of_filters_is_measured_through_every_step() {
        let inner = zlib(&vec![0u8; 8 * MIB]);
        let twice = zlib(&inner);
        assert!(
            twice.len() * 1032 < 8 * MIB,
            "the outer layer alone looks harmless"
        );
        assert!(decodes_past(
            &twice,
            &[Filter::Flate, Filter::Flate],
            4 * MIB
        ));
        assert!(!decodes_past(
            &twice,
            &[Filter::Flate, Filter::Flate],
            8 * MIB
        ));
        let text = ascii85(&inner);
        assert!(decodes_past(
            &text,
            &[Filter::Ascii85, Filter::Flate],
            4 * MIB
        ));
        assert!(!decodes_past(&text, &[Filter::Ascii85], 4 * MIB));
    }

    #[test]
    fn broken_zlib_is_measured_as_the_raw_deflate_lopdf_falls_back_to() {
        let mut data = zlib(&vec![0u8; 4 * MIB]);
        // A header no zlib reader accepts: lopdf then inflates the rest raw.
        data[0] = 0x00;
        data[1] = 0x00;
        assert!(decodes_past(&data, &[Filter::Flate], 2 * MIB));
    }

    #[test]
    fn lzw_is_measured_with_and_without_early_change() {
        for early_change in [true, false] {
            let order = weezl::BitOrder::Msb;
            let mut encoder = if early_change {
                weezl::encode::Encoder::with_tiff_size_switch(order, 8)
            } else {
                weezl::encode::Encoder::new(order, 8)
            };
            let data = encoder.encode(&vec![0u8; 4 * MIB]).unwrap();
            let lzw = [Filter::Lzw { early_change }];
            assert!(
                decodes_past(&data, &lzw, 2 * MIB),
                "early change {early_change}"
            );
            assert!(
                !decodes_past(&data, &lzw, 4 * MIB),
                "early change {early_change}"
            );
        }
    }

    #[test]
    fn the_greatest_size_bounds_every_chain() {
        assert_eq!(greatest_decoded(10, &[]), 10);
        assert_eq!(
            greatest_decoded(10, &[Filter::Flate, Filter::Ascii85]),
            41_280
        );
        assert_eq!(
            greatest_decoded(usize::MAX / 2, &[Filter::Flate]),
            usize::MAX
        );
    }
}
