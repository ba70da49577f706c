#pragma once

#include <QByteArray>
#include <QHash>
#include <QString>
#include <QStringList>
#include <QVector>

namespace faultline {

// The words one class's candidate captions are built from, once the vocabulary's defaults, the
// class's group and the class's own entry are applied. "{class}" is already replaced.
struct ClassCaptionVocabulary
{
    QString className;        // as asked for
    QString group;            // the group the class matched, empty if none
    QStringList adjectives;   // optional in every caption (the "no adjective" choice is implied)
    QStringList nouns;        // at least one
    QStringList prepositions; // optional in every caption (the "no phrase" choice is implied)
    QString reference;        // the class's reference caption, e.g. "a photo of a cat"
};

// A caption vocabulary: the adjectives, nouns and prepositional phrases of the paper's candidate
// captions "a photo of a <adjective> <noun> <prepositional phrase>" (Jain et al., Appendix A.5),
// with defaults for every class, groups of classes sharing words (the paper's ImageNet ancestors)
// and per-class entries. Read from a versioned JSON file (docs/CAPTION_VOCABULARIES.md); the
// paper's sets and a generic default ship as resources (:/faultline/captions/<name>.json).
//
// Class names are matched case-insensitively with '_' read as a space ("aquatic_mammals" matches
// "aquatic mammals"); "{class}" in a word or reference is replaced by the class name written the
// same way. A class in no group and without an entry of its own gets the defaults.
class CaptionVocabulary
{
public:
    enum class Article { A, Auto }; // "a" always (the paper) | "an" before a vowel letter

    static const QString kFormat;  // "faultline-caption-vocabulary"
    static constexpr int kVersion = 1;
    // No class may have more candidate captions than this; loading or generating more throws.
    static constexpr qint64 kMaxCandidatesPerClass = 100000;

    // Reads a vocabulary file (a path or a Qt resource path). Throws Error:
    // "<file>:<line>:<column>: <parser message>" for malformed JSON, "<file>: <json path>: ..."
    // (e.g. "classes.cat.adjectives[2]: expected a string") for schema problems, unknown keys,
    // a missing/unknown format or version, empty lists and vocabularies that would explode.
    static CaptionVocabulary load(const QString &path);
    // The same from bytes; `source` names them in errors.
    static CaptionVocabulary fromJson(const QByteArray &json, const QString &source);
    // A shipped vocabulary by name (case-insensitive): one of builtinNames(). Throws Error.
    static CaptionVocabulary builtin(const QString &name);
    static QStringList builtinNames(); // generic, cifar10, imagenet, celeba, cifar100
    // A built-in name, or else a file path (anything ending in .json or containing a '/').
    static CaptionVocabulary open(const QString &nameOrPath);

    QString name() const { return m_name; }
    QString description() const { return m_description; }
    QString source() const { return m_source; } // the path or source it was read from
    Article article() const { return m_article; }

    // The classes named in the vocabulary (class entries, then group members), as written there.
    QStringList namedClasses() const;
    QStringList groupNames() const;

    // The resolved words of `className` (any name: unnamed classes get the defaults).
    ClassCaptionVocabulary forClass(const QString &className) const;

    // Editing the reference caption: for every class without its own ("{class}" is the class's
    // name), or for one class. An empty text undoes the edit: setReference("") restores the
    // automatic "a photo of a <class>", setClassReference(c, "") the group's or the default.
    void setReference(const QString &text);
    void setClassReference(const QString &className, const QString &text);

    // Implementation details, public so the reader in the .cpp can fill them in.
    struct ListOverride
    {
        bool replaces = false; // "<list>": replaces what the class inherited
        QStringList values;
        QStringList extra; // "extra_<list>": appended to what it inherited (or to `values`)
    };
    struct Overrides
    {
        ListOverride adjectives, nouns, prepositions;
        bool hasReference = false;
        QString reference;
    };
    struct Group
    {
        QString name, description;
        QStringList classes;
        Overrides overrides;
    };
    struct ClassEntry
    {
        QString name, description;
        Overrides overrides;
    };

private:
    friend class CaptionVocabularyReader;

    QString m_source;
    QString m_name;
    QString m_description;
    Article m_article = Article::A;
    QStringList m_adjectives;
    QStringList m_nouns{QStringLiteral("{class}")};
    QStringList m_prepositions;
    QString m_reference; // empty: automatic
    QVector<Group> m_groups;
    QVector<ClassEntry> m_classes;
    QHash<QString, int> m_classIndex; // normalised class name → m_classes index
    QHash<QString, int> m_groupIndex; // normalised class name → m_groups index
};

// The form class names are matched in: lower case, '_' as a space, whitespace simplified.
QString normalizedCaptionClassName(const QString &className);

} // namespace faultline
