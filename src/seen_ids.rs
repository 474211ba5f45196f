//! Which event ids have been seen, in memory that does not grow with the
//! number of events.
//!
//! Keeping every id (a `HashMap<String, line>`) cost about 100 bytes an
//! event: 100 MB at a million rows, a gigabyte at ten million. A file on
//! disk can be read again, so its ids go through a Bloom filter sized from
//! the file's length: an id the filter has not seen is certainly new; one it
//! may have seen is a *suspect*: the reader holds its event back and
//! settles every suspect exactly after the last row, in one more read of
//! the file ([`crate::events::EventReader::open`]). The filter has a bit per
//! byte of the file (at most 64 MiB) and sets 16 bits an id: none of a
//! million numbered ids at 64 bits an id is a false suspect, and at the cap
//! (10M rows of 200 bytes, 54 bits an id) about 0.05 are expected in ten
//! million where 8 bits an id gave 1.2 (and a 10M build paid one more read
//! of the file). Input that cannot be read twice (standard input, memory)
//! keeps every id instead.

use std::collections::{HashMap, HashSet};
use std::hash::BuildHasher;

use foldhash::fast::FixedState;

/// Bit positions set per id, all in one 512-bit block (a cache line), so
/// that an id costs one cache miss rather than sixteen. Sixteen rather than
/// eight: a block holds ten ids or so at the filter's cap, where more bits
/// an id cut false suspects twentyfold for a few more instructions.
const PROBES: u64 = 16;
const BLOCK_WORDS: usize = 8;
/// Filter size bounds in bits: 8 KiB … 64 MiB.
const MIN_BITS: u64 = 1 << 16;
const MAX_BITS: u64 = 1 << 29;

/// One block of the filter: a cache line, aligned as one (a `Vec<u64>`
/// starts 16 bytes into a page, and its blocks straddled two lines).
#[derive(Clone, Copy, Debug, Default)]
#[repr(align(64))]
pub struct Block([u64; BLOCK_WORDS]);

/// The block an id hashed to `h1` goes to.
fn block_of(blocks: &[Block], h1: u64) -> usize {
    (h1 & (blocks.len() as u64 - 1)) as usize
}

/// Ids seen so far, exactly or through a Bloom filter.
#[derive(Debug)]
pub enum SeenIds {
    /// Every id with the line it was first seen on.
    Exact(HashMap<String, u64>),
    /// A Bloom filter and the ids that may repeat an earlier one.
    Filtered {
        /// The filter's bits.
        bits: Vec<Block>,
        /// Ids the filter may have seen before, with their lines.
        suspects: Vec<(String, u64)>,
    },
}

/// What [`SeenIds::insert`] found.
#[derive(Debug, PartialEq, Eq)]
pub enum Seen {
    /// The id was not seen before.
    New,
    /// The filter may have seen the id: settle it by reading again, or
    /// [`SeenIds::defer`] it.
    Suspect,
    /// The id was seen before, first on this line.
    Repeat(u64),
}

impl SeenIds {
    /// Keeps every id.
    pub fn exact() -> Self {
        SeenIds::Exact(HashMap::new())
    }

    /// A filter sized for a file of `file_bytes` bytes: one bit per byte,
    /// rounded up to a power of two, within 8 KiB … 64 MiB.
    pub fn filtered(file_bytes: u64) -> Self {
        let bits = file_bytes.clamp(MIN_BITS, MAX_BITS).next_power_of_two();
        let blocks = (bits / 64) as usize / BLOCK_WORDS;
        let mut bits = Vec::with_capacity(blocks);
        // Before the memory is first written, so that it is given huge pages.
        crate::memory_hints::huge_pages(bits.spare_capacity_mut());
        bits.resize(blocks, Block::default());
        SeenIds::Filtered {
            bits,
            suspects: Vec::new(),
        }
    }

    /// Starts fetching the memory that [`SeenIds::insert`] of `id` will
    /// touch: a filter's block is a cache miss, which work done between the
    /// two calls then hides.
    pub fn prefetch(&self, id: &str) {
        if let SeenIds::Filtered { bits, .. } = self {
            crate::memory_hints::prefetch(&bits[block_of(bits, hash(id))]);
        }
    }

    /// Records `id`, seen on `line`.
    pub fn insert(&mut self, id: &str, line: u64) -> Seen {
        match self {
            SeenIds::Exact(seen) => match seen.get(id) {
                Some(&first) => Seen::Repeat(first),
                None => {
                    seen.insert(id.to_string(), line);
                    Seen::New
                }
            },
            SeenIds::Filtered { bits, .. } => {
                let h = hash(id);
                let i = block_of(bits, h);
                let mask = probe_mask(h);
                let block = &mut bits[i].0;
                let mut all_set = true;
                for (word, probes) in block.iter_mut().zip(mask) {
                    all_set &= *word & probes == probes;
                    *word |= probes;
                }
                if all_set {
                    Seen::Suspect
                } else {
                    Seen::New
                }
            }
        }
    }

    /// Keeps a suspect to settle later, with [`first_lines`].
    pub fn defer(&mut self, id: &str, line: u64) {
        if let SeenIds::Filtered { suspects, .. } = self {
            suspects.push((id.to_string(), line));
        }
    }

    /// Takes the suspects deferred so far, in the order deferred.
    pub fn take_suspects(&mut self) -> Vec<(String, u64)> {
        match self {
            SeenIds::Exact(_) => Vec::new(),
            SeenIds::Filtered { suspects, .. } => std::mem::take(suspects),
        }
    }

    /// The first line of `id`, when every id is kept.
    pub fn first_line(&self, id: &str) -> Option<u64> {
        match self {
            SeenIds::Exact(seen) => seen.get(id).copied(),
            SeenIds::Filtered { .. } => None,
        }
    }

    /// The suspects deferred so far.
    pub fn suspects(&self) -> &[(String, u64)] {
        match self {
            SeenIds::Exact(_) => &[],
            SeenIds::Filtered { suspects, .. } => suspects,
        }
    }
}

/// SplitMix64's finaliser: every input bit moves every output bit.
fn mix(mut x: u64) -> u64 {
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// An id's 64-bit hash, with a fixed seed so that a build is the same on
/// every run: its low bits choose the block, and [`probe_mask`] mixes all
/// of it again for the bits within.
fn hash(id: &str) -> u64 {
    FixedState::with_seed(0x243f_6a88_85a3_08d3).hash_one(id)
}

/// The [`PROBES`] bits an id hashed to `h` sets in its block, as the
/// block's words. Each bit position is 9 bits of a full SplitMix mix of
/// `h` (seven to a mix): the mix of the whole hash leaves the positions
/// unrelated to the block's index bits and to one another (stepping one
/// hash by another, double hashing, left the probes of similar ids alike
/// and false suspects some 300 times too common), at three mixes an id
/// where a mix per probe took sixteen.
fn probe_mask(h: u64) -> [u64; BLOCK_WORDS] {
    const SEEDS: [u64; 3] = [
        0x1319_8a2e_0370_7344,
        0xa409_3822_299f_31d0,
        0x082e_fa98_ec4e_6c89,
    ];
    let mut mask = [0u64; BLOCK_WORDS];
    let mut probes = 0;
    for seed in SEEDS {
        let mut bits = mix(h ^ seed);
        for _ in 0..7 {
            if probes == PROBES {
                break;
            }
            let bit = bits & 511;
            mask[(bit / 64) as usize] |= 1 << (bit % 64);
            bits >>= 9;
            probes += 1;
        }
    }
    mask
}

/// The first line of each suspect's id among `ids` (every id of the file
/// with its line, in file order): a suspect is a repeat when its id was
/// first seen on an earlier line.
pub fn first_lines(
    suspects: &[(String, u64)],
    ids: impl IntoIterator<Item = (String, u64)>,
) -> HashMap<String, u64> {
    let wanted: HashSet<&str> = suspects.iter().map(|(id, _)| id.as_str()).collect();
    let mut first: HashMap<String, u64> = HashMap::new();
    for (id, line) in ids {
        if wanted.contains(id.as_str()) {
            first.entry(id).or_insert(line);
        }
    }
    first
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sequential_ids_raise_no_false_suspects() {
        // Ids as generators and exports number them, in a filter sized for
        // rows of 64 bytes: with 16 probes in a block the false-suspect rate
        // is far below one in a million (a suspect costs a reread).
        let ids = 1_000_000;
        let mut seen = SeenIds::filtered(ids * 64);
        let mut suspects = 0;
        for n in 0..ids {
            if seen.insert(&format!("syn-{n:07}"), n + 2) != Seen::New {
                suspects += 1;
            }
        }
        assert_eq!(suspects, 0);
    }

    #[test]
    fn a_filter_never_misses_a_repeat_and_the_reread_drops_false_suspects() {
        // A tiny filter (the minimum) with many ids, so false suspects occur.
        let mut seen = SeenIds::filtered(0);
        let ids: Vec<String> = (0..60_000).map(|i| format!("id-{i}")).collect();
        let mut record = |id: &str, line: u64| {
            if seen.insert(id, line) == Seen::Suspect {
                seen.defer(id, line);
            }
        };
        for (line, id) in ids.iter().enumerate() {
            record(id, line as u64 + 2);
        }
        record("id-17", 70_000);
        record("id-59999", 70_001);
        let suspects = seen.suspects().to_vec();
        assert!(suspects.iter().any(|(id, _)| id == "id-17"));
        assert!(suspects.iter().any(|(id, _)| id == "id-59999"));
        assert!(
            suspects.len() > 2,
            "the minimum filter is crowded at 60 000 ids, so some suspects are false"
        );
        let mut reread: Vec<(String, u64)> = ids
            .iter()
            .enumerate()
            .map(|(line, id)| (id.clone(), line as u64 + 2))
            .collect();
        reread.push(("id-17".into(), 70_000));
        reread.push(("id-59999".into(), 70_001));
        let first = first_lines(&suspects, reread);
        let repeats: Vec<(u64, &str, u64)> = suspects
            .iter()
            .filter_map(|(id, line)| {
                let first = *first.get(id)?;
                (first < *line).then_some((*line, id.as_str(), first))
            })
            .collect();
        assert_eq!(
            repeats,
            [(70_000, "id-17", 19), (70_001, "id-59999", 60_001)]
        );
    }

    #[test]
    fn a_roomy_filter_has_no_false_suspects() {
        let mut seen = SeenIds::filtered(200_000_000);
        for i in 0..200_000 {
            assert_eq!(seen.insert(&format!("syn-{i:07}"), i + 2), Seen::New);
        }
    }

    #[test]
    fn a_crowded_filter_errs_as_sixteen_independent_probes_would() {
        // 100 000 ids in 2^20 bits: some 49 ids a block, 78 % of a block's
        // bits set, so about 0.78^16 (2 %) of new ids are false suspects
        // (0.4 % early on, more as the filter fills), 358 with a mix per
        // probe. Probes that repeat one another would set fewer bits and
        // raise far more.
        let mut seen = SeenIds::filtered(1 << 20);
        let suspects = (0..100_000u64)
            .filter(|n| seen.insert(&format!("syn-{n:08}"), n + 2) != Seen::New)
            .count();
        assert!((200..600).contains(&suspects), "{suspects} false suspects");
    }

    #[test]
    fn exact_mode_names_the_first_line() {
        let mut seen = SeenIds::exact();
        assert_eq!(seen.insert("a", 2), Seen::New);
        assert_eq!(seen.insert("a", 9), Seen::Repeat(2));
    }
}
