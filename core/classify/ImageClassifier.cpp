#include "classify/ImageClassifierImpl.h" // libtorch first

#include "common/Error.h"
#include "common/JobControl.h"

#include <QFileInfo>
#include <QRegularExpression>
#include <QThread>
#include <QtConcurrent/QtConcurrentMap>

#include <numeric>

namespace faultline {

QString shapeText(c10::IntArrayRef shape)
{
    QStringList dims;
    for (int64_t d : shape)
        dims << QString::number(d);
    return QLatin1Char('[') + dims.join(QStringLiteral(", ")) + QLatin1Char(']');
}

QString essentialLine(const std::exception &error)
{
    const auto *c10Error = dynamic_cast<const c10::Error *>(&error);
    const QString text = QString::fromStdString(c10Error ? c10Error->what_without_backtrace() : error.what());
    const QStringList lines = text.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    static const QRegularExpression exceptionLine(QStringLiteral("^\\w*(Error|Exception): "));
    for (auto it = lines.crbegin(); it != lines.crend(); ++it)
        if (exceptionLine.match(it->trimmed()).hasMatch())
            return it->trimmed();
    return lines.isEmpty() ? QStringLiteral("unknown error") : lines.first().trimmed();
}

namespace {

torch::jit::Module loadTorchScript(const QString &path)
{
    auto notTorchScript = [&path](const QString &reason) {
        return Error(QStringLiteral("%1: not a TorchScript module (save it with torch.jit.script/trace + torch.jit.save): %2")
                         .arg(path, reason));
    };
    if (!QFileInfo(path).isFile())
        throw notTorchScript(QStringLiteral("no such file"));
    try {
        torch::jit::Module module = torch::jit::load(path.toStdString(), torch::kCPU);
        module.eval();
        return module;
    } catch (const std::exception &error) {
        throw notTorchScript(essentialLine(error));
    }
}

} // namespace

torch::Tensor ImageClassifier::Impl::probabilities(const torch::Tensor &input) const
{
    torch::InferenceMode guard;
    torch::jit::IValue output;
    try {
        std::lock_guard<std::mutex> lock(forwardMutex);
        output = module.forward({input.to(device)});
    } catch (const std::exception &error) {
        throw Error(QStringLiteral("%1: the model fails on an input of shape %2: %3")
                        .arg(spec.path, shapeText(input.sizes()), essentialLine(error)));
    }
    if (!output.isTensor())
        throw Error(QStringLiteral("%1: the model returns %2, not a tensor of class scores")
                        .arg(spec.path, QString::fromStdString(output.tagKind())));
    const torch::Tensor scores = output.toTensor().to(torch::kCPU, torch::kFloat32);
    const int64_t count = input.size(0);
    if (scores.dim() != 2 || scores.size(0) != count)
        throw Error(QStringLiteral("%1: the model outputs shape %2 for %3 images; expected [%3, classes]")
                        .arg(spec.path, shapeText(scores.sizes())).arg(count));
    if (scores.size(1) != classes.names.size())
        throw Error(QStringLiteral("%1: the model outputs %2 scores per image but there are %3 classes (%4)")
                        .arg(spec.path).arg(scores.size(1)).arg(classes.names.size()).arg(classes.source));
    if (!scores.isfinite().all().item<bool>())
        throw Error(QStringLiteral("%1: the model outputs NaN or infinite scores").arg(spec.path));
    if (spec.output == ClassifierSpec::Output::Logits)
        return scores.softmax(1);
    checkProbabilities(scores);
    return scores;
}

void ImageClassifier::Impl::checkProbabilities(const torch::Tensor &scores) const
{
    const double minimum = scores.min().item<double>();
    const double worstSum = (scores.sum(1) - 1.0).abs().max().item<double>();
    if (minimum < -1e-6 || worstSum > 1e-3)
        throw Error(QStringLiteral("%1: the model's outputs are not probabilities (%2); if it outputs logits,"
                                   " use --output logits")
                        .arg(spec.path, minimum < -1e-6 ? QStringLiteral("a negative score %1").arg(minimum)
                                                        : QStringLiteral("a row sums to 1 %2 %3")
                                                              .arg(QChar(0x00B1)).arg(worstSum)));
}

ImageClassifier::ImageClassifier(std::unique_ptr<Impl> impl) : d(std::move(impl)) {}
ImageClassifier::~ImageClassifier() = default;

std::unique_ptr<ImageClassifier> ImageClassifier::load(const ClassifierSpec &spec, const QStringList &datasetClasses)
{
    spec.validate();
    auto impl = std::make_unique<Impl>();
    impl->spec = spec;
    impl->classes = spec.classNamesPath.isEmpty() ? imageFolderClassNames(datasetClasses)
                                                  : readClassNamesFile(spec.classNamesPath);
    for (int i = 0; i < impl->classes.names.size(); ++i)
        impl->indexOf.insert(impl->classes.names[i], i);
    if (impl->indexOf.size() != impl->classes.names.size())
        throw Error(QStringLiteral("%1: a class name appears twice").arg(impl->classes.source));
    impl->preprocessor = std::make_unique<ClassifierPreprocessor>(spec);
    impl->decodePool.setMaxThreadCount(QThread::idealThreadCount());

    const bool cuda = torch::cuda::is_available();
    if (spec.device == ComputeDevice::Cuda && !cuda)
        throw Error(QStringLiteral("CUDA was requested but this libtorch has no usable CUDA device"));
    if (spec.device != ComputeDevice::Cpu && cuda)
        impl->device = torch::Device(torch::kCUDA, 0);
    impl->module = loadTorchScript(spec.path);
    impl->module.to(impl->device);

    // One blank image: wrong input shapes and output widths fail here, before any real work.
    impl->probabilities(torch::zeros({1, spec.channels, spec.inputSize, spec.inputSize}));
    return std::unique_ptr<ImageClassifier>(new ImageClassifier(std::move(impl)));
}

const ClassifierSpec &ImageClassifier::spec() const
{
    return d->spec;
}

const QStringList &ImageClassifier::classNames() const
{
    return d->classes.names;
}

QString ImageClassifier::classNamesSource() const
{
    return d->classes.source;
}

int ImageClassifier::classIndex(const QString &className) const
{
    return d->indexOf.value(className, -1);
}

QString ImageClassifier::deviceName() const
{
    return d->device.is_cuda() ? QStringLiteral("cuda:0") : QStringLiteral("cpu (%1 threads)").arg(at::get_num_threads());
}

void ImageClassifier::Impl::forEachBatch(
    const std::vector<QByteArray> &encodedImages, const QStringList &names, JobControl *control,
    std::vector<QString> &errors,
    const std::function<void(const torch::Tensor &input, const std::vector<size_t> &rows)> &run) const
{
    const int floats = preprocessor->floatsPerImage();
    const int S = spec.inputSize;
    const size_t batchSize = size_t(spec.batchSize);
    errors.assign(encodedImages.size(), QString());
    for (size_t begin = 0; begin < encodedImages.size(); begin += batchSize) {
        if (control)
            control->checkCancelled();
        const size_t end = std::min(begin + batchSize, encodedImages.size());
        std::vector<float> pixels((end - begin) * size_t(floats));
        QVector<int> rows(int(end - begin));
        std::iota(rows.begin(), rows.end(), 0);
        QtConcurrent::blockingMap(&decodePool, rows, [&](int row) {
            const size_t i = begin + size_t(row);
            try {
                preprocessor->loadEncoded(encodedImages[i], names.value(qsizetype(i), QStringLiteral("image %1").arg(i)),
                                          pixels.data() + size_t(row) * size_t(floats));
            } catch (const Error &error) {
                errors[i] = error.message();
            }
        });

        // Undecodable images leave holes: pack the decoded rows into one model batch.
        std::vector<size_t> decoded;
        for (size_t i = begin; i < end; ++i) {
            if (!errors[i].isEmpty())
                continue;
            if (decoded.size() != i - begin)
                std::copy_n(pixels.begin() + ptrdiff_t((i - begin) * size_t(floats)), floats,
                            pixels.begin() + ptrdiff_t(decoded.size() * size_t(floats)));
            decoded.push_back(i);
        }
        if (!decoded.empty())
            run(torch::from_blob(pixels.data(), {int64_t(decoded.size()), spec.channels, S, S}, torch::kFloat32), decoded);
    }
}

std::vector<ClassifierVerdict> ImageClassifier::classify(const std::vector<QByteArray> &encodedImages,
                                                         const QStringList &names, JobControl *control) const
{
    std::vector<ClassifierVerdict> verdicts(encodedImages.size());
    std::vector<QString> errors;
    d->forEachBatch(encodedImages, names, control, errors, [&](const torch::Tensor &input, const std::vector<size_t> &rows) {
        const torch::Tensor probabilities = d->probabilities(input).contiguous();
        const float *p = probabilities.data_ptr<float>();
        const size_t classes = size_t(d->classes.names.size());
        for (size_t row = 0; row < rows.size(); ++row) {
            ClassifierVerdict &verdict = verdicts[rows[row]];
            verdict.probabilities.assign(p + row * classes, p + (row + 1) * classes);
            verdict.predicted = int(std::max_element(verdict.probabilities.begin(), verdict.probabilities.end())
                                    - verdict.probabilities.begin());
            verdict.predictedClass = d->classes.names[verdict.predicted];
        }
    });
    for (size_t i = 0; i < verdicts.size(); ++i)
        verdicts[i].error = errors[i];
    return verdicts;
}

} // namespace faultline
