/*
 * Faultline AppImage type-2 runtime.
 *
 * Layout of an AppImage built with this runtime:
 *
 *   [ this ELF executable | squashfs image ]
 *
 * The runtime finds the squashfs image right after the end of its own ELF
 * file (end of the section header table), mounts it read-only with FUSE
 * (served by a forked child through libsquashfuse's low-level ops) and runs
 * AppRun from the mount point.  Without FUSE it can extract the image
 * instead (--appimage-extract, --appimage-extract-and-run).
 */
#define _GNU_SOURCE

#include <squashfuse/ll.h>

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <ftw.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef FAULTLINE_RUNTIME_VERSION
#define FAULTLINE_RUNTIME_VERSION "0.0.0"
#endif

#define PROG "faultline"

/* ------------------------------------------------------------------ */
/* Reserved sections of the AppImage type-2 specification.             */
/* Tools (appimagetool, signing, update tools) patch them in the file. */

__attribute__((section(".upd_info"), used, aligned(1)))
static const char appimage_update_info[1024] = {0};

__attribute__((section(".sha256_sig"), used, aligned(1)))
static const char appimage_sha256_sig[1024] = {0};

__attribute__((section(".sig_key"), used, aligned(1)))
static const char appimage_sig_key[8192] = {0};

/* ------------------------------------------------------------------ */
/* Small helpers                                                       */

static void errmsg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void errmsg(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs(PROG ": ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

static int env_is_true(const char *name)
{
    const char *v = getenv(name);
    return v && (strcmp(v, "1") == 0 || strcmp(v, "true") == 0 ||
                 strcmp(v, "yes") == 0);
}

static int read_full_at(int fd, void *buf, size_t len, off_t off)
{
    char *p = buf;
    while (len > 0) {
        ssize_t n = pread(fd, p, len, off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        p += n;
        len -= (size_t)n;
        off += n;
    }
    return 0;
}

static int write_full(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* ELF parsing: size of the runtime and reserved section lookup        */

static int host_is_le(void)
{
    const uint16_t one = 1;
    return *(const unsigned char *)&one == 1;
}

static uint16_t fix16(uint16_t v, int swap)
{
    return swap ? (uint16_t)((v >> 8) | (v << 8)) : v;
}

static uint32_t fix32(uint32_t v, int swap)
{
    return swap ? __builtin_bswap32(v) : v;
}

static uint64_t fix64(uint64_t v, int swap)
{
    return swap ? __builtin_bswap64(v) : v;
}

typedef struct {
    int is64;
    int swap;
    uint64_t shoff;
    uint16_t shentsize;
    uint16_t shnum;
    uint16_t shstrndx;
} elf_info;

static int elf_read_header(int fd, elf_info *info)
{
    unsigned char ident[EI_NIDENT];
    if (read_full_at(fd, ident, sizeof(ident), 0) != 0)
        return -1;
    if (memcmp(ident, ELFMAG, SELFMAG) != 0)
        return -1;
    if (ident[EI_DATA] != ELFDATA2LSB && ident[EI_DATA] != ELFDATA2MSB)
        return -1;
    info->swap = (ident[EI_DATA] == ELFDATA2LSB) != host_is_le();
    if (ident[EI_CLASS] == ELFCLASS64) {
        Elf64_Ehdr eh;
        if (read_full_at(fd, &eh, sizeof(eh), 0) != 0)
            return -1;
        info->is64 = 1;
        info->shoff = fix64(eh.e_shoff, info->swap);
        info->shentsize = fix16(eh.e_shentsize, info->swap);
        info->shnum = fix16(eh.e_shnum, info->swap);
        info->shstrndx = fix16(eh.e_shstrndx, info->swap);
    } else if (ident[EI_CLASS] == ELFCLASS32) {
        Elf32_Ehdr eh;
        if (read_full_at(fd, &eh, sizeof(eh), 0) != 0)
            return -1;
        info->is64 = 0;
        info->shoff = fix32(eh.e_shoff, info->swap);
        info->shentsize = fix16(eh.e_shentsize, info->swap);
        info->shnum = fix16(eh.e_shnum, info->swap);
        info->shstrndx = fix16(eh.e_shstrndx, info->swap);
    } else {
        return -1;
    }
    if (info->shoff == 0 || info->shnum == 0)
        return -1;
    return 0;
}

/* Offset of the squashfs payload = end of the ELF section header table. */
static off_t elf_size(const char *path)
{
    elf_info info;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int rc = elf_read_header(fd, &info);
    close(fd);
    if (rc != 0)
        return -1;
    return (off_t)(info.shoff + (uint64_t)info.shentsize * info.shnum);
}

typedef struct {
    uint64_t offset;
    uint64_t size;
} section_loc;

static int elf_find_section(const char *path, const char *name, section_loc *out)
{
    elf_info info;
    int found = -1;
    char *strtab = NULL;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    if (elf_read_header(fd, &info) != 0 || info.shstrndx >= info.shnum)
        goto out;

    section_loc locs[2]; /* [0]: string table, [1]: candidate */
    uint64_t strsize = 0;
    for (int pass = 0; pass < 2; ++pass) {
        for (uint16_t i = 0; i < info.shnum; ++i) {
            if (pass == 0 && i != info.shstrndx)
                continue;
            uint64_t at = info.shoff + (uint64_t)i * info.shentsize;
            uint32_t sh_name;
            if (info.is64) {
                Elf64_Shdr sh;
                if (read_full_at(fd, &sh, sizeof(sh), (off_t)at) != 0)
                    goto out;
                sh_name = fix32(sh.sh_name, info.swap);
                locs[pass].offset = fix64(sh.sh_offset, info.swap);
                locs[pass].size = fix64(sh.sh_size, info.swap);
            } else {
                Elf32_Shdr sh;
                if (read_full_at(fd, &sh, sizeof(sh), (off_t)at) != 0)
                    goto out;
                sh_name = fix32(sh.sh_name, info.swap);
                locs[pass].offset = fix32(sh.sh_offset, info.swap);
                locs[pass].size = fix32(sh.sh_size, info.swap);
            }
            if (pass == 0) {
                strsize = locs[0].size;
                if (strsize == 0 || strsize > (1u << 20))
                    goto out;
                strtab = malloc(strsize + 1);
                if (!strtab ||
                    read_full_at(fd, strtab, strsize, (off_t)locs[0].offset) != 0)
                    goto out;
                strtab[strsize] = '\0';
                break;
            }
            if (sh_name < strsize && strcmp(strtab + sh_name, name) == 0) {
                *out = locs[1];
                found = 0;
                goto out;
            }
        }
    }
out:
    free(strtab);
    close(fd);
    return found;
}

static int print_section_string(const char *path, const char *name)
{
    section_loc loc;
    if (elf_find_section(path, name, &loc) != 0) {
        errmsg("section %s not found in %s", name, path);
        return 1;
    }
    if (loc.size > (1u << 20))
        return 1;
    char *buf = calloc(1, loc.size + 1);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (!buf || fd < 0 || read_full_at(fd, buf, loc.size, (off_t)loc.offset) != 0) {
        errmsg("cannot read section %s: %s", name, strerror(errno));
        free(buf);
        if (fd >= 0)
            close(fd);
        return 1;
    }
    close(fd);
    printf("%s\n", buf);
    free(buf);
    return 0;
}

/* ------------------------------------------------------------------ */
/* Signals and running AppRun                                          */

static volatile sig_atomic_t g_child_pid = 0;   /* AppRun process */
static volatile sig_atomic_t g_got_signal = 0;  /* first signal received */

static void forward_handler(int sig, siginfo_t *si, void *ctx)
{
    (void)ctx;
    if (!g_got_signal)
        g_got_signal = sig;
    /* Signals generated by the terminal already reach the whole foreground
     * process group (AppRun included); only forward ones sent with kill(). */
    if (g_child_pid > 0 && si && si->si_code <= 0)
        kill((pid_t)g_child_pid, sig);
}

static const int g_forwarded[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};

static void install_forwarding(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = forward_handler;
    sa.sa_flags = SA_SIGINFO; /* no SA_RESTART: let blocking reads see EINTR */
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < sizeof(g_forwarded) / sizeof(g_forwarded[0]); ++i)
        sigaction(g_forwarded[i], &sa, NULL);
}

static void reset_signals_for_exec(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = SIG_DFL;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < sizeof(g_forwarded) / sizeof(g_forwarded[0]); ++i)
        sigaction(g_forwarded[i], &sa, NULL);
    sigaction(SIGPIPE, &sa, NULL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
}

typedef struct {
    const char *appimage; /* absolute path of the AppImage */
    const char *argv0;    /* argv[0] as given */
    const char *owd;      /* working directory at start */
} run_env;

static int status_to_exit(int status)
{
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    if (WIFSIGNALED(status))
        return 128 + WTERMSIG(status);
    return 1;
}

/* Runs APPDIR/AppRun with args, waits for it, returns its exit code. */
static int run_apprun(const char *appdir, const run_env *env, int argc, char **argv)
{
    char apprun[PATH_MAX];
    if (snprintf(apprun, sizeof(apprun), "%s/AppRun", appdir) >= (int)sizeof(apprun)) {
        errmsg("path too long: %s", appdir);
        return 1;
    }
    if (g_got_signal)
        return 128 + g_got_signal;

    char **args = calloc((size_t)argc + 2, sizeof(char *));
    if (!args) {
        errmsg("out of memory");
        return 1;
    }
    args[0] = apprun;
    for (int i = 0; i < argc; ++i)
        args[i + 1] = argv[i];
    args[argc + 1] = NULL;

    pid_t pid = fork();
    if (pid < 0) {
        errmsg("fork failed: %s", strerror(errno));
        free(args);
        return 1;
    }
    if (pid == 0) {
        reset_signals_for_exec();
        setenv("APPIMAGE", env->appimage, 1);
        setenv("APPDIR", appdir, 1);
        setenv("ARGV0", env->argv0, 1);
        setenv("OWD", env->owd, 1);
        execv(apprun, args);
        errmsg("cannot execute %s: %s", apprun, strerror(errno));
        _exit(127);
    }
    g_child_pid = pid;
    free(args);
    int status = 0;
    for (;;) {
        pid_t r = waitpid(pid, &status, 0);
        if (r == pid)
            break;
        if (r < 0 && errno != EINTR) {
            status = 1 << 8;
            break;
        }
    }
    g_child_pid = 0;
    return status_to_exit(status);
}

/* ------------------------------------------------------------------ */
/* Extraction                                                          */

typedef struct {
    char *path;
    mode_t mode;
    struct timespec mtime;
} dir_fix;

typedef struct {
    dir_fix *items;
    size_t count, cap;
} dir_fix_list;

static int path_is_safe(const char *rel)
{
    if (!*rel || rel[0] == '/')
        return 0;
    const char *p = rel;
    while (*p) {
        const char *slash = strchr(p, '/');
        size_t len = slash ? (size_t)(slash - p) : strlen(p);
        if (len == 0 || (len == 1 && p[0] == '.') ||
            (len == 2 && p[0] == '.' && p[1] == '.'))
            return 0;
        if (!slash)
            break;
        p = slash + 1;
    }
    return 1;
}

/* mkdir -p for the parents of path (path itself excluded). */
static int make_parents(char *path)
{
    for (char *p = strchr(path + 1, '/'); p; p = strchr(p + 1, '/')) {
        *p = '\0';
        struct stat st;
        if (lstat(path, &st) != 0) {
            if (mkdir(path, 0755) != 0 && errno != EEXIST) {
                *p = '/';
                return -1;
            }
        } else if (!S_ISDIR(st.st_mode)) {
            errno = ENOTDIR;
            *p = '/';
            return -1;
        }
        *p = '/';
    }
    return 0;
}

static int extract_regular(sqfs *fs, sqfs_inode *inode, const char *dest, char *buf,
                           size_t bufsize)
{
    unlink(dest);
    int fd = open(dest, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0)
        return -1;
    uint64_t total = inode->xtra.reg.file_size;
    uint64_t done = 0;
    while (done < total) {
        sqfs_off_t want = (sqfs_off_t)((total - done) < bufsize ? (total - done) : bufsize);
        sqfs_off_t got = want;
        if (sqfs_read_range(fs, inode, (sqfs_off_t)done, &got, buf) != SQFS_OK || got <= 0) {
            close(fd);
            errno = EIO;
            return -1;
        }
        if (write_full(fd, buf, (size_t)got) != 0) {
            close(fd);
            return -1;
        }
        done += (uint64_t)got;
    }
    if (fchmod(fd, inode->base.mode & 0777) != 0) {
        close(fd);
        return -1;
    }
    struct timespec ts[2] = {{(time_t)inode->base.mtime, 0}, {(time_t)inode->base.mtime, 0}};
    futimens(fd, ts);
    return close(fd);
}

static int extract_symlink(sqfs *fs, sqfs_inode *inode, const char *dest)
{
    size_t size = 0;
    if (sqfs_readlink(fs, inode, NULL, &size) != SQFS_OK)
        return -1;
    char *target = malloc(size + 1);
    if (!target)
        return -1;
    if (sqfs_readlink(fs, inode, target, &size) != SQFS_OK) {
        free(target);
        errno = EIO;
        return -1;
    }
    unlink(dest);
    int rc = symlink(target, dest);
    free(target);
    if (rc == 0) {
        struct timespec ts[2] = {{(time_t)inode->base.mtime, 0},
                                 {(time_t)inode->base.mtime, 0}};
        utimensat(AT_FDCWD, dest, ts, AT_SYMLINK_NOFOLLOW);
    }
    return rc;
}

static int open_squashfs(sqfs *fs, const char *image, off_t offset, int *fd_out)
{
    int fd = open(image, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        errmsg("cannot open %s: %s", image, strerror(errno));
        return -1;
    }
    memset(fs, 0, sizeof(*fs));
    sqfs_err err = sqfs_init(fs, fd, (size_t)offset);
    if (err != SQFS_OK) {
        errmsg("%s does not contain a usable squashfs image at offset %lld (error %d)",
               image, (long long)offset, (int)err);
        close(fd);
        return -1;
    }
    *fd_out = fd;
    return 0;
}

/* Extracts the image (entries matching pattern, or all when NULL) into
 * destdir, which is created if needed. quiet: do not list entries. */
static int extract_image(const char *image, off_t offset, const char *destdir,
                         const char *pattern, int quiet)
{
    sqfs fs;
    int fd;
    if (open_squashfs(&fs, image, offset, &fd) != 0)
        return 1;

    int rc = 0;
    const size_t bufsize = 1u << 20;
    char *buf = malloc(bufsize);
    dir_fix_list dirs = {NULL, 0, 0};
    sqfs_traverse trv;
    int trv_open = 0;

    if (!buf) {
        errmsg("out of memory");
        rc = 1;
        goto done;
    }
    if (mkdir(destdir, 0755) != 0 && errno != EEXIST) {
        errmsg("cannot create %s: %s", destdir, strerror(errno));
        rc = 1;
        goto done;
    }
    if (sqfs_traverse_open(&trv, &fs, sqfs_inode_root(&fs)) != SQFS_OK) {
        errmsg("cannot read the squashfs root directory");
        rc = 1;
        goto done;
    }
    trv_open = 1;

    sqfs_err err = SQFS_OK;
    while (sqfs_traverse_next(&trv, &err)) {
        if (trv.dir_end)
            continue;
        const char *rel = trv.path;
        if (!path_is_safe(rel)) {
            errmsg("skipping unsafe path in image: %s", rel);
            continue;
        }
        if (pattern && fnmatch(pattern, rel, 0) != 0)
            continue;

        sqfs_inode inode;
        if (sqfs_inode_get(&fs, &inode, trv.entry.inode) != SQFS_OK) {
            errmsg("cannot read inode of %s", rel);
            rc = 1;
            continue;
        }
        size_t dlen = strlen(destdir) + 1 + strlen(rel) + 1;
        char *dest = malloc(dlen);
        if (!dest) {
            rc = 1;
            break;
        }
        snprintf(dest, dlen, "%s/%s", destdir, rel);
        if (make_parents(dest) != 0) {
            errmsg("cannot create parent directories of %s: %s", dest, strerror(errno));
            free(dest);
            rc = 1;
            continue;
        }
        if (!quiet)
            printf("%s\n", dest);

        mode_t mode = inode.base.mode;
        int ok = 0;
        if (S_ISDIR(mode)) {
            struct stat st;
            if (mkdir(dest, 0700) == 0 || (errno == EEXIST && lstat(dest, &st) == 0 &&
                                            S_ISDIR(st.st_mode))) {
                chmod(dest, 0700 | (mode & 0777)); /* final mode set at the end */
                if (dirs.count == dirs.cap) {
                    size_t ncap = dirs.cap ? dirs.cap * 2 : 64;
                    dir_fix *n = realloc(dirs.items, ncap * sizeof(*n));
                    if (!n) {
                        free(dest);
                        rc = 1;
                        break;
                    }
                    dirs.items = n;
                    dirs.cap = ncap;
                }
                dirs.items[dirs.count].path = dest;
                dirs.items[dirs.count].mode = mode & 0777;
                dirs.items[dirs.count].mtime.tv_sec = (time_t)inode.base.mtime;
                dirs.items[dirs.count].mtime.tv_nsec = 0;
                dirs.count++;
                dest = NULL; /* owned by dirs now */
                ok = 1;
            }
        } else if (S_ISREG(mode)) {
            ok = extract_regular(&fs, &inode, dest, buf, bufsize) == 0;
        } else if (S_ISLNK(mode)) {
            ok = extract_symlink(&fs, &inode, dest) == 0;
        } else if (S_ISFIFO(mode)) {
            unlink(dest);
            ok = mkfifo(dest, mode & 0777) == 0;
        } else {
            errmsg("skipping special file %s", rel);
            ok = 1;
        }
        if (!ok) {
            errmsg("cannot extract %s: %s", rel, strerror(errno));
            rc = 1;
        }
        free(dest);
    }
    if (err != SQFS_OK) {
        errmsg("error while traversing the squashfs image (error %d)", (int)err);
        rc = 1;
    }

    /* Apply directory modes and times deepest-first (reverse traversal order). */
    for (size_t i = dirs.count; i-- > 0;) {
        chmod(dirs.items[i].path, dirs.items[i].mode);
        struct timespec ts[2] = {dirs.items[i].mtime, dirs.items[i].mtime};
        utimensat(AT_FDCWD, dirs.items[i].path, ts, AT_SYMLINK_NOFOLLOW);
    }

done:
    for (size_t i = 0; i < dirs.count; ++i)
        free(dirs.items[i].path);
    free(dirs.items);
    if (trv_open)
        sqfs_traverse_close(&trv);
    free(buf);
    sqfs_destroy(&fs);
    close(fd);
    return rc;
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)ftw;
    (void)st;
    if (flag == FTW_DP)
        rmdir(path);
    else
        unlink(path);
    return 0; /* keep going; leftovers are reported by the caller */
}

static int chmod_dirs_writable(const char *path, const struct stat *st, int flag,
                               struct FTW *ftw)
{
    (void)ftw;
    if (flag == FTW_D && st)
        chmod(path, (st->st_mode & 07777) | 0700);
    return 0;
}

static void remove_tree(const char *path)
{
    /* Directories may have been extracted read-only; make them writable. */
    nftw(path, chmod_dirs_writable, 32, FTW_PHYS);
    nftw(path, rm_entry, 32, FTW_PHYS | FTW_DEPTH);
    if (access(path, F_OK) == 0)
        errmsg("could not remove %s completely", path);
}

/* ------------------------------------------------------------------ */
/* FUSE mounting                                                       */

static struct fuse_session *g_session = NULL;

static void fuse_child_term(int sig)
{
    (void)sig;
    if (g_session)
        fuse_session_exit(g_session);
}

static int is_mountpoint(const char *path)
{
    char parent[PATH_MAX];
    struct stat a, b;
    if (snprintf(parent, sizeof(parent), "%s/..", path) >= (int)sizeof(parent))
        return 0;
    if (stat(path, &a) != 0) {
        /* A dead FUSE server makes stat fail with ENOTCONN: still mounted. */
        return errno == ENOTCONN || errno == ECONNABORTED;
    }
    if (stat(parent, &b) != 0)
        return 0;
    return a.st_dev != b.st_dev;
}

static void force_unmount(const char *mnt)
{
    if (!is_mountpoint(mnt))
        return;
    if (umount2(mnt, MNT_DETACH) == 0)
        return;
    pid_t pid = fork();
    if (pid == 0) {
        int devnull = open("/dev/null", O_RDWR);
        if (devnull >= 0) {
            dup2(devnull, 1);
            dup2(devnull, 2);
        }
        execlp("fusermount3", "fusermount3", "-u", "-z", "--", mnt, (char *)NULL);
        execlp("fusermount", "fusermount", "-u", "-z", "--", mnt, (char *)NULL);
        _exit(127);
    }
    if (pid > 0) {
        int st;
        while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
        }
    }
}

/* Child side: mount and serve until told to stop. Never returns. */
static void fuse_child(const char *image, off_t offset, const char *mnt, int ready_fd,
                       pid_t parent)
{
    /* Stay alive through terminal signals; stop on SIGTERM or parent death. */
    setpgid(0, 0);
    signal(SIGINT, SIG_IGN);
    signal(SIGHUP, SIG_IGN);
    signal(SIGQUIT, SIG_IGN);
    signal(SIGPIPE, SIG_IGN);
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = fuse_child_term;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != parent)
        _exit(1);

    char reason[512] = "";

    /* Capture what libfuse / fusermount3 print, to report it in one line. */
    int errpipe[2] = {-1, -1};
    int saved_stderr = dup(2);
    if (pipe2(errpipe, O_CLOEXEC) == 0) {
        fcntl(errpipe[0], F_SETFL, O_NONBLOCK);
        dup2(errpipe[1], 2);
    }

    sqfs_ll *ll = NULL;
    sqfs_ll_chan ch;
    memset(&ch, 0, sizeof(ch));
    int mounted = 0;

    if (access("/dev/fuse", R_OK | W_OK) != 0) {
        snprintf(reason, sizeof(reason), "/dev/fuse: %s", strerror(errno));
    } else if (!(ll = sqfs_ll_open(image, (size_t)offset))) {
        snprintf(reason, sizeof(reason), "no squashfs image found at offset %lld",
                 (long long)offset);
    } else {
        struct fuse_lowlevel_ops ops;
        memset(&ops, 0, sizeof(ops));
        ops.getattr = sqfs_ll_op_getattr;
        ops.opendir = sqfs_ll_op_opendir;
        ops.releasedir = sqfs_ll_op_releasedir;
        ops.readdir = sqfs_ll_op_readdir;
        ops.lookup = sqfs_ll_op_lookup;
        ops.open = sqfs_ll_op_open;
        ops.create = sqfs_ll_op_create;
        ops.release = sqfs_ll_op_release;
        ops.read = sqfs_ll_op_read;
        ops.readlink = sqfs_ll_op_readlink;
        ops.listxattr = sqfs_ll_op_listxattr;
        ops.getxattr = sqfs_ll_op_getxattr;
        ops.forget = sqfs_ll_op_forget;
        ops.statfs = stfs_ll_op_statfs;

        char fsname[] = "ro,nodev,fsname=faultline-appimage,subtype=faultline";
        char *fargv[] = {(char *)PROG, (char *)"-o", fsname, NULL};
        struct fuse_args args = FUSE_ARGS_INIT(3, fargv);
        if (sqfs_ll_mount(&ch, mnt, &args, &ops, sizeof(ops), ll) == SQFS_OK) {
            mounted = 1;
            g_session = ch.session;
        }
    }

    if (errpipe[1] >= 0) {
        dup2(saved_stderr, 2);
        close(errpipe[1]);
        if (!mounted && !reason[0]) {
            char captured[512];
            ssize_t n = read(errpipe[0], captured, sizeof(captured) - 1);
            if (n > 0) {
                captured[n] = '\0';
                char *nl = strchr(captured, '\n');
                if (nl)
                    *nl = '\0';
                snprintf(reason, sizeof(reason), "%s", captured);
            }
        }
        close(errpipe[0]);
    }
    if (saved_stderr >= 0)
        close(saved_stderr);

    if (!mounted) {
        if (!reason[0])
            snprintf(reason, sizeof(reason), "mount failed");
        char msg[520];
        int len = snprintf(msg, sizeof(msg), "E%s", reason);
        write_full(ready_fd, msg, (size_t)len);
        close(ready_fd);
        if (ll) {
            sqfs_ll_destroy(ll);
            free(ll);
        }
        _exit(1);
    }

    write_full(ready_fd, "O", 1);
    close(ready_fd);

    /* Detach stdio so the child does not keep pipes of the caller open. */
    int devnull = open("/dev/null", O_RDWR);
    if (devnull >= 0) {
        dup2(devnull, 0);
        dup2(devnull, 1);
        close(devnull);
    }

    fuse_session_loop(ch.session);
    g_session = NULL;
    sqfs_ll_unmount(&ch, mnt);
    sqfs_ll_destroy(ll);
    free(ll);
    _exit(0);
}

typedef struct {
    pid_t pid;
    char mnt[PATH_MAX];
} fuse_mount_state;

static void make_temp_template(char *out, size_t outsize, const char *prefix,
                               const char *appimage)
{
    const char *tmp = getenv("TMPDIR");
    if (!tmp || !*tmp || access(tmp, W_OK) != 0)
        tmp = "/tmp";
    const char *base = strrchr(appimage, '/');
    base = base ? base + 1 : appimage;
    char tag[7];
    size_t i = 0;
    for (; i < 6 && base[i]; ++i) {
        char c = base[i];
        int alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                    (c >= '0' && c <= '9');
        tag[i] = alnum ? c : '_';
    }
    tag[i] = '\0';
    snprintf(out, outsize, "%s/%s%sXXXXXX", tmp, prefix, tag);
}

/* Returns 0 when mounted; on failure prints the one-line message and
 * cleans up everything (temp dir included). */
static int mount_image(const char *image, off_t offset, fuse_mount_state *st)
{
    make_temp_template(st->mnt, sizeof(st->mnt), ".mount_", image);
    if (!mkdtemp(st->mnt)) {
        errmsg("cannot create a mount point in %s: %s", st->mnt, strerror(errno));
        return -1;
    }

    int pfd[2];
    if (pipe2(pfd, O_CLOEXEC) != 0) {
        errmsg("pipe failed: %s", strerror(errno));
        rmdir(st->mnt);
        return -1;
    }
    fflush(NULL);
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0) {
        errmsg("fork failed: %s", strerror(errno));
        close(pfd[0]);
        close(pfd[1]);
        rmdir(st->mnt);
        return -1;
    }
    if (pid == 0) {
        close(pfd[0]);
        fuse_child(image, offset, st->mnt, pfd[1], parent);
    }
    close(pfd[1]);
    st->pid = pid;

    char msg[600];
    size_t have = 0;
    for (;;) {
        ssize_t n = read(pfd[0], msg + have, sizeof(msg) - 1 - have);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        have += (size_t)n;
        if (msg[0] == 'O' || have >= sizeof(msg) - 1)
            break;
    }
    close(pfd[0]);
    msg[have] = '\0';

    if (have > 0 && msg[0] == 'O')
        return 0;

    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    force_unmount(st->mnt);
    rmdir(st->mnt);
    errmsg("cannot mount the AppImage with FUSE (%s); run it with "
           "--appimage-extract-and-run or set APPIMAGE_EXTRACT_AND_RUN=1",
           have > 1 ? msg + 1 : "the FUSE server exited unexpectedly");
    return -1;
}

static void unmount_image(fuse_mount_state *st)
{
    if (st->pid > 0) {
        kill(st->pid, SIGTERM);
        int status;
        int waited = 0;
        /* Give the server up to ~2 s to unmount by itself. */
        for (int i = 0; i < 200; ++i) {
            pid_t r = waitpid(st->pid, &status, WNOHANG);
            if (r == st->pid || (r < 0 && errno != EINTR)) {
                waited = 1;
                break;
            }
            struct timespec ts = {0, 10 * 1000 * 1000};
            nanosleep(&ts, NULL);
        }
        if (!waited) {
            /* Unmounting makes the server's read of /dev/fuse fail: it exits. */
            force_unmount(st->mnt);
            for (int i = 0; i < 200 && !waited; ++i) {
                pid_t r = waitpid(st->pid, &status, WNOHANG);
                if (r == st->pid || (r < 0 && errno != EINTR))
                    waited = 1;
                else {
                    struct timespec ts = {0, 10 * 1000 * 1000};
                    nanosleep(&ts, NULL);
                }
            }
            if (!waited) {
                kill(st->pid, SIGKILL);
                while (waitpid(st->pid, &status, 0) < 0 && errno == EINTR) {
                }
            }
        }
        st->pid = 0;
    }
    force_unmount(st->mnt);
    rmdir(st->mnt);
}

/* ------------------------------------------------------------------ */
/* Main                                                                */

static void print_help(const char *argv0)
{
    printf("Faultline AppImage runtime %s (AppImage type 2)\n\n"
           "Usage: %s [--appimage-OPTION] [ARGS...]\n\n"
           "Without an --appimage- option the AppImage is mounted with FUSE and its\n"
           "AppRun is started with ARGS.\n\n"
           "Options (only recognised as the first argument):\n"
           "  --appimage-extract [PATTERN]  extract the contents into ./squashfs-root\n"
           "                                (only paths matching the fnmatch PATTERN)\n"
           "  --appimage-extract-and-run    extract into a temporary directory, run\n"
           "                                AppRun, then delete it (NO_CLEANUP=1 keeps it)\n"
           "  --appimage-mount              mount, print the mount point, wait until\n"
           "                                interrupted\n"
           "  --appimage-offset             print the offset of the squashfs image\n"
           "  --appimage-updateinformation  print the update information (.upd_info)\n"
           "  --appimage-version            print the runtime version\n"
           "  --appimage-help               print this help\n\n"
           "Environment: APPIMAGE_EXTRACT_AND_RUN=1 behaves like\n"
           "--appimage-extract-and-run; TARGET_APPIMAGE names the AppImage file to use\n"
           "instead of this executable. AppRun gets APPIMAGE, APPDIR, ARGV0 and OWD.\n",
           FAULTLINE_RUNTIME_VERSION, argv0);
}

static int do_extract_and_run(const char *image, off_t offset, const run_env *env,
                              int argc, char **argv)
{
    char dir[PATH_MAX];
    make_temp_template(dir, sizeof(dir), "appimage_extracted_", image);
    install_forwarding();
    if (!mkdtemp(dir)) {
        errmsg("cannot create a temporary directory %s: %s", dir, strerror(errno));
        return 1;
    }
    int rc;
    if (extract_image(image, offset, dir, NULL, 1) != 0) {
        rc = 1;
    } else {
        rc = run_apprun(dir, env, argc, argv);
    }
    if (env_is_true("NO_CLEANUP"))
        fprintf(stderr, PROG ": NO_CLEANUP set, keeping %s\n", dir);
    else
        remove_tree(dir);
    return rc;
}

int main(int argc, char **argv)
{
    char self[PATH_MAX];
    const char *target = getenv("TARGET_APPIMAGE");
    if (target && *target) {
        if (!realpath(target, self)) {
            errmsg("cannot resolve TARGET_APPIMAGE=%s: %s", target, strerror(errno));
            return 1;
        }
    } else {
        ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
        if (n <= 0) {
            errmsg("cannot read /proc/self/exe: %s", strerror(errno));
            return 1;
        }
        self[n] = '\0';
    }

    char owd[PATH_MAX];
    if (!getcwd(owd, sizeof(owd)))
        owd[0] = '\0';

    const char *arg1 = argc > 1 ? argv[1] : "";

    if (strcmp(arg1, "--appimage-help") == 0) {
        print_help(argv[0]);
        return 0;
    }
    if (strcmp(arg1, "--appimage-version") == 0) {
        printf("Faultline AppImage runtime %s (type 2)\n", FAULTLINE_RUNTIME_VERSION);
        return 0;
    }
    if (strcmp(arg1, "--appimage-updateinformation") == 0 ||
        strcmp(arg1, "--appimage-updateinfo") == 0)
        return print_section_string(self, ".upd_info");

    off_t offset = elf_size(self);
    if (offset <= 0) {
        errmsg("%s is not a 32/64-bit ELF file with section headers", self);
        return 1;
    }
    if (strcmp(arg1, "--appimage-offset") == 0) {
        printf("%lld\n", (long long)offset);
        return 0;
    }
    if (strncmp(arg1, "--appimage-extract", 18) == 0 && arg1[18] == '\0') {
        const char *pattern = argc > 2 ? argv[2] : NULL;
        return extract_image(self, offset, "squashfs-root", pattern, 0);
    }

    run_env env = {self, argv[0], owd};

    if (strcmp(arg1, "--appimage-extract-and-run") == 0)
        return do_extract_and_run(self, offset, &env, argc - 2, argv + 2);
    if (env_is_true("APPIMAGE_EXTRACT_AND_RUN"))
        return do_extract_and_run(self, offset, &env, argc - 1, argv + 1);

    if (strncmp(arg1, "--appimage-", 11) == 0 && strcmp(arg1, "--appimage-mount") != 0) {
        errmsg("unknown option %s (see --appimage-help)", arg1);
        return 1;
    }

    /* Check the payload here, so a broken image is not reported as a FUSE problem. */
    {
        sqfs fs;
        int fd;
        if (open_squashfs(&fs, self, offset, &fd) != 0)
            return 1;
        sqfs_destroy(&fs);
        close(fd);
    }

    install_forwarding();
    fuse_mount_state st;
    memset(&st, 0, sizeof(st));
    if (mount_image(self, offset, &st) != 0)
        return 1;

    int rc;
    if (strcmp(arg1, "--appimage-mount") == 0) {
        printf("%s\n", st.mnt);
        fflush(stdout);
        sigset_t block, old;
        sigemptyset(&block);
        for (size_t i = 0; i < sizeof(g_forwarded) / sizeof(g_forwarded[0]); ++i)
            sigaddset(&block, g_forwarded[i]);
        sigprocmask(SIG_BLOCK, &block, &old);
        while (!g_got_signal)
            sigsuspend(&old);
        sigprocmask(SIG_SETMASK, &old, NULL);
        rc = 0;
    } else {
        rc = run_apprun(st.mnt, &env, argc - 1, argv + 1);
    }
    unmount_image(&st);
    return rc;
}
