/*
 * One image layer (a tar, plain, gzip or zstd) unpacked into a directory
 * of its own, as overlayfs stacks them. The layer is hostile: it is read
 * by libarchive, and every entry is written through descriptors resolved
 * inside the layer's directory (openat2 RESOLVE_IN_ROOT), never by path:
 *
 *   - an absolute name is taken inside the layer (as tar does);
 *   - a name with a ".." component refuses the layer;
 *   - a symlink in the way of a name resolves inside the layer, so that a
 *     write through it lands there; a final symlink is replaced, never
 *     followed; a hard link's target is found the same way;
 *   - rootless (files of the caller's own): device nodes are left out,
 *     setuid and setgid bits dropped, owners not kept;
 *   - OCI whiteouts become overlayfs' own: ".wh.NAME" a 0:0 character
 *     device, ".wh..wh..opq" the opaque attribute of its directory
 *     (trusted.overlay.opaque, or user.overlay.opaque for userxattr).
 *
 * The blob is hashed as it is read: one that does not match its digest
 * fails, and the caller throws the directory away.
 */
#ifndef MOCKER_LAYER_UNPACK_H
#define MOCKER_LAYER_UNPACK_H

#include <stdint.h>

struct unpack_opts {
	int rootless;          /* the caller is not root: see above */
	/* called as bytes of the blob are read (may be NULL) */
	void (*progress)(void *ctx, uint64_t done);
	void *ctx;
};

struct unpack_result {
	uint64_t bytes;        /* the files' sizes, summed */
	unsigned devices_left; /* device nodes left out (rootless) */
	int bad_digest;        /* failed: the blob is not what its digest says */
};

/* Unpacks blob (a descriptor at its start) into the directory dirfd,
 * checking that its SHA-256 is want (64 hex digits). 0, or -1 with one
 * line in why. */
int layer_unpack(int blob, const char *want, int dirfd, const struct unpack_opts *o,
                 struct unpack_result *res, char *why, size_t size);

#endif
