/* Hostname rules, shared by the init and the launcher. */
#ifndef MOCKER_COMMON_HOSTNAME_H
#define MOCKER_COMMON_HOSTNAME_H

/* 1 if name is a valid hostname: dot-separated labels of letters, digits
 * and inner '-', at most 64 bytes (HOST_NAME_MAX). */
int hostname_valid(const char *name);

#endif
