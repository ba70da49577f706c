#pragma once

// Private to core/clip: libtorch types. Include only from the clip .cpp files.
#include <torch/torch.h>

#include <QString>
#include <map>
#include <string>

namespace faultline {

// A CLIP checkpoint's tensors under OpenAI's state-dict names, float32 on the CPU.
using ClipTensors = std::map<std::string, torch::Tensor>;

// Reads a TorchScript archive (zip) or a safetensors file; Hugging Face key names are mapped
// to OpenAI's (q/k/v joined into in_proj, projections transposed). Throws Error.
ClipTensors loadClipCheckpoint(const QString &path);

} // namespace faultline
