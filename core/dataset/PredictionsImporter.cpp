#include "dataset/PredictionsImporter.h"

#include "common/Error.h"
#include "dataset/DatasetPaths.h"
#include "dataset/Split.h"
#include "io/CsvReader.h"
#include "store/ProjectStore.h"

#include <QHash>
#include <QSet>

namespace faultline {

namespace {

struct Columns
{
    int path = -1, prediction = -1, label = -1, split = -1, confidence = -1;
};

Columns readHeader(const CsvRecord &header, const QString &file, Diagnostics &diagnostics)
{
    Columns columns;
    for (int i = 0; i < header.fields.size(); ++i) {
        const QString name = header.fields[i].trimmed().toLower();
        int *slot = name == QLatin1String("path") ? &columns.path
                  : name == QLatin1String("prediction") ? &columns.prediction
                  : name == QLatin1String("label") ? &columns.label
                  : name == QLatin1String("split") ? &columns.split
                  : name == QLatin1String("confidence") ? &columns.confidence
                  : nullptr;
        if (!slot)
            diagnostics.push_back({Diagnostic::Severity::Warning, file, header.line, header.fields[i],
                                   QStringLiteral("unknown column, ignored")});
        else if (*slot >= 0)
            throw Error(QStringLiteral("%1:%2: column '%3' appears twice").arg(file).arg(header.line).arg(name));
        else
            *slot = i;
    }
    for (auto [index, name] : {std::pair{columns.path, "path"}, std::pair{columns.prediction, "prediction"}})
        if (index < 0)
            throw Error(QStringLiteral("%1:%2: missing required column '%3' (need path and prediction; optional"
                                       " label, split, confidence)").arg(file).arg(header.line).arg(QLatin1String(name)));
    return columns;
}

} // namespace

PredictionsReport importPredictions(const QString &csvPath, ProjectStore &store, const QString &predictionSet)
{
    PredictionsReport report;
    CsvReader reader(csvPath);
    CsvRecord record;
    if (!reader.next(record) || record.invalidEncoding)
        throw Error(QStringLiteral("%1:1: expected a header row (path,prediction[,label,split,confidence])").arg(csvPath));
    const Columns columns = readHeader(record, csvPath, report.diagnostics);
    const qsizetype headerFields = record.fields.size();

    const QVector<StoredImage> images = store.images();
    QHash<QString, const StoredImage *> byPath;
    QSet<QString> classes;
    for (const StoredImage &image : images) {
        byPath.insert(image.path, &image);
        classes.insert(image.folderClass);
    }

    struct Row { PredictionRecord record; const StoredImage *image; };
    QVector<Row> rows;
    QHash<QString, int> firstLine;
    auto error = [&](int line, const QString &field, const QString &message) {
        report.diagnostics.push_back({Diagnostic::Severity::Error, csvPath, line, field, message});
    };
    while (reader.next(record)) {
        ++report.rows;
        if (record.invalidEncoding) {
            error(record.line, QString(), QStringLiteral("not valid UTF-8, row skipped"));
            continue;
        }
        if (record.fields.size() != headerFields) {
            error(record.line, QString(), QStringLiteral("has %1 fields, the header has %2; row skipped")
                                              .arg(record.fields.size()).arg(headerFields));
            continue;
        }
        const QString path = normalizeDatasetPath(record.fields[columns.path]);
        const StoredImage *image = byPath.value(path);
        if (!image) {
            error(record.line, QStringLiteral("path"),
                  QStringLiteral("'%1' is not an image of the dataset; row skipped").arg(record.fields[columns.path]));
            continue;
        }
        if (!image->readable) {
            error(record.line, QStringLiteral("path"),
                  QStringLiteral("'%1' cannot be decoded (%2); row skipped").arg(path, image->readError));
            continue;
        }
        if (const int first = firstLine.value(path); first > 0) {
            error(record.line, QStringLiteral("path"),
                  QStringLiteral("duplicate row for '%1' (first at line %2); row skipped").arg(path).arg(first));
            continue;
        }
        Row row{{}, image};
        row.record.imageId = image->id;
        row.record.sourceLine = record.line;
        row.record.prediction = record.fields[columns.prediction].trimmed();
        if (row.record.prediction.isEmpty()) {
            error(record.line, QStringLiteral("prediction"), QStringLiteral("empty; row skipped"));
            continue;
        }
        if (columns.label >= 0)
            row.record.label = record.fields[columns.label].trimmed();
        if (columns.split >= 0 && !record.fields[columns.split].trimmed().isEmpty()) {
            Split split;
            if (!splitFromName(record.fields[columns.split], &split)) {
                error(record.line, QStringLiteral("split"),
                      QStringLiteral("'%1' is not a split (train, val, test, pool); row skipped")
                          .arg(record.fields[columns.split]));
                continue;
            }
            row.record.split = split;
        }
        if (columns.confidence >= 0 && !record.fields[columns.confidence].trimmed().isEmpty()) {
            bool ok = false;
            const double confidence = record.fields[columns.confidence].trimmed().toDouble(&ok);
            if (!ok || !(confidence >= 0.0 && confidence <= 1.0)) {
                error(record.line, QStringLiteral("confidence"),
                      QStringLiteral("'%1' is not a probability in [0, 1]; row skipped")
                          .arg(record.fields[columns.confidence]));
                continue;
            }
            row.record.confidence = confidence;
        }
        firstLine.insert(path, record.line);
        if (!row.record.label.isEmpty())
            classes.insert(row.record.label);
        rows.push_back(row);
    }

    // Classes are the folders plus any CSV labels. A prediction outside them (a classifier with
    // more classes than the dataset has folders) is a wrong prediction, exactly the errors the
    // analysis is about: kept, counted and reported, so a typo still shows.
    QVector<PredictionRecord> valid;
    QStringList outside;
    int firstOutsideLine = 0;
    for (const Row &row : rows) {
        if (!classes.contains(row.record.prediction)) {
            ++report.outsideClasses;
            if (firstOutsideLine == 0)
                firstOutsideLine = row.record.sourceLine;
            if (!outside.contains(row.record.prediction) && outside.size() < 5)
                outside << row.record.prediction;
        }
        valid.push_back(row.record);
    }
    if (report.outsideClasses > 0)
        report.diagnostics.push_back({Diagnostic::Severity::Warning, csvPath, firstOutsideLine, QStringLiteral("prediction"),
                                      QStringLiteral("%1 rows predict a class that is not one of the dataset's ('%2'%3);"
                                                     " they are kept as wrong predictions")
                                          .arg(report.outsideClasses).arg(outside.join(QStringLiteral("', '")))
                                          .arg(report.outsideClasses > outside.size() ? QStringLiteral(", …") : QString())});
    // Keep the stored predictions rather than replace them with none (a header-only file too).
    if (valid.isEmpty() && report.rows == 0)
        throw Error(QStringLiteral("%1: has a header but no rows; the stored predictions are unchanged").arg(csvPath));
    if (valid.isEmpty())
        throw Error(QStringLiteral("%1: none of its %2 rows could be used (first problem: %3); the stored predictions"
                                   " are unchanged").arg(csvPath).arg(report.rows)
                        .arg(report.diagnostics.isEmpty() ? QString() : report.diagnostics.first().toString()));
    report.imported = int(valid.size());
    int readable = 0;
    for (const StoredImage &image : images)
        readable += image.readable;
    report.imagesWithoutPrediction = readable - report.imported;
    if (report.imagesWithoutPrediction > 0)
        report.diagnostics.push_back({Diagnostic::Severity::Warning, csvPath, 0, QString(),
                                      QStringLiteral("%1 readable images have no prediction and are left out of the"
                                                     " analysis").arg(report.imagesWithoutPrediction)});
    store.replacePredictions(valid, csvPath, predictionSet);
    return report;
}

} // namespace faultline
