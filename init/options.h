/* The command line and its MOCKER_INIT_* environment twins. */
#ifndef MOCKER_INIT_OPTIONS_H
#define MOCKER_INIT_OPTIONS_H

#include "sig.h"

enum restart_policy { RESTART_NO, RESTART_ON_FAILURE, RESTART_ALWAYS };

struct options {
	const char *hostname;        /* -H: set it, in a UTS namespace of our own */
	int no_proc;                 /* --no-proc */
	int pgroup;                  /* -g: signal the payload's process group */
	int pdeathsig;               /* -p: the init's own parent-death signal */
	unsigned long long grace_ms; /* -t: shutdown grace period */
	int exec;                    /* -x: exec the payload, no supervision */
	int warn_reap;               /* -w */
	int restart;                 /* -R: enum restart_policy */
	unsigned long restart_max;   /* -R on-failure:N, 0 = no limit */
	const char *services;        /* --services DIR, or NULL */
	int pause;                   /* -P */
	int env_files;               /* --env-from-files: NAME_FILE gives NAME */
	const char *user;            /* -u USER[:GROUP], or NULL */
	int launcher_signals;        /* --launcher-signals given: */
	ksigset payload_mask;        /* the payload's signal mask */
	ksigset payload_ignored;     /* and the signals it ignores */
	char **argv;                 /* the payload, or NULL */
	unsigned char expect[32];    /* -e: exit codes reported as 0, a bitmap */
	unsigned char rewrite[SIG_MAX + 1]; /* -r: forwarded signal map; 0 drops */
};

/* Prints "WHAT 'ARG'WHY; usage: ..." (ARG may be NULL) and exits
 * EXIT_USAGE. */
__attribute__((noreturn)) void usage_error(const char *what, const char *arg,
                                           const char *why);

/* "no", "always", "on-failure[:N]"; 0, or -1 when it is none of them. */
int restart_parse(const char *s, int *policy, unsigned long *max);

/* Fills o from the environment, then argv (flags win). Prints help or the
 * version and exits 0 when asked; exits EXIT_USAGE on bad input. */
void options_parse(struct options *o, int argc, char **argv);

#endif
