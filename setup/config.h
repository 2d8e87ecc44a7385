/* What `mocker run` was asked to do, parsed from the command line. */
#ifndef MOCKER_CONFIG_H
#define MOCKER_CONFIG_H

#include <stdint.h>
#include <sys/types.h>

#include "mocker.h"

#define MAX_VOLUMES 64
#define MAX_TMPFS   64
#define MAX_ENV     256

#define IMAGE_INIT   "/sbin/init"   /* the image's own init, used when present */
#define BOUND_INIT   "/dev/init"    /* where the host's mocker-init is bound */
#define USERNS_BASE  100000         /* --userns default: 100000:65536 */
#define USERNS_SIZE  65536

enum net_mode { NET_NONE, NET_HOST };

struct volume {
	const char *host;
	const char *dest;
	int readonly;
};

struct config {
	const char *rootfs;          /* as given */
	char *const *argv;           /* the command; /bin/sh by default */
	const char *hostname;
	const char *env[MAX_ENV];    /* -e KEY=VALUE or KEY */
	int nenv;
	const char *workdir;
	const char *user;
	struct volume volumes[MAX_VOLUMES];
	int nvolumes;
	const char *tmpfs[MAX_TMPFS];
	int ntmpfs;
	int read_only;
	int net;                     /* enum net_mode */
	const char *init_path;       /* --init PATH: bind it and run it as PID 1 */
	int no_init;                 /* --no-init: COMMAND is PID 1 */
	int tty;                     /* -t: a pseudo-terminal even without one here */

	/* hardening and limits */
	uint64_t memory;             /* bytes, 0 for no limit */
	long pids_limit;             /* 0 for no limit */
	uint64_t cpu_quota_us;       /* per period, 0 for no limit */
	uint64_t cap_add;            /* bits of capabilities */
	uint64_t cap_drop;
	int seccomp;                 /* 1 by default */
	int no_new_privs;            /* 1 by default */
	int userns;                  /* --userns (as root) or rootless */
	uid_t userns_base;
	uid_t userns_size;
	int overlay;                 /* --overlay: copy-on-write root */
	const char *overlay_upper;   /* --overlay=DIR: keep the changes there */
};

/* Parses `mocker run` arguments (argv[0] is "run"). Exits 125 on bad input,
 * 0 after --help or --version. */
void config_parse(struct config *c, int argc, char **argv);

#endif
