//! Hints to the processor and the kernel about memory the program is about
//! to use. They change how fast, never what: each is a no-op where the
//! platform has no such hint.
//!
//! The duplicate-id filter is tens of MB touched at one random cache line
//! per event; without these, that line's fetch (and its page-table walk)
//! stalled the reading thread about 300 ns an event.

/// Starts fetching the cache line that holds `value`, so that a use a few
/// hundred instructions later finds it in cache.
#[inline]
pub fn prefetch<T>(value: &T) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
        // SAFETY: a prefetch reads nothing into the program and cannot
        // fault, whatever the address; SSE, which it needs, is part of
        // every x86_64 processor.
        unsafe { _mm_prefetch::<_MM_HINT_T0>((value as *const T).cast()) }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = value;
}

/// Asks the kernel to back `memory` with huge pages (2 MiB on x86_64): a
/// 32 MiB table touched at random then needs 16 page-table entries, which
/// stay in the TLB, instead of 8192, which do not. Call it before the
/// memory is first written, when the kernel has not yet given it pages.
pub fn huge_pages<T>(memory: &mut [T]) {
    #[cfg(target_os = "linux")]
    {
        const PAGE: usize = 4096;
        let start = memory.as_mut_ptr() as usize;
        let end = start + std::mem::size_of_val(memory);
        // madvise wants whole pages: the pages wholly inside the slice.
        let first = start.next_multiple_of(PAGE);
        let last = end - end % PAGE;
        if last > first {
            // SAFETY: the range lies inside memory this slice owns, and
            // MADV_HUGEPAGE changes how it is backed, not its contents.
            // Failure (no transparent huge pages) only leaves it as it is.
            unsafe {
                libc::madvise(
                    first as *mut libc::c_void,
                    last - first,
                    libc::MADV_HUGEPAGE,
                );
            }
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = memory;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hints_leave_memory_as_it_was() {
        let mut memory = vec![7u64; 1 << 20];
        huge_pages(&mut memory);
        prefetch(&memory[12_345]);
        assert!(memory.iter().all(|&x| x == 7));
        let mut empty: Vec<u64> = Vec::new();
        huge_pages(&mut empty);
    }
}
