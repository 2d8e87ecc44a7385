/*
 * mocker-init: PID 1 for containers.
 *
 * As PID 1 of a PID namespace it mounts /proc and sets the hostname when
 * nobody did, then runs the payload: reaps every orphan, forwards signals,
 * restarts by policy, and when the payload ends gives every remaining
 * process SIGTERM and a grace period before SIGKILL.
 *
 * Exit status:
 *   N      the payload's exit code (0 for codes given with -e)
 *   128+N  the payload died of signal N
 *   0      services or pause mode stopped on request
 *   N      services: an essential service's status (128+N for signal N)
 *   2      usage: a bad option, argument or variable
 *   125    setup failed before the payload started
 *   126    the command cannot be executed
 *   127    the command was not found
 */
#include <errno.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "commands.h"
#include "defaults.h"
#include "hostname.h"
#include "log.h"
#include "nssetup.h"
#include "options.h"
#include "passwd.h"
#include "sig.h"
#include "spawn.h"
#include "supervise.h"
#include "sys.h"

static struct options opts;
static struct supervisor sup;
static struct creds creds;
static char cwd[4096];

/* What to run: the command, a services directory, or nothing (-P). */
static void
choose_payload(void)
{
	const char *dir = opts.services;

	if (opts.pause) {
		if (opts.argv)
			usage_error("--pause takes no COMMAND", NULL, "");
		return;
	}
	if (opts.argv) {
		const char *base = strrchr(opts.argv[0], '/');
		struct service *v = &sup.svc[0];
		sup.n = 1;
		v->argv = opts.argv;
		v->policy = opts.restart;
		v->restart_max = opts.restart_max;
		base = base && base[1] ? base + 1 : opts.argv[0];
		memcpy(v->name, base, strnlen(base, sizeof v->name - 1));
		return;
	}
	if (opts.exec)
		usage_error("--exec needs a COMMAND", NULL, "");
	if (!dir && access(SERVICES_DIR, F_OK) == 0)
		dir = SERVICES_DIR;
	if (!dir)
		usage_error("no COMMAND given, and no " SERVICES_DIR, NULL, "");
	sup.services_mode = 1;
	if (services_load(&sup, dir) < 0)
		die(EXIT_SETUP, "--services '%s': %m", dir);
	say_info("%d services in %s", sup.n, dir);
}

int
main(int argc, char **argv)
{
	const char *why;
	pid_t parent = getppid();

	/* First of all: from exec on, a signal to PID 1 that is neither blocked
	 * nor caught is dropped by the kernel. They wait here until there is
	 * a payload to forward them to. */
	if (sig_block_all(&spawn_mask) < 0)
		die(EXIT_SETUP, "cannot %s: %m", "block signals");
	spawn_ignored = sig_chld_default() ? KSIG_BIT(SIGCHLD) : 0;
	/* the init's command, only as its first word (a payload named svc
	 * runs with --) */
	if (argc > 1 && strcmp(argv[1], "svc") == 0)
		return svc_main(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "probe") == 0)
		return probe_main(argc - 1, argv + 1);
	options_parse(&opts, argc, argv);
	if (opts.launcher_signals) {
		/* mocker's launcher kept every signal blocked across our exec
		 * (a signal sent meanwhile waits, queued) and says what the
		 * payload is to start with. */
		spawn_mask = opts.payload_mask;
		spawn_ignored = opts.payload_ignored;
		/* run from a sealed copy in memory: "memfd:..." is no name */
		sys_prctl(PR_SET_NAME, (unsigned long)"init");
	}
	sup.o = &opts;
	if (sys_getcwd(cwd, sizeof cwd) > 0 && cwd[0] == '/')
		sup.cwd = cwd;
	choose_payload();

	/* Setup: any failure is fatal, before anything runs. */
	if (opts.pdeathsig) {
		if (sys_prctl(PR_SET_PDEATHSIG, (unsigned long)opts.pdeathsig) < 0)
			die(EXIT_SETUP, "cannot %s: %m", "set the parent-death signal");
		if (getppid() != parent) /* it died before we asked */
			die(EXIT_SETUP, "the parent is gone");
	}
	if (opts.hostname && !hostname_valid(opts.hostname))
		die(EXIT_SETUP, "--hostname '%s': invalid hostname", opts.hostname);
	if (!opts.no_proc && nssetup_proc(&why) < 0)
		die(EXIT_SETUP, "cannot %s: %m", why);
	if (opts.hostname && nssetup_hostname(opts.hostname, &why) < 0)
		die(EXIT_SETUP, "cannot %s: %m", why);
	spawn_env_files = opts.env_files;
	if (opts.user) {
		int pw = creds_open(PASSWD_FILE), gr = creds_open(GROUP_FILE);
		if (creds_lookup(opts.user, pw, gr, &creds, &why) < 0)
			die(EXIT_SETUP, "--user '%s': %s", opts.user, why);
		close(pw);
		close(gr);
		sup.creds = &creds;
	}
	if (opts.exec) {
		struct spawn sp = { .argv = opts.argv, .cwd = sup.cwd, .creds = sup.creds };
		struct spawn_error e;
		spawn_exec(&sp, &e);
		return spawn_report(opts.argv[0], &e);
	}
	/* Orphans of our subtree come to us when we are not PID 1 (tini -s). */
	if (getpid() != 1 && sys_prctl(PR_SET_CHILD_SUBREAPER, 1) < 0)
		die(EXIT_SETUP, "cannot %s: %m", "become a subreaper");
	sup.terminal = !sup.services_mode && !opts.pause && spawn_have_terminal();
	return supervise(&sup);
}
