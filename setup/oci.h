/*
 * mocker as an OCI runtime (runc's command line, served when mocker runs
 * as mocker-runc): a bundle's config.json, read once at create, becomes a
 * struct config plus what only an OCI config asks (struct oci), and the
 * container is set up by the launcher's one plan (plan.c), as for run.
 */
#ifndef MOCKER_OCI_H
#define MOCKER_OCI_H

#include <limits.h>
#include <stdint.h>
#include <sys/types.h>

#include "config.h"

#define OCI_VERSION    "1.0.2"
#define OCI_MAX_PATHS  64   /* maskedPaths, readonlyPaths */
#define OCI_MAX_SYSCTL 64
#define OCI_MAX_DEVICES 64  /* linux.devices */
#define OCI_MAX_RULES  64   /* linux.resources.devices */
#define OCI_MAX_HOOKS  16   /* of each kind */
#define OCI_MAX_GIDS   32
#define OCI_MAX_MOUNTS 64
#define OCI_MAX_MOUNT_DATA 16
#define OCI_MAX_JOIN   7    /* namespaces joined by path */
#define OCI_MAX_IDMAP  16   /* lines of uidMappings, gidMappings */
#define OCI_MAX_THROTTLE 32 /* linux.resources.blockIO.throttle*Device */

enum oci_cap_set { CAP_BOUNDING, CAP_EFFECTIVE, CAP_PERMITTED, CAP_INHERITABLE,
                   CAP_AMBIENT, CAP_SETS };
enum oci_hook_kind { HOOK_PRESTART, HOOK_CREATE_RUNTIME, HOOK_POSTSTART, HOOK_POSTSTOP,
                     HOOK_KINDS };

struct oci_hook {
	const char *path;
	char **args;          /* NULL: only the path */
	char **env;           /* NULL: none */
	int timeout;          /* seconds, 0: none */
};

/* linux.devices: a node made in the container's /dev */
struct oci_device {
	const char *path;
	char type;            /* 'c', 'b', 'p' */
	unsigned major, minor;
	mode_t mode;
	uid_t uid;
	gid_t gid;
};

/* linux.resources.devices: a line of the v1 devices controller */
struct oci_device_rule {
	int allow;
	char line[64];        /* "c 10:229 rwm", "a *:* rwm" */
};

/* mounts[] the plan does not make itself (its /proc, /sys, /dev are its
 * own): binds of host paths and new filesystems, in order */
struct oci_mount {
	const char *dest, *type, *source;  /* source absolute for a bind */
	const char *data[OCI_MAX_MOUNT_DATA + 1]; /* the filesystem's options */
	unsigned attr;             /* MA_* */
	int bind, rec;
	int copy_up;               /* tmpcopyup: the image's files there, copied */
	unsigned long propagation; /* MS_SHARED... 0: private */
};

struct oci {
	const char *id;
	char bundle[PATH_MAX];     /* absolute */
	char rootfs[PATH_MAX];     /* root.path, absolute */
	unsigned long ns_new;      /* CLONE_NEW* the container gets */
	int caller_mounts;         /* no mount namespace: the caller's (chroot) */
	struct { unsigned long type; const char *path; } join[OCI_MAX_JOIN];
	int njoin;                 /* namespaces joined by path (not network's:
	                            * struct config's net_ns) */
	struct { uint32_t inside, host, size; } uid_map[OCI_MAX_IDMAP], gid_map[OCI_MAX_IDMAP];
	int nuid_map, ngid_map;
	const char *masked[OCI_MAX_PATHS], *readonly[OCI_MAX_PATHS];
	int nmasked, nreadonly;
	struct oci_mount mounts[OCI_MAX_MOUNTS];
	int nmounts;
	const char *sysctl[OCI_MAX_SYSCTL][2];
	int nsysctl;
	struct oci_device devices[OCI_MAX_DEVICES];
	int ndevices;
	struct oci_device_rule rules[OCI_MAX_RULES];
	int nrules;
	int has_oom_score_adj, oom_score_adj;
	int umask;                 /* -1: left as it is */
	uid_t uid;
	gid_t gid;
	gid_t gids[OCI_MAX_GIDS];  /* additionalGids */
	int ngids;
	uint64_t caps[CAP_SETS];
	const char *cgroups_path;  /* NULL: one of mocker's own */
	/* linux.resources.cpu beyond quota and period (0 or NULL: not given) */
	uint64_t cpu_shares;
	int64_t cpu_quota;         /* per cpu_period microseconds */
	uint64_t cpu_period;
	int64_t rt_runtime;
	uint64_t rt_period;
	const char *cpus, *mems;
	/* linux.resources.memory beyond limit (0: not given; swap -1: no
	 * limit; swappiness -1: not given) and blockIO */
	int64_t mem_reservation, mem_swap;
	int swappiness, disable_oom_killer;
	unsigned blkio_weight;
	struct { unsigned major, minor; uint64_t rate; int which; } throttle[OCI_MAX_THROTTLE];
	int nthrottle;             /* which: 0 read bps, 1 write bps, 2 read iops,
	                            * 3 write iops */
	const char *domainname;
	struct oci_hook hooks[HOOK_KINDS][OCI_MAX_HOOKS];
	int nhooks[HOOK_KINDS];
	char *annotations;         /* as JSON, for state */
	char *hooks_json;          /* hooks as JSON, kept for start and delete */
	int inject_init;           /* annotation run.mocker.init "true" */
	int terminal;
	unsigned short rows, cols;
	unsigned long propagation; /* linux.rootfsPropagation: MS_*, 0: slave */
	const char *seccomp_json;  /* linux.seccomp as JSON, NULL: none */
};

/* Reads DIR/config.json into c and o (o->id set by the caller); bundle
 * made absolute. Exits 1 with one line naming the field on bad input or
 * anything it does not support. */
void oci_spec_load(const char *bundle, struct config *c, struct oci *o);

/* An exec's --process FILE (the spec's process object), or the process
 * of the config.json FILE (whole), into c and o. */
void oci_process_load(const char *file, int whole, struct config *c, struct oci *o);

/* runc's command line; argv[0] is the program. Returns the exit status. */
int oci_main(int argc, char **argv);

/* Whether argv asks for runc's command line: invoked as mocker-runc, or
 * with one of runc's global options or commands mocker's own lacks. */
int oci_wanted(int argc, char **argv);

#endif
