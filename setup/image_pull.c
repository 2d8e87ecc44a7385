#include <archive.h>
#include <archive_entry.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "file.h"
#include "image_pull.h"
#include "store.h"
#include "tree_remove.h"

#define REF_NAME "org.opencontainers.image.ref.name"

static const char *const transports[] = { "docker://", "oci:", "oci-archive:",
                                          "docker-archive:" };

int
image_is_transport(const char *ref)
{
	size_t i;

	for (i = 0; i < sizeof transports / sizeof transports[0]; i++)
		if (strncmp(ref, transports[i], strlen(transports[i])) == 0)
			return 1;
	return 0;
}

/* A name as the OCI distribution grammar has them, roughly: a host
 * (letters, digits, '.', '-', a ':PORT'), path components of [a-z0-9]
 * joined by '.', '_', '__' or '-', then ":TAG" ([A-Za-z0-9_][A-Za-z0-9_.-]
 * up to 128) or "@sha256:HEX". The last component is not a run of 12 hex
 * digits or more: it would read as an image's id. */
static int
valid_name(const char *name)
{
	const char *p = name, *slash = strchr(name, '/'), *last, *tag;
	size_t n, hex;

	if (strlen(name) > 255 || !slash)
		return 0;
	for (; p < slash; p++) /* the host */
		if (!(isalnum((unsigned char)*p) || *p == '.' || *p == '-' || *p == ':'))
			return 0;
	if (slash == name)
		return 0;
	last = strrchr(name, '/') + 1;
	tag = last + strcspn(last, ":@");
	for (p = slash + 1; p < tag; p++) {
		int sep = *p == '.' || *p == '_' || *p == '-' || *p == '/';
		if (!(islower((unsigned char)*p) || isdigit((unsigned char)*p) || sep))
			return 0;
		if (sep && (p == slash + 1 || p[1] == '/' || p + 1 == tag || p[-1] == '/' ||
		            (p[-1] == '.' || p[-1] == '-')))
			return 0;
	}
	n = (size_t)(tag - last);
	hex = strspn(last, "0123456789abcdef");
	if (n == 0 || (hex == n && n >= 12))
		return 0;
	if (*tag == '@')
		return strncmp(tag, "@sha256:", 8) == 0 && strspn(tag + 8, "0123456789abcdef") == 64 &&
		       !tag[72];
	if (*tag != ':' || !tag[1] || strlen(tag + 1) > 128 || tag[1] == '.' || tag[1] == '-')
		return 0;
	for (p = tag + 1; *p; p++)
		if (!(isalnum((unsigned char)*p) || *p == '_' || *p == '.' || *p == '-'))
			return 0;
	return 1;
}

/* An archive's or layout's image name in the store: localhost/NAME:TAG,
 * a registry host it names replaced (docker.io/library/busybox:1 is
 * localhost/busybox:1), ":latest" added when it has no tag. */
static void
local_name(const char *name, char *out, size_t size)
{
	const char *slash = strchr(name, '/');
	size_t first = slash ? (size_t)(slash - name) : 0;
	char full[300];

	if (slash && (memchr(name, '.', first) || memchr(name, ':', first) ||
	              (first == 9 && strncmp(name, "localhost", 9) == 0))) {
		name = slash + 1;
		if (first == 9 && strncmp(name - 10, "docker.io", 9) == 0 &&
		    strncmp(name, "library/", 8) == 0)
			name += 8;
	}
	snprintf(full, sizeof full, "localhost/%s", name);
	image_name_normal(full, out, size);
}

/* A registry name as Docker reads it: busybox is docker.io/library/busybox */
static void
registry_name(const char *name, char *out, size_t size)
{
	const char *slash = strchr(name, '/');
	size_t first = slash ? (size_t)(slash - name) : 0;
	char full[300];

	if (!slash)
		snprintf(full, sizeof full, "docker.io/library/%s", name);
	else if (memchr(name, '.', first) || memchr(name, ':', first) ||
	         (first == 9 && strncmp(name, "localhost", 9) == 0))
		snprintf(full, sizeof full, "%s", name);
	else
		snprintf(full, sizeof full, "docker.io/%s", name);
	image_name_normal(full, out, size);
}

/* a file's or directory's name as an image name: lowercase, [a-z0-9._-] */
static void
base_name(const char *path, char *out, size_t size)
{
	static const char *const suffixes[] = { ".tar.gz", ".tgz", ".tar", ".oci" };
	char buf[PATH_MAX], *b, *e;
	size_t i, n = 0;

	snprintf(buf, sizeof buf, "%s", path);
	while ((e = strrchr(buf, '/')) && !e[1] && e != buf)
		*e = 0;
	b = (e = strrchr(buf, '/')) ? e + 1 : buf;
	for (i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
		size_t l = strlen(b), s = strlen(suffixes[i]);
		if (l > s && strcmp(b + l - s, suffixes[i]) == 0)
			b[l - s] = 0;
	}
	if ((strcmp(b, "oci") == 0 || strcmp(b, "layout") == 0) && b != buf) {
		b[-1] = 0; /* build/images/busybox/oci: busybox */
		b = (e = strrchr(buf, '/')) ? e + 1 : buf;
	}
	for (; *b && n + 1 < size; b++) {
		char c = (char)tolower((unsigned char)*b);
		out[n++] = (isalnum((unsigned char)c) || c == '.' || c == '_' || c == '-') ? c : '-';
	}
	out[n] = 0;
	if (!n)
		snprintf(out, size, "image");
}

/* The member of a tar archive (index.json, manifest.json) read whole */
static char *
archive_member(const char *file, const char *member)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	char *text = NULL;

	if (!a)
		return NULL;
	archive_read_support_filter_gzip(a);
	archive_read_support_filter_zstd(a);
	archive_read_support_format_tar(a);
	if (archive_read_open_filename(a, file, 1 << 16) != ARCHIVE_OK)
		goto out;
	while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
		const char *name = archive_entry_pathname(e);
		la_int64_t size = archive_entry_size(e);
		if (strncmp(name, "./", 2) == 0)
			name += 2;
		if (strcmp(name, member) != 0)
			continue;
		if (size < 0 || size > (4 << 20) || !(text = malloc((size_t)size + 1)))
			break;
		if (archive_read_data(a, text, (size_t)size) != size) {
			free(text);
			text = NULL;
			break;
		}
		text[size] = 0;
		break;
	}
out:
	archive_read_free(a);
	return text;
}

/* The name an OCI index's manifest gives (tag: the one wanted, or NULL
 * for its only one), as out; "" if none. */
static void
oci_index_name(const char *index_text, const char *tag, const char *base, char *out,
               size_t size)
{
	json_t *j = index_text ? json_loads(index_text, 0, NULL) : NULL, *m;
	const char *ann = NULL;
	char name[300];
	size_t i;

	out[0] = 0;
	json_array_foreach(json_object_get(j, "manifests"), i, m) {
		const char *r = json_string_value(json_object_get(json_object_get(m, "annotations"),
		                                                  REF_NAME));
		if (!tag || (r && strcmp(r, tag) == 0)) {
			ann = r;
			if (tag || json_array_size(json_object_get(j, "manifests")) == 1)
				break;
			ann = NULL;
		}
	}
	if (ann && (strchr(ann, '/') || strchr(ann, ':'))) {
		local_name(ann, out, size);
	} else {
		snprintf(name, sizeof name, "%s:%s", base, ann ? ann : tag ? tag : "latest");
		local_name(name, out, size);
	}
	json_decref(j);
}

static int store_name_of(const char *ref, char *out, size_t size, char *why, size_t wsize);

int
image_store_name(const char *ref, char *out, size_t size, char *why, size_t wsize)
{
	char base[128], name[300];
	const char *rest = strchr(ref, ':') + 1;

	if (store_name_of(ref, out, size, why, wsize) < 0)
		return -1;
	if (valid_name(out))
		return 0;
	if (strncmp(ref, "docker://", 9) == 0) {
		snprintf(why, wsize, "'%s': not an image name (HOST/NAME:TAG, lowercase)", ref);
		return -1;
	}
	/* what the archive or layout calls itself is not a name: its file's */
	snprintf(name, sizeof name, "%.*s", (int)strcspn(rest, ":"), rest);
	base_name(name, base, sizeof base);
	snprintf(name, sizeof name, "localhost/%s:latest", base);
	if (!valid_name(name))
		snprintf(name, sizeof name, "localhost/image:latest");
	snprintf(out, size, "%s", name);
	return 0;
}

static int
store_name_of(const char *ref, char *out, size_t size, char *why, size_t wsize)
{
	char path[PATH_MAX], base[128], *tag, *text = NULL;
	const char *rest;

	if (strncmp(ref, "docker://", 9) == 0) {
		rest = ref + 9;
		if (!*rest || strstr(rest, "//")) {
			snprintf(why, wsize, "'%s': expected docker://HOST/NAME:TAG", ref);
			return -1;
		}
		registry_name(rest, out, size);
		return 0;
	}
	rest = strchr(ref, ':') + 1;
	snprintf(path, sizeof path, "%s", rest);
	/* PATH[:TAG] (docker-archive: PATH[:NAME:TAG]): at the first ':', as skopeo */
	if ((tag = strchr(path, ':')))
		*tag++ = 0;
	if (!path[0]) {
		snprintf(why, wsize, "'%s': no path", ref);
		return -1;
	}
	base_name(path, base, sizeof base);
	if (strncmp(ref, "docker-archive:", 15) == 0) {
		json_t *j, *tags;
		if (tag && tag[0] != '@') {
			local_name(tag, out, size);
			return 0;
		}
		text = archive_member(path, "manifest.json");
		j = text ? json_loads(text, 0, NULL) : NULL;
		tags = json_object_get(json_array_get(j, 0), "RepoTags");
		if (json_is_string(json_array_get(tags, 0))) {
			local_name(json_string_value(json_array_get(tags, 0)), out, size);
		} else {
			char name[200];
			snprintf(name, sizeof name, "%s:latest", base);
			local_name(name, out, size);
		}
		json_decref(j);
	} else {
		if (strncmp(ref, "oci:", 4) == 0) {
			char index[PATH_MAX + 16];
			static char buf[1 << 20];
			snprintf(index, sizeof index, "%s/index.json", path);
			text = file_read(NULL, index, buf, sizeof buf) > 0 ? strdup(buf) : NULL;
		} else {
			text = archive_member(path, "index.json");
		}
		if (!text) {
			snprintf(why, wsize, "'%s': %s has no index.json: not an OCI %s", ref, path,
			         ref[3] == ':' ? "layout" : "archive");
			return -1;
		}
		oci_index_name(text, tag, base, out, size);
	}
	free(text);
	return 0;
}

/* skopeo's complaint: msg="..." of its last line, else the line */
static void
skopeo_said(int fd, char *out, size_t size)
{
	char buf[8192], *line, *p, *end;
	ssize_t n = pread(fd, buf, sizeof buf - 1, 0);

	buf[n > 0 ? n : 0] = 0;
	while (n > 0 && buf[n - 1] == '\n')
		buf[--n] = 0;
	line = (p = strrchr(buf, '\n')) ? p + 1 : buf;
	if ((p = strstr(line, "msg=\"")) && (end = strrchr(p + 5, '"'))) {
		*end = 0;
		line = p + 5;
	}
	for (p = end = line; *p; p++) /* its \" as " */
		if (!(p[0] == '\\' && p[1] == '"'))
			*end++ = *p;
	*end = 0;
	snprintf(out, size, "%.*s%s", (int)size - 64, line[0] ? line : "it failed",
	         strstr(line, "HTTP response to HTTPS client") ?
	         " (a registry over plain HTTP: --tls-verify=false)" : "");
}

static int
run_skopeo(char **argv, int quiet, char *why, size_t size)
{
	int err = -1, status;
	int show = !quiet && isatty(2);
	pid_t pid;

	if (!show && (err = memfd_create("skopeo", MFD_CLOEXEC)) < 0) {
		snprintf(why, size, "cannot make a memory file: %s", strerror(errno));
		return -1;
	}
	if ((pid = fork()) < 0) {
		snprintf(why, size, "cannot start skopeo: %s", strerror(errno));
		if (err >= 0)
			close(err);
		return -1;
	}
	if (pid == 0) {
		sigset_t none;
		int i, null = open("/dev/null", O_RDWR | O_CLOEXEC);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		for (i = 1; i < 65; i++)
			signal(i, SIG_DFL);
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		if (null >= 0) {
			dup2(null, 0);
			dup2(show ? 2 : null, 1);
		}
		if (err >= 0)
			dup2(err, 2);
		execvp(argv[0], argv);
		dprintf(2, errno == ENOENT ? "skopeo: not found: images are moved with it (Debian "
		        "package skopeo)\n" : "skopeo: cannot run it: %s\n", strerror(errno));
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		if (err >= 0)
			close(err);
		return 0;
	}
	if (err >= 0) {
		skopeo_said(err, why, size);
		close(err);
	} else {
		snprintf(why, size, "skopeo failed (said above)");
	}
	return -1;
}

/* The one manifest of the layout skopeo wrote, hex in out. */
static int
layout_manifest(const char *layout, char *out, char *why, size_t size)
{
	static char buf[1 << 16];
	const char *d;
	json_t *j;
	int r = -1;

	if (file_read(layout, "index.json", buf, sizeof buf) <= 0) {
		snprintf(why, size, "skopeo wrote no index.json in %s", layout);
		return -1;
	}
	j = json_loads(buf, 0, NULL);
	d = json_string_value(json_object_get(json_array_get(json_object_get(j, "manifests"), 0),
	                                      "digest"));
	if (d && strncmp(d, "sha256:", 7) == 0 && strlen(d) == 71) {
		snprintf(out, 65, "%s", d + 7);
		r = 0;
	} else {
		snprintf(why, size, "skopeo's index.json in %s names no sha256 manifest", layout);
	}
	json_decref(j);
	return r;
}

static int
have_policy(void)
{
	char path[PATH_MAX];
	const char *home = getenv("HOME");

	if (access("/etc/containers/policy.json", R_OK) == 0)
		return 1;
	snprintf(path, sizeof path, "%s/.config/containers/policy.json", home ? home : "/");
	return access(path, R_OK) == 0;
}

int
image_pull(const char *ref, const struct pull_opts *o, struct image *img, char *why,
           size_t size)
{
	char name[300], layout[PATH_MAX + 64], dest[PATH_MAX + 80], blobs[PATH_MAX + 16],
	     tls[32], manifest[65], what[512];
	const char *dir = store_dir();
	char *argv[24];
	int n = 0, lock, r = -1;

	if (!dir) {
		snprintf(why, size, "the image store %s: %s", store_name(), strerror(errno));
		return -1;
	}
	if (image_store_name(ref, name, sizeof name, why, size) < 0)
		return -1;
	/* shared: runs and other pulls go on (each writes its own names in
	 * tmp/, blobs and layers are renamed into place whole); rmi and prune,
	 * which throw away what no image names yet, wait */
	if ((lock = store_lock(LOCK_SH)) < 0) {
		snprintf(why, size, "the image store %s: cannot lock it: %s", store_name(),
		         strerror(errno));
		return -1;
	}
	store_clear_stale();
	snprintf(layout, sizeof layout, "%s/tmp/pull-%d", dir, (int)getpid());
	tree_remove_path(layout); /* one a killed pull of our pid left */
	snprintf(dest, sizeof dest, "oci:%s:image", layout);
	snprintf(blobs, sizeof blobs, "%s/blobs", dir);
	snprintf(tls, sizeof tls, "--src-tls-verify=%s", o->tls_verify ? "true" : "false");
	argv[n++] = "skopeo";
	if (!have_policy())
		argv[n++] = "--insecure-policy"; /* no policy at all: skopeo refuses all */
	argv[n++] = "copy";
	if (o->quiet || !isatty(2))
		argv[n++] = "--quiet";
	if (strncmp(ref, "docker://", 9) == 0) {
		argv[n++] = tls;
		if (o->creds) {
			argv[n++] = "--src-creds";
			argv[n++] = (char *)o->creds;
		}
		if (o->authfile) {
			argv[n++] = "--authfile";
			argv[n++] = (char *)o->authfile;
		}
	}
	argv[n++] = "--dest-shared-blob-dir";
	argv[n++] = blobs;
	argv[n++] = (char *)ref;
	argv[n++] = dest;
	argv[n] = NULL;
	if (run_skopeo(argv, o->quiet, what, sizeof what) < 0) {
		snprintf(why, size, "skopeo: %s", what);
		goto out;
	}
	if (layout_manifest(layout, manifest, why, size) < 0)
		goto out;
	if (image_from_manifest(manifest, img, why, size) < 0 ||
	    image_unpack(img, o->quiet, why, size) < 0)
		goto out;
	if (image_record(img, name) < 0) {
		snprintf(why, size, "cannot record %s in %s: %s", name, store_name(), strerror(errno));
		goto out;
	}
	snprintf(img->name, sizeof img->name, "%s", name);
	r = 0;
out:
	tree_remove_path(layout);
	store_unlock(lock);
	return r;
}
