// The device names (declared in ClipModel.h), kept apart from ClipModel.cpp's libtorch so that
// torch-free builds (the fuzz targets, through ClassifierSpec) link the same definitions.
#include "clip/ClipModel.h"
#include "common/Error.h"

namespace faultline {

QString computeDeviceName(ComputeDevice device)
{
    switch (device) {
    case ComputeDevice::Cpu: return QStringLiteral("cpu");
    case ComputeDevice::Cuda: return QStringLiteral("cuda");
    case ComputeDevice::Auto: break;
    }
    return QStringLiteral("auto");
}

ComputeDevice parseComputeDevice(const QString &name)
{
    const QString n = name.trimmed().toLower();
    if (n == QLatin1String("auto"))
        return ComputeDevice::Auto;
    if (n == QLatin1String("cpu"))
        return ComputeDevice::Cpu;
    if (n == QLatin1String("cuda") || n == QLatin1String("gpu"))
        return ComputeDevice::Cuda;
    throw Error(QStringLiteral("'%1' is not a device (auto, cpu, cuda)").arg(name));
}

} // namespace faultline
