/* What `mocker run` was asked to do, parsed from the command line. */
#ifndef MOCKER_CONFIG_H
#define MOCKER_CONFIG_H

#include <stdint.h>
#include <sys/types.h>

#include "mocker.h"

#define MAX_VOLUMES 64
#define MAX_TMPFS   64
#define MAX_ENV     1024
#define MAX_HOSTS   64   /* --add-host */
#define MAX_DNS     16   /* --dns, --dns-search, --dns-option each */
#define MAX_ULIMITS 16
#define MAX_GROUPS  32   /* --group-add */
#define TMPFS_MAX_OPTIONS 8
#define MAX_PUBLISH 64   /* -p, ranges counted once */

#define IMAGE_INIT   "/sbin/init"   /* the image's own init, used when present */
#define BOUND_INIT   "/dev/init"    /* the name the host's mocker-init runs under */
#define USERNS_BASE  100000         /* --userns default: 100000:65536 */
#define USERNS_SIZE  65536
#define STOP_TIMEOUT_DEFAULT 10     /* seconds, as Docker */

enum net_mode { NET_NONE, NET_HOST, NET_PRIVATE, NET_NS };

/* -p [HOST_IP:][HOST_PORT[-END]]:CTR_PORT[-END][/tcp|/udp], or CTR_PORT[-END] */
struct publish {
	const char *spec;            /* as given, for messages */
	char ip[48];                 /* the host address, "" for all of them */
	unsigned host, ctr, count;   /* host 0: free ones, picked at the start */
	int udp;
};

struct volume {
	const char *host;
	const char *dest;
	int readonly;                /* ro */
	int chown;                   /* U: the host path chowned to the user */
	int idmap;                   /* idmap: an idmapped mount */
};

/* --tmpfs PATH[:OPTIONS] */
struct tmpfs {
	const char *path;
	const char *options[TMPFS_MAX_OPTIONS + 1]; /* size=, mode=, uid=, gid= */
	unsigned attr;               /* MA_RDONLY, MA_NOEXEC, MA_NOSUID, MA_NODEV */
};

struct host_entry {
	const char *name;
	const char *ip;
};

struct ulimit {
	int resource;                /* RLIMIT_* */
	unsigned long long soft, hard;
};

struct oci;

struct config {
	const char *rootfs;          /* as given: a directory or an image */
	char *const *argv;           /* the command; /bin/sh by default */
	char *const *cmd;            /* COMMAND as given, NULL for none */
	const char *entrypoint;      /* --entrypoint, NULL if not given */
	const char *hostname;
	const char *env[MAX_ENV];    /* -e and --env-file: KEY=VALUE or KEY */
	int nenv;
	const char *workdir;
	const char *user;
	const char *groups[MAX_GROUPS]; /* --group-add: names or numbers */
	int ngroups;
	struct volume volumes[MAX_VOLUMES];
	int nvolumes;
	struct tmpfs tmpfs[MAX_TMPFS];
	int ntmpfs;
	int read_only;
	int net;                     /* enum net_mode */
	int net_given;               /* --net was given (else -p implies private) */
	const char *net_ns;          /* --net ns:PATH */
	int net_pasta;               /* --net pasta: private, through pasta as root too */
	struct publish publish[MAX_PUBLISH];
	int npublish;
	int publish_all;             /* -P: the image's ExposedPorts */
	int tls_verify;              /* --tls-verify (default true) */
	const char *creds, *authfile; /* --creds, --authfile for a registry */
	struct host_entry hosts[MAX_HOSTS]; /* --add-host */
	int nhosts;
	const char *dns[MAX_DNS], *dns_search[MAX_DNS], *dns_options[MAX_DNS];
	int ndns, ndns_search, ndns_options;
	const char *init_path;       /* --init PATH: bind it and run it as PID 1 */
	int no_init;                 /* --no-init: COMMAND is PID 1 */
	int tty;                     /* -t: a pseudo-terminal even without one here */
	int rm;                      /* --rm: remove a detached one when it ends */
	int detach;                  /* -d: in the background, with a monitor */
	const char *name;            /* --name, or NULL for a made-up one */

	/* stopping and restarting */
	int stop_signal;             /* --stop-signal, SIGTERM by default */
	int stop_signal_given;
	int stop_timeout;            /* --stop-timeout seconds, also the init's grace */
	const char *restart;         /* --restart, as mocker-init's -R takes it */

	/* hardening and limits */
	uint64_t memory;             /* bytes, 0 for no limit */
	long pids_limit;             /* 0 for no limit */
	uint64_t cpu_quota_us;       /* per period, 0 for no limit */
	uint64_t shm_size;           /* --shm-size bytes, 0 for the default */
	struct ulimit ulimits[MAX_ULIMITS];
	int nulimits;
	uint64_t cap_add;            /* bits of capabilities */
	uint64_t cap_drop;
	int seccomp;                 /* 1 by default */
	int no_new_privs;            /* 1 by default */
	int userns;                  /* --userns (as root) or rootless */
	uid_t userns_base;
	uid_t userns_size;           /* 0: --userns=auto */
	int userns_keep_id;          /* --userns=keep-id (rootless) */
	int overlay;                 /* --overlay: copy-on-write root */
	const char *overlay_upper;   /* --overlay=DIR: keep the changes there */
	const struct oci *oci;       /* an OCI bundle's (oci.h), NULL for run */
};

/* Parses `mocker run` arguments (argv[0] is "run"). Exits 125 on bad input,
 * 0 after --help or --version. */
void config_parse(struct config *c, int argc, char **argv);

#endif
