//! The library's allocator: the system's, except that a large block (the
//! slots or control bytes of a big table) starts on a 2 MiB boundary and is
//! offered to the kernel for transparent huge pages (`madvise(MADV_HUGEPAGE)`,
//! Linux only; elsewhere, and for small blocks, the system's allocator as
//! it is).
//!
//! Why: a lookup in a big table touches one random entry, and at 4 KiB pages
//! each one also misses the TLB: 1M 8-byte keys in a swiss table are 80 MB of
//! entries, 20,000 pages, far more than the TLB holds, and under a
//! hypervisor every miss walks two page tables. On 2 MiB pages the same
//! table is 40 pages. Measured with make bench-c's program, the same library
//! with and without this, 10 interleaved runs on the shared 2-core VM (load
//! 4 to 5 from other builds; the second quickest run, ns per operation), 1M
//! random 8-byte keys: insert 254 -> 158, hit 106 -> 85, miss 29 -> 24,
//! delete 232 -> 177; khash in the same runs, untouched by this: 89 / 99,
//! 41 / 42, 32 / 29, 34 / 26. The peers allocate with glibc's malloc as it
//! is (`GLIBC_TUNABLES=glibc.malloc.hugetlb=1` would advise theirs too).
//!
//! Where the system does not use transparent huge pages (`never`), the
//! advice does nothing and the cost is the alignment: up to 2 MiB of address
//! space per large block, not memory, since untouched pages are never backed.

use std::alloc::{GlobalAlloc, Layout, System};

/// Blocks of at least this many bytes are placed on huge pages.
const LARGE: usize = 4 << 20;

/// The C allocator's and the kernel's calls, declared here; cbindgen, which
/// lists every extern block in the header, skips this module.
///
/// cbindgen:ignore
#[cfg(target_os = "linux")]
mod huge {
    use std::ffi::{c_int, c_void};

    /// The huge page size of x86-64 and of arm64 with 4 KiB pages.
    pub(super) const PAGE: usize = 2 << 20;
    const MADV_HUGEPAGE: c_int = 14;

    extern "C" {
        fn posix_memalign(out: *mut *mut c_void, alignment: usize, size: usize) -> c_int;
        fn madvise(addr: *mut c_void, len: usize, advice: c_int) -> c_int;
    }

    /// `size` bytes on a huge page boundary, advised as huge pages, or NULL.
    pub(super) fn alloc(size: usize) -> *mut u8 {
        let mut block = std::ptr::null_mut();
        // SAFETY: `block` is writable; PAGE is a power of two and a multiple
        // of the pointer size, as posix_memalign requires.
        if unsafe { posix_memalign(&mut block, PAGE, size) } != 0 {
            return std::ptr::null_mut();
        }
        // The whole huge pages inside the block: advice only, so a failure
        // (a kernel without THP) leaves an ordinary block.
        // SAFETY: `block..block + size` is the block just allocated, and
        // `block` is page-aligned.
        unsafe { madvise(block, size & !(PAGE - 1), MADV_HUGEPAGE) };
        block.cast()
    }
}

pub(crate) struct Allocator;

// SAFETY: every block comes from the C allocator (malloc, posix_memalign or
// realloc through `System`, which on Unix frees with free()), so `dealloc`
// and `realloc` through `System` accept each of them; a huge block satisfies
// its layout (aligned to 2 MiB, at least `size` bytes).
unsafe impl GlobalAlloc for Allocator {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        #[cfg(target_os = "linux")]
        if layout.size() >= LARGE && layout.align() <= huge::PAGE {
            return huge::alloc(layout.size());
        }
        // SAFETY: the caller's contract (a layout of non-zero size).
        unsafe { System.alloc(layout) }
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from this allocator with `layout`, so from the
        // C allocator, which `System` frees with free() whatever the layout.
        unsafe { System.dealloc(ptr, layout) }
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's contract. calloc's fresh pages come zeroed
        // for free; the tables' large blocks are not zeroed ones.
        unsafe { System.alloc_zeroed(layout) }
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if new_size < LARGE {
            // SAFETY: the caller's contract; `System` reallocates any block
            // of the C allocator.
            return unsafe { System.realloc(ptr, layout, new_size) };
        }
        // SAFETY: the caller's contract makes `new_size` with `layout`'s
        // alignment a valid layout.
        let new_layout = unsafe { Layout::from_size_align_unchecked(new_size, layout.align()) };
        // SAFETY: a layout of non-zero size.
        let block = unsafe { self.alloc(new_layout) };
        if !block.is_null() {
            // SAFETY: both blocks hold at least the smaller size and are
            // distinct; the old one is released once, here.
            unsafe {
                std::ptr::copy_nonoverlapping(ptr, block, layout.size().min(new_size));
                self.dealloc(ptr, layout);
            }
        }
        block
    }
}

#[cfg(test)]
mod tests {
    use super::LARGE;

    #[test]
    fn large_blocks_keep_their_bytes_through_growing_and_shrinking() {
        let words = LARGE / 8;
        let mut block: Vec<u64> = (0..words as u64).collect();
        #[cfg(target_os = "linux")]
        assert_eq!(block.as_ptr() as usize % super::huge::PAGE, 0);
        block.reserve_exact(words);
        block.extend(words as u64..2 * words as u64);
        assert!(block.iter().enumerate().all(|(at, &word)| word == at as u64));
        block.truncate(3);
        block.shrink_to_fit();
        assert_eq!(block, [0, 1, 2]);
        let small: Vec<u8> = Vec::with_capacity(100);
        drop(small);
    }
}
