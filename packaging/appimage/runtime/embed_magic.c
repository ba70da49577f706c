/* Post-build helper: writes the AppImage type-2 magic "AI\x02" at offset 8
 * (inside e_ident padding) of an ELF file. Usage: embed_magic FILE */
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s ELF-FILE\n", argv[0]);
        return 2;
    }
    FILE *f = fopen(argv[1], "r+b");
    if (!f) {
        perror(argv[1]);
        return 1;
    }
    unsigned char ident[16];
    if (fread(ident, 1, sizeof(ident), f) != sizeof(ident) ||
        memcmp(ident, "\177ELF", 4) != 0) {
        fprintf(stderr, "%s: not an ELF file\n", argv[1]);
        fclose(f);
        return 1;
    }
    static const unsigned char magic[3] = {'A', 'I', 0x02};
    if (fseek(f, 8, SEEK_SET) != 0 || fwrite(magic, 1, sizeof(magic), f) != sizeof(magic)) {
        perror(argv[1]);
        fclose(f);
        return 1;
    }
    if (fclose(f) != 0) {
        perror(argv[1]);
        return 1;
    }
    return 0;
}
