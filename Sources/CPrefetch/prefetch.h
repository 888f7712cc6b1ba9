#ifndef CAPSIM_CPREFETCH_H
#define CAPSIM_CPREFETCH_H

// A hint that `address` will be read soon (the compiler's prefetch builtin, which Swift does not
// expose): the bulk loader reads index keys in sorted order, scattered across memory, and asks
// for the next ones ahead of time so that their cache misses overlap.
static inline void capsim_prefetch(const void *address) { __builtin_prefetch(address); }

#endif
