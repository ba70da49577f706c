// Caption vocabularies (docs/CAPTION_VOCABULARIES.md) and the candidate captions built from them:
// the shipped sets of the paper (counts worked out by hand from its appendices), spacing and
// articles, per-class and group overrides, de-duplication, reference captions, and the errors a
// malformed file gets.

#include "captions/CaptionCandidates.h"
#include "captions/CaptionVocabulary.h"
#include "common/Error.h"
#include "ErrorOf.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace faultline;
using faultline::testing::errorOf;

namespace {

QStringList texts(const QVector<CaptionCandidate> &candidates)
{
    QStringList result;
    for (const CaptionCandidate &candidate : candidates)
        result << candidate.text;
    return result;
}

QString loadError(const QByteArray &json)
{
    return errorOf([&] { CaptionVocabulary::fromJson(json, QStringLiteral("vocab.json")); });
}

CaptionVocabulary parse(const QByteArray &json)
{
    return CaptionVocabulary::fromJson(json, QStringLiteral("vocab.json"));
}

const QByteArray kHeader = "\"format\": \"faultline-caption-vocabulary\", \"version\": 1, ";

} // namespace

class TestCaptionVocabulary : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void builtinsLoad()
    {
        QCOMPARE(CaptionVocabulary::builtinNames(),
                 (QStringList{"generic", "cifar10", "imagenet", "celeba", "cifar100"}));
        for (const QString &name : CaptionVocabulary::builtinNames()) {
            const CaptionVocabulary vocabulary = CaptionVocabulary::builtin(name);
            QCOMPARE(vocabulary.name(), name);
            QCOMPARE(vocabulary.source(), QStringLiteral(":/faultline/captions/%1.json").arg(name));
            QVERIFY(!vocabulary.description().isEmpty());
            QCOMPARE(vocabulary.article(), CaptionVocabulary::Article::A);
        }
        QCOMPARE(CaptionVocabulary::builtin(QStringLiteral("CIFAR10")).name(), QStringLiteral("cifar10"));
        QCOMPARE(CaptionVocabulary::open(QStringLiteral("celeba")).name(), QStringLiteral("celeba"));
        QVERIFY(errorOf([] { CaptionVocabulary::builtin(QStringLiteral("mnist")); })
                    .contains(QStringLiteral("known: generic, cifar10, imagenet, celeba, cifar100")));
        QVERIFY(errorOf([] { CaptionVocabulary::open(QStringLiteral("mnist")); })
                    .contains(QStringLiteral("or the path of a .json file")));
    }

    void cifar10()
    {
        const CaptionVocabulary vocabulary = CaptionVocabulary::builtin(QStringLiteral("cifar10"));
        // (8 colours + none) × cat × (6 backgrounds + 4 cat phrases + none) − the reference.
        QVector<CaptionCandidate> cat = captionCandidates(vocabulary, QStringLiteral("cat"));
        QCOMPARE(cat.size(), 9 * 11 - 1);
        QCOMPARE(cat.at(0).text, QStringLiteral("a photo of a cat outside"));
        QCOMPARE(cat.at(0).adjective, QString());
        QCOMPARE(cat.at(0).noun, QStringLiteral("cat"));
        QCOMPARE(cat.at(0).preposition, QStringLiteral("outside"));
        QCOMPARE(cat.at(9).text, QStringLiteral("a photo of a cat in the forest"));
        QCOMPARE(cat.at(10).text, QStringLiteral("a photo of a white cat"));
        QCOMPARE(cat.at(11).text, QStringLiteral("a photo of a white cat outside"));
        QCOMPARE(cat.last().text, QStringLiteral("a photo of a brown cat in the forest"));
        QVERIFY(texts(cat).contains(QStringLiteral("a photo of a white cat on the grass")));
        QVERIFY(!texts(cat).contains(QStringLiteral("a photo of a cat")));
        QCOMPARE(referenceCaption(vocabulary, QStringLiteral("cat")), QStringLiteral("a photo of a cat"));
        // horse: 6 + 2 phrases; a class the file does not name gets the 6 shared ones.
        QCOMPARE(captionCandidates(vocabulary, QStringLiteral("horse")).size(), 9 * 9 - 1);
        QCOMPARE(captionCandidates(vocabulary, QStringLiteral("Horse")).size(), 9 * 9 - 1);
        const QVector<CaptionCandidate> tractor = captionCandidates(vocabulary, QStringLiteral("tractor"));
        QCOMPARE(tractor.size(), 9 * 7 - 1);
        QCOMPARE(tractor.at(0).text, QStringLiteral("a photo of a tractor outside"));
    }

    void celeba()
    {
        const CaptionVocabulary vocabulary = CaptionVocabulary::builtin(QStringLiteral("celeba"));
        // (old, young, none) × (person, man, woman) × (32 attributes + none) − "a photo of a person".
        for (const QString &className : {QStringLiteral("old"), QStringLiteral("young")}) {
            const QVector<CaptionCandidate> candidates = captionCandidates(vocabulary, className);
            QCOMPARE(candidates.size(), 3 * 3 * 33 - 1);
            QCOMPARE(referenceCaption(vocabulary, className), QStringLiteral("a photo of a person"));
            QCOMPARE(candidates.at(0).text, QStringLiteral("a photo of a person who has stubble"));
            QVERIFY(texts(candidates).contains(QStringLiteral("a photo of a young man who has a mustache")));
            QVERIFY(texts(candidates).contains(QStringLiteral("a photo of a woman")));
            QCOMPARE(candidates.last().text, QStringLiteral("a photo of a young woman who is wearing a necktie"));
        }
    }

    void cifar100()
    {
        const CaptionVocabulary vocabulary = CaptionVocabulary::builtin(QStringLiteral("cifar100"));
        QCOMPARE(vocabulary.namedClasses().size(), 20);
        // The dataset's coarse label names, with '_', match the entries.
        QCOMPARE(texts(captionCandidates(vocabulary, QStringLiteral("aquatic_mammals"))),
                 (QStringList{"a photo of a beaver", "a photo of a dolphin", "a photo of a otter",
                              "a photo of a seal", "a photo of a whale"}));
        QCOMPARE(referenceCaption(vocabulary, QStringLiteral("aquatic_mammals")),
                 QStringLiteral("a photo of an aquatic mammal"));
        QCOMPARE(texts(captionCandidates(vocabulary, QStringLiteral("vehicles_2"))),
                 (QStringList{"a photo of a lawn mower", "a photo of a rocket", "a photo of a streetcar",
                              "a photo of a tank", "a photo of a tractor"}));
        int nouns = 0;
        for (const QString &className : vocabulary.namedClasses())
            nouns += captionCandidates(vocabulary, className).size();
        QCOMPARE(nouns, 100);
        // A class it does not know has nothing but its reference.
        QVERIFY(errorOf([&] { captionCandidates(vocabulary, QStringLiteral("dog")); })
                    .contains(QStringLiteral("no caption besides the reference \"a photo of a dog\"")));
    }

    void imagenet()
    {
        const CaptionVocabulary vocabulary = CaptionVocabulary::builtin(QStringLiteral("imagenet"));
        QCOMPARE(vocabulary.groupNames().size(), 37);
        // canine: (12 adjectives + none) × canine × (7 backgrounds + 5 group phrases + none) − reference.
        const ClassCaptionVocabulary canine = vocabulary.forClass(QStringLiteral("canine"));
        QCOMPARE(canine.group, QStringLiteral("canine"));
        QCOMPARE(canine.nouns, QStringList{QStringLiteral("canine")});
        QCOMPARE(captionCandidates(vocabulary, QStringLiteral("canine")).size(), 13 * 13 - 1);
        QVERIFY(texts(captionCandidates(vocabulary, QStringLiteral("canine")))
                    .contains(QStringLiteral("a photo of a far away canine with a person")));
        // The paper gives 'structure' no phrases of its own; 'wheeled vehicle' two.
        QCOMPARE(captionCandidates(vocabulary, QStringLiteral("structure")).size(), 13 * 8 - 1);
        QCOMPARE(captionCandidates(vocabulary, QStringLiteral("wheeled_vehicle")).size(), 13 * 10 - 1);
        QCOMPARE(referenceCaption(vocabulary, QStringLiteral("wheeled_vehicle")),
                 QStringLiteral("a photo of a wheeled vehicle"));
        QVERIFY(vocabulary.forClass(QStringLiteral("food")).prepositions.contains(QStringLiteral("one the ground")));
        // An ImageNet class the file does not assign: the defaults with its own name.
        const QVector<CaptionCandidate> tench = captionCandidates(vocabulary, QStringLiteral("tench"));
        QCOMPARE(tench.size(), 13 * 8 - 1);
        QCOMPARE(tench.at(0).text, QStringLiteral("a photo of a tench outside"));
    }

    void generic()
    {
        const CaptionVocabulary vocabulary = CaptionVocabulary::builtin(QStringLiteral("generic"));
        const ClassCaptionVocabulary words = vocabulary.forClass(QStringLiteral("boat"));
        QCOMPARE(captionCandidates(vocabulary, QStringLiteral("boat")).size(),
                 (words.adjectives.size() + 1) * (words.prepositions.size() + 1) - 1);
        QCOMPARE(words.adjectives.size(), 24);
        QCOMPARE(words.prepositions.size(), 19);
        QVERIFY(texts(captionCandidates(vocabulary, QStringLiteral("boat")))
                    .contains(QStringLiteral("a photo of a blue boat in the water")));
    }

    void spacingAndArticle()
    {
        using A = CaptionVocabulary::Article;
        QCOMPARE(composeCaption(A::A, QString(), QStringLiteral("cat"), QString()), QStringLiteral("a photo of a cat"));
        QCOMPARE(composeCaption(A::A, QStringLiteral(" white "), QStringLiteral("cat"), QStringLiteral("on  the grass")),
                 QStringLiteral("a photo of a white cat on the grass"));
        QCOMPARE(composeCaption(A::A, QString(), QStringLiteral("apple"), QStringLiteral("inside")),
                 QStringLiteral("a photo of a apple inside"));
        QCOMPARE(composeCaption(A::Auto, QString(), QStringLiteral("apple"), QString()), QStringLiteral("a photo of an apple"));
        QCOMPARE(composeCaption(A::Auto, QStringLiteral("red"), QStringLiteral("apple"), QString()),
                 QStringLiteral("a photo of a red apple"));
        QCOMPARE(composeCaption(A::Auto, QStringLiteral("Old"), QStringLiteral("car"), QString()),
                 QStringLiteral("a photo of an Old car"));
        QCOMPARE(composeCaption(A::Auto, QStringLiteral("unusual"), QStringLiteral("car"), QString()),
                 QStringLiteral("a photo of an unusual car"));

        const CaptionVocabulary vocabulary = parse("{" + kHeader + "\"article\": \"auto\", \"adjectives\": [\"old\", \"red\"]}");
        QCOMPARE(vocabulary.article(), CaptionVocabulary::Article::Auto);
        QCOMPARE(referenceCaption(vocabulary, QStringLiteral("apple")), QStringLiteral("a photo of an apple"));
        QCOMPARE(texts(captionCandidates(vocabulary, QStringLiteral("apple"))),
                 (QStringList{"a photo of an old apple", "a photo of a red apple"}));
        QCOMPARE(referenceCaption(vocabulary, QStringLiteral("pear")), QStringLiteral("a photo of a pear"));
        // '_' in a class name reads as a space.
        QCOMPARE(referenceCaption(vocabulary, QStringLiteral("sweet_pepper")), QStringLiteral("a photo of a sweet pepper"));
    }

    void overridesAndGroups()
    {
        const CaptionVocabulary vocabulary = parse("{" + kHeader + R"(
            "adjectives": ["white", "black"],
            "prepositions": ["outside"],
            "groups": [
                {"name": "dogs", "classes": ["beagle", "Golden_Retriever"], "nouns": ["dog"],
                 "reference": "a photo of a dog", "extra_prepositions": ["on a leash"]},
                {"name": "cars", "classes": ["sedan"], "adjectives": [], "prepositions": ["on the road"]}
            ],
            "classes": {
                "beagle": {"extra_adjectives": ["small"], "extra_nouns": ["beagle"]},
                "cat": {"adjectives": ["ginger"], "extra_prepositions": ["on a sofa"], "reference": "a photo of a pet cat"}
            }
        })");
        // cat: its adjectives replace the defaults; its phrases extend them.
        ClassCaptionVocabulary cat = vocabulary.forClass(QStringLiteral("cat"));
        QCOMPARE(cat.group, QString());
        QCOMPARE(cat.adjectives, QStringList{QStringLiteral("ginger")});
        QCOMPARE(cat.prepositions, (QStringList{"outside", "on a sofa"}));
        QCOMPARE(cat.reference, QStringLiteral("a photo of a pet cat"));
        QCOMPARE(captionCandidates(vocabulary, QStringLiteral("cat")).size(), 2 * 3); // reference is no candidate
        QCOMPARE(captionCandidates(vocabulary, QStringLiteral("cat")).at(0).text, QStringLiteral("a photo of a cat"));

        // beagle: group (noun, phrase, reference), then its own entry on top.
        const ClassCaptionVocabulary beagle = vocabulary.forClass(QStringLiteral("beagle"));
        QCOMPARE(beagle.group, QStringLiteral("dogs"));
        QCOMPARE(beagle.adjectives, (QStringList{"white", "black", "small"}));
        QCOMPARE(beagle.nouns, (QStringList{"dog", "beagle"}));
        QCOMPARE(beagle.prepositions, (QStringList{"outside", "on a leash"}));
        QCOMPARE(beagle.reference, QStringLiteral("a photo of a dog"));
        QCOMPARE(captionCandidates(vocabulary, QStringLiteral("beagle")).size(), 4 * 2 * 3 - 1);

        // Group members are matched case-insensitively, '_' as a space.
        QCOMPARE(vocabulary.forClass(QStringLiteral("golden retriever")).group, QStringLiteral("dogs"));
        QCOMPARE(vocabulary.forClass(QStringLiteral("GOLDEN_RETRIEVER")).nouns, QStringList{QStringLiteral("dog")});
        QCOMPARE(texts(captionCandidates(vocabulary, QStringLiteral("sedan"))),
                 (QStringList{"a photo of a sedan on the road"}));
        QCOMPARE(vocabulary.namedClasses(), (QStringList{"beagle", "cat", "Golden_Retriever", "sedan"}));
        QCOMPARE(vocabulary.groupNames(), (QStringList{"dogs", "cars"}));
    }

    void deduplication()
    {
        const CaptionVocabulary vocabulary = parse("{" + kHeader + R"(
            "adjectives": ["white", "White", "black"],
            "nouns": ["{class}", "cat", "kitten"],
            "prepositions": ["outside", "outside "],
            "classes": {"cat": {"extra_adjectives": ["black", "grey"]}}
        })");
        const ClassCaptionVocabulary words = vocabulary.forClass(QStringLiteral("cat"));
        QCOMPARE(words.adjectives, (QStringList{"white", "black", "grey"}));
        QCOMPARE(words.nouns, (QStringList{"cat", "kitten"}));
        QCOMPARE(words.prepositions, QStringList{QStringLiteral("outside")});
        QStringList candidates = texts(captionCandidates(vocabulary, QStringLiteral("Cat")));
        QCOMPARE(candidates.size(), 4 * 2 * 2 - 1);
        QCOMPARE(candidates.removeDuplicates(), 0);
        // "{class}" for "Cat" gives "Cat"; "cat" repeats it (case-insensitively) and is dropped.
        QCOMPARE(vocabulary.forClass(QStringLiteral("Cat")).nouns, (QStringList{"Cat", "kitten"}));
        QVERIFY(!candidates.contains(QStringLiteral("a photo of a Cat")));
        // A reference written with a capital and a full stop still excludes its caption.
        const CaptionVocabulary person = parse("{" + kHeader + R"("nouns": ["person", "man"],
            "adjectives": ["old"], "reference": "A photo of a person."})");
        QCOMPARE(texts(captionCandidates(person, QStringLiteral("x"))),
                 (QStringList{"a photo of a old person", "a photo of a man", "a photo of a old man"}));
    }

    void referenceEditing()
    {
        CaptionVocabulary vocabulary = parse("{" + kHeader + R"("adjectives": ["white"],
            "reference": "a blurry photo of a {class}"})");
        QCOMPARE(referenceCaption(vocabulary, QStringLiteral("dog")), QStringLiteral("a blurry photo of a dog"));
        QCOMPARE(texts(captionCandidates(vocabulary, QStringLiteral("dog"))),
                 (QStringList{"a photo of a dog", "a photo of a white dog"}));

        vocabulary.setReference(QStringLiteral("an image of a {class}"));
        QCOMPARE(referenceCaption(vocabulary, QStringLiteral("big_dog")), QStringLiteral("an image of a big dog"));
        vocabulary.setClassReference(QStringLiteral("Dog"), QStringLiteral("a photo of a white dog"));
        QCOMPARE(referenceCaption(vocabulary, QStringLiteral("dog")), QStringLiteral("a photo of a white dog"));
        QCOMPARE(texts(captionCandidates(vocabulary, QStringLiteral("dog"))), QStringList{QStringLiteral("a photo of a dog")});
        QCOMPARE(referenceCaption(vocabulary, QStringLiteral("cat")), QStringLiteral("an image of a cat"));
        vocabulary.setClassReference(QStringLiteral("dog"), QString());
        QCOMPARE(referenceCaption(vocabulary, QStringLiteral("dog")), QStringLiteral("an image of a dog"));
        vocabulary.setReference(QString());
        QCOMPARE(referenceCaption(vocabulary, QStringLiteral("dog")), QStringLiteral("a photo of a dog"));

        // A user's own file, read from disk.
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath(QStringLiteral("mine.json"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("{" + kHeader + "\"prepositions\": [\"in the rain\"]}");
        file.close();
        const CaptionVocabulary mine = CaptionVocabulary::open(path);
        QCOMPARE(mine.name(), QStringLiteral("mine"));
        QCOMPARE(mine.source(), path);
        QCOMPARE(texts(captionCandidates(mine, QStringLiteral("bus"))), QStringList{QStringLiteral("a photo of a bus in the rain")});
        QVERIFY(errorOf([&] { CaptionVocabulary::load(dir.filePath(QStringLiteral("missing.json"))); })
                    .startsWith(dir.filePath(QStringLiteral("missing.json")) + QStringLiteral(": cannot read")));
    }

    void syntaxErrorPosition()
    {
        // A missing comma: the position of the string after the missing comma ("black" opens at
        // line 4, column 26).
        const QByteArray missingComma = "{\n"
                                        "  \"format\": \"faultline-caption-vocabulary\",\n"
                                        "  \"version\": 1,\n"
                                        "  \"adjectives\": [\"white\" \"black\"]\n"
                                        "}\n";
        QCOMPARE(loadError(missingComma), QStringLiteral("vocab.json:4:26: missing value separator"));
        // Columns count characters, not UTF-8 bytes ("tru" starts at character 24, byte 27).
        const QByteArray afterUtf8 = "{\"name\": \"caf\xc3\xa9\xe2\x80\x94\", \"x\": tru}";
        QCOMPARE(loadError(afterUtf8), QStringLiteral("vocab.json:1:24: illegal value"));
        // A trailing comma in an object: the '}' after it.
        QCOMPARE(loadError("{\n  \"a\": 1,\n}"), QStringLiteral("vocab.json:3:1: object is missing after a comma"));
        // Truncated files: the end of the text.
        QCOMPARE(loadError("{\n  \"adjectives\": [\n"), QStringLiteral("vocab.json:3:1: unterminated array"));
        QCOMPARE(loadError("{\"name\": \"abc"), QStringLiteral("vocab.json:1:14: unterminated string"));
        QCOMPARE(loadError(" \n"), QStringLiteral("vocab.json: the file is empty (expected a JSON object)"));
    }

    void schemaErrors()
    {
        QCOMPARE(loadError("{" + kHeader + R"("classes": {"cat": {"adjectives": ["white", "black", 3]}}})"),
                 QStringLiteral("vocab.json: classes.cat.adjectives[2]: expected a string, found a number"));
        QCOMPARE(loadError("{" + kHeader + R"("classes": {"aquatic mammals": {"nouns": "beaver"}}})"),
                 QStringLiteral("vocab.json: classes[\"aquatic mammals\"].nouns: expected an array of strings, found a string"));
        QCOMPARE(loadError("{" + kHeader + R"("groups": [{"name": "a", "classes": ["x"]}, {"name": "b", "classes": ["y", null]}]})"),
                 QStringLiteral("vocab.json: groups[1].classes[1]: expected a string, found null"));
        QCOMPARE(loadError("{" + kHeader + R"("groups": {"name": "a"}})"),
                 QStringLiteral("vocab.json: groups: expected an array of groups, found an object"));
        QCOMPARE(loadError("{" + kHeader + R"("groups": [{"classes": ["x"]}]})"),
                 QStringLiteral("vocab.json: groups[0].name: missing"));
        QCOMPARE(loadError("{" + kHeader + R"("adjectives": ["white", " "]})"),
                 QStringLiteral("vocab.json: adjectives[1]: must not be empty"));
        QCOMPARE(loadError("{" + kHeader + R"("prepositions": ["near a {clas}"]})"),
                 QStringLiteral("vocab.json: prepositions[0]: \"near a {clas}\": unknown placeholder \"{clas}\" (only {class} is replaced)"));
        QCOMPARE(loadError("{" + kHeader + R"("article": "an", "adjectives": ["a"]})"),
                 QStringLiteral("vocab.json: article: \"an\" is not \"a\" or \"auto\""));
        QCOMPARE(loadError("{" + kHeader + R"("groups": [{"name": "a", "classes": ["big_cat"]}, {"name": "b", "classes": ["Big cat"]}]})"),
                 QStringLiteral("vocab.json: groups[1].classes[0]: class \"Big cat\" is already in group \"a\""));
        QCOMPARE(loadError("{" + kHeader + R"("classes": {"big_cat": {}, "Big Cat": {}}})"),
                 QStringLiteral("vocab.json: classes.big_cat: names the same class as \"Big Cat\" (names are matched case-insensitively, '_' as a space)"));
        QCOMPARE(loadError("[1, 2]"), QStringLiteral("vocab.json: expected a JSON object at the top level"));
    }

    void unknownKeys()
    {
        QCOMPARE(loadError("{" + kHeader + R"("adjectivs": ["white"]})"),
                 QStringLiteral("vocab.json: unknown key \"adjectivs\" (did you mean \"adjectives\"?)"));
        QCOMPARE(loadError("{" + kHeader + R"("classes": {"cat": {"extra_preposition": ["inside"]}}})"),
                 QStringLiteral("vocab.json: classes.cat: unknown key \"extra_preposition\" (did you mean \"extra_prepositions\"?)"));
        QVERIFY(loadError("{" + kHeader + R"("groups": [{"name": "a", "classes": [], "colour": 1}]})")
                    .startsWith(QStringLiteral("vocab.json: groups[0]: unknown key \"colour\" (known: name, description, classes, adjectives")));
        // "extra_" keys only make sense where there is something to extend.
        QCOMPARE(loadError("{" + kHeader + R"("extra_adjectives": ["white"]})"),
                 QStringLiteral("vocab.json: unknown key \"extra_adjectives\" (\"extra_\" lists extend inherited words, "
                                "in a group or a class entry; here use \"adjectives\")"));
    }

    void formatAndVersion()
    {
        QCOMPARE(loadError(R"({"version": 1, "adjectives": ["white"]})"),
                 QStringLiteral("vocab.json: format: missing; a caption vocabulary starts with \"format\": \"faultline-caption-vocabulary\""));
        QCOMPARE(loadError(R"({"format": "faultline-model-catalog", "version": 1})"),
                 QStringLiteral("vocab.json: format: \"faultline-model-catalog\" is not \"faultline-caption-vocabulary\""));
        QCOMPARE(loadError(R"({"format": "faultline-caption-vocabulary", "adjectives": ["white"]})"),
                 QStringLiteral("vocab.json: version: missing (this Faultline reads version 1)"));
        QCOMPARE(loadError(R"({"format": "faultline-caption-vocabulary", "version": "1"})"),
                 QStringLiteral("vocab.json: version: expected a whole number, found a string"));
        QCOMPARE(loadError(R"({"format": "faultline-caption-vocabulary", "version": 1.5})"),
                 QStringLiteral("vocab.json: version: expected a whole number, found 1.5"));
        // A newer file is reported as newer, even though it has keys this version does not know.
        QCOMPARE(loadError(R"({"format": "faultline-caption-vocabulary", "version": 2, "verbs": ["running"]})"),
                 QStringLiteral("vocab.json: version: 2 is newer than this Faultline reads (1); update Faultline"));
        QCOMPARE(loadError(R"({"format": "faultline-caption-vocabulary", "version": 0})"),
                 QStringLiteral("vocab.json: version: 0 is not a valid version (this Faultline reads 1)"));
    }

    void emptyAndExploding()
    {
        QCOMPARE(loadError("{" + kHeader + R"("name": "nothing", "adjectives": [], "prepositions": []})"),
                 QStringLiteral("vocab.json: the vocabulary is empty: it gives no adjectives, prepositions, nouns "
                                "besides {class}, classes or groups, so no caption besides the reference"));
        QCOMPARE(loadError("{" + kHeader + R"("adjectives": ["white"], "classes": {"cat": {"nouns": []}}})"),
                 QStringLiteral("vocab.json: classes.cat.nouns: must not be empty"));

        // 100 adjectives × 10 nouns × 100 phrases: (101 × 10 × 101 = 102,010) > 100,000.
        const auto list = [](const char *stem, int count) {
            QByteArray out = "[";
            for (int i = 0; i < count; ++i)
                out += (i ? ", \"" : "\"") + QByteArray(stem) + QByteArray::number(i) + "\"";
            return out + "]";
        };
        const QByteArray big = "{" + kHeader + "\"adjectives\": " + list("adj", 100) + ", \"prepositions\": "
            + list("prep", 100) + ", \"classes\": {\"cat\": {\"nouns\": " + list("noun", 10) + "}}}";
        QCOMPARE(loadError(big),
                 QStringLiteral("vocab.json: classes.cat: 101 adjective choices × 10 nouns × 101 phrase choices = "
                                "102010 captions, more than the 100000 allowed for one class"));
        // 9 nouns: 91,809 captions are allowed.
        const QByteArray allowed = "{" + kHeader + "\"adjectives\": " + list("adj", 100) + ", \"prepositions\": "
            + list("prep", 100) + ", \"classes\": {\"cat\": {\"nouns\": " + list("noun", 9) + "}}}";
        QCOMPARE(captionCandidates(parse(allowed), QStringLiteral("cat")).size(), 101 * 9 * 101);
    }
};

QTEST_GUILESS_MAIN(TestCaptionVocabulary)
#include "test_caption_vocabulary.moc"
