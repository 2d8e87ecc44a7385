/*
 * Images into the store with skopeo, the tool made for moving them:
 * from a registry (docker://), an OCI layout (oci:), an OCI archive
 * (oci-archive:) or a `docker save` archive (docker-archive:). skopeo
 * copies the blobs into the store's shared blob directory (each once) and
 * writes an OCI layout in tmp/ that names the manifest; mocker then
 * checks each blob's digest, unpacks the layers and records the name.
 */
#ifndef MOCKER_IMAGE_PULL_H
#define MOCKER_IMAGE_PULL_H

#include "image.h"

struct pull_opts {
	int tls_verify;         /* 0: --tls-verify=false (plain HTTP registry) */
	const char *creds;      /* --creds USER[:PASSWORD] */
	const char *authfile;   /* --authfile FILE */
	int quiet;              /* -q: no progress */
};

/* A reference in skopeo's transport syntax: 1, else 0. */
int image_is_transport(const char *ref);

/* The name ref gets in the store: docker://HOST/NAME:TAG is HOST/NAME:TAG
 * (docker.io/library/ added to a short one), an archive or layout
 * localhost/NAME:TAG from its own annotation or RepoTags, else from its
 * file name. 0, or -1 with why. */
int image_store_name(const char *ref, char *out, size_t size, char *why, size_t wsize);

/* Copies ref into the store (under its lock), unpacks it and records it
 * under its name; img is the image. 0, or -1 with one line in why. */
int image_pull(const char *ref, const struct pull_opts *o, struct image *img, char *why,
               size_t size);

#endif
