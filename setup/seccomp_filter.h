/*
 * The container's seccomp filter (the policy: seccomp_policy.c). The
 * filter for the default capabilities is compiled at build time and built
 * into mocker; any other capability set is compiled by libseccomp on the
 * host before the container starts (some milliseconds), never inside it.
 */
#ifndef MOCKER_SECCOMP_FILTER_H
#define MOCKER_SECCOMP_FILTER_H

#include <linux/filter.h>
#include <seccomp.h>
#include <stdint.h>

/* The filter for capability set caps, into *prog (its instructions are
 * static or allocated once; the launcher exits after one container).
 * 0, or -1 with errno. */
int seccomp_filter_for(uint64_t caps, struct sock_fprog *prog);

/* ctx's program into *prog (allocated); ctx is released. 0, or -1 with
 * errno. */
int seccomp_filter_export(scmp_filter_ctx ctx, struct sock_fprog *prog);

/* Loads prog on the calling thread (no_new_privs or CAP_SYS_ADMIN
 * needed). 0 or -1 with errno. */
int seccomp_install(const struct sock_fprog *prog);

#endif
