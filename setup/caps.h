/* Capabilities of the container: Docker's default set, --cap-add and
 * --cap-drop, applied to the bounding, permitted and effective sets;
 * inheritable and ambient empty. */
#ifndef MOCKER_CAPS_H
#define MOCKER_CAPS_H

#include <stdint.h>
#include <sys/types.h>

#define CAPS_ALL (~0ULL)

/* What Docker and Podman give a container by default. */
#define CAPS_DEFAULT ( \
	1ULL << 0 /* CHOWN */ | 1ULL << 1 /* DAC_OVERRIDE */ | 1ULL << 3 /* FOWNER */ | \
	1ULL << 4 /* FSETID */ | 1ULL << 5 /* KILL */ | 1ULL << 6 /* SETGID */ | \
	1ULL << 7 /* SETUID */ | 1ULL << 8 /* SETPCAP */ | 1ULL << 10 /* NET_BIND_SERVICE */ | \
	1ULL << 13 /* NET_RAW */ | 1ULL << 18 /* SYS_CHROOT */ | 1ULL << 27 /* MKNOD */ | \
	1ULL << 29 /* AUDIT_WRITE */ | 1ULL << 31 /* SETFCAP */)

/* "NET_ADMIN", "CAP_NET_ADMIN", "net_admin" → number; -1 if unknown. */
int cap_parse(const char *name);

/* The highest capability the running kernel knows. Read on the host,
 * before any namespace: nothing the image can change guides it. */
int caps_last(void);

/* Docker's default set with add and drop applied (drop ALL, then add),
 * within the kernel's capabilities 0..last. */
uint64_t caps_effective(uint64_t add, uint64_t drop, int last);

/* Drops every capability 0..last outside keep from the bounding set and
 * clears the ambient set. 0 or -1 with errno. Needs CAP_SETPCAP. */
int caps_limit_bounding(uint64_t keep, int last);

/* Sets permitted and effective to keep, and inheritable to nothing: an
 * inheritable set lets a program with file capabilities (cap_net_raw+ei)
 * regain them after a change of user (CVE-2022-29162); Docker sets none
 * either. The ambient set is cleared by caps_limit_bounding. */
int caps_set(uint64_t keep);

/* An OCI config's sets, as it gives them (the ambient set raised last:
 * each must be permitted and inheritable). */
int caps_set_oci(uint64_t effective, uint64_t permitted, uint64_t inheritable,
                 uint64_t ambient);

#endif
