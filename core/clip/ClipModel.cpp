#include "clip/ClipModel.h"

#include "clip/ClipCheckpoint.h"
#include "common/Error.h"

#include <QStringList>
#include <QThread>
#include <algorithm>
#include <atomic>
#include <cmath>

namespace faultline {

QString clipArchitectureName(const ClipHyperParams &params)
{
    const QString patch = QString::number(params.patchSize);
    if (params.visionWidth == 768 && params.visionLayers == 12)
        return QStringLiteral("ViT-B/") + patch;
    if (params.visionWidth == 1024 && params.visionLayers == 24)
        return QStringLiteral("ViT-L/") + patch;
    if (params.visionWidth == 1280 && params.visionLayers == 32)
        return QStringLiteral("ViT-H/") + patch;
    return QStringLiteral("ViT-%1x%2/%3").arg(params.visionWidth).arg(params.visionLayers).arg(patch);
}

namespace {

using torch::Tensor;

struct ResidualBlock
{
    Tensor inProjWeight, inProjBias, outProjWeight, outProjBias;
    Tensor ln1Weight, ln1Bias, ln2Weight, ln2Bias;
    Tensor fcWeight, fcBias, projWeight, projBias;
};

QString shapeText(c10::IntArrayRef shape)
{
    QStringList dims;
    for (int64_t d : shape)
        dims << QString::number(d);
    return QLatin1Char('[') + dims.join(QStringLiteral(", ")) + QLatin1Char(']');
}

// Looks tensors up by OpenAI name and checks their shapes, naming the file in every error.
class WeightReader
{
public:
    WeightReader(ClipTensors tensors, QString path) : m_tensors(std::move(tensors)), m_path(std::move(path)) {}

    bool has(const std::string &name) const { return m_tensors.count(name) > 0; }

    Tensor get(const std::string &name, std::vector<int64_t> shape) const
    {
        const auto it = m_tensors.find(name);
        if (it == m_tensors.end())
            throw Error(QStringLiteral("%1: missing tensor '%2'").arg(m_path, QString::fromStdString(name)));
        if (it->second.sizes() != c10::IntArrayRef(shape))
            throw Error(QStringLiteral("%1: tensor '%2' has shape %3, expected %4")
                            .arg(m_path, QString::fromStdString(name), shapeText(it->second.sizes()), shapeText(shape)));
        return it->second;
    }

    // The size of dimension `dim` of a tensor that must exist, for inferring hyper-parameters.
    int64_t size(const std::string &name, int dim) const
    {
        const auto it = m_tensors.find(name);
        if (it == m_tensors.end())
            throw Error(QStringLiteral("%1: missing tensor '%2' (is this a CLIP ViT checkpoint?)")
                            .arg(m_path, QString::fromStdString(name)));
        if (it->second.dim() <= dim)
            throw Error(QStringLiteral("%1: tensor '%2' has shape %3")
                            .arg(m_path, QString::fromStdString(name), shapeText(it->second.sizes())));
        return it->second.size(dim);
    }

    int countLayers(const std::string &prefix) const
    {
        int layers = 0;
        while (has(prefix + std::to_string(layers) + ".attn.in_proj_weight"))
            ++layers;
        return layers;
    }

    ResidualBlock block(const std::string &prefix, int64_t width) const
    {
        ResidualBlock b;
        b.inProjWeight = get(prefix + "attn.in_proj_weight", {3 * width, width});
        b.inProjBias = get(prefix + "attn.in_proj_bias", {3 * width});
        b.outProjWeight = get(prefix + "attn.out_proj.weight", {width, width});
        b.outProjBias = get(prefix + "attn.out_proj.bias", {width});
        b.ln1Weight = get(prefix + "ln_1.weight", {width});
        b.ln1Bias = get(prefix + "ln_1.bias", {width});
        b.ln2Weight = get(prefix + "ln_2.weight", {width});
        b.ln2Bias = get(prefix + "ln_2.bias", {width});
        b.fcWeight = get(prefix + "mlp.c_fc.weight", {4 * width, width});
        b.fcBias = get(prefix + "mlp.c_fc.bias", {4 * width});
        b.projWeight = get(prefix + "mlp.c_proj.weight", {width, 4 * width});
        b.projBias = get(prefix + "mlp.c_proj.bias", {width});
        return b;
    }

private:
    ClipTensors m_tensors;
    QString m_path;
};

// OpenAI's LayerNorm subclass computes in fp32 whatever the activations' precision.
Tensor layerNorm(const Tensor &x, const Tensor &weight, const Tensor &bias)
{
    if (x.scalar_type() == torch::kFloat32) // the CPU path: no casts (they would be no-ops anyway)
        return torch::layer_norm(x, {x.size(-1)}, weight, bias, 1e-5);
    return torch::layer_norm(x.to(torch::kFloat32), {x.size(-1)}, weight, bias, 1e-5).to(x.scalar_type());
}

// x * sigmoid(1.702 x) with one temporary instead of three (same values: the product commutes).
Tensor quickGelu(const Tensor &x)
{
    return x.mul(1.702).sigmoid_().mul_(x);
}

// ---- The fp32 CPU path --------------------------------------------------------------------
// Debian's libtorch (like most distribution builds) links the reference (netlib) BLAS, so
// torch::linear/matmul run at ~2 GFLOP/s on one core. The same libtorch ships oneDNN, whose
// JIT-compiled inner product runs the same products 30-40x faster on all intra-op threads, so
// on the CPU in fp32 the matrix products go through it. The attention products (50×64 by 64×50
// per head) are too small for either library to be efficient, so a plain kernel does them,
// compiled for AVX-512/AVX2 with a run-time choice.

bool cpuFloat(const Tensor &x)
{
    return x.device().is_cpu() && x.scalar_type() == torch::kFloat32;
}

bool useOneDnn(const Tensor &x)
{
    static const bool available = at::hasMKLDNN();
    return available && cpuFloat(x) && at::globalContext().userEnabledMkldnn();
}

Tensor linear(const Tensor &x, const Tensor &weight, const Tensor &bias)
{
    if (!useOneDnn(x))
        return torch::linear(x, weight, bias);
    std::vector<int64_t> sizes = x.sizes().vec();
    const Tensor rows = x.reshape({-1, x.size(-1)});
    const Tensor y = torch::mkldnn_linear(rows.to_mkldnn(), weight, bias.defined() ? bias : Tensor()).to_dense();
    sizes.back() = weight.size(0);
    return y.view(sizes);
}

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__)
#define FAULTLINE_KERNEL __attribute__((target_clones("arch=skylake-avx512", "arch=haswell", "default"), optimize("O3")))
#else
#define FAULTLINE_KERNEL
#endif

// scores[i][j] = (q[i] / scale) · k[j] for one head; q and k rows are `stride` floats apart,
// kT is scratch for headDim × l floats. Accumulates along the head dimension in order, so the
// inner loop runs over j and vectorises without reassociating sums.
FAULTLINE_KERNEL
void headScores(const float *q, const float *k, int64_t stride, int64_t l, int64_t headDim, float scale, float *kT,
                float *scores)
{
    for (int64_t j = 0; j < l; ++j)
        for (int64_t d = 0; d < headDim; ++d)
            kT[d * l + j] = k[j * stride + d];
    for (int64_t i = 0; i < l; ++i) {
        float *row = scores + i * l;
        for (int64_t j = 0; j < l; ++j)
            row[j] = 0.0f;
        const float *qi = q + i * stride;
        for (int64_t d = 0; d < headDim; ++d) {
            const float qd = qi[d] / scale;
            const float *kd = kT + d * l;
            for (int64_t j = 0; j < l; ++j)
                row[j] += qd * kd[j];
        }
    }
}

// out[i] = Σ_j probs[i][j] v[j] for one head; v and out rows are `stride`/`outStride` floats apart.
FAULTLINE_KERNEL
void headMix(const float *probs, const float *v, int64_t stride, int64_t l, int64_t headDim, float *out,
             int64_t outStride)
{
    for (int64_t i = 0; i < l; ++i) {
        float *o = out + i * outStride;
        for (int64_t d = 0; d < headDim; ++d)
            o[d] = 0.0f;
        const float *p = probs + i * l;
        for (int64_t j = 0; j < l; ++j) {
            const float pj = p[j];
            const float *vj = v + j * stride;
            for (int64_t d = 0; d < headDim; ++d)
                o[d] += pj * vj[d];
        }
    }
}

// nn.MultiheadAttention's computation, batch-first: x is [N, L, W].
Tensor attention(const Tensor &x, const ResidualBlock &b, int heads, const Tensor &mask)
{
    const int64_t n = x.size(0), l = x.size(1), w = x.size(2), headDim = w / heads;
    if (cpuFloat(x)) {
        const Tensor qkv = linear(x, b.inProjWeight, b.inProjBias).contiguous(); // [N, L, 3W]: q | k | v
        const float *in = qkv.data_ptr<float>();
        const float scale = float(std::sqrt(double(headDim)));
        Tensor scores = torch::empty({n, heads, l, l}, x.options());
        float *s = scores.data_ptr<float>();
        at::parallel_for(0, n * heads, 8, [&](int64_t begin, int64_t end) {
            std::vector<float> kT(size_t(headDim * l));
            for (int64_t bh = begin; bh < end; ++bh) {
                const float *base = in + (bh / heads) * l * 3 * w + (bh % heads) * headDim;
                headScores(base, base + w, 3 * w, l, headDim, scale, kT.data(), s + bh * l * l);
            }
        });
        if (mask.defined())
            scores.add_(mask);
        const Tensor probs = torch::softmax(scores, -1);
        const float *p = probs.data_ptr<float>();
        Tensor out = torch::empty({n, l, w}, x.options());
        float *o = out.data_ptr<float>();
        at::parallel_for(0, n * heads, 8, [&](int64_t begin, int64_t end) {
            for (int64_t bh = begin; bh < end; ++bh) {
                const int64_t batch = bh / heads, head = bh % heads;
                headMix(p + bh * l * l, in + batch * l * 3 * w + 2 * w + head * headDim, 3 * w, l, headDim,
                        o + batch * l * w + head * headDim, w);
            }
        });
        return linear(out, b.outProjWeight, b.outProjBias);
    }
    const Tensor qkv = torch::linear(x, b.inProjWeight, b.inProjBias).view({n, l, 3, heads, headDim}).permute({2, 0, 3, 1, 4});
    const Tensor q = qkv[0] / std::sqrt(double(headDim));
    Tensor scores = torch::matmul(q, qkv[1].transpose(-2, -1));
    if (mask.defined())
        scores = scores + mask;
    const Tensor out = torch::matmul(torch::softmax(scores, -1), qkv[2]).permute({0, 2, 1, 3}).reshape({n, l, w});
    return torch::linear(out, b.outProjWeight, b.outProjBias);
}

Tensor transformer(Tensor x, const std::vector<ResidualBlock> &blocks, int heads, const Tensor &mask)
{
    for (const ResidualBlock &b : blocks) {
        x = x + attention(layerNorm(x, b.ln1Weight, b.ln1Bias), b, heads, mask);
        x = x + linear(quickGelu(linear(layerNorm(x, b.ln2Weight, b.ln2Bias), b.fcWeight, b.fcBias)),
                       b.projWeight, b.projBias);
    }
    return x;
}

} // namespace

struct ClipModel::Impl
{
    ClipHyperParams hp;
    torch::Device device = torch::kCPU;
    torch::ScalarType dtype = torch::kFloat32;

    Tensor conv1, classEmbedding, visualPositions, lnPreWeight, lnPreBias, lnPostWeight, lnPostBias, visualProj;
    std::vector<ResidualBlock> visualBlocks;
    Tensor tokenEmbedding, textPositions, lnFinalWeight, lnFinalBias, textProj, causalMask;
    std::vector<ResidualBlock> textBlocks;

    // Matrices go to the compute precision; layer-norm parameters stay fp32 (as OpenAI's
    // convert_weights leaves them) because layer norm runs in fp32.
    Tensor weight(const Tensor &t) const { return t.to(device, dtype); }
    Tensor normParam(const Tensor &t) const { return t.to(device, torch::kFloat32); }
    ResidualBlock moved(const ResidualBlock &b) const
    {
        return {weight(b.inProjWeight), weight(b.inProjBias), weight(b.outProjWeight), weight(b.outProjBias),
                normParam(b.ln1Weight), normParam(b.ln1Bias), normParam(b.ln2Weight), normParam(b.ln2Bias),
                weight(b.fcWeight), weight(b.fcBias), weight(b.projWeight), weight(b.projBias)};
    }
};

ClipModel::ClipModel(std::unique_ptr<Impl> impl) : d(std::move(impl)) {}
ClipModel::~ClipModel() = default;

namespace {

// What setThreadCount asked for: -1 never called, 0 automatic, n > 0 exactly n.
std::atomic<int> requestedThreads{-1};

// Multiply-adds × 2 of the image tower per image (the matrix products).
double visionFlopsPerImage(const ClipHyperParams &hp)
{
    const double grid = hp.patchSize > 0 ? double(hp.imageResolution / hp.patchSize) : 0.0;
    const double tokens = grid * grid + 1, w = hp.visionWidth;
    const double perLayer = 2 * tokens * w * 3 * w + 4 * tokens * tokens * w + 2 * tokens * w * w + 16 * tokens * w * w;
    return 2 * grid * grid * 3 * hp.patchSize * hp.patchSize * w + hp.visionLayers * perLayer + 2 * w * hp.embedDim;
}

} // namespace

void ClipModel::setThreadCount(int threads)
{
    requestedThreads = std::max(threads, 0);
    at::set_num_threads(threads > 0 ? threads : QThread::idealThreadCount());
}

bool ClipModel::cudaAvailable()
{
    return torch::cuda::is_available();
}

std::unique_ptr<ClipModel> ClipModel::load(const QString &path, ComputeDevice device)
{
    const WeightReader w(loadClipCheckpoint(path), path);
    auto impl = std::make_unique<Impl>();
    ClipHyperParams &hp = impl->hp;

    hp.visionWidth = int(w.size("visual.conv1.weight", 0));
    hp.patchSize = int(w.size("visual.conv1.weight", 3));
    const int64_t tokens = w.size("visual.positional_embedding", 0);
    const int grid = int(std::lround(std::sqrt(double(tokens - 1))));
    if (grid * grid + 1 != tokens)
        throw Error(QStringLiteral("%1: visual.positional_embedding has %2 rows, not a square grid plus one").arg(path).arg(tokens));
    hp.imageResolution = grid * hp.patchSize;
    hp.visionLayers = w.countLayers("visual.transformer.resblocks.");
    hp.visionHeads = hp.visionWidth / 64;
    hp.embedDim = int(w.size("text_projection", 1));
    hp.contextLength = int(w.size("positional_embedding", 0));
    hp.vocabSize = int(w.size("token_embedding.weight", 0));
    hp.textWidth = int(w.size("ln_final.weight", 0));
    hp.textLayers = w.countLayers("transformer.resblocks.");
    hp.textHeads = hp.textWidth / 64;
    if (hp.visionLayers == 0 || hp.textLayers == 0 || hp.visionHeads == 0 || hp.textHeads == 0)
        throw Error(QStringLiteral("%1: not a CLIP ViT checkpoint (%2 vision and %3 text layers of widths %4/%5)")
                        .arg(path).arg(hp.visionLayers).arg(hp.textLayers).arg(hp.visionWidth).arg(hp.textWidth));

    const bool cuda = cudaAvailable();
    if (device == ComputeDevice::Cuda && !cuda)
        throw Error(QStringLiteral("CUDA was requested but this libtorch has no usable CUDA device"));
    if (device != ComputeDevice::Cpu && cuda) {
        impl->device = torch::Device(torch::kCUDA, 0);
        impl->dtype = torch::kFloat16;
    }

    const int64_t vw = hp.visionWidth, tw = hp.textWidth;
    impl->conv1 = impl->weight(w.get("visual.conv1.weight", {vw, 3, hp.patchSize, hp.patchSize}));
    impl->classEmbedding = impl->weight(w.get("visual.class_embedding", {vw}));
    impl->visualPositions = impl->weight(w.get("visual.positional_embedding", {tokens, vw}));
    impl->lnPreWeight = impl->normParam(w.get("visual.ln_pre.weight", {vw}));
    impl->lnPreBias = impl->normParam(w.get("visual.ln_pre.bias", {vw}));
    impl->lnPostWeight = impl->normParam(w.get("visual.ln_post.weight", {vw}));
    impl->lnPostBias = impl->normParam(w.get("visual.ln_post.bias", {vw}));
    impl->visualProj = impl->weight(w.get("visual.proj", {vw, hp.embedDim}));
    for (int i = 0; i < hp.visionLayers; ++i)
        impl->visualBlocks.push_back(impl->moved(w.block("visual.transformer.resblocks." + std::to_string(i) + ".", vw)));

    impl->tokenEmbedding = impl->weight(w.get("token_embedding.weight", {hp.vocabSize, tw}));
    impl->textPositions = impl->weight(w.get("positional_embedding", {hp.contextLength, tw}));
    impl->lnFinalWeight = impl->normParam(w.get("ln_final.weight", {tw}));
    impl->lnFinalBias = impl->normParam(w.get("ln_final.bias", {tw}));
    impl->textProj = impl->weight(w.get("text_projection", {tw, hp.embedDim}));
    for (int i = 0; i < hp.textLayers; ++i)
        impl->textBlocks.push_back(impl->moved(w.block("transformer.resblocks." + std::to_string(i) + ".", tw)));
    impl->causalMask = torch::full({hp.contextLength, hp.contextLength}, -std::numeric_limits<float>::infinity())
                           .triu(1).to(impl->device, impl->dtype);

    // Automatic thread count: one per core, except for toy models (well under a GFLOP per
    // image, e.g. the test models) on the CPU. Their operations are too small to split, and
    // an OpenMP team that spins between them only takes the cores from the image decoders
    // (and from itself, on a busy machine): 9,000 images of a 64 px model ran ~8× faster.
    if (requestedThreads.load() <= 0) {
        const bool toy = impl->device.is_cpu() && visionFlopsPerImage(hp) < 0.25e9;
        at::set_num_threads(toy ? 1 : QThread::idealThreadCount());
    }
    return std::unique_ptr<ClipModel>(new ClipModel(std::move(impl)));
}

const ClipHyperParams &ClipModel::hyperParams() const
{
    return d->hp;
}

QString ClipModel::deviceName() const
{
    return d->device.is_cuda() ? QStringLiteral("cuda:0 (fp16)") : QStringLiteral("cpu (fp32, %1 threads)").arg(at::get_num_threads());
}

namespace {

// x @ proj (CLIP's final projections are stored [width, embed]).
Tensor project(const Tensor &x, const Tensor &proj)
{
    return useOneDnn(x) ? linear(x, proj.t().contiguous(), Tensor()) : torch::matmul(x, proj);
}

std::vector<float> toVector(const Tensor &t)
{
    const Tensor cpu = t.to(torch::kCPU, torch::kFloat32).contiguous();
    return std::vector<float>(cpu.data_ptr<float>(), cpu.data_ptr<float>() + cpu.numel());
}

} // namespace

std::vector<float> ClipModel::encodeImages(const float *pixels, int count) const
{
    if (count <= 0)
        return {};
    torch::InferenceMode guard;
    const ClipHyperParams &hp = d->hp;
    const int64_t r = hp.imageResolution;
    Tensor x = torch::from_blob(const_cast<float *>(pixels), {count, 3, r, r}, torch::kFloat32).to(d->device, d->dtype);
    x = torch::conv2d(x, d->conv1, {}, hp.patchSize);            // [N, W, g, g]
    x = x.flatten(2).transpose(1, 2);                            // [N, g*g, W]
    x = torch::cat({d->classEmbedding.expand({count, 1, hp.visionWidth}), x}, 1);
    x = layerNorm(x + d->visualPositions, d->lnPreWeight, d->lnPreBias);
    x = transformer(x, d->visualBlocks, hp.visionHeads, Tensor());
    x = layerNorm(x.select(1, 0), d->lnPostWeight, d->lnPostBias);
    return toVector(project(x, d->visualProj));
}

std::vector<float> ClipModel::encodeText(const std::vector<qint64> &tokens, int count) const
{
    if (count <= 0)
        return {};
    const ClipHyperParams &hp = d->hp;
    if (qint64(tokens.size()) != qint64(count) * hp.contextLength)
        throw Error(QStringLiteral("expected %1 × %2 token ids, got %3").arg(count).arg(hp.contextLength).arg(tokens.size()));
    for (qint64 id : tokens)
        if (id < 0 || id >= hp.vocabSize)
            throw Error(QStringLiteral("token id %1 is outside the vocabulary (%2)").arg(id).arg(hp.vocabSize));
    torch::InferenceMode guard;
    const Tensor ids = torch::from_blob(const_cast<qint64 *>(tokens.data()), {count, hp.contextLength}, torch::kInt64)
                           .to(d->device);
    Tensor x = torch::embedding(d->tokenEmbedding, ids) + d->textPositions;
    x = transformer(x, d->textBlocks, hp.textHeads, d->causalMask);
    x = layerNorm(x, d->lnFinalWeight, d->lnFinalBias);
    // The end-of-text token has the highest id, so its position is the argmax (as in OpenAI's code).
    const Tensor eot = ids.argmax(-1);
    x = x.index({torch::arange(count, torch::TensorOptions().device(d->device)), eot});
    return toVector(project(x, d->textProj));
}

} // namespace faultline
