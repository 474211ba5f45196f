//! Texts numbered in the order they were first seen, found again by a
//! hash table whose slot for a text can be fetched ahead of the look-up.
//!
//! `build` looks every event's place text up in its memo. With tens of
//! thousands of texts the table is larger than the cache, and each look-up
//! waited on memory (a fifth of the writing thread); the events come in
//! batches, so the slots of the next few can be fetched meanwhile
//! ([`TextSlots::prefetch`]), which a std `HashMap` does not offer.

use std::hash::BuildHasher;

use foldhash::fast::RandomState;

use crate::memory_hints::prefetch;

/// Open addressing with linear probing; each slot holds the text's hash's
/// high 32 bits and its number plus one (0: an empty slot), so most probes
/// that do not match need no look at the text.
#[derive(Debug)]
pub struct TextSlots {
    hasher: RandomState,
    slots: Vec<u64>,
    texts: Vec<Box<str>>,
}

/// Slots to start with; the table doubles when half full.
const FIRST_SLOTS: usize = 1024;

impl Default for TextSlots {
    fn default() -> Self {
        TextSlots {
            // A seed of its own per table, so that no file can be made to
            // collide; the numbers depend on the order of first sight
            // alone, and nothing is read back in slot order.
            hasher: RandomState::default(),
            slots: vec![0; FIRST_SLOTS],
            texts: Vec::new(),
        }
    }
}

impl TextSlots {
    /// How many texts are numbered.
    pub fn len(&self) -> usize {
        self.texts.len()
    }

    /// True when no text is numbered.
    pub fn is_empty(&self) -> bool {
        self.texts.is_empty()
    }

    /// Forgets every text; numbering starts again at 0.
    pub fn clear(&mut self) {
        self.slots.fill(0);
        self.texts.clear();
    }

    /// Starts fetching the slot where `text` would be looked up.
    pub fn prefetch(&self, text: &str) {
        let at = self.hasher.hash_one(text) as usize & (self.slots.len() - 1);
        prefetch(&self.slots[at]);
    }

    /// The number of `text`, if it has one.
    pub fn get(&self, text: &str) -> Option<u32> {
        self.find(text, self.hasher.hash_one(text)).ok()
    }

    /// The number of `text`, numbering it if it is new.
    pub fn number(&mut self, text: &str) -> u32 {
        let hash = self.hasher.hash_one(text);
        match self.find(text, hash) {
            Ok(number) => number,
            Err(empty) => {
                // Numbers fit 32 bits: the memo keeps far fewer texts.
                let number = self.texts.len() as u32;
                self.slots[empty] = slot(hash, number);
                self.texts.push(text.into());
                if self.texts.len() * 2 > self.slots.len() {
                    self.grow();
                }
                number
            }
        }
    }

    /// `Ok(number)` of `text` (hashed to `hash`), or `Err(slot)`: the empty
    /// slot where it would go.
    fn find(&self, text: &str, hash: u64) -> Result<u32, usize> {
        let mask = self.slots.len() - 1;
        let tag = hash >> 32;
        let mut at = hash as usize & mask;
        loop {
            let held = self.slots[at];
            if held == 0 {
                return Err(at);
            }
            let number = (held as u32).wrapping_sub(1);
            if held >> 32 == tag && *self.texts[number as usize] == *text {
                return Ok(number);
            }
            at = (at + 1) & mask;
        }
    }

    fn grow(&mut self) {
        let mut slots = vec![0; self.slots.len() * 2];
        let mask = slots.len() - 1;
        for (number, text) in self.texts.iter().enumerate() {
            let hash = self.hasher.hash_one(&**text);
            let mut at = hash as usize & mask;
            while slots[at] != 0 {
                at = (at + 1) & mask;
            }
            slots[at] = slot(hash, number as u32);
        }
        self.slots = slots;
    }
}

fn slot(hash: u64, number: u32) -> u64 {
    (hash >> 32) << 32 | u64::from(number + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_are_numbered_in_order_of_first_sight() {
        let mut slots = TextSlots::default();
        let texts: Vec<String> = (0..5000)
            .map(|i| format!("place {}", i * 7919 % 5000))
            .collect();
        for (i, text) in texts.iter().enumerate() {
            assert_eq!(slots.number(text), i as u32);
        }
        assert_eq!(slots.len(), 5000);
        for (i, text) in texts.iter().enumerate() {
            slots.prefetch(text);
            assert_eq!(slots.get(text), Some(i as u32));
            assert_eq!(slots.number(text), i as u32, "again");
        }
        assert_eq!(slots.get("place 5000"), None);
        assert_eq!(slots.get(""), None);
        assert_eq!(slots.number(""), 5000);
        slots.clear();
        assert!(slots.is_empty());
        assert_eq!(slots.get("place 1"), None);
        assert_eq!(slots.number("place 1"), 0);
    }
}
