#if canImport(Glibc)
import Glibc
#endif

/// Transparent huge pages for the heap of the calling thread, where the system gives them only
/// on request (Linux's THP `madvise` mode, the default of many distributions).
///
/// A run touches tens of megabytes of fresh heap, each 4 KiB page faulting in on its own. With
/// 2 MiB pages a corpus run had 2,251 page faults instead of 4,168 (a 20,000-statement file
/// 2,260 instead of 10,946) and spent 4 % less CPU, for 3 MiB more peak memory. The advice
/// changes no result, only how memory is backed: where it does not apply, nothing happens.
public enum HugePages {
    /// glibc gives every thread arena but the first a heap of its own: a mapping of 64 MiB
    /// (`HEAP_MAX_SIZE` on 64-bit systems) aligned to its size, all of it writable when
    /// `M_TOP_PAD` is large, as the CLI sets it.
    static let threadHeapSize = 64 << 20

    /// Advises huge pages for the heap that serves the calling thread's allocations.
    public static func adviseThreadHeap() {
        #if os(Linux) && canImport(Glibc)
        guard let probe = malloc(64) else { return }
        defer { free(probe) }
        let heap = UInt(bitPattern: probe) & ~UInt(threadHeapSize - 1)
        _ = madvise(UnsafeMutableRawPointer(bitPattern: heap), threadHeapSize, MADV_HUGEPAGE)
        #endif
    }

    /// Advises huge pages for the main heap (the `brk` area) as far as it reaches now.
    public static func adviseMainHeap() {
        #if os(Linux) && canImport(Glibc)
        guard let probe = malloc(64) else { return }
        defer { free(probe) }
        let page = UInt(2 << 20)
        let start = UInt(bitPattern: probe) & ~(page - 1)
        guard let end = sbrk(0).map({ UInt(bitPattern: $0) }), end > start else { return }
        _ = madvise(UnsafeMutableRawPointer(bitPattern: start), Int(end - start), MADV_HUGEPAGE)
        #endif
    }
}
