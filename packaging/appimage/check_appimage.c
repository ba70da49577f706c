/*
 * Independent AppImage check based on libappimage.
 *
 *   check_appimage FILE [required-path ...]
 *
 * Prints the AppImage type and payload offset reported by libappimage and
 * verifies that every required path is listed in the image.  Exit status 0
 * when the file is a type-2 AppImage containing all required paths, 1
 * otherwise, 2 on usage errors.
 *
 * Build: cc -o check_appimage check_appimage.c $(pkg-config --cflags --libs libappimage)
 */
#define _POSIX_C_SOURCE 200809L
#include <sys/types.h> /* appimage.h uses off_t without including it */

#include <appimage/appimage.h>

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static const char *strip_prefix(const char *p)
{
    /* libappimage may report entries as "AppRun", "./AppRun" or "/AppRun". */
    while (p[0] == '.' && p[1] == '/')
        p += 2;
    while (p[0] == '/')
        p++;
    return p;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s FILE [required-path ...]\n", argv[0]);
        return 2;
    }
    const char *file = argv[1];
    int ok = 1;

    int type = appimage_get_type(file, false);
    printf("type: %d\n", type);
    if (type != 2) {
        fprintf(stderr, "FAIL: %s is not a type-2 AppImage (type %d)\n", file, type);
        ok = 0;
    }

    off_t offset = appimage_get_payload_offset(file);
    printf("payload_offset: %lld\n", (long long)offset);
    if (offset <= 0) {
        fprintf(stderr, "FAIL: no payload offset for %s\n", file);
        ok = 0;
    }

    char **files = appimage_list_files(file);
    size_t count = 0;
    for (char **f = files; f && *f; ++f)
        count++;
    printf("files: %zu\n", count);

    for (int i = 2; i < argc; ++i) {
        const char *want = strip_prefix(argv[i]);
        int found = 0;
        for (char **f = files; f && *f && !found; ++f)
            found = strcmp(strip_prefix(*f), want) == 0;
        printf("%s: %s\n", found ? "found" : "MISSING", argv[i]);
        if (!found)
            ok = 0;
    }
    if (files)
        appimage_string_list_free(files);

    printf("%s\n", ok ? "OK" : "FAILED");
    return ok ? 0 : 1;
}
