/*
 * Images in the store (store.h): an OCI manifest, its config and its
 * layers, read with jansson from blobs whose digests are checked as they
 * are read. Moving images in (registries, archives, layouts) is skopeo's
 * job (image_pull.c).
 */
#ifndef MOCKER_IMAGE_H
#define MOCKER_IMAGE_H

#include <stdint.h>
#include <time.h>

#define IMAGE_MAX_LAYERS 128
#define IMAGE_MAX_WORDS  256   /* Entrypoint, Cmd, Env, ExposedPorts each */

struct image {
	char id[65];                       /* the config's digest, hex */
	char manifest[65];                 /* the manifest's digest, hex */
	char name[320];                    /* the name it was found by, or "" */
	int nlayers;
	char layers[IMAGE_MAX_LAYERS][65]; /* blob digests, bottom first */
	char layer_types[IMAGE_MAX_LAYERS][8]; /* "tar", "gzip", "zstd" */
	time_t created;
	/* its config ("config" of the OCI image configuration) */
	char *entrypoint[IMAGE_MAX_WORDS + 1];
	char *cmd[IMAGE_MAX_WORDS + 1];
	int has_entrypoint, has_cmd;       /* present (possibly empty) */
	char *env[IMAGE_MAX_WORDS + 1];
	char *exposed[IMAGE_MAX_WORDS + 1]; /* "80/tcp" */
	char *workdir, *user, *stop_signal;
};

/* Reads a blob of the store (digest "sha256:HEX" or HEX) whole into a new
 * buffer (NUL-terminated), checking its digest; NULL with errno (EBADMSG:
 * it does not match) . At most 4 MiB: manifests and configs. */
char *image_blob_read(const char *digest, size_t *len);

/* Fills img from the manifest blob (hex). 0, or -1 with one line in why. */
int image_from_manifest(const char *manifest, struct image *img, char *why, size_t size);

/* An image of the store by name (NAME[:TAG], ":latest" when no tag, and
 * "localhost/NAME" tried after NAME), by id or by a prefix of at least 4 of
 * its hex digits. 0, 1 when there is none, -1 with one line in why. */
int image_find(const char *ref, struct image *img, char *why, size_t size);

/* Records img under name (NULL: none) in images/ and names/. 0 or -1. */
int image_record(const struct image *img, const char *name);

/* "name:tag" with ":latest" added when there is no tag. */
void image_name_normal(const char *name, char *out, size_t size);

/* Each image of the store, with its names (comma-separated, "" for none). */
int image_each(int (*fn)(const struct image *img, const char *names, void *ctx), void *ctx);

/* The unpacked size of an image's layers (those unpacked). */
uint64_t image_size(const struct image *img);

/* Unpacks each layer of img not yet in layers/ (under the store's lock),
 * with progress on stderr when it is a terminal and not quiet. 0, or -1
 * with one line in why. */
int image_unpack(const struct image *img, int quiet, char *why, size_t size);

/* Removes name; the image too when no other name and no container uses it,
 * then the layers and blobs no image uses. 0, 1 when the image is used by a
 * container (nothing removed), -1 with why. */
int image_remove(const char *ref, int force, char *why, size_t size);

/* Removes images without a name that no container uses, then unused layers
 * and blobs; how many images went in *count. 0 or -1. */
int image_prune(int all, unsigned *count, uint64_t *bytes);

#endif
