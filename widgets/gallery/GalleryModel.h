#pragma once

#include <QSet>

#include "dataset/Split.h"

#include <QAbstractListModel>
#include <QHash>
#include <QPointer>
#include <QString>

#include <memory>
#include <optional>
#include <vector>

namespace faultline {

struct RunClassImages;
class ThumbnailCache;

// One image of a class as the gallery shows it.
struct GalleryItem
{
    QString path;          // absolute
    QString relativePath;  // as stored in the project (for display and copying)
    double decisionValue = 0.0; // NaN where the class was not fitted; most negative = hardest
    double hardness = 0.0;      // HardnessRanking's score (lower = harder); NaN where the run has none
    QString label;
    QString prediction;    // empty when unknown
    bool correct = true;
    Split split = Split::Unassigned;
    qint64 imageId = 0;
    int sourceRow = -1;    // index into the RunClassImages it came from
};

// Narrowing beyond the Show and Split combos: ranges of decision value, hardness and the
// classifier's confidence (inclusive; unset = open), one predicted class, and a caption the
// images must match (the closest captionPercent % of the class by CLIP cosine; CaptionMatcher).
struct GalleryRanges
{
    std::optional<double> minDecision, maxDecision;
    std::optional<double> minHardness, maxHardness;
    std::optional<double> minConfidence, maxConfidence;
    QString prediction; // only images predicted as this; empty: any
    QString caption;    // empty: any
    int captionPercent = 25;

    bool active() const;
    int count() const; // how many conditions are set
    // NaN values (unfitted, no hardness) and unknown confidences fail any range on them.
    bool accepts(const GalleryItem &item, std::optional<double> confidence) const;
    bool operator==(const GalleryRanges &other) const;
};

// The images of one class (shared, immutable) as a list model: sorted by decision value
// (hardest → easiest or the reverse; unfitted images last), filtered by correctness and split.
// Virtualised: data() only computes what the view asks for (the visible rows), and the
// decoration is a thumbnail from the ThumbnailCache: a placeholder first, then dataChanged for
// that row when the decoded pixmap arrives. Sorting/filtering 100k rows is an index vector.
class GalleryModel : public QAbstractListModel
{
    Q_OBJECT
public:
    enum Role {
        PathRole = Qt::UserRole + 1, // QString, absolute
        RelativePathRole,            // QString
        DecisionRole,                // double (NaN: not fitted)
        CorrectRole,                 // bool
        LabelRole,                   // QString
        PredictionRole,              // QString (empty: unknown)
        SplitRole,                   // QString (split name)
        SourceRowRole,               // int, row of the RunClassImages
        ThumbnailErrorRole,          // QString: why the file could not be decoded, empty if fine
        ThumbnailReadyRole,          // bool: the decoration is the real image
        TagRole,                     // QString: the user's tag ("hard" | "ok"), empty if none
        DetailRole,                  // QString: a line under the decision value (optional, see
                                     // GalleryTileDelegate::setShowsDetail), e.g. a cosine
    };
    enum class Order { HardestFirst, EasiestFirst };
    // What "hardest" means: the paper's decision value or the hardness ranking (issue 14).
    enum class SortKey { DecisionValue, Hardness };
    enum class Filter { All, Correct, Incorrect, TaggedHard, TaggedOk, Untagged };

    using Items = std::vector<GalleryItem>;
    using PathIndex = QHash<QString, int>; // absolute path → index into the items

    explicit GalleryModel(ThumbnailCache *cache, QObject *parent = nullptr);

    // Items from a class of a run; relative paths are resolved against datasetRoot.
    static std::shared_ptr<const Items> itemsFrom(const RunClassImages &images, const QString &datasetRoot);
    // The path index setItems() needs: built once, it can be shared by every model of the same items.
    static std::shared_ptr<const PathIndex> indexPaths(const Items &items);

    // `itemOfPath`: indexPaths(*items) when the caller has it (built here when null).
    void setItems(std::shared_ptr<const Items> items, std::shared_ptr<const PathIndex> itemOfPath = nullptr);
    void clear();
    const std::shared_ptr<const Items> &items() const { return m_items; }
    qsizetype totalCount() const { return m_items ? qsizetype(m_items->size()) : 0; }

    void setOrder(Order order);
    void setSortKey(SortKey key);
    SortKey sortKey() const { return m_sortKey; }
    Order order() const { return m_order; }
    void setFilter(Filter filter);
    Filter filter() const { return m_filter; }
    void setSplitFilter(std::optional<Split> split); // nullopt: every split
    // Only these images (e.g. a rule's leaf); nullopt: all of the class.
    void setSubset(std::optional<QSet<qint64>> imageIds);
    // The images that match the ranges' caption; nullopt while they are being found (none shown).
    void setCaptionMatch(std::optional<QSet<qint64>> imageIds);
    std::optional<Split> splitFilter() const { return m_split; }
    void setThumbnailSize(int size); // device-independent pixels
    void setTags(const QHash<QString, QString> &tagOfPath); // absolute path → tag
    void setRanges(const GalleryRanges &ranges);
    const GalleryRanges &ranges() const { return m_ranges; }
    void setConfidences(const QHash<QString, double> &confidenceOfPath); // absolute path → confidence
    int thumbnailSize() const { return m_thumbnailSize; }

    const GalleryItem &itemAt(int row) const; // row of this model (after sort and filter)
    int rowOfPath(const QString &absolutePath) const; // -1 when filtered out or unknown

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    QHash<int, QByteArray> roleNames() const override;

    static QString decisionText(double value);

private:
    void rebuild();
    void onThumbnailReady(const QString &path);

    QPointer<ThumbnailCache> m_cache;
    std::shared_ptr<const Items> m_items;
    std::shared_ptr<const PathIndex> m_itemOfPath;
    std::vector<int> m_rows;      // model row → item
    std::vector<int> m_rowOfItem; // item → model row or -1
    Order m_order = Order::HardestFirst;
    SortKey m_sortKey = SortKey::DecisionValue;
    Filter m_filter = Filter::All;
    std::optional<Split> m_split;
    std::optional<QSet<qint64>> m_subset;
    std::optional<QSet<qint64>> m_captionMatch;
    int m_thumbnailSize = 96;
    QHash<QString, QString> m_tags;
    GalleryRanges m_ranges;
    QHash<QString, double> m_confidences;
};

} // namespace faultline
