#pragma once

#include "classify/ClassifierSpec.h"

#include <QByteArray>
#include <QString>

namespace faultline {

// A classifier's input transform as torchvision applies it to a PIL image opened by
// ImageFolder's loader: convert("RGB") (or "L" for 1 channel) → Resize(resizeSize) +
// CenterCrop(inputSize), or Resize((inputSize, inputSize)) → ToTensor → Normalize(mean, std).
// Resizing is Pillow's antialiased bilinear reproduced bit for bit (clip/PilResample), so
// the tensor equals Python's up to float rounding. Immutable; safe from many threads at once.
class ClassifierPreprocessor
{
public:
    explicit ClassifierPreprocessor(const ClassifierSpec &spec); // spec.validate()d
    int floatsPerImage() const { return m_channels * m_inputSize * m_inputSize; }

    // Decodes `bytes` and writes floatsPerImage() floats, CHW, to `out`.
    // Throws Error("<name>: <why>") when the bytes are not a decodable image.
    void loadEncoded(const QByteArray &bytes, const QString &name, float *out) const;

private:
    int m_channels = 3;
    int m_inputSize = 0;
    int m_resizeSize = 0;
    bool m_stretch = false;
    float m_lut[3][256] = {}; // normalised value of each byte, per channel
};

} // namespace faultline
