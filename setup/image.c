#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "file.h"
#include "image.h"
#include "sha256.h"
#include "store.h"

#define BLOB_MAX (4 << 20)

/* "sha256:HEX" or HEX, 64 lowercase hex digits: HEX, else NULL */
static const char *
digest_hex(const char *digest)
{
	size_t i;

	if (strncmp(digest, "sha256:", 7) == 0)
		digest += 7;
	for (i = 0; i < 64; i++)
		if (!((digest[i] >= '0' && digest[i] <= '9') || (digest[i] >= 'a' && digest[i] <= 'f')))
			return NULL;
	return digest[64] ? NULL : digest;
}

char *
image_blob_read(const char *digest, size_t *len)
{
	const char *hex = digest_hex(digest), *dir = store_dir();
	char path[PATH_MAX + 96], got[65], *buf;
	struct sha256 s;
	struct stat st;
	ssize_t n;
	size_t have = 0;
	int fd;

	if (!hex) {
		errno = EINVAL;
		return NULL;
	}
	if (!dir)
		return NULL;
	snprintf(path, sizeof path, "%s/blobs/sha256/%s", dir, hex);
	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		return NULL;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > BLOB_MAX) {
		close(fd);
		errno = EFBIG;
		return NULL;
	}
	if (!(buf = malloc((size_t)st.st_size + 1))) {
		close(fd);
		return NULL;
	}
	while (have < (size_t)st.st_size &&
	       ((n = read(fd, buf + have, (size_t)st.st_size - have)) > 0 || (n < 0 && errno == EINTR)))
		if (n > 0)
			have += (size_t)n;
	close(fd);
	buf[have] = 0;
	sha256_init(&s);
	sha256_add(&s, buf, have);
	sha256_hex(&s, got);
	if (have != (size_t)st.st_size || strcmp(got, hex) != 0) {
		unlink(path); /* not what it is named: fetched again next time */
		free(buf);
		errno = EBADMSG;
		return NULL;
	}
	if (len)
		*len = have;
	return buf;
}

static json_t *
blob_json(const char *digest, const char *what, char *why, size_t size)
{
	json_error_t err;
	json_t *j;
	char *text = image_blob_read(digest, NULL);

	if (!text) {
		snprintf(why, size, "%s %.19s…: %s", what, digest,
		         errno == EBADMSG ? "its content does not match its digest (a corrupted "
		                            "blob: pull it again)" :
		         errno == EINVAL ? "not a sha256 digest" : strerror(errno));
		return NULL;
	}
	j = json_loads(text, 0, &err);
	free(text);
	if (!j || !json_is_object(j)) {
		snprintf(why, size, "%s %.19s…: not a JSON object: %s", what, digest,
		         j ? "" : err.text);
		json_decref(j);
		return NULL;
	}
	return j;
}

/* a JSON array of strings into words (NULL-terminated); -1 if it is not one */
static int
words(json_t *a, char **out)
{
	size_t i, n = 0;
	json_t *v;

	out[0] = NULL;
	if (!a || json_is_null(a))
		return 0;
	if (!json_is_array(a))
		return -1;
	json_array_foreach(a, i, v) {
		if (!json_is_string(v) || n == IMAGE_MAX_WORDS)
			return -1;
		out[n++] = strdup(json_string_value(v));
	}
	out[n] = NULL;
	return 0;
}

static char *
string_of(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_string(v) ? strdup(json_string_value(v)) : NULL;
}

/* RFC 3339 ("2024-01-02T03:04:05.123Z") to seconds, 0 if it is not */
static time_t
rfc3339(const char *s)
{
	struct tm tm;
	char *end;

	memset(&tm, 0, sizeof tm);
	if (!s || !(end = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm)))
		return 0;
	return timegm(&tm);
}

static int
read_config(struct image *img, const char *digest, char *why, size_t size)
{
	json_t *j = blob_json(digest, "config", why, size), *c, *ports;
	const char *key;
	json_t *v;
	size_t n = 0;
	int bad = 0;

	if (!j)
		return -1;
	img->created = rfc3339(json_string_value(json_object_get(j, "created")));
	c = json_object_get(j, "config");
	if (json_is_object(c)) {
		img->has_entrypoint = json_is_array(json_object_get(c, "Entrypoint"));
		img->has_cmd = json_is_array(json_object_get(c, "Cmd"));
		bad |= words(json_object_get(c, "Entrypoint"), img->entrypoint);
		bad |= words(json_object_get(c, "Cmd"), img->cmd);
		bad |= words(json_object_get(c, "Env"), img->env);
		img->workdir = string_of(c, "WorkingDir");
		img->user = string_of(c, "User");
		img->stop_signal = string_of(c, "StopSignal");
		ports = json_object_get(c, "ExposedPorts");
		if (json_is_object(ports))
			json_object_foreach(ports, key, v)
				if (n < IMAGE_MAX_WORDS)
					img->exposed[n++] = strdup(key);
	}
	img->exposed[n] = NULL;
	json_decref(j);
	if (bad) {
		snprintf(why, size, "config %.19s…: Entrypoint, Cmd or Env is not a list of "
		         "strings (of at most %d)", digest, IMAGE_MAX_WORDS);
		return -1;
	}
	return 0;
}

int
image_from_manifest(const char *manifest, struct image *img, char *why, size_t size)
{
	json_t *m, *layers, *l, *cfg;
	const char *hex, *type;
	size_t i;
	int ret = -1;

	memset(img, 0, sizeof *img);
	if (!(m = blob_json(manifest, "manifest", why, size)))
		return -1;
	snprintf(img->manifest, sizeof img->manifest, "%s", digest_hex(manifest));
	if (json_object_get(m, "manifests")) {
		snprintf(why, size, "manifest %.19s…: an index of several images, not one",
		         manifest);
		goto out;
	}
	cfg = json_object_get(m, "config");
	layers = json_object_get(m, "layers");
	if (!json_is_object(cfg) || !json_is_array(layers) ||
	    !(hex = digest_hex(json_string_value(json_object_get(cfg, "digest")) ?
	                       json_string_value(json_object_get(cfg, "digest")) : ""))) {
		snprintf(why, size, "manifest %.19s…: no sha256 config or layers (not an OCI "
		         "image manifest)", manifest);
		goto out;
	}
	snprintf(img->id, sizeof img->id, "%s", hex);
	if (json_array_size(layers) > IMAGE_MAX_LAYERS) {
		snprintf(why, size, "manifest %.19s…: %zu layers, more than %d", manifest,
		         json_array_size(layers), IMAGE_MAX_LAYERS);
		goto out;
	}
	json_array_foreach(layers, i, l) {
		const char *d = json_string_value(json_object_get(l, "digest"));
		type = json_string_value(json_object_get(l, "mediaType"));
		if (!d || !(hex = digest_hex(d))) {
			snprintf(why, size, "manifest %.19s…: layer %zu has no sha256 digest",
			         manifest, i + 1);
			goto out;
		}
		if (type && strstr(type, "nondistributable") == NULL &&
		    !strstr(type, "tar")) {
			snprintf(why, size, "manifest %.19s…: layer %zu is %s, not a tar", manifest,
			         i + 1, type);
			goto out;
		}
		snprintf(img->layers[i], sizeof img->layers[i], "%s", hex);
		snprintf(img->layer_types[i], sizeof img->layer_types[i], "%s",
		         type && strstr(type, "zstd") ? "zstd" : type && strstr(type, "gzip") ?
		         "gzip" : "tar");
		img->nlayers++;
	}
	ret = read_config(img, json_string_value(json_object_get(cfg, "digest")), why, size);
out:
	json_decref(m);
	return ret;
}

void
image_name_normal(const char *name, char *out, size_t size)
{
	const char *slash = strrchr(name, '/'), *last = slash ? slash + 1 : name;

	if (strchr(last, ':') || strchr(last, '@'))
		snprintf(out, size, "%s", name);
	else
		snprintf(out, size, "%s:latest", name);
}

static int
id_of_name(const char *name, char *id)
{
	char file[512], text[80];
	const char *dir = store_dir();
	char path[PATH_MAX + 16];

	if (!dir)
		return -1;
	store_name_encode(name, file, sizeof file);
	snprintf(path, sizeof path, "%s/names", dir);
	if (file[0] == '.' || file_read(path, file, text, sizeof text) < 64)
		return -1;
	text[64] = 0;
	if (!digest_hex(text))
		return -1;
	memcpy(id, text, 65);
	return 0;
}

/* A name without a registry host (busybox, team/box:1) as the store may
 * hold it: localhost/NAME (an archive's), docker.io/library/NAME or
 * docker.io/NAME (Docker Hub's); the first found in out, its id in id. */
static int
short_name(const char *name, char *out, size_t size, char *id)
{
	static const char *const prefixes[] = { "localhost/", "docker.io/library/", "docker.io/" };
	const char *slash = strchr(name, '/');
	size_t first = slash ? (size_t)(slash - name) : 0, i;

	if (slash && (memchr(name, '.', first) || memchr(name, ':', first) ||
	              (first == 9 && strncmp(name, "localhost", 9) == 0)))
		return 0; /* it names its host */
	for (i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++) {
		if (i == 1 && slash)
			continue;
		snprintf(out, size, "%s%s", prefixes[i], name);
		if (id_of_name(out, id) == 0)
			return 1;
	}
	return 0;
}

/* images/ID: "manifest HEX" */
static int
manifest_of(const char *id, char *manifest)
{
	char path[PATH_MAX + 16], text[256], *p;
	const char *dir = store_dir();

	if (!dir)
		return -1;
	snprintf(path, sizeof path, "%s/images", dir);
	if (file_read(path, id, text, sizeof text) <= 0 || !(p = strstr(text, "manifest ")))
		return -1;
	memcpy(manifest, p + 9, 64);
	manifest[64] = 0;
	return digest_hex(manifest) ? 0 : -1;
}

int
image_find(const char *ref, struct image *img, char *why, size_t size)
{
	char name[300], local[320], id[65] = "", manifest[65];
	const char *dir = store_dir();
	size_t n = strlen(ref);

	if (!dir) {
		snprintf(why, size, "the image store %s: %s", store_name(), strerror(errno));
		return -1;
	}
	img->name[0] = 0;
	image_name_normal(ref, name, sizeof name);
	if (n == 64 && digest_hex(ref)) {
		memcpy(id, ref, 65); /* a whole id is that image, never a name */
	} else if (id_of_name(name, id) == 0) {
		snprintf(img->name, sizeof img->name, "%s", name);
	} else if (short_name(name, local, sizeof local, id)) {
		snprintf(img->name, sizeof img->name, "%s", local);
	} else if (n >= 4 && n <= 64 && strspn(ref, "0123456789abcdef") == n) {
		/* an id, or a prefix of one no other image has */
		char path[PATH_MAX + 16];
		struct dirent *e;
		DIR *d;
		int found = 0;
		snprintf(path, sizeof path, "%s/images", dir);
		if ((d = opendir(path))) {
			while ((e = readdir(d)))
				if (strncmp(e->d_name, ref, n) == 0 && digest_hex(e->d_name)) {
					found++;
					memcpy(id, e->d_name, 65);
				}
			closedir(d);
		}
		if (found > 1) {
			snprintf(why, size, "'%s' is the start of the ids of %d images: give more of it",
			         ref, found);
			return -1;
		}
		if (!found)
			return 1;
	} else {
		return 1;
	}
	if (manifest_of(id, manifest) < 0)
		return 1;
	{
		char keep[sizeof img->name];
		snprintf(keep, sizeof keep, "%s", img->name);
		if (image_from_manifest(manifest, img, why, size) < 0)
			return -1;
		snprintf(img->name, sizeof img->name, "%s", keep);
	}
	return 0;
}

/* dir/name holds text, replaced whole (a reader sees the old or the new) */
static int
replace_file(const char *dir, const char *name, const char *text)
{
	char tmp[600], from[PATH_MAX + 700], to[PATH_MAX + 700];

	snprintf(tmp, sizeof tmp, ".%s.%d", name, (int)getpid());
	if (file_create(dir, tmp, text) < 0)
		return -1;
	snprintf(from, sizeof from, "%s/%s", dir, tmp);
	snprintf(to, sizeof to, "%s/%s", dir, name);
	return rename(from, to);
}

int
image_record(const struct image *img, const char *name)
{
	const char *dir = store_dir();
	char path[PATH_MAX + 16], text[256], file[512];

	if (!dir)
		return -1;
	snprintf(path, sizeof path, "%s/images", dir);
	snprintf(text, sizeof text, "manifest %s\ncreated %lld\n", img->manifest,
	         (long long)img->created);
	if (replace_file(path, img->id, text) < 0)
		return -1;
	if (!name)
		return 0;
	snprintf(path, sizeof path, "%s/names", dir);
	store_name_encode(name, file, sizeof file);
	snprintf(text, sizeof text, "%s\n", img->id);
	return replace_file(path, file, text);
}

uint64_t
image_size(const struct image *img)
{
	const char *dir = store_dir();
	char path[PATH_MAX + 96], text[32];
	uint64_t sum = 0;
	int i;

	for (i = 0; dir && i < img->nlayers; i++) {
		snprintf(path, sizeof path, "%s/layers/%s", dir, img->layers[i]);
		if (file_read(path, "size", text, sizeof text) > 0)
			sum += strtoull(text, NULL, 10);
	}
	return sum;
}

struct names_of {
	const char *id;
	char list[2048];
};

int
image_each(int (*fn)(const struct image *img, const char *names, void *ctx), void *ctx)
{
	const char *dir = store_dir();
	char path[PATH_MAX + 16], text[80], name[512], manifest[65], why[512];
	struct dirent *e, *n;
	struct image *img = malloc(sizeof *img);
	DIR *d, *nd;
	int r = 0;

	if (!dir || !img) {
		free(img);
		return -1;
	}
	snprintf(path, sizeof path, "%s/images", dir);
	if (!(d = opendir(path))) {
		free(img);
		return -1;
	}
	while (r == 0 && (e = readdir(d))) {
		char list[2048] = "";
		size_t len = 0;
		if (!digest_hex(e->d_name) || manifest_of(e->d_name, manifest) < 0 ||
		    image_from_manifest(manifest, img, why, sizeof why) < 0)
			continue;
		snprintf(path, sizeof path, "%s/names", dir);
		if ((nd = opendir(path))) {
			while ((n = readdir(nd))) {
				if (n->d_name[0] == '.' || file_read(path, n->d_name, text, sizeof text) < 64 ||
				    strncmp(text, e->d_name, 64) != 0)
					continue;
				store_name_decode(n->d_name, name, sizeof name);
				len += (size_t)snprintf(list + len, sizeof list - len, "%s%s",
				                        len ? "," : "", name);
				if (len >= sizeof list)
					len = sizeof list - 1;
			}
			closedir(nd);
		}
		r = fn(img, list, ctx);
	}
	closedir(d);
	free(img);
	return r;
}
