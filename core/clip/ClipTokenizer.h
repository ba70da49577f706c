#pragma once

#include <QString>
#include <QStringList>
#include <QtGlobal>

#include <memory>
#include <string>
#include <vector>

namespace faultline {

// CLIP's byte-level BPE tokenizer, reproducing OpenAI's clip/simple_tokenizer.py and
// clip.tokenize() id for id:
//   text → cleanText() (ftfy-like fixes, HTML unescape ×2, whitespace collapse, lower())
//        → pre-tokens (CLIP's regex: special tokens, 's 't 're 've 'm 'll 'd, letter runs,
//          single digits, runs of other non-space characters)
//        → UTF-8 bytes mapped to printable characters (bytes_to_unicode)
//        → BPE merges (lowest rank first, "</w>" marks the end of a word) → ids.
// The vocabulary comes from OpenAI's bpe_simple_vocab_16e6.txt.gz (49408 ids: 256 byte
// symbols, the same with "</w>", 48894 merges, <|startoftext|> 49406, <|endoftext|> 49407)
// or from a Hugging Face vocab.json + merges.txt pair.
//
// BPE results are cached per pre-token (shared by copies of the tokenizer, guarded by a
// mutex), so a tokenizer may be used from several threads at once.
//
// What cleanText() does NOT reproduce of ftfy.fix_text (see ClipTokenizer.cpp for the list
// of what it does): ftfy's full mojibake detector (its "badness" heuristic, other code pages
// than Windows-1252/Latin-1, "Ã " with a plain space, lossy sequences) and
// ftfy's upper-cased entity names (&EACUTE;).
class ClipTokenizer
{
public:
    // OpenAI's gzip'd merges file. Throws Error("<path>: ...") / Error("<path>:<line>: ...").
    static ClipTokenizer fromBpeGz(const QString &path);
    // The vocabulary compiled into Faultline (bpe_simple_vocab_16e6.txt.gz), loaded once.
    static ClipTokenizer builtin();
    // Hugging Face CLIPTokenizer files: vocab.json (token → id) and merges.txt
    // ("#version" header line, then one "first second" merge per line, rank = order).
    static ClipTokenizer fromHuggingFace(const QString &vocabJson, const QString &mergesTxt);

    // BPE ids of cleanText(text), without start/end tokens.
    std::vector<int> encode(const QString &text) const;

    // clip.tokenize(): texts.size() rows × contextLength, row-major; each row is
    // <|startoftext|> ids <|endoftext|> followed by zeros. A row longer than contextLength
    // is cut to contextLength with <|endoftext|> last when truncate is true, and throws
    // Error("Input <text> is too long for context length <n>") otherwise.
    std::vector<qint64> tokenize(const QStringList &texts, int contextLength = 77,
                                 bool truncate = true) const;

    // Ids → text as simple_tokenizer.decode does: token strings joined, mapped back to bytes,
    // decoded as UTF-8 (invalid sequences become U+FFFD), "</w>" replaced by a space.
    // Throws Error for an id that is not in the vocabulary.
    QString decode(const std::vector<int> &ids) const;

    // whitespace_clean(basic_clean(text)).lower(): the form the pre-tokenizer sees.
    static QString cleanText(const QString &text);
    // CLIP's regex pre-tokenization of an already cleaned text.
    static QStringList preTokenize(const QString &cleanedText);
    // The BPE of one pre-token as simple_tokenizer.bpe() returns it: the pieces in the
    // byte-to-unicode alphabet, joined by spaces ("na Ã¯ ve</w>").
    QString bpe(const QString &preToken) const;
    // bytes_to_unicode(): the printable character standing for a byte.
    static char32_t byteToUnicode(quint8 byte);

    int startOfTextId() const;
    int endOfTextId() const;
    int vocabSize() const; // largest id + 1

private:
    struct Vocab;
    struct Cache;
    ClipTokenizer(std::shared_ptr<const Vocab> vocab);
    void appendWordIds(const std::u32string &preToken, std::vector<int> &out) const;

    std::shared_ptr<const Vocab> m_vocab;
    std::shared_ptr<Cache> m_cache;
};

} // namespace faultline
