#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "defaults.h"
#include "fds.h"
#include "log.h"
#include "num.h"
#include "shutdown.h"
#include "sig.h"
#include "spawn.h"
#include "supervise.h"

static struct service *
find(struct supervisor *s, pid_t pid)
{
	int i;

	for (i = 0; i < s->n; i++)
		if (s->svc[i].pid == pid || s->svc[i].finish_pid == pid)
			return &s->svc[i];
	return NULL;
}

/* "exited with status 3" or "was killed by signal TERM", for messages. */
static void
describe(int status, const char **how, const char **what, char *buf)
{
	char num[NUM_BUFSZ];

	if (WIFSIGNALED(status)) {
		*how = "was killed by signal";
		*what = sig_name(WTERMSIG(status), buf);
	} else {
		*how = "exited with status";
		*what = strcpy(buf, fmt_ulong(num, (unsigned long)WEXITSTATUS(status)));
	}
}

/* After the payload or a service ended: start it again later, or not. */
static void
schedule_restart(struct supervisor *s, struct service *v)
{
	int st = v->status, failed = !(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	const char *how, *what;
	char buf[16];
	long long now;

	if (s->stopping || v->policy == RESTART_NO ||
	    (v->policy == RESTART_ON_FAILURE && !failed))
		return;
	describe(st, &how, &what, buf);
	if (v->policy == RESTART_ON_FAILURE && s->o->restart_max &&
	    v->restarts >= s->o->restart_max) {
		say_warn("'%s' %s %s; giving up after %u restarts", v->name, how, what,
		         (unsigned)v->restarts);
		return;
	}
	now = mono_ms();
	if (now - v->started_ms >= BACKOFF_RESET_MS)
		v->delay_ms = BACKOFF_MIN_MS;
	v->restart_at = now + (long long)v->delay_ms;
	v->restarts++;
	say_warn("'%s' %s %s; restart %u in %u ms", v->name, how, what,
	         (unsigned)v->restarts, (unsigned)v->delay_ms);
	v->delay_ms = v->delay_ms * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : v->delay_ms * 2;
}

static void
start(struct supervisor *s, struct service *v)
{
	struct spawn sp = {
		.argv = v->argv,
		.cwd = v->dir[0] ? v->dir : s->cwd,
		.creds = s->creds,
		.terminal = s->terminal && spawn_have_terminal(),
	};
	struct spawn_error e;
	pid_t pid;

	v->restart_at = 0;
	v->started_ms = mono_ms();
	if ((pid = spawn(&sp, &e)) < 0) {
		v->status = spawn_report(v->argv[0], &e) << 8;
		schedule_restart(s, v);
		return;
	}
	v->pid = v->pgrp = pid;
	say_info("started '%s' as pid %d", v->name, (int)pid);
}

/* ./finish EXITCODE SIGNAL in the service's directory, as s6 passes them:
 * the exit code, or 256 when a signal killed it, and that signal or 0. */
static void
start_finish(struct supervisor *s, struct service *v)
{
	char code[NUM_BUFSZ], signo[NUM_BUFSZ];
	char *argv[] = {
		"./finish",
		fmt_ulong(code, WIFSIGNALED(v->status) ? 256 : (unsigned long)WEXITSTATUS(v->status)),
		fmt_ulong(signo, WIFSIGNALED(v->status) ? (unsigned long)WTERMSIG(v->status) : 0),
		NULL,
	};
	struct spawn sp = { .argv = argv, .cwd = v->dir, .creds = s->creds };
	struct spawn_error e;
	pid_t pid = spawn(&sp, &e);

	if (pid < 0) {
		spawn_report("finish", &e);
		schedule_restart(s, v);
		return;
	}
	v->finish_pid = pid;
}

/* The payload stopped. When ^Z at the terminal did that (not a stop we
 * forwarded) and a shell started us, stop ourselves as well: the shell then
 * sees its job stop and takes the terminal back; its SIGCONT wakes us. */
static void
payload_stopped(struct supervisor *s)
{
	if (s->stop_forwarded || !s->terminal || s->services_mode) {
		s->stop_forwarded = 0;
		return;
	}
	/* As PID 1 we cannot stop (the kernel will not let us), and no shell
	 * above us would see it: a terminal stop would leave the terminal
	 * with a stopped job nobody can resume. Resume it. */
	if (getpid() == 1) {
		kill(-s->svc[0].pid, SIGCONT);
		return;
	}
	spawn_reclaim_terminal();
	s->self_stopped = 1;
	kill(getpid(), SIGSTOP);
}

/* Some process of the group pgrp is there (zombies are reaped first). */
static int
group_alive(pid_t pgrp)
{
	return pgrp > 0 && (kill(-pgrp, 0) == 0 || errno == EPERM);
}

static void ended(struct supervisor *s, struct service *v);

static void
reap(struct supervisor *s)
{
	struct service *v;
	int status;
	pid_t pid;

	while ((pid = waitpid(-1, &status, WNOHANG | WUNTRACED)) != 0) {
		if (pid < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (!(v = find(s, pid))) {
			if (s->o->warn_reap && !WIFSTOPPED(status))
				say_warn("reaped process %d, not the payload", (int)pid);
			continue;
		}
		if (WIFSTOPPED(status)) {
			if (pid == v->pid)
				payload_stopped(s);
			continue;
		}
		if (pid == v->finish_pid) {
			v->finish_pid = 0;
			schedule_restart(s, v);
			continue;
		}
		v->pid = 0;
		v->status = status;
		say_info("'%s' (pid %d) ended", v->name, (int)pid);
		if (s->terminal && !s->services_mode)
			spawn_reclaim_terminal();
		if (!s->stopping && (s->services_mode || v->policy != RESTART_NO) &&
		    group_alive(v->pgrp)) {
			/* what it started (nginx's workers) would hold its port
			 * against the next one: the group goes first */
			kill(-v->pgrp, SIGTERM);
			kill(-v->pgrp, SIGCONT);
			v->draining = 1;
			v->kill_at = mono_ms() + (long long)s->o->grace_ms;
			say_info("'%s': the rest of its group is stopped first", v->name);
			continue;
		}
		ended(s, v);
	}
}

/* Its group is gone: ./finish, or the restart. */
static void
ended(struct supervisor *s, struct service *v)
{
	v->draining = 0;
	v->kill_at = 0;
	if (v->has_finish && !s->stopping)
		start_finish(s, v);
	else
		schedule_restart(s, v);
}

/* Groups of services whose main process ended: gone yet, or due for
 * SIGKILL after the grace period. */
static void
drain(struct supervisor *s)
{
	long long now = 0;
	int i;

	for (i = 0; i < s->n; i++) {
		struct service *v = &s->svc[i];
		if (!v->draining)
			continue;
		if (!group_alive(v->pgrp)) {
			ended(s, v);
			continue;
		}
		if (!now)
			now = mono_ms();
		if (v->kill_at && now >= v->kill_at) {
			say_warn("'%s': its group outlived the grace period: killed", v->name);
			kill(-v->pgrp, SIGKILL);
			v->kill_at = 0;
		}
	}
}

static void
forward(struct supervisor *s, int sig)
{
	int to = s->o->rewrite[sig], i;
	char buf[16];

	if (!to) {
		say_debug("dropped signal %s", sig_name(sig, buf));
		return;
	}
	for (i = 0; i < s->n; i++) {
		pid_t pid = s->svc[i].pid;
		if (pid <= 0)
			continue;
		pid = s->o->pgroup ? -pid : pid;
		if (kill(pid, to) < 0) {
			say_debug("cannot forward signal to %d: %m", (int)pid);
			continue;
		}
		say_debug("forwarded signal %s to %d", sig_name(to, buf), (int)pid);
		if (to == SIGTSTP || to == SIGTTIN || to == SIGTTOU || to == SIGSTOP)
			s->stop_forwarded = 1;
	}
}

static void
continued(struct supervisor *s)
{
	pid_t pid = s->svc[0].pid;

	s->stop_forwarded = 0;
	if (!s->self_stopped) {
		forward(s, SIGCONT);
		return;
	}
	/* fg in the shell: the terminal is ours again, hand it on. A bg leaves
	 * it with the shell, and the payload runs in the background. */
	s->self_stopped = 0;
	if (pid > 0) {
		if (spawn_have_terminal())
			tcsetpgrp(0, pid);
		kill(-pid, SIGCONT);
	}
}

/* SIGTERM or SIGINT for the init. Returns 1 when handled here, 0 when it is
 * to be forwarded as any other signal. */
static int
stop_requested(struct supervisor *s)
{
	struct service *v = &s->svc[0];

	if (s->o->pause || s->services_mode) {
		s->stopping = 1;
		return 1;
	}
	if (v->policy == RESTART_NO)
		return 0;
	s->stopping = 1;
	v->restart_at = 0; /* in a backoff wait: done at once */
	return v->pid <= 0;
}

static int
done(struct supervisor *s)
{
	const struct service *v = &s->svc[0];

	if (s->o->pause || s->services_mode)
		return s->stopping;
	return v->pid <= 0 && v->finish_pid <= 0 && v->restart_at == 0 && !v->draining;
}

/* Milliseconds until the next restart is due, -1 for none. The clock is
 * read only when a restart is pending: on the signal path it is not. */
static long long
next_timeout(struct supervisor *s)
{
	long long next = -1, now = 0;
	int i;

	for (i = 0; i < s->n; i++) {
		long long at = s->svc[i].restart_at;
		if (!at && !s->svc[i].draining)
			continue;
		if (!now)
			now = mono_ms();
		if (s->svc[i].draining) {
			/* its group's leftovers need not be our children (no
			 * SIGCHLD): looked at every 50 ms until it is gone */
			at = now + DRAIN_POLL_MS;
			if (s->svc[i].kill_at && s->svc[i].kill_at < at)
				at = s->svc[i].kill_at;
		}
		if (next < 0 || at - now < next)
			next = at - now < 0 ? 0 : at - now;
	}
	return next;
}

static void
start_due(struct supervisor *s)
{
	long long now = 0;
	int i;

	for (i = 0; i < s->n && !s->stopping; i++) {
		if (!s->svc[i].restart_at)
			continue;
		if (!now)
			now = mono_ms();
		if (s->svc[i].restart_at <= now)
			start(s, &s->svc[i]);
	}
}

static int
exit_status(const struct supervisor *s)
{
	int st = s->svc[0].status, code;

	if (s->o->pause || s->services_mode)
		return 0;
	code = WIFSIGNALED(st) ? EXIT_SIGNALED + WTERMSIG(st) : WEXITSTATUS(st);
	if (s->o->expect[code / 8] & (1u << (code % 8)))
		code = 0;
	return code;
}

int
supervise(struct supervisor *s)
{
	struct service *payload = &s->svc[0];
	int i;

	for (i = 0; i < s->n; i++)
		s->svc[i].delay_ms = BACKOFF_MIN_MS;
	if (!s->services_mode && !s->o->pause) {
		struct spawn sp = { .argv = payload->argv, .cwd = s->cwd,
		                    .creds = s->creds, .terminal = s->terminal };
		struct spawn_error e;
		/* A command that cannot run is not retried: the user must fix it. */
		if ((payload->pid = spawn(&sp, &e)) < 0)
			return spawn_report(payload->argv[0], &e);
		payload->pgrp = payload->pid;
		payload->started_ms = mono_ms();
		say_info("started '%s' as pid %d", payload->name, (int)payload->pid);
	} else {
		for (i = 0; i < s->n; i++)
			start(s, &s->svc[i]);
	}

	/*
	 * From now on, we must not die: the payload runs, and only we reap it.
	 * Errors are warnings. Our copies of inherited descriptors go (a pipe
	 * reader sees EOF when the payload closes its end), unless a restart
	 * needs them again; and we leave the directory so we pin no mount.
	 */
	if (!s->services_mode && payload->policy == RESTART_NO)
		fds_close_from(3);
	if (chdir("/") < 0)
		say_warn("cannot change directory to /: %m");

	while (!done(s)) {
		int sig = sig_wait(next_timeout(s));
		if (sig == SIGCHLD) {
			reap(s);
		} else if (sig == SIGCONT) {
			continued(s);
		} else if (sig > 0) {
			if (!((sig == SIGTERM || sig == SIGINT) && stop_requested(s)))
				forward(s, sig);
		}
		/* on a timeout, or when a stream of signals keeps us awake */
		drain(s);
		start_due(s);
	}
	shutdown_rest(s->o->grace_ms, payload->pgrp, s->o->warn_reap);
	return exit_status(s);
}
