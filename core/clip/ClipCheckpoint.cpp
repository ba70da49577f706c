#include "clip/ClipCheckpoint.h"

#include "common/Error.h"
#include "io/SafetensorsFile.h"

#include <torch/script.h>

#include <QFile>
#include <QRegularExpression>

namespace faultline {

namespace {

bool isZipArchive(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        throw Error(QStringLiteral("%1: cannot open: %2").arg(path, file.errorString()));
    return file.read(4) == QByteArray("PK\x03\x04", 4);
}

// OpenAI's released checkpoints are traced TorchScript modules whose parameter names are the
// state-dict keys. Only the weights are read; the archive's code is never run.
ClipTensors loadTorchScript(const QString &path)
{
    ClipTensors tensors;
    try {
        torch::jit::Module module = torch::jit::load(path.toStdString(), torch::kCPU);
        for (const auto &parameter : module.named_parameters(/*recurse=*/true))
            tensors[parameter.name] = parameter.value.detach().to(torch::kFloat32);
        for (const auto &buffer : module.named_buffers(/*recurse=*/true))
            if (buffer.value.is_floating_point())
                tensors[buffer.name] = buffer.value.detach().to(torch::kFloat32);
    } catch (const c10::Error &error) {
        throw Error(QStringLiteral("%1: not a readable TorchScript archive: %2")
                        .arg(path, QString::fromStdString(error.what_without_backtrace())));
    }
    return tensors;
}

torch::Tensor toTorch(const SafetensorsFile &file, const TensorInfo &info)
{
    std::vector<float> values = file.toFloat(info);
    std::vector<int64_t> shape(info.shape.begin(), info.shape.end());
    return torch::from_blob(values.data(), shape, torch::kFloat32).clone();
}

// Hugging Face transformers' CLIPModel layout → OpenAI's state-dict names.
ClipTensors fromHuggingFace(ClipTensors hf, const QString &path)
{
    ClipTensors out;
    auto take = [&](const std::string &name) {
        auto it = hf.find(name);
        if (it == hf.end())
            throw Error(QStringLiteral("%1: missing tensor '%2' (Hugging Face CLIP layout)")
                            .arg(path, QString::fromStdString(name)));
        return it->second;
    };
    auto block = [&](const std::string &hfPrefix, const std::string &prefix) {
        out[prefix + "attn.in_proj_weight"] = torch::cat({take(hfPrefix + "self_attn.q_proj.weight"),
                                                          take(hfPrefix + "self_attn.k_proj.weight"),
                                                          take(hfPrefix + "self_attn.v_proj.weight")});
        out[prefix + "attn.in_proj_bias"] = torch::cat({take(hfPrefix + "self_attn.q_proj.bias"),
                                                        take(hfPrefix + "self_attn.k_proj.bias"),
                                                        take(hfPrefix + "self_attn.v_proj.bias")});
        out[prefix + "attn.out_proj.weight"] = take(hfPrefix + "self_attn.out_proj.weight");
        out[prefix + "attn.out_proj.bias"] = take(hfPrefix + "self_attn.out_proj.bias");
        for (const char *p : {"weight", "bias"}) {
            out[prefix + "ln_1." + p] = take(hfPrefix + "layer_norm1." + p);
            out[prefix + "ln_2." + p] = take(hfPrefix + "layer_norm2." + p);
            out[prefix + "mlp.c_fc." + p] = take(hfPrefix + "mlp.fc1." + p);
            out[prefix + "mlp.c_proj." + p] = take(hfPrefix + "mlp.fc2." + p);
        }
    };
    auto countLayers = [&](const std::string &prefix) {
        int layers = 0;
        while (hf.count(prefix + std::to_string(layers) + ".layer_norm1.weight"))
            ++layers;
        return layers;
    };
    const int visionLayers = countLayers("vision_model.encoder.layers.");
    for (int i = 0; i < visionLayers; ++i)
        block("vision_model.encoder.layers." + std::to_string(i) + ".",
              "visual.transformer.resblocks." + std::to_string(i) + ".");
    const int textLayers = countLayers("text_model.encoder.layers.");
    for (int i = 0; i < textLayers; ++i)
        block("text_model.encoder.layers." + std::to_string(i) + ".", "transformer.resblocks." + std::to_string(i) + ".");

    out["visual.conv1.weight"] = take("vision_model.embeddings.patch_embedding.weight");
    out["visual.class_embedding"] = take("vision_model.embeddings.class_embedding");
    out["visual.positional_embedding"] = take("vision_model.embeddings.position_embedding.weight");
    for (const char *p : {"weight", "bias"}) {
        out[std::string("visual.ln_pre.") + p] = take(std::string("vision_model.pre_layrnorm.") + p);
        out[std::string("visual.ln_post.") + p] = take(std::string("vision_model.post_layernorm.") + p);
        out[std::string("ln_final.") + p] = take(std::string("text_model.final_layer_norm.") + p);
    }
    out["visual.proj"] = take("visual_projection.weight").t().contiguous();
    out["text_projection"] = take("text_projection.weight").t().contiguous();
    out["token_embedding.weight"] = take("text_model.embeddings.token_embedding.weight");
    out["positional_embedding"] = take("text_model.embeddings.position_embedding.weight");
    if (hf.count("logit_scale"))
        out["logit_scale"] = hf["logit_scale"];
    return out;
}

ClipTensors loadSafetensors(const QString &path)
{
    const SafetensorsFile file(path);
    ClipTensors tensors;
    for (const TensorInfo &info : file.tensors())
        tensors[info.name.toStdString()] = toTorch(file, info);
    if (tensors.count("vision_model.embeddings.patch_embedding.weight"))
        return fromHuggingFace(std::move(tensors), path);
    // open_clip and OpenAI share names; some exports prefix them (e.g. "module." or "clip.").
    if (!tensors.count("visual.conv1.weight")) {
        for (const auto &[name, tensor] : tensors) {
            const std::string suffix = "visual.conv1.weight";
            if (name.size() > suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0) {
                const std::string prefix = name.substr(0, name.size() - suffix.size());
                ClipTensors stripped;
                for (auto &[key, value] : tensors)
                    if (key.rfind(prefix, 0) == 0)
                        stripped[key.substr(prefix.size())] = value;
                return stripped;
            }
        }
    }
    return tensors;
}

} // namespace

ClipTensors loadClipCheckpoint(const QString &path)
{
    return isZipArchive(path) ? loadTorchScript(path) : loadSafetensors(path);
}

} // namespace faultline
