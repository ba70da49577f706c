#pragma once

#include "clip/ClipModel.h" // ComputeDevice

#include <QJsonObject>
#include <QString>
#include <array>
#include <optional>

namespace faultline {

// How to run a user's TorchScript image classifier: the file, its input, and how to read its
// output. Stored in the project (meta "classifier") so later checks reuse it.
struct ClassifierSpec
{
    enum class Resize { CenterCrop, Stretch }; // crop: shorter side to resizeSize, then centre crop
    enum class Output { Logits, Probabilities };

    QString path;                    // TorchScript file (torch.jit.save)
    int inputSize = 224;             // the square side the model takes
    int resizeSize = 0;              // crop mode: shorter side before cropping; 0 = inputSize
    Resize resize = Resize::CenterCrop;
    int channels = 3;                // 3 = RGB, 1 = grey
    std::array<float, 3> mean{0.485f, 0.456f, 0.406f};
    std::array<float, 3> std{0.229f, 0.224f, 0.225f};
    Output output = Output::Logits;  // logits get a softmax
    QString classNamesPath;          // optional: output index → class name; empty = sorted dataset classes
    ComputeDevice device = ComputeDevice::Auto;
    int batchSize = 64;

    // Throws Error naming the first field out of range (sizes, channels, std, batch size).
    void validate() const;
    QJsonObject toJson() const;
    static ClassifierSpec fromJson(const QJsonObject &json); // throws Error naming the bad field
};

// Per-channel values as users write them: "a,b,c", or one value for every channel ("0.5").
struct ChannelValues
{
    std::optional<std::array<float, 3>> values; // unset when the text is neither form
    QString badPart;                            // the part that is not a number, if that was why
    bool wrongCount = false;                    // or: neither one part nor three
};
ChannelValues parseChannelValues(const QString &text);

} // namespace faultline
