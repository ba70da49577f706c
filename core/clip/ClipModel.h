#pragma once

#include <QString>
#include <memory>
#include <vector>

namespace faultline {

// CLIP's hyper-parameters, inferred from the weights' shapes the way OpenAI's build_model does.
struct ClipHyperParams
{
    int embedDim = 0;
    int imageResolution = 0;
    int patchSize = 0;
    int visionWidth = 0;
    int visionLayers = 0;
    int visionHeads = 0;
    int contextLength = 0;
    int vocabSize = 0;
    int textWidth = 0;
    int textLayers = 0;
    int textHeads = 0;
};

// The CLIP-space name generation servers know a model by: "ViT-B/32", "ViT-L/14", "ViT-H/14"
// for OpenAI's and open_clip's widths and depths, else "ViT-<width>x<layers>/<patch>".
QString clipArchitectureName(const ClipHyperParams &params);

enum class ComputeDevice { Auto, Cpu, Cuda };
ComputeDevice parseComputeDevice(const QString &name); // auto|cpu|cuda, Error otherwise
QString computeDeviceName(ComputeDevice device);       // "auto" | "cpu" | "cuda"

// CLIP (ViT image tower and text transformer) exactly as OpenAI defines it, running on
// libtorch: CUDA in fp16 when available (and asked for), else CPU in fp32. Loads OpenAI's
// TorchScript checkpoints (ViT-B-32.pt …), safetensors with OpenAI/open_clip key names and
// Hugging Face transformers CLIP safetensors. The model is immutable after loading; calls are
// thread-safe. libtorch stays behind this header (pimpl) so only two .cpp files pay its compile cost.
class ClipModel
{
public:
    // Throws Error naming the file and the missing or mismatched tensor.
    static std::unique_ptr<ClipModel> load(const QString &path, ComputeDevice device = ComputeDevice::Auto);
    ~ClipModel();

    const ClipHyperParams &hyperParams() const;
    QString deviceName() const;   // "cpu" or "cuda:0 (fp16)"

    // pixels: count × 3 × R × R, normalised as ClipPreprocessor does; returns count × embedDim
    // image features (not L2-normalised), row-major.
    std::vector<float> encodeImages(const float *pixels, int count) const;
    // tokens: count × contextLength ids (ClipTokenizer::tokenize); returns count × embedDim.
    std::vector<float> encodeText(const std::vector<qint64> &tokens, int count) const;

    // Sets libtorch's intra-op thread count (Debian's libtorch defaults to 1); 0 = one per core.
    static void setThreadCount(int threads);
    // Whether this build's libtorch sees a CUDA device (what ComputeDevice::Auto picks then).
    static bool cudaAvailable();

private:
    struct Impl;
    explicit ClipModel(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> d;
};

} // namespace faultline
