// The Faultline side of bench_tsne.py: tsneProjection() (exact up to 1,000 rows, Barnes–Hut above)
// on the rows of an .npy matrix, timed; the coordinates are written as an .npy matrix.
//   bench_tsne IN.npy OUT.npy        prints "seconds <wall time of the projection>"

#include "analysis/TsneProjection.h"
#include "common/Error.h"
#include "io/NpyFile.h"

#include <QElapsedTimer>
#include <QString>
#include <cstdio>

int main(int argc, char **argv)
{
    if (argc != 3) {
        std::fprintf(stderr, "usage: bench_tsne IN.npy OUT.npy\n");
        return 2;
    }
    try {
        const faultline::NpyMatrix in = faultline::readNpyMatrix(QString::fromLocal8Bit(argv[1]));
        QElapsedTimer timer;
        timer.start();
        const std::vector<float> xy = faultline::tsneProjection(in.values.data(), in.rows, int(in.cols));
        std::printf("seconds %.3f\n", double(timer.nsecsElapsed()) / 1e9);
        faultline::writeNpyMatrix(QString::fromLocal8Bit(argv[2]), xy.data(), in.rows, 2);
    } catch (const faultline::Error &e) {
        std::fprintf(stderr, "bench_tsne: %s\n", e.what());
        return 1;
    }
    return 0;
}
