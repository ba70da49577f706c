// ImageClassifier's retraining side: penultimate features, the final linear layer, and the
// module saved with a new one (issue 13; the contract is in ImageClassifier.h).
#include "classify/ImageClassifierImpl.h" // libtorch first

#include "common/Error.h"
#include "io/AtomicFileWriter.h"

#include <QRegularExpression>

#include <sstream>

namespace faultline {

namespace {

// "__torch__.torch.nn.modules.linear.Linear": the scripted class, without the
// "___torch_mangle_N." TorchScript inserts when one class is scripted in several shapes.
QString className(const torch::jit::Module &module)
{
    const auto name = module.type()->name();
    QString text = name ? QString::fromStdString(name->qualifiedName()) : QStringLiteral("module");
    static const QRegularExpression mangle(QStringLiteral("___torch_mangle_\\d+\\."));
    return text.remove(mangle);
}

bool isLinear(const torch::jit::Module &module)
{
    return className(module) == QLatin1String("__torch__.torch.nn.modules.linear.Linear");
}

torch::Tensor parameter(const torch::jit::Module &module, const char *name)
{
    return module.attr(name).toTensor().detach().to(torch::kCPU, torch::kFloat32).contiguous();
}

} // namespace

QString ImageClassifier::headName(const QString &requested) const
{
    const QString &path = d->spec.path;
    if (!d->module.find_method("features"))
        throw Error(QStringLiteral("%1: the model has no features(x) method; retraining needs one that returns the"
                                   " penultimate features (mark it @torch.jit.export)").arg(path));
    QStringList children, linear;
    for (const torch::jit::NameModule &child : d->module.named_children()) {
        children << QString::fromStdString(child.name);
        if (isLinear(child.value))
            linear << children.last();
    }
    if (requested.isEmpty()) {
        if (linear.isEmpty())
            throw Error(QStringLiteral("%1: the model has no torch.nn.Linear submodule to retrain (its submodules: %2);"
                                       " name the head with --head").arg(path, children.join(QStringLiteral(", "))));
        return linear.last();
    }
    if (!children.contains(requested))
        throw Error(QStringLiteral("%1: the model has no submodule '%2' (its submodules: %3)")
                        .arg(path, requested, children.join(QStringLiteral(", "))));
    if (!linear.contains(requested))
        throw Error(QStringLiteral("%1: '%2' is a %3, not a torch.nn.Linear")
                        .arg(path, requested, className(d->module.attr(requested.toStdString()).toModule())));
    return requested;
}

LinearHead ImageClassifier::head(const QString &name) const
{
    const torch::jit::Module linear = d->module.attr(name.toStdString()).toModule();
    const torch::Tensor weight = parameter(linear, "weight");
    if (!linear.hasattr("bias") || !linear.attr("bias").isTensor())
        throw Error(QStringLiteral("%1: '%2' has no bias; retraining expects torch.nn.Linear(bias=True)").arg(d->spec.path, name));
    const torch::Tensor bias = parameter(linear, "bias");
    LinearHead head;
    head.classes = int(weight.size(0));
    head.features = int(weight.size(1));
    if (head.classes != d->classes.names.size())
        throw Error(QStringLiteral("%1: '%2' has %3 outputs but there are %4 classes (%5)")
                        .arg(d->spec.path, name).arg(head.classes).arg(d->classes.names.size()).arg(d->classes.source));
    head.weight.assign(weight.data_ptr<float>(), weight.data_ptr<float>() + weight.numel());
    head.bias.assign(bias.data_ptr<float>(), bias.data_ptr<float>() + bias.numel());
    // features(x) must give what the head takes: checked on one blank image.
    int dim = -1;
    try {
        torch::InferenceMode guard;
        std::lock_guard<std::mutex> lock(d->forwardMutex);
        const torch::Tensor out = d->module.run_method(
            "features", torch::zeros({1, d->spec.channels, d->spec.inputSize, d->spec.inputSize}).to(d->device)).toTensor();
        dim = out.dim() == 2 ? int(out.size(1)) : -1;
    } catch (const std::exception &error) {
        throw Error(QStringLiteral("%1: features(x) fails on a blank image: %2").arg(d->spec.path, essentialLine(error)));
    }
    if (dim != head.features)
        throw Error(QStringLiteral("%1: features(x) gives %2 values per image but '%3' takes %4")
                        .arg(d->spec.path).arg(dim).arg(name).arg(head.features));
    return head;
}

ClassifierFeatures ImageClassifier::features(const std::vector<QByteArray> &encodedImages, const QStringList &names,
                                             JobControl *control) const
{
    ClassifierFeatures result;
    d->forEachBatch(encodedImages, names, control, result.errors, [&](const torch::Tensor &input, const std::vector<size_t> &rows) {
        torch::Tensor out;
        try {
            torch::InferenceMode guard;
            std::lock_guard<std::mutex> lock(d->forwardMutex);
            out = d->module.run_method("features", input.to(d->device)).toTensor().to(torch::kCPU, torch::kFloat32).contiguous();
        } catch (const std::exception &error) {
            throw Error(QStringLiteral("%1: features(x) fails on an input of shape %2: %3")
                            .arg(d->spec.path, shapeText(input.sizes()), essentialLine(error)));
        }
        if (out.dim() != 2 || out.size(0) != int64_t(rows.size()))
            throw Error(QStringLiteral("%1: features(x) gives shape %2 for %3 images; expected [%3, features]")
                            .arg(d->spec.path, shapeText(out.sizes())).arg(rows.size()));
        if (result.dim == 0) {
            result.dim = int(out.size(1));
            result.values.assign(encodedImages.size() * size_t(result.dim), 0.f);
        }
        const float *f = out.data_ptr<float>();
        for (size_t row = 0; row < rows.size(); ++row)
            std::copy_n(f + row * size_t(result.dim), result.dim, result.values.begin() + ptrdiff_t(rows[row] * size_t(result.dim)));
    });
    return result;
}

void ImageClassifier::saveWithHead(const QString &name, const LinearHead &head, const QString &path) const
{
    const LinearHead original = this->head(name);
    if (head.classes != original.classes || head.features != original.features)
        throw Error(QStringLiteral("the new head is %1 × %2, '%3' is %4 × %5")
                        .arg(head.classes).arg(head.features).arg(name).arg(original.classes).arg(original.features));
    torch::jit::Module copy = d->module.deepcopy();
    copy.to(torch::kCPU);
    torch::jit::Module linear = copy.attr(name.toStdString()).toModule();
    {
        torch::NoGradGuard noGrad;
        linear.attr("weight").toTensor().copy_(
            torch::from_blob(const_cast<float *>(head.weight.data()), {head.classes, head.features}, torch::kFloat32));
        linear.attr("bias").toTensor().copy_(
            torch::from_blob(const_cast<float *>(head.bias.data()), {head.classes}, torch::kFloat32));
    }
    std::ostringstream bytes;
    copy.save(bytes);
    AtomicFileWriter file(path);
    file.write(QByteArray::fromStdString(bytes.str()));
    file.commit();
}

} // namespace faultline
