#include "export/HardSubsetSelector.h"

#include "common/Error.h"

#include <QMap>
#include <algorithm>
#include <cmath>

namespace faultline {

QVector<ExportItem> selectHardSubset(const QVector<ScoredImage> &images,
                                     const HardSubsetCriteria &criteria)
{
    if (criteria.perClass < 0)
        throw Error(QStringLiteral("hard subset: images per class must be positive, got %1")
                        .arg(criteria.perClass));
    const bool byCount = criteria.perClass > 0;
    const bool byThreshold = criteria.threshold.has_value();
    if (byCount && byThreshold)
        throw Error(QStringLiteral(
            "hard subset: give either a count per class or a threshold, not both"));
    if (!byCount && !byThreshold)
        throw Error(QStringLiteral(
            "hard subset: give a count per class (K > 0) or a decision-value threshold"));
    if (byThreshold && std::isnan(*criteria.threshold))
        throw Error(QStringLiteral("hard subset: the threshold is not a number"));

    // QMap keeps classes in QString order (code-unit comparison, locale-independent).
    QMap<QString, QVector<const ScoredImage *>> byClass;
    for (const ScoredImage &image : images) {
        if (std::isnan(image.decisionValue))
            continue;
        byClass[image.className].append(&image);
    }

    QVector<ExportItem> result;
    for (auto it = byClass.begin(); it != byClass.end(); ++it) {
        QVector<const ScoredImage *> &members = it.value();
        std::sort(members.begin(), members.end(),
                  [](const ScoredImage *a, const ScoredImage *b) {
                      if (a->decisionValue != b->decisionValue)
                          return a->decisionValue < b->decisionValue;
                      return a->relativePath < b->relativePath;
                  });
        for (int i = 0; i < members.size(); ++i) {
            const ScoredImage *image = members.at(i);
            if (byCount ? i >= criteria.perClass : !(image->decisionValue < *criteria.threshold))
                break; // sorted ascending: everything after is less hard
            result.append(ExportItem{image->relativePath, image->className,
                                     image->decisionValue, i + 1});
        }
    }
    return result;
}

} // namespace faultline
