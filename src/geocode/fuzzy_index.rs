//! The fuzzy stage's index: every distinct normalised key, searchable for
//! "all keys within `r` edits of this query" without comparing the query
//! with every key.
//!
//! The distance is [`crate::normalize::edit_distance`], optimal string
//! alignment (OSA: insertions, deletions, substitutions and swaps of two
//! adjacent letters, no substring edited twice). OSA breaks the triangle
//! inequality ("ca" → "ac" → "abc" is 1 + 1 but "ca" → "abc" is 3), so
//! metric trees (BK-trees, VP-trees) keyed on it can lose answers. A trie
//! needs no triangle inequality: the OSA table of the query against a key
//! is filled one key letter (one table row) at a time, so keys that share
//! a prefix share rows, and a subtree is skipped once its prefix's row
//! shows that no key below it can come within `r`.
//!
//! A plain trie walk still visits most short prefixes (any three letters
//! are within two edits of something), so the search is split in two
//! (Mihov and Schulz's forward–backward method): if the query is cut at
//! letter `m`, an alignment within `r` edits spends at most `r / 2` of them
//! before the cut or at most `r / 2` after it (see [`FuzzyIndex::within`]).
//! A forward trie of the keys is searched with the tight bound on the
//! query's first part, a trie of the reversed keys with the tight bound on
//! its last part, and the union is exact. OSA is the same read backwards
//! (reversing both strings maps every alignment to one of the same cost),
//! which is what makes the backward trie valid.
//!
//! Rows are computed only in the band `|depth − j| ≤ r`: a cell outside it
//! is more than `r` anyway. Cells are capped at `r + 1`, so a key within `r`
//! gets its exact distance and any other reads as `r + 1` or more.

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

/// Up to this many children, a node's children are all visited; past it,
/// a row for a letter the query lacks is computed first (see
/// [`Search::visit`]).
const FEW_CHILDREN: usize = 3;

/// Keys as one buffer of letters, so building a trie allocates little.
struct Letters {
    letters: Vec<char>,
    /// Key `k` is `letters[start[k]..start[k + 1]]`.
    start: Vec<u32>,
}

impl Letters {
    fn key(&self, k: usize) -> &[char] {
        &self.letters[self.start[k] as usize..self.start[k + 1] as usize]
    }
}

/// A trie of keys, each a sequence of letters.
#[derive(Debug, Default)]
struct Trie {
    /// The root first; one node past the last, so every node's children
    /// end where the next node's begin.
    nodes: Vec<Node>,
}

impl Trie {
    /// A trie of `keys`, which must be distinct; key ids are positions in
    /// `keys`.
    fn new(keys: &Letters) -> Trie {
        let mut order: Vec<u32> = (0..keys.start.len() as u32 - 1).collect();
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

    fn children(&self, node: usize) -> std::ops::Range<usize> {
        self.nodes[node].first_child as usize..self.nodes[node + 1].first_child as usize
    }
}

/// Distinct keys, each with an id (its position in the list given to
/// [`FuzzyIndex::new`]), searchable by OSA edit distance.
#[derive(Debug, Default)]
pub(crate) struct FuzzyIndex {
    forward: Trie,
    backward: Trie,
    /// Letters in each key, by id.
    key_len: Vec<u32>,
}

impl FuzzyIndex {
    /// Indexes `keys`, which must be distinct.
    pub(crate) fn new<'k>(keys: impl IntoIterator<Item = &'k str>) -> FuzzyIndex {
        let mut forward = Letters {
            letters: Vec::new(),
            start: vec![0],
        };
        for key in keys {
            forward.letters.extend(key.chars());
            forward.start.push(forward.letters.len() as u32);
        }
        let count = forward.start.len() - 1;
        let key_len: Vec<u32> = forward.start.windows(2).map(|w| w[1] - w[0]).collect();
        let mut backward = Letters {
            letters: Vec::with_capacity(forward.letters.len()),
            start: vec![0],
        };
        for k in 0..count {
            backward.letters.extend(forward.key(k).iter().rev());
            backward.start.push(backward.letters.len() as u32);
        }
        FuzzyIndex {
            forward: Trie::new(&forward),
            backward: Trie::new(&backward),
            key_len,
        }
    }

    /// Letters in key `id`.
    pub(crate) fn key_len(&self, id: u32) -> usize {
        self.key_len[id as usize] as usize
    }

    /// Heap bytes held.
    pub(crate) fn heap_bytes(&self) -> usize {
        (self.forward.nodes.capacity() + self.backward.nodes.capacity())
            * std::mem::size_of::<Node>()
            + self.key_len.capacity() * std::mem::size_of::<u32>()
    }

    /// Calls `found(id, edits)` for every key of at least `shortest`
    /// letters within `radius` edits of `query`, with its exact distance; a
    /// key may be reported twice (once by each trie), always with the same
    /// distance.
    ///
    /// Why the two searches miss nothing: take an optimal alignment of the
    /// query (`n` letters) with a key, as a path through the OSA table, and
    /// cut the query after letter `m`. Let `P` be the path's last cell in a
    /// query column `≤ m`, and `Q` the next cell (column `≥ m + 1`). The
    /// cost before `P` plus the cost after `Q` is at most `radius`, so one
    /// of them is at most `radius / 2`. In the first case every path cell
    /// in a column `< m` costs at most `radius / 2` so far, and every other
    /// cell at most `radius`; the forward search prunes a prefix only when
    /// no cell of its row meets that bound, so it never prunes this key (a
    /// swap step skips a row, but its diagonal neighbour in that row is
    /// within the same cost). The second case is the first one read
    /// backwards, with the reversed query cut after letter `n − m − 1`, and
    /// the backward search finds the key.
    pub(crate) fn within(
        &self,
        query: &[char],
        radius: usize,
        shortest: usize,
        mut found: impl FnMut(u32, usize),
    ) {
        let n = query.len();
        let cut = n / 2;
        let mut search = Search::new(query, radius, cut, shortest);
        search.run(&self.forward, &mut found);
        let reversed: Vec<char> = query.iter().rev().copied().collect();
        let mut search = Search::new(&reversed, radius, n.saturating_sub(cut + 1), shortest);
        search.run(&self.backward, &mut found);
    }
}

/// One trie walk: the query, the bounds, and a table row per depth.
struct Search<'q> {
    query: &'q [char],
    radius: u32,
    /// Columns before `cut` must stay within `tight`, the others `radius`.
    cut: usize,
    tight: u32,
    /// Keys shorter than this are not wanted.
    shortest: u32,
    /// Row `t` of the OSA table (key prefix of `t` letters against every
    /// query prefix), `width` cells each; only the band is meaningful.
    rows: Vec<u32>,
    width: usize,
    /// The key letters on the path to the current node.
    path: Vec<char>,
}

impl<'q> Search<'q> {
    fn new(query: &'q [char], radius: usize, cut: usize, shortest: usize) -> Self {
        let n = query.len();
        // A key prefix longer than n + radius is out of the band entirely.
        let depths = n + radius + 1;
        let width = n + 2;
        let radius = radius as u32;
        let mut rows = vec![0; depths * width];
        for (j, cell) in rows.iter_mut().take(n + 1).enumerate() {
            *cell = (j as u32).min(radius + 1);
        }
        Search {
            query,
            radius,
            cut,
            tight: radius / 2,
            shortest: shortest as u32,
            rows,
            width,
            path: Vec::with_capacity(depths),
        }
    }

    fn run(&mut self, trie: &Trie, found: &mut impl FnMut(u32, usize)) {
        let Some(root) = trie.nodes.first() else {
            return;
        };
        let n = self.query.len();
        if root.key != NO_KEY && n as u32 <= self.radius && self.shortest == 0 {
            found(root.key, n);
        }
        for child in trie.children(0) {
            self.visit(trie, child, 1, found);
        }
    }

    fn visit(&mut self, trie: &Trie, at: usize, depth: usize, found: &mut impl FnMut(u32, usize)) {
        let node = trie.nodes[at];
        if node.longest < self.shortest {
            return;
        }
        let Some(alive) = self.fill_row(depth, node.label) else {
            return;
        };
        let n = self.query.len();
        if node.key != NO_KEY && depth + self.radius as usize >= n && depth as u32 >= self.shortest
        {
            let edits = self.rows[depth * self.width + n];
            if edits <= self.radius {
                found(node.key, edits as usize);
            }
        }
        if !alive {
            return;
        }
        self.path.push(node.label);
        let children = trie.children(at);
        if children.len() <= FEW_CHILDREN {
            for child in children {
                self.visit(trie, child, depth + 1, found);
            }
        } else {
            // A child whose letter is none of the query letters its row
            // reads gets the same row as any other such child: if that row
            // is dead, only the children with one of those letters can
            // live. Most children of a crowded node die, so this skips most
            // row computations.
            let read = self.letters_read(depth + 1);
            let letters = &self.query[read];
            let stranger = ('\0'..)
                .find(|c| !letters.contains(c))
                .expect("a short run of letters leaves some char out");
            let any_child_lives = self.fill_row(depth + 1, stranger) == Some(true);
            for child in children {
                if any_child_lives || letters.contains(&trie.nodes[child].label) {
                    self.visit(trie, child, depth + 1, found);
                }
            }
        }
        self.path.pop();
    }

    /// The query letters that row `depth` compares with its key letter,
    /// directly or in a swap.
    fn letters_read(&self, depth: usize) -> std::ops::Range<usize> {
        let r = self.radius as usize;
        let first = depth.saturating_sub(r).max(1);
        let hi = self.query.len().min(depth + r);
        first.saturating_sub(2).min(hi)..hi
    }

    /// Fills row `depth` for a key prefix ending in `letter`. `None` when
    /// the band is empty (the prefix is too long for any key below it);
    /// else whether any cell is within its bound, so the walk goes on.
    fn fill_row(&mut self, depth: usize, letter: char) -> Option<bool> {
        let n = self.query.len();
        let r = self.radius as usize;
        let cap = self.radius + 1;
        let lo = depth.saturating_sub(r);
        let hi = n.min(depth + r);
        if lo > hi {
            return None;
        }
        let w = self.width;
        let (before, rest) = self.rows.split_at_mut(depth * w);
        let row = &mut rest[..w];
        let up = &before[(depth - 1) * w..];
        // The key letter before this one, for a swap.
        let previous = self.path.last().copied();
        // Column 0 is the key prefix against no query letter; the cell left
        // of the band is out of it.
        let first = lo.max(1);
        let mut left = cap;
        if lo == 0 {
            left = (depth as u32).min(cap);
            row[0] = left;
        }
        // Zipped slices instead of indices: the loop runs for every trie
        // node visited, and bounds checks were a good part of it.
        let letters = self.query[first - 1..hi].iter();
        let above = up[first..=hi].iter().zip(&up[first - 1..hi]);
        for (k, (&a, (&up_here, &up_left))) in letters.zip(above).enumerate() {
            let mut cell = (up_here + 1)
                .min(left + 1)
                .min(up_left + u32::from(a != letter));
            if Some(a) == previous {
                let j = first + k;
                if j >= 2 && self.query[j - 2] == letter {
                    cell = cell.min(before[(depth - 2) * w + j - 2] + 1);
                }
            }
            cell = cell.min(cap);
            row[first + k] = cell;
            left = cell;
        }
        let split = self.cut.clamp(lo, hi + 1);
        let alive = row[lo..split].iter().any(|&c| c <= self.tight)
            || row[split..=hi].iter().any(|&c| c <= self.radius);
        // The next row reads one cell right of this band.
        if hi < n {
            row[hi + 1] = cap;
        }
        Some(alive)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::edit_distance;

    fn search(index: &FuzzyIndex, query: &str, radius: usize) -> Vec<(u32, usize)> {
        search_longer(index, query, radius, 0)
    }

    fn search_longer(
        index: &FuzzyIndex,
        query: &str,
        radius: usize,
        shortest: usize,
    ) -> Vec<(u32, usize)> {
        let letters: Vec<char> = query.chars().collect();
        let mut hits = Vec::new();
        index.within(&letters, radius, shortest, |id, edits| {
            hits.push((id, edits))
        });
        hits.sort_unstable();
        hits.dedup();
        hits
    }

    fn by_scan(keys: &[&str], query: &str, radius: usize) -> Vec<(u32, usize)> {
        keys.iter()
            .enumerate()
            .map(|(id, key)| (id as u32, edit_distance(query, key)))
            .filter(|&(_, edits)| edits <= radius)
            .collect()
    }

    #[test]
    fn finds_keys_within_the_radius_with_their_distance() {
        let keys = [
            "sakhar", "sakhr", "saqr", "qaim", "ramadi", "baghdad", "ain asad",
        ];
        let index = FuzzyIndex::new(keys);
        assert_eq!(search(&index, "sakhar", 0), vec![(0, 0)]);
        assert_eq!(search(&index, "sakhar", 1), vec![(0, 0), (1, 1)]);
        assert_eq!(search(&index, "qiam", 1), vec![(3, 1)]);
        assert_eq!(search(&index, "bagdhad", 2), vec![(5, 1)]);
        assert_eq!(search(&index, "xyz", 2), vec![]);
    }

    #[test]
    fn a_swap_across_the_cut_is_one_edit() {
        // Query "abdcef" is cut after its third letter; the swap of d and c
        // straddles the cut.
        let index = FuzzyIndex::new(["abcdef", "abcdefgh"]);
        assert_eq!(search(&index, "abdcef", 1), vec![(0, 1)]);
        assert_eq!(search(&index, "abdcef", 3), vec![(0, 1), (1, 3)]);
    }

    #[test]
    fn the_triangle_inequality_is_not_assumed() {
        // OSA("ca", "abc") = 3 though "ca" → "ac" → "abc" is 2 steps.
        let index = FuzzyIndex::new(["ac", "abc"]);
        assert_eq!(search(&index, "ca", 2), vec![(0, 1)]);
        assert_eq!(search(&index, "ca", 3), vec![(0, 1), (1, 3)]);
    }

    #[test]
    fn empty_query_and_empty_key() {
        let index = FuzzyIndex::new(["", "ab"]);
        assert_eq!(search(&index, "", 0), vec![(0, 0)]);
        assert_eq!(search(&index, "", 2), vec![(0, 0), (1, 2)]);
        assert_eq!(search(&index, "a", 1), vec![(0, 1), (1, 1)]);
        assert!(search(&FuzzyIndex::new([]), "a", 3).is_empty());
        assert_eq!(search_longer(&index, "", 2, 1), vec![(1, 2)]);
    }

    #[test]
    fn arabic_script_keys() {
        let index = FuzzyIndex::new(["عين اسد", "جرف صخر"]);
        assert_eq!(search(&index, "عين اسذ", 1), vec![(0, 1)]);
        assert_eq!(index.key_len(1), 7);
    }

    #[test]
    fn agrees_with_a_scan_on_a_seeded_sample() {
        // Fixed seed: a small alphabet makes many near keys, ties and swaps.
        let mut state: u64 = 0x0f0e_1d2c;
        let mut next = |n: u64| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state % n
        };
        let alphabet: Vec<char> = "abcd e".chars().collect();
        let word = |next: &mut dyn FnMut(u64) -> u64| -> String {
            let len = next(11);
            (0..len)
                .map(|_| alphabet[next(alphabet.len() as u64) as usize])
                .collect()
        };
        let mut keys: Vec<String> = (0..400).map(|_| word(&mut next)).collect();
        keys.sort();
        keys.dedup();
        let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
        let index = FuzzyIndex::new(keys.iter().copied());
        for _ in 0..600 {
            let query = word(&mut next);
            for radius in 0..=4 {
                let shortest = next(8) as usize;
                let wanted: Vec<(u32, usize)> = by_scan(&keys, &query, radius)
                    .into_iter()
                    .filter(|&(id, _)| keys[id as usize].chars().count() >= shortest)
                    .collect();
                assert_eq!(
                    search_longer(&index, &query, radius, shortest),
                    wanted,
                    "{query:?} within {radius}, keys of {shortest}+ letters"
                );
            }
        }
    }

    #[test]
    fn osa_reads_the_same_backwards() {
        // The backward trie relies on it.
        let rev = |s: &str| s.chars().rev().collect::<String>();
        for (a, b) in [
            ("ca", "abc"),
            ("abdcef", "abcdef"),
            ("sakhar", "saqr"),
            ("", "ab"),
        ] {
            assert_eq!(
                edit_distance(a, b),
                edit_distance(&rev(a), &rev(b)),
                "{a} {b}"
            );
        }
    }
}
