//! Reading the events on a second thread while the first geocodes and
//! writes.
//!
//! Parsing and checking the CSV is about a third of a large build and
//! writing the layers most of the rest; the machines our users run on have
//! at least two cores, so the two halves overlap. Items cross in batches, in
//! order (a channel message per event would cost more than a short event's
//! parse), through a bounded channel, so memory stays bounded however far
//! the reader could run ahead.

use std::sync::mpsc::{sync_channel, Receiver};
use std::thread::{Scope, ScopedJoinHandle};

/// Items per message.
const BATCH: usize = 512;
/// Messages in flight: enough to ride out a slow write, few enough that the
/// read-ahead holds a few thousand events at most.
const IN_FLIGHT: usize = 8;

/// An iterator that also says how far through its input it is.
pub trait Positioned: Iterator {
    /// Bytes of the input consumed so far.
    fn position(&self) -> u64;
}

/// A batch of items and the source's position after its last one.
struct Batch<T> {
    items: Vec<T>,
    position: u64,
}

/// The receiving end: the source's items, in order.
pub struct ReadAhead<T> {
    batches: Receiver<Batch<T>>,
    current: std::vec::IntoIter<T>,
    position: u64,
}

impl<T> ReadAhead<T> {
    /// Bytes of the input the items handed out so far came from (to the end
    /// of their batch), for progress.
    pub fn position(&self) -> u64 {
        self.position
    }
}

impl<T> Iterator for ReadAhead<T> {
    type Item = T;

    fn next(&mut self) -> Option<T> {
        loop {
            if let Some(item) = self.current.next() {
                return Some(item);
            }
            let batch = self.batches.recv().ok()?;
            self.position = batch.position;
            self.current = batch.items.into_iter();
        }
    }
}

/// Runs `source` on a thread of `scope`. The thread stops when the source
/// ends or the [`ReadAhead`] is dropped, and hands the source back (for what
/// it learnt while reading) through the join handle.
pub fn read_ahead<'scope, S>(
    scope: &'scope Scope<'scope, '_>,
    mut source: S,
) -> (ReadAhead<S::Item>, ScopedJoinHandle<'scope, S>)
where
    S: Positioned + Send + 'scope,
    S::Item: Send,
{
    let (sender, batches) = sync_channel(IN_FLIGHT);
    let handle = scope.spawn(move || {
        loop {
            let items: Vec<S::Item> = source.by_ref().take(BATCH).collect();
            if items.is_empty() {
                break;
            }
            let batch = Batch {
                items,
                position: source.position(),
            };
            if sender.send(batch).is_err() {
                break; // the receiver gave up (an output failed)
            }
        }
        source
    });
    let receiver = ReadAhead {
        batches,
        current: Vec::new().into_iter(),
        position: 0,
    };
    (receiver, handle)
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Counter {
        next: u64,
        end: u64,
    }

    impl Iterator for Counter {
        type Item = u64;
        fn next(&mut self) -> Option<u64> {
            (self.next < self.end).then(|| {
                self.next += 1;
                self.next - 1
            })
        }
    }

    impl Positioned for Counter {
        fn position(&self) -> u64 {
            self.next * 10
        }
    }

    #[test]
    fn items_arrive_in_order_and_the_source_comes_back() {
        let end = BATCH as u64 * 3 + 7;
        std::thread::scope(|scope| {
            let (mut items, handle) = read_ahead(scope, Counter { next: 0, end });
            assert_eq!(items.next(), Some(0));
            assert_eq!(items.position(), BATCH as u64 * 10);
            let rest: Vec<u64> = items.by_ref().collect();
            assert_eq!(rest, (1..end).collect::<Vec<_>>());
            assert_eq!(items.position(), end * 10);
            assert_eq!(handle.join().unwrap().next, end);
        });
    }

    #[test]
    fn dropping_the_receiver_stops_the_reader() {
        std::thread::scope(|scope| {
            let (items, handle) = read_ahead(
                scope,
                Counter {
                    next: 0,
                    end: u64::MAX,
                },
            );
            drop(items);
            let source = handle.join().unwrap();
            // At most the batches the channel holds, the one refused and the
            // one being collected were read.
            assert!(source.next <= (BATCH * (IN_FLIGHT + 2)) as u64);
        });
    }
}
