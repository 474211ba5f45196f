//! Reading the events on a second thread while the first geocodes and
//! writes.
//!
//! Parsing and checking the CSV is about a third of a large build and
//! writing the layers most of the rest; the machines our users run on have
//! at least two cores, so the two halves overlap. Items cross in batches, in
//! order (a channel message per event would cost more than a short event's
//! parse), through a bounded channel, so memory stays bounded however far
//! the reader could run ahead.
//!
//! Items the receiver is done with can go back to the reading thread
//! ([`ReadAhead::recycle`]): an event is a dozen strings, which the reader
//! fills again for later rows instead of allocating new ones. Items handed
//! back after the reader has finished are dropped where they are.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::Arc;
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

    /// Takes from an item the receiver is done with whatever the source can
    /// use again; the rest is dropped with the item. By default nothing.
    fn reuse(&mut self, item: Self::Item) {
        drop(item);
    }

    /// Told before each batch how many batches are waiting for the
    /// receiver: a source that can leave work to the receiver (work the
    /// receiver would do the same) does it itself only when the receiver
    /// has enough to go on. By default nothing changes.
    fn backlog(&mut self, batches: usize) {
        let _ = batches;
    }
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
    spent: Vec<T>,
    returns: SyncSender<Vec<T>>,
    /// Batches sent and not yet taken.
    waiting: Arc<AtomicUsize>,
}

impl<T> ReadAhead<T> {
    /// Bytes of the input the items handed out so far came from (to the end
    /// of their batch), for progress.
    pub fn position(&self) -> u64 {
        self.position
    }

    /// The item `n` places after the next one, if it is already here (in
    /// the batch being handed out), for fetching what it will need.
    pub fn ahead(&self, n: usize) -> Option<&T> {
        self.current.as_slice().get(n)
    }

    /// Hands an item back to the source ([`Positioned::reuse`]) on the
    /// reading thread; when that thread is behind, the items are dropped
    /// here instead.
    pub fn recycle(&mut self, item: T) {
        self.spent.push(item);
        if self.spent.len() >= BATCH {
            let spent = std::mem::replace(&mut self.spent, Vec::with_capacity(BATCH));
            // A full return channel or a finished reader: drop them here.
            let _ = self.returns.try_send(spent);
        }
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
            self.waiting.fetch_sub(1, Ordering::Relaxed);
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
    let (returns, returned) = sync_channel::<Vec<S::Item>>(IN_FLIGHT);
    let waiting = Arc::new(AtomicUsize::new(0));
    let sent = Arc::clone(&waiting);
    let handle = scope.spawn(move || {
        loop {
            let mut items = Vec::new();
            for mut spent in returned.try_iter() {
                for item in spent.drain(..) {
                    source.reuse(item);
                }
                items = spent;
            }
            source.backlog(sent.load(Ordering::Relaxed));
            // Sized at once: grown by doubling, the batch's items were
            // copied again and again.
            items.reserve(BATCH);
            items.extend(source.by_ref().take(BATCH));
            if items.is_empty() {
                break;
            }
            let batch = Batch {
                items,
                position: source.position(),
            };
            // Counted before it is sent, so that the receiver's count
            // never goes below zero.
            sent.fetch_add(1, Ordering::Relaxed);
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
        spent: Vec::with_capacity(BATCH),
        returns,
        waiting,
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
    fn recycled_items_are_dropped_on_the_reading_thread() {
        use std::sync::{Arc, Mutex};
        use std::thread::ThreadId;

        /// Records the thread it is dropped on.
        struct Tracked(Arc<Mutex<Vec<ThreadId>>>);
        impl Drop for Tracked {
            fn drop(&mut self) {
                self.0.lock().unwrap().push(std::thread::current().id());
            }
        }
        struct Source(Arc<Mutex<Vec<ThreadId>>>, usize);
        impl Iterator for Source {
            type Item = Tracked;
            fn next(&mut self) -> Option<Tracked> {
                (self.1 > 0).then(|| {
                    self.1 -= 1;
                    Tracked(self.0.clone())
                })
            }
        }
        impl Positioned for Source {
            fn position(&self) -> u64 {
                0
            }
        }

        let drops = Arc::new(Mutex::new(Vec::new()));
        // More batches than the channel holds, so the reader is still
        // running (blocked on a full channel) when the batch comes back.
        let total = BATCH * (IN_FLIGHT + 4);
        let reader = std::thread::scope(|scope| {
            let (mut items, handle) = read_ahead(scope, Source(drops.clone(), total));
            // Hand back the first batch before taking the second: the
            // reader, blocked until then, finds it when it next loops.
            for _ in 0..BATCH {
                let item = items.next().unwrap();
                items.recycle(item);
            }
            let reader = handle.thread().id();
            let rest: Vec<Tracked> = items.by_ref().collect();
            assert_eq!(rest.len(), total - BATCH);
            drop(rest);
            handle.join().unwrap();
            reader
        });
        let drops = drops.lock().unwrap();
        assert_eq!(drops.len(), total);
        let on_reader = drops.iter().filter(|&&id| id == reader).count();
        assert_eq!(
            on_reader, BATCH,
            "the recycled batch was dropped by the reader"
        );
    }

    #[test]
    fn the_source_is_told_how_many_batches_wait() {
        use std::sync::Mutex;

        /// Counts to `end`, recording each backlog it is told.
        struct Told<'a>(Counter, &'a Mutex<Vec<usize>>);
        impl Iterator for Told<'_> {
            type Item = u64;
            fn next(&mut self) -> Option<u64> {
                self.0.next()
            }
        }
        impl Positioned for Told<'_> {
            fn position(&self) -> u64 {
                self.0.position()
            }
            fn backlog(&mut self, batches: usize) {
                self.1.lock().unwrap().push(batches);
            }
        }

        let told = Mutex::new(Vec::new());
        let end = (BATCH * (IN_FLIGHT + 3)) as u64;
        std::thread::scope(|scope| {
            let (mut items, handle) = read_ahead(scope, Told(Counter { next: 0, end }, &told));
            // Nothing is taken until the reader has filled the channel and
            // started the batch it cannot send yet.
            while told.lock().unwrap().len() <= IN_FLIGHT {
                std::thread::sleep(std::time::Duration::from_millis(1));
            }
            let waiting: Vec<usize> = (0..=IN_FLIGHT).collect();
            assert_eq!(told.lock().unwrap()[..], waiting[..]);
            assert_eq!(items.by_ref().count() as u64, end);
            handle.join().unwrap();
        });
        let told = told.into_inner().unwrap();
        assert!(told.iter().all(|&n| n <= IN_FLIGHT + 1), "{told:?}");
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
