/* The benchmark's instant stand-in for cc, ar and ranlib (one binary, chosen by argv[0]), so a complete tree of
 * tens of thousands of objects costs seconds: a compile of a synthetic source (one whose first line carries the
 * marker) writes a small object and a correct depfile; a link of such objects writes a small file; anything else
 * (compiler probes by CMake, Meson and pogogen, version queries) runs the real tool, so configure steps work. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MARKER "/* pogogen-bench synthetic source */"
#define FAKE_OBJ "FAKEOBJ\n"
#define REAL_CC "/usr/bin/gcc"
#define REAL_AR "/usr/bin/ar"
#define REAL_RANLIB "/usr/bin/ranlib"

static void die(const char *what, const char *arg) {
  fprintf(stderr, "fake tool: %s %s: %s\n", what, arg ? arg : "", strerror(errno));
  exit(1);
}

static void real(const char *tool, char **argv) {
  argv[0] = (char *)tool;
  execv(tool, argv);
  die("cannot run", tool);
}

static int starts_with_file(const char *path, const char *prefix) {
  char buf[64];
  size_t n = strlen(prefix);
  int fd = open(path, O_RDONLY);
  if (fd < 0) return 0;
  ssize_t got = read(fd, buf, n);
  close(fd);
  return got == (ssize_t)n && memcmp(buf, prefix, n) == 0;
}

static void write_file(const char *path, const char *text) {
  FILE *f = fopen(path, "w");
  if (!f) die("cannot write", path);
  fputs(text, f);
  if (fclose(f) != 0) die("cannot write", path);
}

/* ---- growable string lists ---- */
struct list { char **v; int n, cap; };
static void push(struct list *l, const char *s) {
  if (l->n == l->cap) {
    l->cap = l->cap ? l->cap * 2 : 16;
    l->v = realloc(l->v, sizeof(char *) * (size_t)l->cap);
    if (!l->v) die("out of memory", "");
  }
  l->v[l->n++] = strdup(s);
}
static int contains(const struct list *l, const char *s) {
  for (int i = 0; i < l->n; i++)
    if (strcmp(l->v[i], s) == 0) return 1;
  return 0;
}

static struct list quote_dirs, include_dirs, headers;

static int exists(const char *p) {
  struct stat st;
  return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

/* Joins dir and name the way gcc spells the path it found ("dir/name", or "name" for an empty dir). */
static char *join(const char *dir, const char *name) {
  size_t a = strlen(dir), b = strlen(name);
  char *p = malloc(a + b + 2);
  if (!p) die("out of memory", "");
  if (a == 0) {
    memcpy(p, name, b + 1);
  } else {
    memcpy(p, dir, a);
    p[a] = '/';
    memcpy(p + a + 1, name, b + 1);
  }
  return p;
}

static char *dir_of(const char *path) {
  const char *slash = strrchr(path, '/');
  if (!slash) return strdup("");
  size_t n = (size_t)(slash - path);
  char *d = malloc(n + 1);
  memcpy(d, path, n);
  d[n] = 0;
  return d;
}

/* Records every header `file` includes, recursively, as gcc's -MMD would (headers not found are system headers). */
static void scan(const char *file) {
  FILE *f = fopen(file, "r");
  if (!f) return;
  char *cur = dir_of(file);
  char line[4096];
  while (fgets(line, sizeof line, f)) {
    char *p = line;
    while (*p == ' ' || *p == '\t') p++;
    if (*p != '#') continue;
    p++;
    while (*p == ' ' || *p == '\t') p++;
    if (strncmp(p, "include", 7) != 0) continue;
    p += 7;
    while (*p == ' ' || *p == '\t') p++;
    char close;
    if (*p == '"') close = '"';
    else if (*p == '<') close = '>';
    else continue;
    char *name = ++p;
    char *end = strchr(name, close);
    if (!end) continue;
    *end = 0;
    char *found = NULL;
    if (close == '"') {
      char *c = join(cur, name);
      if (exists(c)) found = c; else free(c);
      for (int i = 0; !found && i < quote_dirs.n; i++) {
        c = join(quote_dirs.v[i], name);
        if (exists(c)) found = c; else free(c);
      }
    }
    for (int i = 0; !found && i < include_dirs.n; i++) {
      char *c = join(include_dirs.v[i], name);
      if (exists(c)) found = c; else free(c);
    }
    if (found && !contains(&headers, found)) {
      push(&headers, found);
      scan(found);
    }
    free(found);
  }
  free(cur);
  fclose(f);
}

static void put_path(FILE *f, const char *p) {
  for (; *p; p++) {
    if (*p == ' ' || *p == '#') fputc('\\', f);
    if (*p == '$') fputc('$', f);
    fputc(*p, f);
  }
}

static int ends_with(const char *s, const char *suffix) {
  size_t a = strlen(s), b = strlen(suffix);
  return a >= b && strcmp(s + a - b, suffix) == 0;
}

/* A value given either attached ("-Ifoo") or as the next argument ("-I foo"). */
static const char *value(int argc, char **argv, int *i, const char *opt) {
  size_t n = strlen(opt);
  if (strncmp(argv[*i], opt, n) != 0) return NULL;
  if (argv[*i][n]) return argv[*i] + n;
  if (*i + 1 < argc) return argv[++*i];
  return NULL;
}

/* argv with @response files expanded (whitespace-separated words, quotes honoured). */
static void expand(int argc, char **argv, struct list *out) {
  for (int i = 0; i < argc; i++) {
    if (argv[i][0] != '@') {
      push(out, argv[i]);
      continue;
    }
    FILE *f = fopen(argv[i] + 1, "r");
    if (!f) {
      push(out, argv[i]);
      continue;
    }
    char word[8192];
    size_t n = 0;
    int c, q = 0, any = 0;
    while ((c = fgetc(f)) != EOF) {
      if (q) {
        if (c == q) q = 0;
        else if (n < sizeof word - 1) word[n++] = (char)c;
      } else if (c == '"' || c == '\'') {
        q = c;
        any = 1;
      } else if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        if (n || any) {
          word[n] = 0;
          push(out, word);
        }
        n = 0;
        any = 0;
      } else if (n < sizeof word - 1) {
        word[n++] = (char)c;
      }
    }
    if (n || any) {
      word[n] = 0;
      push(out, word);
    }
    fclose(f);
  }
}

static int cc(int real_argc, char **real_argv) {
  struct list all = {0};
  expand(real_argc, real_argv, &all);
  int argc = all.n;
  char **argv = all.v;
  int compile = 0, md = 0, mp = 0;
  const char *out = NULL, *depfile = NULL, *src = NULL;
  struct list targets = {0}, inputs = {0};
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i], *v;
    if (strcmp(a, "-c") == 0) compile = 1;
    else if (strcmp(a, "-MD") == 0 || strcmp(a, "-MMD") == 0) md = 1;
    else if (strcmp(a, "-MP") == 0) mp = 1;
    else if ((v = value(argc, argv, &i, "-MF"))) depfile = v;
    else if ((v = value(argc, argv, &i, "-MT")) || (v = value(argc, argv, &i, "-MQ"))) push(&targets, v);
    else if ((v = value(argc, argv, &i, "-iquote"))) push(&quote_dirs, v);
    else if ((v = value(argc, argv, &i, "-isystem"))) push(&include_dirs, v);
    else if ((v = value(argc, argv, &i, "-I"))) push(&include_dirs, v);
    else if (strcmp(a, "-o") == 0 && i + 1 < argc) out = argv[++i];
    else if (strncmp(a, "-o", 2) == 0 && a[2]) out = a + 2;
    else if (strcmp(a, "-x") == 0 || strcmp(a, "-include") == 0 || strcmp(a, "-D") == 0 || strcmp(a, "-U") == 0) i++;
    else if (a[0] != '-') {
      push(&inputs, a);
      if (ends_with(a, ".c")) src = a;
    }
  }
  if (compile) {
    if (!src || !out || !starts_with_file(src, MARKER)) real(REAL_CC, real_argv);
    write_file(out, FAKE_OBJ);
    if (md) {
      char *d = NULL;
      if (!depfile) {
        /* gcc: -MD without -MF writes the object's name with .d for its suffix */
        d = strdup(out);
        char *dot = strrchr(d, '.');
        if (dot && !strchr(dot, '/')) *dot = 0;
        d = realloc(d, strlen(d) + 3);
        strcat(d, ".d");
        depfile = d;
      }
      scan(src);
      FILE *f = fopen(depfile, "w");
      if (!f) die("cannot write", depfile);
      if (targets.n == 0) put_path(f, out);
      for (int i = 0; i < targets.n; i++) {
        if (i) fputc(' ', f);
        put_path(f, targets.v[i]);
      }
      fputs(": ", f);
      put_path(f, src);
      for (int i = 0; i < headers.n; i++) {
        fputs(" \\\n ", f);
        put_path(f, headers.v[i]);
      }
      fputc('\n', f);
      if (mp)
        for (int i = 0; i < headers.n; i++) {
          fputc('\n', f);
          put_path(f, headers.v[i]);
          fputs(":\n", f);
        }
      if (fclose(f) != 0) die("cannot write", depfile);
      free(d);
    }
    return 0;
  }
  /* A link: fake when it links our objects. */
  if (out)
    for (int i = 0; i < inputs.n; i++)
      if ((ends_with(inputs.v[i], ".o") || ends_with(inputs.v[i], ".a")) &&
          (starts_with_file(inputs.v[i], FAKE_OBJ) || starts_with_file(inputs.v[i], "!<arch>\nFAKEAR"))) {
        write_file(out, "FAKEEXE\n");
        return 0;
      }
  real(REAL_CC, real_argv);
  return 1;
}

static int ar(int argc, char **argv) {
  for (int i = 1; i < argc; i++)
    if (strcmp(argv[i], "--version") == 0 || strcmp(argv[i], "-V") == 0 || strcmp(argv[i], "--help") == 0) real(REAL_AR, argv);
  /* ar [-]OPS [--plugin P] ARCHIVE MEMBERS...: the first argument ending in .a after the operations */
  for (int i = 2; i < argc; i++)
    if (ends_with(argv[i], ".a")) {
      write_file(argv[i], "!<arch>\nFAKEAR\n");
      return 0;
    }
  real(REAL_AR, argv);
  return 1;
}

int main(int argc, char **argv) {
  const char *self = strrchr(argv[0], '/');
  self = self ? self + 1 : argv[0];
  if (strcmp(self, "ar") == 0 || ends_with(self, "-ar")) return ar(argc, argv);
  if (strcmp(self, "ranlib") == 0 || ends_with(self, "-ranlib")) {
    for (int i = 1; i < argc; i++)
      if (strcmp(argv[i], "--version") == 0 || strcmp(argv[i], "-V") == 0) real(REAL_RANLIB, argv);
    return 0;
  }
  return cc(argc, argv);
}
