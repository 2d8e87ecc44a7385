/* USER[:GROUP] looked up in /etc/passwd and /etc/group, without stdio or
 * heap (what gosu and su-exec do, built in). Also used by the launcher. */
#ifndef MOCKER_COMMON_PASSWD_H
#define MOCKER_COMMON_PASSWD_H

#include <sys/types.h>

#define CREDS_MAX_GROUPS 64

struct creds {
	uid_t uid;
	gid_t gid;
	int ngroups;
	gid_t groups[CREDS_MAX_GROUPS];
	char home[256];
};

/* Opens a passwd or group file for creds_lookup: -1 with errno if it
 * cannot be (which creds_lookup takes as a missing file). */
int creds_open(const char *path);

/* Fills c for spec ("name", "1234", "name:group", "1234:5678"), reading
 * the passwd and group files open at passwd and group (-1: missing; read
 * from where they stand). A name that is not found is an error; a number
 * without an entry gets gid 0 and HOME=/ as in Docker. Returns 0, or -1
 * with *why set to a static message. */
int creds_lookup(const char *spec, int passwd, int group, struct creds *c, const char **why);

/* Adds the group spec (a name in the group file open at group, read from
 * where it stands, or a number) to c's supplementary groups; -1 when it
 * is unknown or too many. */
int creds_add_group(struct creds *c, const char *spec, int group);

/* setgroups, setgid, setuid; 0 or -1 with errno. */
int creds_apply(const struct creds *c);

#endif
