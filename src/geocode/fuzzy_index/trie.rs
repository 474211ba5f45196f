//! A trie of keys and its walk: every key within `radius` edits of a query,
//! with one row of the OSA table per trie node, so that keys sharing a
//! prefix share rows and a dead row cuts off its whole subtree.
//!
//! A row is kept as `radius + 1` words, word `d` holding a bit for each
//! query column whose cell is at most `d` (Wu and Manber's bit-parallel
//! automaton, with Hyyrö's swap term for OSA). A node then costs a few
//! word operations per unit of radius instead of a loop over the cells of
//! its band, and "is any cell within its bound" is a mask test.

use super::letter_masks::LetterMasks;

/// A trie node. Nodes are stored level by level, so a node's children are
/// adjacent: a walk tries every child of a node, and most are pruned at
/// once, so siblings sharing cache lines matters more than subtrees
/// being contiguous.
#[derive(Clone, Copy, Debug)]
struct Node {
    label: char,
    /// This node's children are `first_child..` the next node's
    /// `first_child`.
    first_child: u32,
    /// The key that ends here, or [`NO_KEY`].
    key: u32,
    /// Letters in the longest key at or below this node: the fuzzy stage
    /// wants no key much shorter than the query, and a long query's wide
    /// suggestion radius would otherwise walk every short key.
    longest: u32,
}

const NO_KEY: u32 = u32::MAX;

/// From this many children on, a node's children are screened before any
/// gets a row (see [`Walk::visit_children`]).
const CROWD: usize = 3;

/// Keys as one buffer of letters, so building a trie allocates little.
pub(super) struct Letters {
    pub(super) letters: Vec<char>,
    /// Key `k` is `letters[start[k]..start[k + 1]]`.
    pub(super) start: Vec<u32>,
}

impl Letters {
    pub(super) fn key(&self, k: usize) -> &[char] {
        &self.letters[self.start[k] as usize..self.start[k + 1] as usize]
    }

    pub(super) fn count(&self) -> usize {
        self.start.len() - 1
    }
}

/// A trie of keys, each a sequence of letters.
#[derive(Debug, Default)]
pub(super) struct Trie {
    /// The root first; one node past the last, so every node's children
    /// end where the next node's begin.
    nodes: Vec<Node>,
}

impl Trie {
    /// A trie of `keys`, which must be distinct; key ids are positions in
    /// `keys`.
    pub(super) fn new(keys: &Letters) -> Trie {
        let mut order: Vec<u32> = (0..keys.count() as u32).collect();
        order.sort_unstable_by(|&a, &b| keys.key(a as usize).cmp(keys.key(b as usize)));
        debug_assert!(
            order
                .windows(2)
                .all(|w| keys.key(w[0] as usize) != keys.key(w[1] as usize)),
            "keys are distinct"
        );
        let longest = |run: &[u32]| {
            run.iter()
                .map(|&k| keys.key(k as usize).len() as u32)
                .max()
                .unwrap_or(0)
        };
        let mut nodes = vec![Node {
            label: '\0',
            first_child: 1,
            key: NO_KEY,
            longest: longest(&order),
        }];
        // Each queued node owns a run of `order` whose keys share its
        // prefix of `depth` letters; processing the queue in order lays
        // the trie out level by level.
        let mut queue = std::collections::VecDeque::from([(0usize, 0usize, order.len(), 0usize)]);
        while let Some((node, mut lo, hi, depth)) = queue.pop_front() {
            nodes[node].first_child = nodes.len() as u32;
            // A key that ends here sorts before its extensions.
            if lo < hi && keys.key(order[lo] as usize).len() == depth {
                nodes[node].key = order[lo];
                lo += 1;
            }
            while lo < hi {
                let label = keys.key(order[lo] as usize)[depth];
                let mut end = lo + 1;
                while end < hi && keys.key(order[end] as usize)[depth] == label {
                    end += 1;
                }
                queue.push_back((nodes.len(), lo, end, depth + 1));
                nodes.push(Node {
                    label,
                    first_child: 0,
                    key: NO_KEY,
                    longest: longest(&order[lo..end]),
                });
                lo = end;
            }
        }
        nodes.push(Node {
            label: '\0',
            first_child: nodes.len() as u32,
            key: NO_KEY,
            longest: 0,
        });
        nodes.shrink_to_fit();
        Trie { nodes }
    }

    pub(super) fn heap_bytes(&self) -> usize {
        self.nodes.capacity() * std::mem::size_of::<Node>()
    }

    /// Calls `found(key, edits)` for every key of at least `shortest`
    /// letters within `radius` edits of the query of `masks` (`n`
    /// letters), where the walk keeps a prefix only while some cell in a
    /// column before `cut` is within `radius / 2` or some other cell is
    /// within `radius` (see [`super::FuzzyIndex::within`] for why that
    /// bound is enough when the reversed keys are walked too).
    pub(super) fn walk(
        &self,
        query: Query<'_>,
        radius: usize,
        cut: usize,
        shortest: usize,
        found: &mut impl FnMut(u32, usize),
    ) {
        let Some(root) = self.nodes.first() else {
            return;
        };
        let n = query.letters;
        if root.key != NO_KEY && n <= radius && shortest == 0 {
            found(root.key, n);
        }
        // Rows of a known width let the compiler unroll the row loop for
        // the small radii; wide suggestion radii share a few wider rows.
        match radius {
            0 => Walk::<1>::new(query, radius, cut, shortest).descend(self, 0, 0, found),
            1 => Walk::<2>::new(query, radius, cut, shortest).descend(self, 0, 0, found),
            2 => Walk::<3>::new(query, radius, cut, shortest).descend(self, 0, 0, found),
            3 => Walk::<4>::new(query, radius, cut, shortest).descend(self, 0, 0, found),
            4 => Walk::<5>::new(query, radius, cut, shortest).descend(self, 0, 0, found),
            5 => Walk::<6>::new(query, radius, cut, shortest).descend(self, 0, 0, found),
            6..=7 => Walk::<8>::new(query, radius, cut, shortest).descend(self, 0, 0, found),
            8..=15 => Walk::<16>::new(query, radius, cut, shortest).descend(self, 0, 0, found),
            _ => Walk::<WIDEST>::new(query, radius, cut, shortest).descend(self, 0, 0, found),
        }
    }
}

/// Radii the walk takes: a row is this many words at most.
pub(super) const MAX_RADIUS: usize = 31;
const WIDEST: usize = MAX_RADIUS + 1;
/// Rows up to this many words are used for one radius only (`W - 1`).
const EXACT_WIDTHS: usize = 6;

/// The query as the walk reads it.
#[derive(Clone, Copy)]
pub(super) struct Query<'q> {
    pub(super) masks: &'q LetterMasks,
    pub(super) letters: usize,
}

/// A row of the walk, and the key letter that led to it.
#[derive(Clone, Copy)]
struct Level<const W: usize> {
    row: [u64; W],
    /// Where the letter occurs in the query, for the swap term.
    letter: u64,
}

/// One trie walk: the bounds, and a row of the OSA table per depth. Row
/// `t` (a key prefix of `t` letters) is `W` words, word `d` with bit `j`
/// set when the prefix is within `d` edits of the query's first `j`
/// letters.
struct Walk<'q, const W: usize> {
    masks: &'q LetterMasks,
    radius: usize,
    /// Columns before the cut must hold a cell within half the radius,
    /// the others (up to the query's length) one within the radius.
    before_cut: u64,
    from_cut: u64,
    /// The query's last column: the key's distance.
    last: u64,
    shortest: u32,
    /// Row `t` is `levels[t + 1].row`; `levels[0]` is zeros, so that row 1
    /// can read a row two back like any other.
    levels: Vec<Level<W>>,
}

impl<'q, const W: usize> Walk<'q, W> {
    fn new(query: Query<'q>, radius: usize, cut: usize, shortest: usize) -> Self {
        assert!(radius < W, "a row of {W} words holds {} edits", W - 1);
        let n = query.letters;
        // A key prefix longer than n + radius is more than `radius` from
        // every query prefix, so the deepest row filled is one past it.
        let mut levels = vec![
            Level {
                row: [0; W],
                letter: 0
            };
            n + radius + 3
        ];
        // Row 0: the empty prefix is `j` edits from a query prefix of `j`
        // letters. Bits past the query's end are never read: every step
        // moves bits up, and the tests mask them off.
        for (d, word) in levels[1].row.iter_mut().enumerate() {
            *word = (2u64 << d).wrapping_sub(1);
        }
        let columns = (2u64 << n).wrapping_sub(1);
        let before_cut = (1u64 << cut.min(n)) - 1;
        Walk {
            masks: query.masks,
            radius,
            before_cut,
            from_cut: columns & !before_cut,
            last: 1 << n,
            shortest: shortest as u32,
            levels,
        }
    }

    /// The radius, known to the compiler for the narrow rows.
    fn radius(&self) -> usize {
        if W <= EXACT_WIDTHS {
            W - 1
        } else {
            self.radius
        }
    }

    /// Walks the children of node `at`, whose row (`depth`) is filled and
    /// within its bound.
    fn descend(
        &mut self,
        trie: &Trie,
        at: usize,
        depth: usize,
        found: &mut impl FnMut(u32, usize),
    ) {
        let first = trie.nodes[at].first_child as usize;
        let children = &trie.nodes[first..trie.nodes[at + 1].first_child as usize];
        let next = depth + 1;
        let r = self.radius();
        // A child's letter enters its row only where it meets a bit of
        // this row or the one above (a match or a swap). A child whose
        // letter meets neither gets the row of a letter the query lacks,
        // so when that row is dead only the other children need a row.
        let mut relevant = u64::MAX;
        let mut open = u64::MAX;
        if children.len() >= CROWD {
            let (_, alive) = self.row(next, 0);
            if !alive {
                relevant = self.levels[next].row[r] | self.levels[depth].row[r];
                open = 0;
            }
        }
        for (i, node) in children.iter().enumerate() {
            if node.longest < self.shortest {
                continue;
            }
            let letter = self.masks.of(node.label);
            if (letter | open) & relevant == 0 {
                continue;
            }
            let (row, alive) = self.row(next, letter);
            self.levels[next + 1].row = row;
            if node.key != NO_KEY && next as u32 >= self.shortest {
                if let Some(edits) = row[..=r].iter().position(|&word| word & self.last != 0) {
                    found(node.key, edits);
                }
            }
            if alive {
                self.levels[next + 1].letter = letter;
                self.descend(trie, first + i, next, found);
            }
        }
    }

    /// Row `depth` for a key prefix whose last letter occurs at the query
    /// positions `letter`, and whether any of its cells is within its
    /// bound, so that keys below may be.
    #[inline(always)]
    fn row(&self, depth: usize, letter: u64) -> ([u64; W], bool) {
        let r = self.radius();
        let up = &self.levels[depth];
        let two_up = &self.levels[depth - 1].row;
        // A swap ends at column j + 2 when query letter j is this key
        // letter and query letter j + 1 the previous one.
        let swap = letter & (up.letter >> 1);
        let up = &up.row;
        // Bit j + 1 of a word: query letter j matched; the rest come from
        // one edit more than a neighbour's count. Words past the radius
        // are left as they are: nothing reads them.
        let mut row = [0; W];
        let mut below = (up[0] & letter) << 1;
        row[0] = below;
        for d in 1..=r {
            let fewer = up[d - 1];
            below =
                fewer | ((fewer | below | (up[d] & letter)) << 1) | ((two_up[d - 1] & swap) << 2);
            row[d] = below;
        }
        let alive = (row[r / 2] & self.before_cut) | (row[r] & self.from_cut) != 0;
        (row, alive)
    }
}
