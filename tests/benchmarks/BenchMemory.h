#pragma once
// Memory and wall-time readings the C++ benchmarks print (Linux /proc; 0 elsewhere).
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstring>

namespace faultline::bench {

// Peak resident set since the process started (getrusage ru_maxrss), MiB.
inline double peakRssMiB()
{
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return double(usage.ru_maxrss) / 1024.0; // Linux reports KiB
}

inline double currentRssMiB()
{
    FILE *f = std::fopen("/proc/self/statm", "r");
    if (!f)
        return 0;
    long pages = 0, resident = 0;
    const int got = std::fscanf(f, "%ld %ld", &pages, &resident);
    std::fclose(f);
    return got == 2 ? double(resident) * 4096.0 / (1024.0 * 1024.0) : 0;
}

// A field of /proc/self/status in MiB ("RssAnon", "RssFile", "VmHWM").
inline double statusMiB(const char *field)
{
    FILE *f = std::fopen("/proc/self/status", "r");
    if (!f)
        return 0;
    char line[256];
    double kib = 0;
    const size_t length = std::strlen(field);
    while (std::fgets(line, sizeof line, f))
        if (std::strncmp(line, field, length) == 0 && line[length] == ':') {
            kib = std::atof(line + length + 1);
            break;
        }
    std::fclose(f);
    return kib / 1024.0;
}

struct Clock
{
    std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
    double seconds() const
    {
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    }
};

} // namespace faultline::bench
