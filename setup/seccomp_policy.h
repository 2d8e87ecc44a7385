/*
 * The seccomp policy of a container, as libseccomp rules: an allowlist, in
 * the spirit of Docker's default profile and stricter (no io_uring, no
 * AF_VSOCK, no name_to_handle_at, only the native ABI). Built once at build
 * time for the default capabilities (seccomp_gen.c) and, for any other
 * capability set, by the launcher on the host before the container starts.
 */
#ifndef MOCKER_SECCOMP_POLICY_H
#define MOCKER_SECCOMP_POLICY_H

#include <seccomp.h>
#include <stdint.h>

/* The capabilities the policy depends on: two sets equal under this mask
 * get the same filter. */
uint64_t seccomp_policy_caps_mask(void);

/* A libseccomp context holding the policy for a container with capability
 * set caps; NULL with errno on failure. */
scmp_filter_ctx seccomp_policy_new(uint64_t caps);

#endif
