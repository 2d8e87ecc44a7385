#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "control.h"
#include "defaults.h"
#include "events.h"
#include "fds.h"
#include "log.h"
#include "logs.h"
#include "notify.h"
#include "num.h"
#include "shutdown.h"
#include "sig.h"
#include "spawn.h"
#include "sys.h"
#include "supervise.h"

static struct service *
find(struct supervisor *s, pid_t pid)
{
	int i;

	for (i = 0; i < s->n; i++)
		if (s->svc[i].pid == pid || s->svc[i].finish_pid == pid ||
		    s->svc[i].check_pid == pid)
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

/* The exit status a wait status stands for: 128+N for signal N. */
static int
exit_code(int st)
{
	return WIFSIGNALED(st) ? EXIT_SIGNALED + WTERMSIG(st) : WEXITSTATUS(st);
}

/* Every service gets its down signal, then SIGKILL after its timeout. */
static void
stop_all(struct supervisor *s)
{
	int i;

	s->stopping = 1;
	notify_stopping();
	for (i = 0; i < s->n; i++) {
		s->svc[i].restart_at = 0;
		s->svc[i].waiting = 0;
		s->svc[i].restart_now = 0;
		if (s->services_mode)
			svc_stop(s, &s->svc[i], s->svc[i].down_signal, 0);
	}
}

/* An essential service ended for good: so does the container, with its
 * status. */
static void
essential_ended(struct supervisor *s, struct service *v)
{
	const char *how, *what;
	char buf[16];

	describe(v->status, &how, &what, buf);
	say_warn("essential service '%s' %s %s: stopping", v->name, how, what);
	s->exit_code = exit_code(v->status);
	stop_all(s);
}

/* After the payload or a service ended: start it again later, or not. */
static void
schedule_restart(struct supervisor *s, struct service *v)
{
	int st = v->status, failed = !(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	const char *how, *what;
	char buf[16];
	long long now;

	if (s->stopping)
		return;
	now = mono_ms();
	if (v->restart_now) { /* svc -r, or failed checks: at once */
		v->restart_now = 0;
		v->restart_at = now;
		v->restarts++;
		return;
	}
	if (v->down)
		return;
	if (v->policy == RESTART_NO || (v->policy == RESTART_ON_FAILURE && !failed)) {
		if (v->essential)
			essential_ended(s, v);
		return;
	}
	describe(st, &how, &what, buf);
	if (v->policy == RESTART_ON_FAILURE && v->restart_max &&
	    v->restarts >= v->restart_max) {
		say_warn("'%s' %s %s; giving up after %u restarts", v->name, how, what,
		         (unsigned)v->restarts);
		if (v->essential)
			essential_ended(s, v);
		return;
	}
	if (now - v->started_ms >= BACKOFF_RESET_MS)
		v->delay_ms = BACKOFF_MIN_MS;
	v->restart_at = now + (long long)v->delay_ms;
	v->restarts++;
	say_warn("'%s' %s %s; restart %u in %u ms", v->name, how, what,
	         (unsigned)v->restarts, (unsigned)v->delay_ms);
	v->delay_ms = v->delay_ms * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : v->delay_ms * 2;
}

/* What a service's processes get: its directory, env/ and user. */
static void
service_spawn(struct supervisor *s, struct service *v, struct spawn *sp)
{
	sp->cwd = v->dir[0] ? v->dir : s->cwd;
	sp->creds = v->has_creds ? &v->creds : s->creds;
	sp->envdir = v->has_env ? "env" : NULL;
	sp->notify = v->notify_env;
}

/* Its group, its main process (which may have left the group) and its
 * ./finish: none of them may hold up a stop. */
static void
signal_service(struct service *v, int sig)
{
	if (v->pgrp > 0)
		kill(-v->pgrp, sig);
	if (v->pid > 0)
		kill(v->pid, sig);
	if (v->finish_pid > 0)
		kill(-v->finish_pid, sig);
}

/* Every service v needs is ready. */
static int
needs_ready(struct supervisor *s, struct service *v)
{
	int i;

	for (i = 0; i < s->n; i++)
		if ((v->needs & (1UL << i)) && !s->svc[i].ready)
			return 0;
	return 1;
}

static void
start(struct supervisor *s, struct service *v)
{
	struct spawn sp = {
		.argv = v->argv,
		.terminal = s->terminal && spawn_have_terminal(),
	};
	struct spawn_error e;
	int nfd[2] = { -1, -1 };
	pid_t pid;

	v->restart_at = 0;
	v->waiting = 0;
	if (s->stopping)
		return;
	if (!needs_ready(s, v)) {
		v->waiting = 1;
		return;
	}
	service_spawn(s, v, &sp);
	logs_open(v, &sp);
	if (v->notification_fd > 0) { /* 3 to 63; 0 or -1: none */
		if (sys_pipe2(nfd, O_CLOEXEC | O_NONBLOCK) == 0) {
			nfd[0] = fd_own(nfd[0]);
			nfd[1] = fd_own(nfd[1]);
		}
		sp.fd_from[0] = nfd[1];
		sp.fd_to[0] = v->notification_fd;
	}
	v->started_ms = mono_ms();
	pid = spawn(&sp, &e);
	if (nfd[1] >= 0)
		close(nfd[1]);
	if (pid < 0) {
		if (nfd[0] >= 0)
			close(nfd[0]);
		v->status = spawn_report(v->argv[0], &e) << 8;
		v->ran = 1;
		schedule_restart(s, v);
		return;
	}
	v->pid = v->pgrp = pid;
	v->ready_fd = nfd[0];
	v->check_at = v->check_ms ? v->started_ms + (long long)v->check_ms : 0;
	v->check_fails = 0;
	say_info("started '%s' as pid %d", v->name, (int)pid);
	if (v->notification_fd <= 0 && v->notify_fd <= 0) /* no notify socket: ready now */
		svc_ready(s, v);
}

/* Services waiting for others, whose others are now ready. */
static void
start_waiting(struct supervisor *s)
{
	int i;

	for (i = 0; i < s->n && !s->stopping; i++)
		if (s->svc[i].waiting && needs_ready(s, &s->svc[i]))
			start(s, &s->svc[i]);
}

void
svc_ready(struct supervisor *s, struct service *v)
{
	if (v->ready || v->pid <= 0)
		return;
	v->ready = 1;
	say_info("'%s' is ready", v->name);
	start_waiting(s);
	notify_ready(s);
}

void
svc_up(struct supervisor *s, struct service *v)
{
	v->down = 0;
	v->delay_ms = BACKOFF_MIN_MS;
	if (v->pid <= 0 && v->finish_pid <= 0 && !v->draining && !s->stopping)
		start(s, v);
}

/* Its group gets sig now and SIGKILL after its timeout; restart: started
 * again at once when it is gone, else left down. */
void
svc_stop(struct supervisor *s, struct service *v, int sig, int restart)
{
	v->restart_at = 0;
	v->waiting = 0;
	if (!s->stopping) {
		v->restart_now = restart;
		v->down = !restart;
	}
	if (v->pid <= 0 && !v->draining && v->finish_pid <= 0) {
		if (v->restart_now) {
			v->restart_now = 0;
			start(s, v);
		}
		return;
	}
	signal_service(v, sig);
	signal_service(v, SIGCONT);
	if (!v->kill_at)
		v->kill_at = mono_ms() + (long long)v->kill_ms;
}

/* A service's check: /bin/sh -c CMD in its directory, as it is run. */
static void
start_check(struct supervisor *s, struct service *v)
{
	char *argv[] = { "/bin/sh", "-c", v->check_cmd, NULL };
	struct spawn sp = { .argv = argv };
	struct spawn_error e;

	v->check_at = mono_ms() + (long long)v->check_ms;
	if (v->check_pid > 0) { /* the last one outlived its interval */
		kill(-v->check_pid, SIGKILL);
		return;
	}
	service_spawn(s, v, &sp);
	if ((v->check_pid = spawn(&sp, &e)) < 0) {
		v->check_pid = 0;
		spawn_report("check", &e);
	}
}

static void
check_ended(struct supervisor *s, struct service *v, int status)
{
	v->check_pid = 0;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		v->check_fails = 0;
		return;
	}
	if (++v->check_fails < CHECK_FAILS_MAX || v->pid <= 0)
		return;
	say_warn("'%s': its check failed 3 times: restarting", v->name);
	v->check_fails = 0;
	svc_stop(s, v, v->down_signal, 1);
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
	struct spawn sp = { .argv = argv };
	struct spawn_error e;
	pid_t pid;

	service_spawn(s, v, &sp);
	pid = spawn(&sp, &e);

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
				say_warn("Reaped zombie process with pid=%d", (int)pid);
			continue;
		}
		if (WIFSTOPPED(status)) {
			if (pid == v->pid)
				payload_stopped(s);
			continue;
		}
		if (pid == v->check_pid) {
			check_ended(s, v, status);
			continue;
		}
		if (pid == v->finish_pid) {
			v->finish_pid = 0;
			schedule_restart(s, v);
			continue;
		}
		v->pid = 0;
		v->status = status;
		v->ran = 1;
		v->ready = 0;
		if (v->ready_fd > 0) {
			close(v->ready_fd);
			v->ready_fd = 0;
		}
		say_info("'%s' (pid %d) ended", v->name, (int)pid);
		if (s->terminal && !s->services_mode)
			spawn_reclaim_terminal();
		if ((s->services_mode || (!s->stopping && v->policy != RESTART_NO)) &&
		    group_alive(v->pgrp)) {
			/* what it started (nginx's workers) would hold its port
			 * against the next one: the group goes first */
			if (!v->kill_at) {
				kill(-v->pgrp, s->services_mode ? v->down_signal : SIGTERM);
				kill(-v->pgrp, SIGCONT);
				v->kill_at = mono_ms() + (long long)(s->services_mode ? v->kill_ms : s->o->grace_ms);
			}
			v->draining = 1;
			say_info("'%s': its group is stopped first", v->name);
			continue;
		}
		ended(s, v);
	}
	notify_ready(s); /* one that ended for good counts as ready */
}

/* Its group is gone: ./finish, or the restart. */
static void
ended(struct supervisor *s, struct service *v)
{
	v->draining = 0;
	v->kill_at = 0;
	logs_drain(s, (int)(v - s->svc)); /* its last words, a line of their own */
	if (v->has_finish && !s->stopping)
		start_finish(s, v);
	else
		schedule_restart(s, v);
}

/* Services being stopped, or whose main process ended: gone yet, or due
 * for SIGKILL after their timeout. And their checks, when due. */
static void
drain(struct supervisor *s)
{
	long long now = 0;
	int i;

	for (i = 0; i < s->n; i++) {
		struct service *v = &s->svc[i];
		if (!v->draining && !v->kill_at && !v->check_at)
			continue;
		if (!now)
			now = mono_ms();
		if (v->draining && !group_alive(v->pgrp)) {
			ended(s, v);
			continue;
		}
		if (v->kill_at && now >= v->kill_at) {
			say_warn("'%s': killed after its stop timeout", v->name);
			signal_service(v, SIGKILL);
			v->kill_at = 0;
		}
		if (v->check_at && v->pid > 0 && !v->kill_at && now >= v->check_at)
			start_check(s, v);
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
		stop_all(s);
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
	int i;

	if (s->o->pause)
		return s->stopping;
	if (s->services_mode && !s->stopping)
		return 0;
	for (i = 0; i < s->n; i++) {
		const struct service *v = &s->svc[i];
		if (v->pid > 0 || v->finish_pid > 0 || v->draining ||
		    (!s->services_mode && v->restart_at))
			return 0;
	}
	return 1;
}

/* Milliseconds until something is due (a restart, a stop timeout, a
 * check), -1 for nothing: idle, the init sleeps until a signal or a
 * request. A group being drained need not be our children (no SIGCHLD):
 * it is looked at every DRAIN_POLL_MS until it is gone. */
static long long
next_timeout(struct supervisor *s)
{
	long long next = -1, now = 0, at;
	int i, k;

	for (i = 0; i < s->n; i++) {
		const struct service *v = &s->svc[i];
		for (k = 0; k < 4; k++) {
			at = k == 0 ? v->restart_at : k == 1 ? v->kill_at :
			     k == 2 ? (v->pid > 0 && !v->kill_at ? v->check_at : 0) : v->draining;
			if (!at)
				continue;
			/* only now: on the signal path the clock is not read */
			if (!now)
				now = mono_ms();
			if (k == 3)
				at = now + DRAIN_POLL_MS;
			if (at && (next < 0 || at - now < next))
				next = at - now < 0 ? 0 : at - now;
		}
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
	int code;

	if (s->o->pause || s->services_mode)
		return s->exit_code > 0 ? s->exit_code : 0;
	code = exit_code(s->svc[0].status);
	if (s->o->expect[code / 8] & (1u << (code % 8)))
		code = 0;
	return code;
}

int
supervise(struct supervisor *s)
{
	struct service *payload = &s->svc[0];
	int i, code, keep;

	for (i = 0; i < s->n; i++)
		s->svc[i].delay_ms = BACKOFF_MIN_MS;
	if (s->services_mode)
		control_open();
	keep = notify_open(s);
	if (!s->services_mode && !s->o->pause) {
		struct spawn sp = { .argv = payload->argv, .cwd = s->cwd, .creds = s->creds,
		                    .terminal = s->terminal, .notify = payload->notify_env };
		struct spawn_error e;
		/* A command that cannot run is not retried: the user must fix it. */
		if ((payload->pid = spawn(&sp, &e)) < 0)
			return spawn_report(payload->argv[0], &e);
		payload->pgrp = payload->pid;
		payload->started_ms = mono_ms();
		say_info("started '%s' as pid %d", payload->name, (int)payload->pid);
	} else {
		for (i = 0; i < s->n; i++)
			if (!s->svc[i].down)
				start(s, &s->svc[i]);
	}

	/*
	 * From now on, we must not die: the payload runs, and only we reap it.
	 * Errors are warnings. Our copies of inherited descriptors go (a pipe
	 * reader sees EOF when the payload closes its end), unless a restart
	 * needs them again; and we leave the directory so we pin no mount.
	 */
	if (!s->services_mode && payload->policy == RESTART_NO)
		fds_close_from(3, keep);
	if (chdir("/") < 0)
		say_warn("cannot change directory to /: %m");

	while (!done(s)) {
		int sig = events_wait(s, next_timeout(s));
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
	code = exit_status(s);
	notify_stopping();
	shutdown_rest(s->o->grace_ms, payload->pgrp, s->o->warn_reap);
	logs_flush(s);
	control_close();
	notify_close(s);
	return code;
}
