#pragma once

#include <QtGlobal>

#include <cstddef>

namespace faultline {

// 64-bit FNV-1a: a hash defined byte for byte (unlike qHash, seeded per process), for what must
// come out the same in every process and release — the shard a path belongs to, the fingerprint
// a saved search index is checked against. Chain calls by passing the last result as `hash`.
constexpr quint64 kFnv1aOffset = 14695981039346656037ULL;

inline quint64 fnv1a(const void *bytes, size_t count, quint64 hash = kFnv1aOffset)
{
    for (size_t i = 0; i < count; ++i) {
        hash ^= static_cast<const unsigned char *>(bytes)[i];
        hash *= 1099511628211ULL;
    }
    return hash;
}

} // namespace faultline
