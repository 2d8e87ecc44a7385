/* SHA-256 (FIPS 180-4), for the digests that name image blobs: each blob
 * is hashed as it is read, and a blob that does not match its name is
 * not used. */
#ifndef MOCKER_SHA256_H
#define MOCKER_SHA256_H

#include <stddef.h>
#include <stdint.h>

struct sha256 {
	uint32_t h[8];
	uint64_t len;           /* bytes so far */
	unsigned char buf[64];
	size_t nbuf;
};

void sha256_init(struct sha256 *s);
void sha256_add(struct sha256 *s, const void *data, size_t len);
/* The digest as 64 lowercase hex digits and a NUL. */
void sha256_hex(struct sha256 *s, char hex[65]);

#endif
