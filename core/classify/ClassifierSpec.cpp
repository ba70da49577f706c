#include "classify/ClassifierSpec.h"

#include "common/Error.h"

#include <QJsonArray>

#include <cmath>
#include <limits>

namespace faultline {

namespace {

QString resizeName(ClassifierSpec::Resize resize)
{
    return resize == ClassifierSpec::Resize::CenterCrop ? QStringLiteral("crop") : QStringLiteral("stretch");
}

QString outputName(ClassifierSpec::Output output)
{
    return output == ClassifierSpec::Output::Logits ? QStringLiteral("logits") : QStringLiteral("probabilities");
}

Error badField(const QString &field, const QString &what)
{
    return Error(QStringLiteral("classifier spec: field '%1': %2").arg(field, what));
}

QJsonArray toArray(const std::array<float, 3> &values)
{
    return {double(values[0]), double(values[1]), double(values[2])};
}

// Reads the fields that are present; absent ones keep the spec's defaults.
class FieldReader
{
public:
    explicit FieldReader(const QJsonObject &json) : m_json(json) {}

    void read(const QString &field, QString *out) const
    {
        if (!m_json.contains(field))
            return;
        if (!m_json.value(field).isString())
            throw badField(field, QStringLiteral("expected a string"));
        *out = m_json.value(field).toString();
    }

    void read(const QString &field, int *out) const
    {
        if (!m_json.contains(field))
            return;
        const double value = m_json.value(field).toDouble(-1.5);
        // Range first: int() of a double beyond int's range (2e39) is undefined behaviour.
        if (!m_json.value(field).isDouble() || !(value >= double(std::numeric_limits<int>::min()))
            || !(value <= double(std::numeric_limits<int>::max())) || value != std::trunc(value))
            throw badField(field, QStringLiteral("expected an integer"));
        *out = int(value);
    }

    void read(const QString &field, std::array<float, 3> *out) const
    {
        if (!m_json.contains(field))
            return;
        const QJsonArray values = m_json.value(field).toArray();
        if (!m_json.value(field).isArray() || values.size() != 3)
            throw badField(field, QStringLiteral("expected an array of 3 numbers"));
        for (int i = 0; i < 3; ++i) {
            if (!values[i].isDouble())
                throw badField(field, QStringLiteral("expected an array of 3 numbers"));
            (*out)[size_t(i)] = float(values[i].toDouble());
        }
    }

    // A field whose string value is one of `names` (listed in enum order); returns its index (or `current` when absent).
    int choice(const QString &field, const QStringList &names, int current) const
    {
        QString value;
        read(field, &value);
        if (!m_json.contains(field))
            return current;
        const int index = int(names.indexOf(value));
        if (index < 0)
            throw badField(field, QStringLiteral("'%1' is not one of %2").arg(value, names.join(QStringLiteral(", "))));
        return index;
    }

private:
    const QJsonObject &m_json;
};

} // namespace

void ClassifierSpec::validate() const
{
    if (path.isEmpty())
        throw badField(QStringLiteral("path"), QStringLiteral("no classifier file given"));
    if (inputSize <= 0)
        throw badField(QStringLiteral("inputSize"), QStringLiteral("must be positive, got %1").arg(inputSize));
    if (resizeSize < 0 || (resizeSize > 0 && resizeSize < inputSize))
        throw badField(QStringLiteral("resizeSize"),
                       QStringLiteral("must be 0 (= inputSize) or at least inputSize %1, got %2").arg(inputSize).arg(resizeSize));
    if (channels != 1 && channels != 3)
        throw badField(QStringLiteral("channels"), QStringLiteral("must be 1 (grey) or 3 (RGB), got %1").arg(channels));
    for (float s : std)
        if (!(s > 0.f))
            throw badField(QStringLiteral("std"), QStringLiteral("every value must be positive"));
    if (batchSize <= 0)
        throw badField(QStringLiteral("batchSize"), QStringLiteral("must be positive, got %1").arg(batchSize));
}

QJsonObject ClassifierSpec::toJson() const
{
    QJsonObject json;
    json[QStringLiteral("path")] = path;
    json[QStringLiteral("inputSize")] = inputSize;
    json[QStringLiteral("resizeSize")] = resizeSize;
    json[QStringLiteral("resize")] = resizeName(resize);
    json[QStringLiteral("channels")] = channels;
    json[QStringLiteral("mean")] = toArray(mean);
    json[QStringLiteral("std")] = toArray(std);
    json[QStringLiteral("output")] = outputName(output);
    json[QStringLiteral("classNames")] = classNamesPath;
    json[QStringLiteral("device")] = computeDeviceName(device);
    json[QStringLiteral("batchSize")] = batchSize;
    return json;
}

ClassifierSpec ClassifierSpec::fromJson(const QJsonObject &json)
{
    ClassifierSpec spec;
    const FieldReader reader(json);
    reader.read(QStringLiteral("path"), &spec.path);
    reader.read(QStringLiteral("inputSize"), &spec.inputSize);
    reader.read(QStringLiteral("resizeSize"), &spec.resizeSize);
    spec.resize = Resize(reader.choice(QStringLiteral("resize"), {QStringLiteral("crop"), QStringLiteral("stretch")},
                                       int(spec.resize)));
    reader.read(QStringLiteral("channels"), &spec.channels);
    reader.read(QStringLiteral("mean"), &spec.mean);
    reader.read(QStringLiteral("std"), &spec.std);
    spec.output = Output(reader.choice(QStringLiteral("output"), {QStringLiteral("logits"), QStringLiteral("probabilities")},
                                       int(spec.output)));
    reader.read(QStringLiteral("classNames"), &spec.classNamesPath);
    spec.device = ComputeDevice(reader.choice(QStringLiteral("device"),
                                              {QStringLiteral("auto"), QStringLiteral("cpu"), QStringLiteral("cuda")},
                                              int(spec.device)));
    reader.read(QStringLiteral("batchSize"), &spec.batchSize);
    spec.validate();
    return spec;
}

ChannelValues parseChannelValues(const QString &text)
{
    ChannelValues parsed;
    const QStringList parts = text.split(QLatin1Char(','));
    if (parts.size() != 1 && parts.size() != 3) {
        parsed.wrongCount = true;
        return parsed;
    }
    std::array<float, 3> values{};
    for (int c = 0; c < 3; ++c) {
        const QString part = parts[parts.size() == 1 ? 0 : c].trimmed();
        bool ok = false;
        values[size_t(c)] = part.toFloat(&ok);
        if (!ok) {
            parsed.badPart = part;
            return parsed;
        }
    }
    parsed.values = values;
    return parsed;
}

} // namespace faultline
