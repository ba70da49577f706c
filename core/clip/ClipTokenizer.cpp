#include "clip/ClipTokenizer.h"

#include "common/Error.h"

#include <QFile>
#include <QHash>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonValue>
#include <QStringDecoder>

#include <zlib.h>

#include <algorithm>
#include <cctype>
#include <climits>
#include <cstring>
#include <mutex>
#include <unordered_map>

// Text cleaning, in the order ftfy 6 (fix_text with its default configuration) and then
// simple_tokenizer.basic_clean/whitespace_clean apply it:
//   1. ftfy's HTML unescape (only when the text has no '<'; only entities ending in ';')
//   2. terminal escapes removed (ESC [ digits/; letter)
//   3. mojibake repair, simplified (see repairMojibake)
//   4. C1 controls U+0080–U+009F → their Windows-1252 characters
//   5. Latin ligatures expanded (ﬁ → fi, ǅ → Dž, ...)
//   6. full-width forms U+FF01–U+FFEF → NFKC (ASCII), U+3000 → space
//   7. curly quotes → ' and "
//   8. line breaks (CR LF, CR, U+2028, U+2029, U+0085) → LF
//   9. lone surrogates → U+FFFD
//  10. control characters removed (C0 except TAB LF FF CR, DEL, U+206A–U+206F, U+FEFF,
//      U+FFF9–U+FFFC)
//  11. NFC
//  then html.unescape twice (Python's algorithm and the full HTML5 entity table), strip,
//  whitespace runs → one space, Python's str.lower() (full mapping of U+0130, final sigma).

namespace faultline {

namespace {

using U32 = std::u32string;

constexpr int kOpenAiMergeCount = 49152 - 256 - 2; // merges used from the .gz file
constexpr int kMaxCacheEntries = 1 << 20;
constexpr qsizetype kMaxDecompressed = qsizetype(512) << 20;

const char32_t kCp1252High[32] = {
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0x008D, 0x017D, 0x008F, 0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178};

struct Entity
{
    const char *name;
    char32_t first;
    char32_t second;
};

const Entity kEntities[] = {
#include "clip/HtmlEntities.inc"
};

// ---------------------------------------------------------------- code point helpers

U32 toU32(const QString &s)
{
    U32 out;
    out.reserve(size_t(s.size()));
    const QChar *d = s.constData();
    const qsizetype n = s.size();
    for (qsizetype i = 0; i < n; ++i) {
        const char16_t c = d[i].unicode();
        if (QChar::isHighSurrogate(c) && i + 1 < n && QChar::isLowSurrogate(d[i + 1].unicode())) {
            out.push_back(QChar::surrogateToUcs4(c, d[i + 1].unicode()));
            ++i;
        } else if (QChar::isSurrogate(c)) {
            out.push_back(0xFFFD); // ftfy fix_surrogates
        } else {
            out.push_back(c);
        }
    }
    return out;
}

QString fromU32(const U32 &s)
{
    return QString::fromUcs4(s.data(), qsizetype(s.size()));
}

void appendUtf8(std::string &out, char32_t c)
{
    if (c >= 0xD800 && c <= 0xDFFF)
        c = 0xFFFD;
    if (c < 0x80) {
        out.push_back(char(c));
    } else if (c < 0x800) {
        out.push_back(char(0xC0 | (c >> 6)));
        out.push_back(char(0x80 | (c & 0x3F)));
    } else if (c < 0x10000) {
        out.push_back(char(0xE0 | (c >> 12)));
        out.push_back(char(0x80 | ((c >> 6) & 0x3F)));
        out.push_back(char(0x80 | (c & 0x3F)));
    } else {
        out.push_back(char(0xF0 | (c >> 18)));
        out.push_back(char(0x80 | ((c >> 12) & 0x3F)));
        out.push_back(char(0x80 | ((c >> 6) & 0x3F)));
        out.push_back(char(0x80 | (c & 0x3F)));
    }
}

// Strict UTF-8 (no overlong forms, surrogates or values above U+10FFFF).
bool decodeUtf8Strict(const std::vector<quint8> &b, U32 &out)
{
    out.clear();
    size_t i = 0;
    while (i < b.size()) {
        const quint8 c = b[i];
        int len;
        char32_t cp;
        char32_t min;
        if (c < 0x80) {
            out.push_back(c);
            ++i;
            continue;
        } else if (c >= 0xC2 && c <= 0xDF) {
            len = 2, cp = c & 0x1F, min = 0x80;
        } else if (c >= 0xE0 && c <= 0xEF) {
            len = 3, cp = c & 0x0F, min = 0x800;
        } else if (c >= 0xF0 && c <= 0xF4) {
            len = 4, cp = c & 0x07, min = 0x10000;
        } else {
            return false;
        }
        if (i + size_t(len) > b.size())
            return false;
        for (int k = 1; k < len; ++k) {
            if ((b[i + k] & 0xC0) != 0x80)
                return false;
            cp = (cp << 6) | (b[i + k] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        out.push_back(cp);
        i += size_t(len);
    }
    return true;
}

// Python's str.isspace() — also what re's \s matches in str patterns.
bool isPySpace(char32_t c)
{
    if (c < 0x80)
        return (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20);
    return c == 0x85 || c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x2028
        || c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000;
}

bool isLetter(char32_t c)
{
    if (c < 0x80)
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    return QChar::isLetter(c);
}

bool isNumber(char32_t c)
{
    if (c < 0x80)
        return c >= '0' && c <= '9';
    return QChar::isNumber(c);
}

// ---------------------------------------------------------------- HTML unescape

const Entity *findEntity(const std::string &name)
{
    const auto end = std::end(kEntities);
    const auto it = std::lower_bound(std::begin(kEntities), end, name,
                                     [](const Entity &e, const std::string &n) {
                                         return std::strcmp(e.name, n.c_str()) < 0;
                                     });
    return (it != end && name == it->name) ? it : nullptr;
}

bool isHexDigit(char32_t c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// A numeric character reference's replacement, as Python's html.unescape computes it.
void appendCharRef(U32 &out, const U32 &digits, int base)
{
    char32_t num = 0;
    bool huge = false;
    for (char32_t d : digits) {
        const int v = d <= '9' ? int(d - '0') : (d | 0x20) - 'a' + 10;
        num = num * char32_t(base) + char32_t(v);
        if (num > 0x10FFFF) {
            huge = true;
            break;
        }
    }
    if (!huge) {
        if (num == 0) {
            out.push_back(0xFFFD);
            return;
        }
        if (num == 0x0D) {
            out.push_back(0x0D);
            return;
        }
        if (num >= 0x80 && num <= 0x9F) {
            out.push_back(kCp1252High[num - 0x80]);
            return;
        }
    }
    if (huge || (num >= 0xD800 && num <= 0xDFFF)) {
        out.push_back(0xFFFD);
        return;
    }
    const bool invalid = (num >= 0x01 && num <= 0x08) || num == 0x0B || (num >= 0x0E && num <= 0x1F)
        || (num >= 0x7F && num <= 0x9F) || (num >= 0xFDD0 && num <= 0xFDEF) || (num & 0xFFFE) == 0xFFFE;
    if (!invalid)
        out.push_back(num);
}

// Python's html.unescape when ftfyStyle is false. With ftfyStyle, ftfy's own variant: only
// references ending in ';' ("&#?[0-9A-Za-z]{1,24};"), no longest-prefix matching.
U32 unescapeHtml(const U32 &s, bool ftfyStyle)
{
    if (s.find(U'&') == U32::npos)
        return s;
    U32 out;
    out.reserve(s.size());
    const size_t n = s.size();
    size_t i = 0;
    while (i < n) {
        if (s[i] != U'&') {
            out.push_back(s[i++]);
            continue;
        }
        const size_t start = i + 1;
        if (start < n && s[start] == U'#') {
            // #[0-9]+;?  |  #[xX][0-9a-fA-F]+;?
            size_t p = start + 1;
            int base = 10;
            if (p < n && (s[p] == U'x' || s[p] == U'X')) {
                base = 16;
                ++p;
            }
            size_t q = p;
            while (q < n && (base == 16 ? isHexDigit(s[q]) : (s[q] >= '0' && s[q] <= '9')))
                ++q;
            const bool semicolon = q < n && s[q] == U';';
            if (q > p && (!ftfyStyle || (semicolon && q + 1 - i <= 26))) {
                appendCharRef(out, s.substr(p, q - p), base);
                i = semicolon ? q + 1 : q;
            } else {
                out.push_back(U'&');
                ++i;
            }
            continue;
        }
        if (ftfyStyle) {
            size_t q = start;
            while (q < n && q - start < 24 && s[q] < 0x80 && std::isalnum(int(s[q])))
                ++q;
            if (q > start && q < n && s[q] == U';') {
                std::string name(s.begin() + qsizetype(start), s.begin() + qsizetype(q + 1));
                if (const Entity *e = findEntity(name)) {
                    out.push_back(e->first);
                    if (e->second)
                        out.push_back(e->second);
                    i = q + 1;
                    continue;
                }
            }
            out.push_back(U'&');
            ++i;
            continue;
        }
        // [^\t\n\f <&#;]{1,32};?
        size_t q = start;
        while (q < n && q - start < 32) {
            const char32_t c = s[q];
            if (c == U'\t' || c == U'\n' || c == U'\f' || c == U' ' || c == U'<' || c == U'&'
                || c == U'#' || c == U';')
                break;
            ++q;
        }
        if (q == start) {
            out.push_back(U'&');
            ++i;
            continue;
        }
        size_t end = q;
        if (end < n && s[end] == U';')
            ++end;
        // Entity names are ASCII; a non-ASCII character ends every possible match.
        std::string name;
        for (size_t k = start; k < end && s[k] < 0x80; ++k)
            name.push_back(char(s[k]));
        const Entity *hit = nullptr;
        size_t used = 0;
        if (name.size() == end - start)
            hit = findEntity(name), used = end - start;
        for (size_t x = std::min(name.size(), end - start - 1); !hit && x >= 2; --x) {
            hit = findEntity(name.substr(0, x));
            used = x;
        }
        if (hit) {
            out.push_back(hit->first);
            if (hit->second)
                out.push_back(hit->second);
            i = start + used;
        } else {
            out.push_back(U'&');
            ++i;
        }
    }
    return out;
}

// ---------------------------------------------------------------- ftfy-like fixes

// Windows-1252 byte of c, with C1 controls standing for themselves (Latin-1); -1 if none.
int sloppyCp1252Byte(char32_t c)
{
    if (c < 0x80 || (c >= 0xA0 && c <= 0xFF) || (c >= 0x80 && c <= 0x9F))
        return int(c);
    for (int i = 0; i < 32; ++i) {
        if (kCp1252High[i] == c)
            return 0x80 + i;
    }
    return -1;
}

bool isContinuationChar(char32_t c)
{
    const int b = sloppyCp1252Byte(c);
    return b >= 0x80 && b <= 0xBF;
}

// UTF-8 that was decoded as Windows-1252 / Latin-1. Two passes, repeated while they change
// something (double encoding):
//  - the whole text: every character has a Windows-1252 byte, some byte is ≥ 0x80, and the
//    bytes are valid UTF-8 holding no C1 control and no two-byte character outside the
//    scripts listed in `plausible`;
//  - pieces inside otherwise good text: "Ã"/"Â" + a continuation character (Latin-1
//    letters and symbols), "â" + two continuation characters (U+2000–U+2FFF: ’ “ ” – — …).
// ftfy weighs candidates with a "badness" score and knows more code pages; this does not.
bool repairMojibakeOnce(U32 &s)
{
    std::vector<quint8> bytes;
    bytes.reserve(s.size());
    bool high = false;
    bool all = true;
    for (char32_t c : s) {
        const int b = sloppyCp1252Byte(c);
        if (b < 0) {
            all = false;
            break;
        }
        high = high || b >= 0x80;
        bytes.push_back(quint8(b));
    }
    // Two-byte results must come from the scripts whose mojibake is common (Latin-1 and
    // Latin Extended-A, Greek, Cyrillic, Hebrew, Arabic): legitimate text such as "É”"
    // is valid UTF-8 too, but stands for IPA letters (U+0254).
    auto plausible = [](char32_t c) {
        return c < 0x80 || (c >= 0xA0 && c <= 0x17F) || (c >= 0x380 && c <= 0x47F)
            || (c >= 0x5C0 && c <= 0x67F) || c >= 0x800;
    };
    U32 decoded;
    if (all && high && decodeUtf8Strict(bytes, decoded)
        && std::all_of(decoded.begin(), decoded.end(), plausible)) {
        s = decoded;
        return true;
    }

    bool changed = false;
    U32 out;
    out.reserve(s.size());
    const size_t n = s.size();
    for (size_t i = 0; i < n;) {
        const char32_t c = s[i];
        if ((c == 0xC2 || c == 0xC3) && i + 1 < n && isContinuationChar(s[i + 1])) {
            out.push_back(((c & 0x1F) << 6) | (char32_t(sloppyCp1252Byte(s[i + 1])) & 0x3F));
            i += 2;
            changed = true;
        } else if (c == 0xE2 && i + 2 < n && isContinuationChar(s[i + 1]) && isContinuationChar(s[i + 2])) {
            out.push_back((char32_t(0x2) << 12) | ((char32_t(sloppyCp1252Byte(s[i + 1])) & 0x3F) << 6)
                          | (char32_t(sloppyCp1252Byte(s[i + 2])) & 0x3F));
            i += 3;
            changed = true;
        } else {
            out.push_back(c);
            ++i;
        }
    }
    if (changed)
        s = out;
    return changed;
}

const char32_t *ligature(char32_t c)
{
    switch (c) {
    case 0x0132: return U"IJ";
    case 0x0133: return U"ij";
    case 0x0149: return U"\u02BCn";
    case 0x01C4: return U"D\u017D";
    case 0x01C5: return U"D\u017E";
    case 0x01C6: return U"d\u017E";
    case 0x01C7: return U"LJ";
    case 0x01C8: return U"Lj";
    case 0x01C9: return U"lj";
    case 0x01CA: return U"NJ";
    case 0x01CB: return U"Nj";
    case 0x01CC: return U"nj";
    case 0x01F1: return U"DZ";
    case 0x01F2: return U"Dz";
    case 0x01F3: return U"dz";
    case 0xFB00: return U"ff";
    case 0xFB01: return U"fi";
    case 0xFB02: return U"fl";
    case 0xFB03: return U"ffi";
    case 0xFB04: return U"ffl";
    case 0xFB05: return U"\u017Ft";
    case 0xFB06: return U"st";
    default: return nullptr;
    }
}

// NFKC of U+FF01–U+FFEF (ftfy's fix_character_width), computed once.
const U32 &widthForm(char32_t c)
{
    static const std::vector<U32> table = [] {
        std::vector<U32> t(0xFFEF - 0xFF01 + 1);
        for (char32_t cp = 0xFF01; cp <= 0xFFEF; ++cp) {
            const QString nfkc = QString::fromUcs4(&cp, 1).normalized(QString::NormalizationForm_KC);
            t[cp - 0xFF01] = toU32(nfkc);
        }
        return t;
    }();
    return table[c - 0xFF01];
}

bool isRemovedControl(char32_t c)
{
    return c <= 0x08 || c == 0x0B || (c >= 0x0E && c <= 0x1F) || c == 0x7F
        || (c >= 0x206A && c <= 0x206F) || c == 0xFEFF || (c >= 0xFFF9 && c <= 0xFFFC);
}

U32 ftfyLike(U32 s)
{
    if (s.find(U'<') == U32::npos)
        s = unescapeHtml(s, true);

    // Terminal escapes: ESC [ (digits | ;)* letter
    if (s.find(char32_t(0x1B)) != U32::npos) {
        U32 out;
        for (size_t i = 0; i < s.size();) {
            if (s[i] == 0x1B && i + 1 < s.size() && s[i + 1] == U'[') {
                size_t j = i + 2;
                while (j < s.size() && ((s[j] >= '0' && s[j] <= '9') || s[j] == ';'))
                    ++j;
                if (j < s.size() && s[j] < 0x80 && std::isalpha(int(s[j]))) {
                    i = j + 1;
                    continue;
                }
            }
            out.push_back(s[i++]);
        }
        s.swap(out);
    }

    for (int pass = 0; pass < 3 && repairMojibakeOnce(s); ++pass) {
    }

    U32 out;
    out.reserve(s.size());
    for (size_t i = 0; i < s.size(); ++i) {
        char32_t c = s[i];
        if (c >= 0x80 && c <= 0x9F)
            c = kCp1252High[c - 0x80];
        if (const char32_t *lig = ligature(c)) {
            for (; *lig; ++lig) {
                const char32_t l = *lig;
                out.push_back(l == 0x02BC ? U'\'' : l); // uncurl_quotes runs after
            }
            continue;
        }
        if (c >= 0xFF01 && c <= 0xFFEF) {
            out += widthForm(c);
            continue;
        }
        if (c == 0x3000)
            c = U' ';
        if (c == 0x02BC || (c >= 0x2018 && c <= 0x201B))
            c = U'\'';
        else if (c >= 0x201C && c <= 0x201F)
            c = U'"';
        if (c == U'\r') {
            if (i + 1 < s.size() && s[i + 1] == U'\n')
                continue;
            c = U'\n';
        } else if (c == 0x2028 || c == 0x2029 || c == 0x85) {
            c = U'\n';
        }
        if (isRemovedControl(c))
            continue;
        out.push_back(c);
    }
    return toU32(fromU32(out).normalized(QString::NormalizationForm_C));
}

// ---------------------------------------------------------------- Python's str.lower()

bool isCased(char32_t c)
{
    const QChar::Category cat = QChar::category(c);
    return cat == QChar::Letter_Uppercase || cat == QChar::Letter_Lowercase
        || cat == QChar::Letter_Titlecase || QChar::toLower(c) != c || QChar::toUpper(c) != c;
}

bool isCaseIgnorable(char32_t c)
{
    switch (c) {
    case 0x27: case 0x2E: case 0x3A: case 0xB7: case 0x387: case 0x55F: case 0x5F4:
    case 0x2018: case 0x2019: case 0x2024: case 0x2027: case 0xFE13: case 0xFE52:
    case 0xFE55: case 0xFF07: case 0xFF0E: case 0xFF1A:
        return true;
    default:
        break;
    }
    const QChar::Category cat = QChar::category(c);
    return cat == QChar::Mark_NonSpacing || cat == QChar::Mark_Enclosing || cat == QChar::Other_Format
        || cat == QChar::Letter_Modifier || cat == QChar::Symbol_Modifier;
}

U32 pyLower(const U32 &s)
{
    U32 out;
    out.reserve(s.size());
    for (size_t i = 0; i < s.size(); ++i) {
        const char32_t c = s[i];
        if (c < 0x80) {
            out.push_back((c >= 'A' && c <= 'Z') ? c + 32 : c);
        } else if (c == 0x130) {
            out += U"i\u0307";
        } else if (c == 0x3A3) {
            // Final_Sigma: cased (case-ignorable)* Σ not followed by (case-ignorable)* cased
            size_t j = i;
            while (j > 0 && isCaseIgnorable(s[j - 1]))
                --j;
            bool final = j > 0 && isCased(s[j - 1]);
            if (final) {
                size_t k = i + 1;
                while (k < s.size() && isCaseIgnorable(s[k]))
                    ++k;
                final = k == s.size() || !isCased(s[k]);
            }
            out.push_back(final ? 0x3C2 : 0x3C3);
        } else {
            out.push_back(QChar::toLower(c));
        }
    }
    return out;
}

// ---------------------------------------------------------------- pre-tokenizer

// Case-insensitive (regex IGNORECASE, simple case folding) match of an ASCII literal.
bool matchesFolded(char32_t c, char lit)
{
    if (c < 0x80)
        return ((c >= 'A' && c <= 'Z') ? c + 32 : c) == char32_t(lit);
    return (lit == 's' && c == 0x17F) || (lit == 'k' && c == 0x212A);
}

size_t matchLiteral(const U32 &s, size_t i, const char *lit)
{
    const size_t len = std::strlen(lit);
    if (i + len > s.size())
        return 0;
    for (size_t k = 0; k < len; ++k) {
        if (!matchesFolded(s[i + k], lit[k]))
            return 0;
    }
    return len;
}

std::vector<std::pair<size_t, size_t>> preTokenRanges(const U32 &s)
{
    static const char *const kLiterals[] = {"<|startoftext|>", "<|endoftext|>", "'s", "'t", "'re",
                                            "'ve", "'m", "'ll", "'d"};
    std::vector<std::pair<size_t, size_t>> out;
    const size_t n = s.size();
    size_t i = 0;
    while (i < n) {
        const char32_t c = s[i];
        size_t len = 0;
        if (c == U'<' || c == U'\'') {
            for (const char *lit : kLiterals) {
                if ((len = matchLiteral(s, i, lit)) != 0)
                    break;
            }
        }
        if (len == 0) {
            if (isLetter(c)) {
                size_t j = i + 1;
                while (j < n && isLetter(s[j]))
                    ++j;
                len = j - i;
            } else if (isNumber(c)) {
                len = 1;
            } else if (!isPySpace(c)) {
                size_t j = i + 1;
                while (j < n && !isPySpace(s[j]) && !isLetter(s[j]) && !isNumber(s[j]))
                    ++j;
                len = j - i;
            }
        }
        if (len == 0) {
            ++i;
            continue;
        }
        out.emplace_back(i, len);
        i += len;
    }
    return out;
}

// ---------------------------------------------------------------- bytes_to_unicode

struct ByteTables
{
    char32_t toUnicode[256];
    int fromUnicode[0x144]; // byte for a symbol code point, -1 if none
    quint8 order[256];      // the bytes in OpenAI's vocabulary order (printable ones first)
};

const ByteTables &byteTables()
{
    static const ByteTables tables = [] {
        ByteTables t{};
        std::fill(std::begin(t.fromUnicode), std::end(t.fromUnicode), -1);
        auto printable = [](int b) {
            return (b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
        };
        int extra = 0;
        int k = 0;
        for (int b = 0; b < 256; ++b) {
            const char32_t c = printable(b) ? char32_t(b) : char32_t(256 + extra++);
            t.toUnicode[b] = c;
            t.fromUnicode[c] = b;
            if (printable(b))
                t.order[k++] = quint8(b);
        }
        for (int b = 0; b < 256; ++b) {
            if (!printable(b))
                t.order[k++] = quint8(b);
        }
        return t;
    }();
    return tables;
}

QString byteSymbol(int b)
{
    const char32_t c = byteTables().toUnicode[b];
    return QString::fromUcs4(&c, 1);
}

// ---------------------------------------------------------------- files

QByteArray readWholeFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        throw Error(QStringLiteral("%1: cannot open: %2").arg(path, file.errorString()));
    QByteArray data = file.readAll();
    if (file.error() != QFileDevice::NoError)
        throw Error(QStringLiteral("%1: cannot read: %2").arg(path, file.errorString()));
    return data;
}

QByteArray gunzip(const QByteArray &in, const QString &path)
{
    if (in.size() < 18 || quint8(in[0]) != 0x1F || quint8(in[1]) != 0x8B)
        throw Error(QStringLiteral("%1: not a gzip file").arg(path));
    if (in.size() > qsizetype(UINT_MAX))
        throw Error(QStringLiteral("%1: file too large").arg(path));
    z_stream zs;
    std::memset(&zs, 0, sizeof zs);
    if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK)
        throw Error(QStringLiteral("%1: cannot initialise zlib").arg(path));
    zs.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(in.constData()));
    zs.avail_in = uInt(in.size());
    QByteArray out;
    QString problem;
    const qsizetype chunk = qsizetype(1) << 20;
    for (;;) {
        const qsizetype have = out.size();
        if (have + chunk > kMaxDecompressed) {
            problem = QStringLiteral("decompressed data larger than %1 MiB").arg(kMaxDecompressed >> 20);
            break;
        }
        out.resize(have + chunk);
        zs.next_out = reinterpret_cast<Bytef *>(out.data() + have);
        zs.avail_out = uInt(chunk);
        const int ret = inflate(&zs, Z_NO_FLUSH);
        out.resize(have + chunk - qsizetype(zs.avail_out));
        if (ret == Z_STREAM_END) {
            if (zs.avail_in == 0)
                break;
            // Another gzip member may follow (as gzip allows); anything else is an error.
            if (zs.avail_in >= 2 && zs.next_in[0] == 0x1F && zs.next_in[1] == 0x8B) {
                inflateReset(&zs);
                continue;
            }
            problem = QStringLiteral("unexpected data after the end of the gzip stream");
            break;
        }
        if (ret == Z_OK || ret == Z_BUF_ERROR) {
            if (zs.avail_in == 0 && zs.avail_out != 0) {
                problem = QStringLiteral("truncated gzip data (unexpected end of file)");
                break;
            }
            continue;
        }
        problem = QStringLiteral("corrupt gzip data: %1")
                      .arg(zs.msg ? QString::fromUtf8(zs.msg) : QStringLiteral("zlib error %1").arg(ret));
        break;
    }
    inflateEnd(&zs);
    if (!problem.isEmpty())
        throw Error(QStringLiteral("%1: %2").arg(path, problem));
    return out;
}

QString decodeLine(const QByteArray &line, const QString &path, int lineNo)
{
    QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    QString text = decoder.decode(line);
    if (decoder.hasError())
        throw Error(QStringLiteral("%1:%2: not valid UTF-8").arg(path).arg(lineNo));
    return text;
}

struct MergeLine
{
    QString first;
    QString second;
    int line = 0;
};

MergeLine parseMergeLine(const QByteArray &bytes, const QString &path, int lineNo)
{
    const QString text = decodeLine(bytes, path, lineNo);
    QStringList symbols; // Python's str.split(): runs of whitespace separate
    qsizetype i = 0;
    while (i < text.size()) {
        while (i < text.size() && text[i].isSpace())
            ++i;
        const qsizetype begin = i;
        while (i < text.size() && !text[i].isSpace())
            ++i;
        if (i > begin)
            symbols << text.mid(begin, i - begin);
    }
    if (symbols.size() != 2)
        throw Error(QStringLiteral("%1:%2: malformed merge line \"%3\": expected two symbols separated by a space")
                        .arg(path).arg(lineNo).arg(text.trimmed()));
    return {symbols[0], symbols[1], lineNo};
}

quint64 pairKey(int a, int b)
{
    return (quint64(quint32(a)) << 32) | quint32(b);
}

} // namespace

// ---------------------------------------------------------------- vocabulary and cache

struct ClipTokenizer::Vocab
{
    std::vector<QString> tokens;     // id → token (null QString for an unused id)
    std::vector<std::string> bytes;  // id → the bytes it stands for
    std::vector<char> decodable;     // id → all its characters are byte symbols
    struct Hasher
    {
        size_t operator()(const QString &s) const noexcept { return size_t(qHash(s)); }
    };
    std::unordered_map<QString, int, Hasher> ids;
    int byteId[256] = {};
    int byteEndId[256] = {};
    std::unordered_map<quint64, std::pair<int, int>> merges; // (first, second) → (rank, merged)
    int sot = -1;
    int eot = -1;

    void finish(const std::vector<MergeLine> &lines, const QString &path, const QString &vocabName)
    {
        const ByteTables &bt = byteTables();
        for (int b = 0; b < 256; ++b) {
            const QString sym = byteSymbol(b);
            const auto a = ids.find(sym);
            const auto e = ids.find(sym + QStringLiteral("</w>"));
            if (a == ids.end() || e == ids.end())
                throw Error(QStringLiteral("%1: the vocabulary lacks the byte symbol \"%2\" or \"%2</w>\"")
                                .arg(vocabName, sym));
            byteId[b] = a->second;
            byteEndId[b] = e->second;
        }
        const auto s = ids.find(QStringLiteral("<|startoftext|>"));
        const auto e = ids.find(QStringLiteral("<|endoftext|>"));
        if (s == ids.end() || e == ids.end())
            throw Error(QStringLiteral("%1: the vocabulary lacks <|startoftext|> or <|endoftext|>").arg(vocabName));
        sot = s->second;
        eot = e->second;

        merges.reserve(lines.size());
        for (size_t r = 0; r < lines.size(); ++r) {
            const MergeLine &m = lines[r];
            const auto a = ids.find(m.first);
            const auto b = ids.find(m.second);
            const auto ab = ids.find(m.first + m.second);
            if (a == ids.end() || b == ids.end())
                throw Error(QStringLiteral("%1:%2: merge symbol \"%3\" is not in the vocabulary")
                                .arg(path).arg(m.line).arg(a == ids.end() ? m.first : m.second));
            if (ab == ids.end())
                throw Error(QStringLiteral("%1:%2: merge result \"%3\" is not in the vocabulary")
                                .arg(path).arg(m.line).arg(m.first + m.second));
            merges[pairKey(a->second, b->second)] = {int(r), ab->second}; // later rank wins, as in Python
        }

        bytes.resize(tokens.size());
        decodable.assign(tokens.size(), 0);
        for (size_t id = 0; id < tokens.size(); ++id) {
            if (tokens[id].isNull())
                continue;
            bool ok = true;
            std::string out;
            for (char32_t c : toU32(tokens[id])) {
                if (c >= 0x144 || bt.fromUnicode[c] < 0) {
                    ok = false;
                    break;
                }
                out.push_back(char(bt.fromUnicode[c]));
            }
            if (ok) {
                bytes[id] = std::move(out);
                decodable[id] = 1;
            }
        }
    }
};

struct ClipTokenizer::Cache
{
    std::mutex mutex;
    std::unordered_map<U32, std::vector<int>> words;
};

ClipTokenizer::ClipTokenizer(std::shared_ptr<const Vocab> vocab)
    : m_vocab(std::move(vocab)), m_cache(std::make_shared<Cache>())
{
}

ClipTokenizer ClipTokenizer::builtin()
{
    // Copies share the vocabulary, so one load serves every caller.
    static const ClipTokenizer tokenizer = fromBpeGz(QStringLiteral(":/faultline/clip/bpe_simple_vocab_16e6.txt.gz"));
    return tokenizer;
}

ClipTokenizer ClipTokenizer::fromBpeGz(const QString &path)
{
    const QByteArray text = gunzip(readWholeFile(path), path);

    // Python: read().decode("utf-8").split('\n')[1 : 49152-256-2+1]
    std::vector<MergeLine> lines;
    lines.reserve(kOpenAiMergeCount);
    qsizetype pos = text.indexOf('\n');
    int lineNo = 1;
    while (pos >= 0 && int(lines.size()) < kOpenAiMergeCount) {
        const qsizetype begin = pos + 1;
        pos = text.indexOf('\n', begin);
        if (pos < 0 && begin >= text.size())
            break; // nothing after the last newline
        ++lineNo;
        const QByteArray line = text.mid(begin, (pos < 0 ? text.size() : pos) - begin);
        lines.push_back(parseMergeLine(line, path, lineNo));
    }
    if (int(lines.size()) != kOpenAiMergeCount)
        throw Error(QStringLiteral("%1: expected %2 merge lines after the header, found %3")
                        .arg(path).arg(kOpenAiMergeCount).arg(lines.size()));

    auto vocab = std::make_shared<Vocab>();
    const ByteTables &bt = byteTables();
    vocab->tokens.reserve(512 + lines.size() + 2);
    for (int k = 0; k < 256; ++k)
        vocab->tokens.push_back(byteSymbol(bt.order[k]));
    for (int k = 0; k < 256; ++k)
        vocab->tokens.push_back(vocab->tokens[size_t(k)] + QStringLiteral("</w>"));
    for (const MergeLine &m : lines)
        vocab->tokens.push_back(m.first + m.second);
    vocab->tokens.push_back(QStringLiteral("<|startoftext|>"));
    vocab->tokens.push_back(QStringLiteral("<|endoftext|>"));
    vocab->ids.reserve(vocab->tokens.size());
    for (size_t id = 0; id < vocab->tokens.size(); ++id)
        vocab->ids[vocab->tokens[id]] = int(id); // a repeated token keeps its last id, as in Python
    vocab->finish(lines, path, path);
    return ClipTokenizer(std::move(vocab));
}

ClipTokenizer ClipTokenizer::fromHuggingFace(const QString &vocabJson, const QString &mergesTxt)
{
    auto vocab = std::make_shared<Vocab>();
    {
        QJsonParseError err;
        const QJsonDocument doc = QJsonDocument::fromJson(readWholeFile(vocabJson), &err);
        if (err.error != QJsonParseError::NoError)
            throw Error(QStringLiteral("%1: invalid JSON at offset %2: %3")
                            .arg(vocabJson).arg(err.offset).arg(err.errorString()));
        if (!doc.isObject())
            throw Error(QStringLiteral("%1: expected a JSON object mapping tokens to ids").arg(vocabJson));
        const QJsonObject obj = doc.object();
        constexpr int kMaxId = 1 << 24;
        for (auto it = obj.begin(); it != obj.end(); ++it) {
            const QJsonValue v = it.value();
            const double d = v.toDouble(-1);
            if (!v.isDouble() || d < 0 || d >= kMaxId || d != double(int(d)))
                throw Error(QStringLiteral("%1: token \"%2\": id is not an integer in [0, %3)")
                                .arg(vocabJson, it.key()).arg(kMaxId));
            const int id = int(d);
            if (size_t(id) >= vocab->tokens.size())
                vocab->tokens.resize(size_t(id) + 1);
            if (!vocab->tokens[size_t(id)].isNull())
                throw Error(QStringLiteral("%1: tokens \"%2\" and \"%3\" share id %4")
                                .arg(vocabJson, vocab->tokens[size_t(id)], it.key()).arg(id));
            vocab->tokens[size_t(id)] = it.key();
            vocab->ids[it.key()] = id;
        }
    }

    const QByteArray text = readWholeFile(mergesTxt);
    std::vector<MergeLine> lines;
    int lineNo = 0;
    qsizetype begin = 0;
    while (begin < text.size()) {
        qsizetype end = text.indexOf('\n', begin);
        if (end < 0)
            end = text.size();
        const QByteArray line = text.mid(begin, end - begin);
        begin = end + 1;
        ++lineNo;
        if (lineNo == 1 && line.startsWith('#'))
            continue; // "#version: 0.2"
        if (line.trimmed().isEmpty())
            continue;
        lines.push_back(parseMergeLine(line, mergesTxt, lineNo));
    }
    vocab->finish(lines, mergesTxt, vocabJson);
    return ClipTokenizer(std::move(vocab));
}

// ---------------------------------------------------------------- encoding

void ClipTokenizer::appendWordIds(const std::u32string &preToken, std::vector<int> &out) const
{
    const Vocab &v = *m_vocab;
    // simple_tokenizer seeds its cache with the two special tokens.
    if (preToken == U"<|startoftext|>") {
        out.push_back(v.sot);
        return;
    }
    if (preToken == U"<|endoftext|>") {
        out.push_back(v.eot);
        return;
    }
    {
        std::lock_guard<std::mutex> lock(m_cache->mutex);
        const auto it = m_cache->words.find(preToken);
        if (it != m_cache->words.end()) {
            out.insert(out.end(), it->second.begin(), it->second.end());
            return;
        }
    }

    std::string utf8;
    for (char32_t c : preToken)
        appendUtf8(utf8, c);
    std::vector<int> word;
    word.reserve(utf8.size());
    for (size_t k = 0; k < utf8.size(); ++k) {
        const quint8 b = quint8(utf8[k]);
        word.push_back(k + 1 == utf8.size() ? v.byteEndId[b] : v.byteId[b]);
    }
    while (word.size() > 1) {
        int bestRank = INT_MAX;
        int first = -1;
        int second = -1;
        int merged = -1;
        for (size_t k = 0; k + 1 < word.size(); ++k) {
            const auto it = v.merges.find(pairKey(word[k], word[k + 1]));
            if (it != v.merges.end() && it->second.first < bestRank) {
                bestRank = it->second.first;
                first = word[k];
                second = word[k + 1];
                merged = it->second.second;
            }
        }
        if (merged < 0)
            break;
        size_t o = 0;
        for (size_t k = 0; k < word.size();) {
            if (k + 1 < word.size() && word[k] == first && word[k + 1] == second) {
                word[o++] = merged;
                k += 2;
            } else {
                word[o++] = word[k++];
            }
        }
        word.resize(o);
    }
    out.insert(out.end(), word.begin(), word.end());

    std::lock_guard<std::mutex> lock(m_cache->mutex);
    if (m_cache->words.size() >= size_t(kMaxCacheEntries))
        m_cache->words.clear();
    m_cache->words.emplace(preToken, std::move(word));
}

std::vector<int> ClipTokenizer::encode(const QString &text) const
{
    const U32 cleaned = toU32(cleanText(text));
    std::vector<int> ids;
    for (const auto &[start, len] : preTokenRanges(cleaned))
        appendWordIds(cleaned.substr(start, len), ids);
    return ids;
}

std::vector<qint64> ClipTokenizer::tokenize(const QStringList &texts, int contextLength, bool truncate) const
{
    if (contextLength < 1)
        throw Error(QStringLiteral("CLIP tokenizer: context length must be positive, got %1").arg(contextLength));
    const size_t ctx = size_t(contextLength);
    std::vector<qint64> out(size_t(texts.size()) * ctx, 0);
    for (qsizetype i = 0; i < texts.size(); ++i) {
        std::vector<int> ids;
        ids.reserve(ctx);
        ids.push_back(m_vocab->sot);
        const std::vector<int> body = encode(texts[i]);
        ids.insert(ids.end(), body.begin(), body.end());
        ids.push_back(m_vocab->eot);
        if (ids.size() > ctx) {
            if (!truncate)
                throw Error(QStringLiteral("Input %1 is too long for context length %2")
                                .arg(texts[i], QString::number(contextLength)));
            ids.resize(ctx);
            ids.back() = m_vocab->eot;
        }
        std::copy(ids.begin(), ids.end(), out.begin() + qsizetype(size_t(i) * ctx));
    }
    return out;
}

QString ClipTokenizer::decode(const std::vector<int> &ids) const
{
    const Vocab &v = *m_vocab;
    std::string bytes;
    for (int id : ids) {
        if (id < 0 || size_t(id) >= v.tokens.size() || v.tokens[size_t(id)].isNull())
            throw Error(QStringLiteral("CLIP tokenizer: token id %1 is not in the vocabulary").arg(id));
        if (!v.decodable[size_t(id)])
            throw Error(QStringLiteral("CLIP tokenizer: token %1 (\"%2\") has characters outside the byte alphabet")
                            .arg(id).arg(v.tokens[size_t(id)]));
        bytes += v.bytes[size_t(id)];
    }
    QString text = QString::fromUtf8(bytes.data(), qsizetype(bytes.size()));
    text.replace(QStringLiteral("</w>"), QStringLiteral(" "));
    return text;
}

QString ClipTokenizer::cleanText(const QString &text)
{
    U32 s = ftfyLike(toU32(text));
    s = unescapeHtml(unescapeHtml(s, false), false);
    U32 collapsed;
    collapsed.reserve(s.size());
    bool pendingSpace = false;
    for (char32_t c : s) {
        if (isPySpace(c)) {
            pendingSpace = !collapsed.empty();
            continue;
        }
        if (pendingSpace)
            collapsed.push_back(U' ');
        pendingSpace = false;
        collapsed.push_back(c);
    }
    return fromU32(pyLower(collapsed));
}

QStringList ClipTokenizer::preTokenize(const QString &cleanedText)
{
    const U32 s = toU32(cleanedText);
    QStringList out;
    for (const auto &[start, len] : preTokenRanges(s))
        out << QString::fromUcs4(s.data() + start, qsizetype(len));
    return out;
}

QString ClipTokenizer::bpe(const QString &preToken) const
{
    std::vector<int> ids;
    appendWordIds(toU32(preToken), ids);
    QStringList pieces;
    for (int id : ids)
        pieces << m_vocab->tokens[size_t(id)];
    return pieces.join(QLatin1Char(' '));
}

char32_t ClipTokenizer::byteToUnicode(quint8 byte)
{
    return byteTables().toUnicode[byte];
}

int ClipTokenizer::startOfTextId() const { return m_vocab->sot; }
int ClipTokenizer::endOfTextId() const { return m_vocab->eot; }
int ClipTokenizer::vocabSize() const { return int(m_vocab->tokens.size()); }

} // namespace faultline
