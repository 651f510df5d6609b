//! CID → Unicode for Adobe's four CJK character collections (Adobe-GB1,
//! Adobe-CNS1, Adobe-Japan1, Adobe-Korea1), for CID fonts that come without
//! a /ToUnicode map.
//!
//! The tables in `cid/` are made by `cargo xtask cmaps` from Adobe's
//! Unicode → CID CMaps (BSD-3-Clause; see `cid/LICENSE` and `cid/README.md`)
//! and built into the binary. Format: the magic `OCID1`, a LEB128 count of
//! runs, then per run of consecutive CIDs on consecutive code points three
//! LEB128 numbers: the CID gap from the previous run's end, the zigzag
//! code-point difference from the previous run's last code point + 1, and
//! the run's length − 1.

use std::sync::OnceLock;

/// One character collection's CID → Unicode map.
#[derive(Debug)]
pub(super) struct Collection {
    /// `Adobe-GB1` and so on.
    pub name: &'static str,
    /// Runs `(first CID, first code point, length)`, in CID order.
    runs: Vec<(u32, u32, u32)>,
}

impl Collection {
    /// The character CID `cid` stands for, if the collection maps it.
    pub fn unicode(&self, cid: u32) -> Option<char> {
        let at = self.runs.partition_point(|&(start, _, _)| start <= cid);
        let &(start, cp, len) = self.runs.get(at.checked_sub(1)?)?;
        (cid - start < len)
            .then(|| char::from_u32(cp + (cid - start)))
            .flatten()
    }
}

const TABLES: [(&str, &str, &[u8]); 4] = [
    ("GB1", "Adobe-GB1", include_bytes!("cid/Adobe-GB1.bin")),
    ("CNS1", "Adobe-CNS1", include_bytes!("cid/Adobe-CNS1.bin")),
    (
        "Japan1",
        "Adobe-Japan1",
        include_bytes!("cid/Adobe-Japan1.bin"),
    ),
    (
        "Korea1",
        "Adobe-Korea1",
        include_bytes!("cid/Adobe-Korea1.bin"),
    ),
];

/// The collection of `/Registry (Adobe) /Ordering (…)`, decoded on first use.
pub(super) fn collection(registry: &[u8], ordering: &[u8]) -> Option<&'static Collection> {
    static DECODED: [OnceLock<Option<Collection>>; 4] = [const { OnceLock::new() }; 4];
    if registry != b"Adobe" {
        return None;
    }
    let index = TABLES
        .iter()
        .position(|(o, _, _)| o.as_bytes() == ordering)?;
    let (_, name, bytes) = TABLES[index];
    DECODED[index]
        .get_or_init(|| decode(bytes).map(|runs| Collection { name, runs }))
        .as_ref()
}

fn decode(bytes: &[u8]) -> Option<Vec<(u32, u32, u32)>> {
    let mut rest = bytes.strip_prefix(b"OCID1")?;
    let mut next = || -> Option<u64> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let (&byte, tail) = rest.split_first()?;
            rest = tail;
            value |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Some(value);
            }
        }
        None
    };
    let count = next()?;
    let mut runs = Vec::with_capacity(count.min(1 << 20) as usize);
    let (mut cid, mut cp) = (0i64, 0i64);
    for _ in 0..count {
        let gap = next()? as i64;
        let zigzag = next()?;
        let delta = (zigzag >> 1) as i64 ^ -((zigzag & 1) as i64);
        let len = next()? as i64 + 1;
        cid += gap;
        cp += delta;
        runs.push((
            u32::try_from(cid).ok()?,
            u32::try_from(cp).ok()?,
            u32::try_from(len).ok()?,
        ));
        cid += len;
        cp += len;
    }
    Some(runs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_four_collections_decode() {
        for (ordering, name, _) in TABLES {
            let table = collection(b"Adobe", ordering.as_bytes()).expect(name);
            assert_eq!(table.name, name);
            // CID 1 is the space in every Adobe CJK collection.
            assert_eq!(table.unicode(1), Some(' '), "{name}");
        }
        assert!(collection(b"Adobe", b"Identity").is_none());
        assert!(collection(b"Other", b"GB1").is_none());
    }

    #[test]
    fn well_known_cids_read_as_their_characters() {
        let gb1 = collection(b"Adobe", b"GB1").expect("GB1");
        // Identity-H code = CID: <0D2E> in a GB1 font is 甚.
        assert_eq!(gb1.unicode(34), Some('A'));
        assert_eq!(gb1.unicode(0x0D2E), Some('甚'));
        let japan1 = collection(b"Adobe", b"Japan1").expect("Japan1");
        assert_eq!(japan1.unicode(843), Some('あ'));
        assert_eq!(gb1.unicode(u32::MAX), None);
    }
}
