/* An OCI config's linux.seccomp (config-linux.md), compiled on the host
 * by libseccomp, as mocker's own filter is. */
#ifndef MOCKER_OCI_SECCOMP_H
#define MOCKER_OCI_SECCOMP_H

#include <linux/filter.h>

/* What was wrong, for the caller's message, when oci_seccomp_build fails. */
extern const char *oci_seccomp_error;

/* json is linux.seccomp; 0, or -1 with oci_seccomp_error. */
int oci_seccomp_build(const char *json, struct sock_fprog *prog);

#endif
